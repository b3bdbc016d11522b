package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web"
	"github.com/sandik-dev/sandik/web/limits"
)

// Serve serves until ctx ends, then shuts down cleanly: it stops
// accepting, lets requests in flight finish (their submissions are
// committed before they are answered) and returns.
func Serve(ctx context.Context, log *slog.Logger, c *center.Center, addr string, ready func(url string)) error {
	return ServeWith(ctx, log, c, addr, ServeOptions{}, ready)
}

// ServeOptions are how ServeWith listens and what web server it builds.
type ServeOptions struct {
	Web             web.Config
	TLSCert, TLSKey string // HTTPS when set
	MaxConns        int    // connections at once; 0 is no cap
	PprofAddr       string // loopback address of the runtime's profiles; none when empty
}

// ServeWith is Serve with the options of `sandik serve`.
func ServeWith(ctx context.Context, log *slog.Logger, c *center.Center, addr string, opts ServeOptions, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	ln = limits.Listener(ln, opts.MaxConns)
	if opts.PprofAddr != "" {
		if err := servePprof(ctx, log, opts.PprofAddr); err != nil {
			ln.Close()
			return err
		}
	}
	cfg := opts.Web
	cfg.Center, cfg.Logger = c, log
	srv := web.New(cfg).HTTPServer(addr)
	errc := make(chan error, 1)
	scheme := "http://"
	if opts.TLSCert != "" {
		scheme = "https://"
		go func() { errc <- srv.ServeTLS(ln, opts.TLSCert, opts.TLSKey) }()
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
