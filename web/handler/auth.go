package handler

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/sandik-dev/sandik"
)

// User wraps h so that it runs only with a valid bearer token.
func (b *Base) User(h UserFunc) Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		token, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			return sandik.Errorf(sandik.EUnauthorized, "an API token is required: send Authorization: Bearer <token>")
		}
		u, err := b.cfg.Authenticate(r.Context(), token)
		if err != nil {
			return err
		}
		SetUser(w, u.ID)
		return h(w, r, u)
	}
}

// Write wraps h so that at most MaxInFlightWrites run at once; beyond
// that the answer is a fast 503 rather than an unbounded queue. It runs
// after authentication, so that anonymous requests cannot take the slots.
func (b *Base) Write(h UserFunc) UserFunc {
	if b.writes == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		select {
		case b.writes <- struct{}{}:
			defer func() { <-b.writes }()
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

// ServeMetrics serves Prometheus metrics, behind MetricsToken when set.
func (b *Base) ServeMetrics(w http.ResponseWriter, r *http.Request) error {
	if b.cfg.MetricsToken != "" {
		token, ok := bearer(r.Header.Get("Authorization"))
		if !ok || !tokenEqual(token, b.cfg.MetricsToken) {
			return sandik.Errorf(sandik.EUnauthorized, "the metrics token is required")
		}
	}
	b.metrics.handler.ServeHTTP(w, r)
	return nil
}
