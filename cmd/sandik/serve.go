package main

import (
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
)

func cmdServe(e *cli.Env, args []string) error {
	fs := e.Flags("serve", "serve [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	sf.RegisterLedger(fs)
	sf.Serve = true
	fs.StringVar(&sf.Unverified, "serve-unverified-log", "", "serve even if the ledger does not verify at start, for this reason (logged with the fault)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&sf.Rules, "deadline-rules", "", "JSON file of objection deadline rules (docs/itiraz.md); Law 298's by default")
	fs.IntVar(&sf.BlindMin, "blind-min-boxes", sandik.DefaultBlindMinBoxes, "least boxes of an area whose verified totals observers and volunteers may read")
	var srv cli.ServeFlags
	srv.Register(fs)
	var ff followFlags
	ff.register(fs, "follow", "follow-")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	cfg, err := srv.Config()
	if err != nil {
		return err
	}
	log, err := sf.Logger(e.Stderr)
	if err != nil {
		return err
	}
	unbound, err := srv.BoundMemory(log)
	if err != nil {
		return err
	}
	defer unbound()
	app, err := cli.OpenApp(e.Ctx, &sf, log)
	if err != nil {
		return err
	}
	defer app.Close()
	cli.RaiseOpenFiles(log, srv.MaxConns)
	if err := startFollowing(e.Ctx, &ff, app.Center, log, e.Getenv); err != nil {
		return err
	}
	opts := cli.ServeOptions{Web: cfg, TLSCert: srv.TLSCert, TLSKey: srv.TLSKey, MaxConns: srv.MaxConns, PprofAddr: srv.PprofAddr}
	return cli.ServeWith(e.Ctx, log, app.Center, *addr, opts, func(url string) {
		fmt.Fprintf(e.Stdout, "Sandık is serving %s (database %s)\n", url, cli.DisplayDB(sf.DB))
	})
}
