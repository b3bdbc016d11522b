package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/web"
)

func cmdServe(e *env, args []string) error {
	fs := newFlags(e, "serve", "serve [flags]")
	var sf storeFlags
	sf.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := parse(e, fs, args); err != nil {
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
	return serveHTTP(e.ctx, log, app.center, *addr, func(url string) {
		fmt.Fprintf(e.stdout, "Sandık is serving %s (database %s)\n", url, sf.db)
	})
}

// app is an open store with the centre running on it.
type app struct {
	store  *sqlite.Store
	center *center.Center
}

func openApp(ctx context.Context, sf *storeFlags, log *slog.Logger) (*app, error) {
	st, err := sqlite.Open(ctx, sqlite.Options{Path: sf.db, Logger: log, Unsafe: sf.unsafe})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", sf.db, err)
	}
	c, err := center.Open(ctx, center.Config{Store: st, Logger: log})
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

func (a *app) close() {
	a.center.Close()
	a.store.Close()
}

// serveHTTP serves until ctx ends, then shuts down cleanly: it stops
// accepting, lets requests in flight finish (their submissions are
// committed before they are answered) and returns.
func serveHTTP(ctx context.Context, log *slog.Logger, c *center.Center, addr string, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := web.New(web.Config{Center: c, Logger: log}).HTTPServer(addr)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready("http://" + ln.Addr().String())
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
