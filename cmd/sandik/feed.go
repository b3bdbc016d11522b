package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/feed"
	"github.com/sandik-dev/sandik/web/feedhttp"
)

func sandikElection(s string) sandik.ElectionCode { return sandik.ElectionCode(s) }

// cmdFeed is `sandik feed serve SCRIPT`: a fake official feed serving a
// scripted night, for rehearsals and tests.
func cmdFeed(e *cli.Env, args []string) error {
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprintln(e.Stderr, "Usage: sandik feed serve [flags] SCRIPT")
		return cli.ErrUsage
	}
	fs := e.Flags("feed serve", "feed serve [flags] SCRIPT")
	addr := fs.String("addr", "127.0.0.1:8090", "address to listen on")
	speed := fs.Float64("speed", 1, "how many times faster than the script's clock the night runs (60: an hour a minute)")
	if err := e.Parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || *speed <= 0 {
		fs.Usage()
		return cli.ErrUsage
	}
	b, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	s, err := feed.ParseScript(b)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	start := time.Now()
	f, err := feed.NewFake(s, start)
	if err != nil {
		return err
	}
	f.Now = func() time.Time { return start.Add(time.Duration(float64(time.Since(start)) * *speed)) }
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: feedhttp.Fake(f), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-e.Ctx.Done()
		srv.Close()
	}()
	fmt.Fprintf(e.Stdout, "fake feed of %d steps serving http://%s/\n", f.Steps(), ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
