package main

import (
	"fmt"

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
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	log, err := sf.Logger(e.Stderr)
	if err != nil {
		return err
	}
	app, err := cli.OpenApp(e.Ctx, &sf, log)
	if err != nil {
		return err
	}
	defer app.Close()
	return cli.Serve(e.Ctx, log, app.Center, *addr, func(url string) {
		fmt.Fprintf(e.Stdout, "Sandık is serving %s (database %s)\n", url, cli.DisplayDB(sf.DB))
	})
}
