package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/store/postgres"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/web"
	"github.com/sandik-dev/sandik/web/limits"
)

func cmdServe(e *env, args []string) error {
	fs := newFlags(e, "serve", "serve [flags]")
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&sf.rules, "deadline-rules", "", "JSON file of objection deadline rules (docs/itiraz.md); Law 298's by default")
	var srv serveFlags
	srv.register(fs)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	cfg, err := srv.config()
	if err != nil {
		return err
	}
	log, err := sf.logger(e.stderr)
	if err != nil {
		return err
	}
	app, err := openApp(e.ctx, &sf, log)
	if err != nil {
		return err
	}
	defer app.close()
	raiseOpenFiles(log, srv.maxConns)
	opts := serveOptions{web: cfg, tlsCert: srv.tlsCert, tlsKey: srv.tlsKey, maxConns: srv.maxConns}
	return serveWith(e.ctx, log, app.center, *addr, opts, func(url string) {
		fmt.Fprintf(e.stdout, "Sandık is serving %s (database %s)\n", url, displayDB(sf.db))
	})
}

// raiseOpenFiles lifts the open-files limit as far as it goes: every
// connection and live stream holds a file descriptor.
func raiseOpenFiles(log *slog.Logger, maxConns int) {
	soft, hard, err := limits.RaiseOpenFiles()
	if err != nil {
		log.Warn("could not raise the open-files limit", "soft", soft, "hard", hard, "err", err)
		return
	}
	log.Info("open-files limit", "soft", soft, "hard", hard)
	if maxConns > 0 && soft < uint64(maxConns)+256 {
		log.Warn("the open-files limit is below -max-conns; connections past it will fail to be accepted", "limit", soft, "max_conns", maxConns)
	}
}

// serveOptions are how serveWith listens and what web server it builds.
type serveOptions struct {
	web             web.Config
	tlsCert, tlsKey string // HTTPS when set
	maxConns        int    // connections at once; 0 is no cap
}

// app is an open store with the centre running on it.
type app struct {
	store  sandik.Store
	center *center.Center
}

func openApp(ctx context.Context, sf *storeFlags, log *slog.Logger) (*app, error) {
	rules, err := readDeadlineRules(sf.rules)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, sf.db, sf.unsafe, log)
	if err != nil {
		return nil, err
	}
	c, err := center.Open(ctx, center.Config{Store: st, Logger: log, DeadlineRules: rules})
	if err != nil {
		st.Close()
		return nil, err
	}
	return &app{store: st, center: c}, nil
}

// withApp opens the database of sf, logging by its flags, runs fn on it
// and closes it again.
func withApp(e *env, sf *storeFlags, fn func(a *app) error) error {
	log, err := sf.logger(e.stderr)
	if err != nil {
		return err
	}
	a, err := openApp(e.ctx, sf, log)
	if err != nil {
		return err
	}
	defer a.close()
	return fn(a)
}

// openStore opens the database db names: a postgres:// or postgresql://
// URL is a PostgreSQL database that several instances may share; anything
// else is the path of an SQLite file, the default.
func openStore(ctx context.Context, db string, unsafe bool, log *slog.Logger) (sandik.Store, error) {
	var (
		st  sandik.Store
		err error
	)
	if postgres.IsURL(db) {
		st, err = postgres.Open(ctx, postgres.Options{URL: db, Logger: log, Unsafe: unsafe})
	} else {
		st, err = sqlite.Open(ctx, sqlite.Options{Path: db, Logger: log, Unsafe: unsafe})
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", displayDB(db), err)
	}
	return st, nil
}

// displayDB is db as it may be shown and logged: a URL loses its password.
func displayDB(db string) string {
	if !postgres.IsURL(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "(a PostgreSQL URL that cannot be parsed)"
	}
	return u.Redacted()
}

func (a *app) close() {
	a.center.Close()
	a.store.Close()
}

// serveHTTP serves until ctx ends, then shuts down cleanly: it stops
// accepting, lets requests in flight finish (their submissions are
// committed before they are answered) and returns.
func serveHTTP(ctx context.Context, log *slog.Logger, c *center.Center, addr string, ready func(url string)) error {
	return serveWith(ctx, log, c, addr, serveOptions{}, ready)
}

// serveWith is serveHTTP with the options of `sandik serve`.
func serveWith(ctx context.Context, log *slog.Logger, c *center.Center, addr string, opts serveOptions, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	ln = limits.Listener(ln, opts.maxConns)
	cfg := opts.web
	cfg.Center, cfg.Logger = c, log
	srv := web.New(cfg).HTTPServer(addr)
	errc := make(chan error, 1)
	scheme := "http://"
	if opts.tlsCert != "" {
		scheme = "https://"
		go func() { errc <- srv.ServeTLS(ln, opts.tlsCert, opts.tlsKey) }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	ready(scheme + ln.Addr().String())
	log.Info("serving", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// readDeadlineRules reads a JSON array of objection deadline rules; an
// empty path means the defaults (nil).
func readDeadlineRules(path string) ([]itiraz.Rule, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-deadline-rules: %w", err)
	}
	var rules []itiraz.Rule
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rules); err != nil {
		return nil, fmt.Errorf("-deadline-rules %s: %w", path, err)
	}
	if len(rules) == 0 {
		return nil, fmt.Errorf("-deadline-rules %s: no rules", path)
	}
	if err := itiraz.CheckRules(rules); err != nil {
		return nil, fmt.Errorf("-deadline-rules %s: %w", path, err)
	}
	return rules, nil
}
