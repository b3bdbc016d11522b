package web

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
)

// apiFunc is a handler that returns its error instead of writing it.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

// userFunc is a handler for an authenticated user.
type userFunc func(w http.ResponseWriter, r *http.Request, u sandik.User) error

// handle registers h for pattern with everything every route gets: the
// security headers, panic recovery, the error writer, metrics by route
// pattern and status, and one log line. The metrics of the expected
// statuses are resolved here, once.
func (s *Server) handle(pattern string, h apiFunc, statuses ...int) {
	route := s.metrics.route(pattern, statuses...)
	s.patterns = append(s.patterns, pattern)
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		setSecurityHeaders(w.Header())
		s.metrics.inFlight.Inc()
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "method", r.Method, "route", route.label, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.writeError(sw, r, fmt.Errorf("panic: %v", v))
				}
			}
			d := time.Since(start)
			s.metrics.inFlight.Dec()
			route.observe(sw.status, d)
			s.logRequest(r, route.label, sw, d)
		}()
		if err := h(sw, r); err != nil {
			s.writeError(sw, r, err)
		}
	})
}

// logRequest writes one line per request: never a header's value, so no
// token reaches the log.
func (s *Server) logRequest(r *http.Request, route string, sw *statusWriter, d time.Duration) {
	level := slog.LevelInfo
	if sw.status >= 500 {
		level = slog.LevelWarn
	}
	ctx := r.Context()
	if !s.log.Enabled(ctx, level) {
		return
	}
	s.log.LogAttrs(ctx, level, "http",
		slog.String("method", r.Method),
		slog.String("route", route),
		slog.String("path", r.URL.Path),
		slog.Int("status", sw.status),
		slog.Int64("bytes", sw.bytes),
		slog.Duration("took", d),
		slog.String("user", string(sw.user)),
	)
}

// user wraps h so that it runs only with a valid bearer token.
func (s *Server) user(h userFunc) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			return sandik.Errorf(sandik.EUnauthorized, "an API token is required: send Authorization: Bearer <token>")
		}
		u, err := s.c.Authenticate(r.Context(), token)
		if err != nil {
			return err
		}
		if sw, ok := w.(*statusWriter); ok {
			sw.user = u.ID
		}
		return h(w, r, u)
	}
}

// write wraps h so that at most MaxInFlightWrites run at once; beyond
// that the answer is a fast 503 rather than an unbounded queue. It runs
// after authentication, so that anonymous requests cannot take the slots.
func (s *Server) write(h userFunc) userFunc {
	if s.writes == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		select {
		case s.writes <- struct{}{}:
			defer func() { <-s.writes }()
			return h(w, r, u)
		default:
			return sandik.Errorf(sandik.EUnavailable, "the server is busy; retry shortly with the same submission id")
		}
	}
}

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(h string) (string, bool) {
	const prefix = "Bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return "", false
	}
	token := strings.TrimSpace(h[len(prefix):])
	return token, token != ""
}

// tokenEqual compares tokens in constant time.
func tokenEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// Security headers of every response: the API serves JSON only, never to
// be sniffed, framed or cached by a shared cache.
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

// notFound answers every path no route matches, in JSON like the rest: 405
// with Allow when the path exists for another method, else 404.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		if allow[0] == http.MethodGet {
			allow = append(allow, http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return sandik.Errorf(eMethodNotAllowed, "%s is not allowed here; use %s", r.Method, strings.Join(allow, " or "))
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

// serveMetrics serves Prometheus metrics, behind MetricsToken when set.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.MetricsToken != "" {
		token, ok := bearer(r.Header.Get("Authorization"))
		if !ok || !tokenEqual(token, s.cfg.MetricsToken) {
			return sandik.Errorf(sandik.EUnauthorized, "the metrics token is required")
		}
	}
	s.metrics.handler.ServeHTTP(w, r)
	return nil
}
