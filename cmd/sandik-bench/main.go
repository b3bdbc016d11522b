// Command sandik-bench measures Sandık and photographs its pages: the
// benchmarks of BENCHMARKS.md and the screenshots of the README. It is
// apart from the sandik command so that the server binary carries no load
// generator and no browser driver.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/sandik-dev/sandik/cmd/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// A second signal kills the process the default way.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

func commands() map[string]cli.Command {
	return map[string]cli.Command{
		"tally":       {Summary: "box changes per second applied to the tally tree, on one goroutine", Run: benchTally},
		"submit":      {Summary: "durable submissions per second over HTTP on loopback", Run: benchSubmit},
		"rebuild":     {Summary: "start-up rebuild of about 2,000,000 submissions", Run: benchRebuild},
		"import":      {Summary: "rows per second and peak memory of a national YSK table import", Run: benchImport},
		"sse":         {Summary: "delay from a submission to the live pages' event, many clients", Run: benchSSE},
		"readers":     {Summary: "the public reading snapshots through nginx's cache: share reaching the server, age of the figures", Run: benchReaders},
		"screenshots": {Summary: "photograph the dashboard's pages over a demo night with headless Chromium", Run: cmdScreenshots},
		"audit":       {Summary: "Lighthouse (mobile) and axe-core over every page of a demo night in Chromium", Run: cmdAudit},
	}
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &cli.Env{Prog: "sandik-bench", Ctx: ctx, Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv}
	return e.Run("Sandık's benchmarks and screenshots (not part of the server)", commands(), args)
}
