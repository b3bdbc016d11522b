package handler

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/sandik-dev/sandik"
)

// SessionUser lets the routes wrapped in User take a signed-in page
// session (its cookie) where no bearer token is sent, so that the pages'
// scripts call the API as their user. A request other than GET or HEAD
// so authenticated must come from the site itself (cross-origin
// protection, as for the pages' forms). The pages set it when they
// mount; nil (the default) means bearer tokens only.
func (b *Base) SessionUser(user func(r *http.Request) (sandik.User, bool), check func(r *http.Request) error) {
	b.session, b.sessionCheck = user, check
}

// User wraps h so that it runs only with a valid bearer token, or a page
// session when SessionUser was set.
func (b *Base) User(h UserFunc) Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		token, ok := bearer(r.Header.Get("Authorization"))
		if !ok && r.Header.Get("Authorization") == "" && b.session != nil {
			if u, ok := b.session(r); ok {
				if err := b.sessionCheck(r); err != nil {
					return sandik.Errorf(sandik.EForbidden, "cross-origin request refused")
				}
				SetUser(w, u.ID)
				return h(w, r, u)
			}
		}
		if !ok {
			return sandik.Errorf(sandik.EUnauthorized, "an API token is required: send Authorization: Bearer <token>")
		}
		if err := b.CheckLogin(r); err != nil {
			return err
		}
		u, err := b.cfg.Authenticate(r.Context(), token)
		if err != nil {
			if sandik.CodeOf(err) == sandik.EUnauthorized {
				b.LoginFailed(r)
			}
			return err
		}
		SetUser(w, u.ID)
		return h(w, r, u)
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
