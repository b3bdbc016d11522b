// Package handler is the base the API (web/api) and the pages (web/pages)
// both stand on: one mux whose every route gets the same security
// headers, panic recovery, metrics by route pattern and status and one
// log line; handlers that return an error, which one function (StatusFor)
// turns into a status; the bearer-token check and the bounded write slots
// both rooms share; and the helpers that read a request and write an
// answer. It decides nothing about who may do what: the Center does.
package handler

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"runtime/trace"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
)

// Config holds what a Base needs.
type Config struct {
	Logger *slog.Logger
	// Authenticate returns the user holding an API token
	// (center.Center.Authenticate); routes wrapped in User need it.
	Authenticate func(ctx context.Context, token string) (sandik.User, error)
	// Seq is the log position the live totals reflect, for the metrics
	// (center.Center.Seq).
	Seq func() int64
	// MaxInFlightWrites caps the write requests served at once, API and
	// pages together; zero or less means no cap.
	MaxInFlightWrites int
	// WriteWork bounds the writes decoding their body or making their
	// answer at once (Base.Work); the wait for the store's commit is
	// outside it. Zero or less: no bound.
	WriteWork int
	// WriteTime is the shortest time the store recently took to append
	// sheets (center.Center.WriteTime), and MaxWriteWait the longest that
	// may be: past it, writes are refused at once with 503 and
	// Retry-After until an append is fast again or none is left. Zero
	// MaxWriteWait or a nil WriteTime refuses nothing.
	WriteTime    func() (time.Duration, bool)
	MaxWriteWait time.Duration
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken string
	// Limits bound what one user, session or address can hold or do; the
	// zero value limits nothing.
	Limits Limits
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; from anyone else they are ignored.
	TrustedProxies []netip.Prefix
}

// Base is the shared mux with what every route gets.
type Base struct {
	cfg      Config
	log      *slog.Logger
	mux      *http.ServeMux
	metrics  *metrics
	writes   chan struct{} // write slots; nil means no cap
	work     chan struct{} // Work's slots; nil means no bound
	guards   guards
	patterns []string // registered patterns, for tests and docs
	// session and sessionCheck authenticate the API by a page session
	// (SessionUser); nil for bearer tokens only.
	session      func(r *http.Request) (sandik.User, bool)
	sessionCheck func(r *http.Request) error
}

// Func is a handler that returns its error instead of writing it.
type Func func(w http.ResponseWriter, r *http.Request) error

// UserFunc is a handler for an authenticated user.
type UserFunc func(w http.ResponseWriter, r *http.Request, u sandik.User) error

// New builds a Base with no routes.
func New(cfg Config) *Base {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Seq == nil {
		cfg.Seq = func() int64 { return 0 }
	}
	b := &Base{cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), metrics: newMetrics(cfg.Seq), guards: newGuards(cfg.Limits)}
	if cfg.MaxInFlightWrites > 0 {
		b.writes = make(chan struct{}, cfg.MaxInFlightWrites)
	}
	if cfg.WriteWork > 0 {
		b.work = make(chan struct{}, cfg.WriteWork)
	}
	b.metrics.watchLoad(b)
	return b
}

// Handler returns the handler of every route.
func (b *Base) Handler() http.Handler { return b.mux }

// Patterns returns the registered patterns in the order they were added.
func (b *Base) Patterns() []string { return b.patterns }

// Log returns the logger of the routes.
func (b *Base) Log() *slog.Logger { return b.log }

// Handle registers h for pattern with everything every route gets: the
// security headers, panic recovery, the error writer, compression
// (gzip.go), metrics by route pattern and status, and one log line. The
// metrics of the expected statuses are resolved here, once.
func (b *Base) Handle(pattern string, h Func, statuses ...int) {
	route := b.metrics.route(pattern, statuses...)
	b.patterns = append(b.patterns, pattern)
	b.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// A region per request, named by its route, in execution traces
		// (serve -pprof-addr, /debug/pprof/trace): what a slow answer
		// waited on is then read per route. Nothing is done while no
		// trace runs.
		region := trace.StartRegion(r.Context(), route.label)
		gz := newGzipWriter(w, r)
		sw := &statusWriter{ResponseWriter: gz}
		setSecurityHeaders(w.Header())
		if b.Secure(r) {
			w.Header()["Strict-Transport-Security"] = hsts
		}
		b.metrics.inFlight.Inc()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				b.log.Error("panic serving request", "method", r.Method, "route", route.label, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					b.WriteError(sw, r, fmt.Errorf("panic: %v", v))
				}
			}
			gz.close()
			d := time.Since(start)
			b.metrics.inFlight.Dec()
			route.observe(sw.status, d)
			region.End()
			b.logRequest(r, route.label, sw, d)
		}()
		if err := h(sw, r); err != nil {
			b.WriteError(sw, r, err)
		}
	})
}

// logRequest writes one line per request: never a header's value, so no
// token reaches the log.
func (b *Base) logRequest(r *http.Request, route string, sw *statusWriter, d time.Duration) {
	level := slog.LevelInfo
	if sw.status >= 500 {
		level = slog.LevelWarn
	}
	ctx := r.Context()
	if !b.log.Enabled(ctx, level) {
		return
	}
	b.log.LogAttrs(ctx, level, "http",
		slog.String("method", r.Method),
		slog.String("route", route),
		slog.String("path", r.URL.Path),
		slog.Int("status", sw.status),
		slog.Int64("bytes", sw.bytes),
		slog.Duration("took", d),
		slog.String("user", string(sw.user)),
		slog.String("client", b.ClientAddr(r).String()),
	)
}

// Security headers of every response: the API serves JSON only, never to
// be sniffed, framed or cached by a shared cache; pages loosen the policy
// for their own assets.
var securityHeaders = [...]struct {
	name  string
	value []string
}{
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Content-Security-Policy", []string{"default-src 'none'; frame-ancestors 'none'"}},
	{"Referrer-Policy", []string{"no-referrer"}},
	{"Cross-Origin-Resource-Policy", []string{"same-origin"}},
	{"Cache-Control", []string{"no-store"}},
}

func setSecurityHeaders(h http.Header) {
	for _, sh := range securityHeaders {
		h[sh.name] = sh.value
	}
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	user   sandik.UserID
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flushing and
// deadlines for streams).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// SetUser names the user a request is served for in its log line; the
// pages call it once they know the session's user.
func SetUser(w http.ResponseWriter, id sandik.UserID) {
	if sw, ok := w.(*statusWriter); ok {
		sw.user = id
	}
}

// NotFound answers every path no route matches, in JSON like the rest: 405
// with Allow when the path exists for another method, else 404.
func (b *Base) NotFound(w http.ResponseWriter, r *http.Request) error {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := b.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		if allow[0] == http.MethodGet {
			allow = append(allow, http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return sandik.Errorf(EMethodNotAllowed, "%s is not allowed here; use %s", r.Method, strings.Join(allow, " or "))
	}
	return sandik.Errorf(sandik.ENotFound, "no such resource: %s", r.URL.Path)
}

// routeOf names the route of a request for logs.
func routeOf(r *http.Request) string {
	if r.Pattern == "" || r.Pattern == "/" {
		return "unmatched"
	}
	return r.Pattern
}
