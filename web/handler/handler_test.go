package handler

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

// serve starts a Base with a route of each kind: one for a user (token
// "good" is user u1), one without a token, and the catch-all.
func serve(t *testing.T, cfg Config, more func(b *Base)) (*Base, *httptest.Server) {
	t.Helper()
	cfg.Authenticate = func(_ context.Context, token string) (sandik.User, error) {
		if token != "good" {
			return sandik.User{}, sandik.Errorf(sandik.EUnauthorized, "the API token is not valid")
		}
		return sandik.User{ID: "u1", Role: sandik.RoleObserver}, nil
	}
	b := New(cfg)
	b.Handle("GET /races", b.User(func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		b.WriteJSON(w, http.StatusOK, []string{string(u.ID)})
		return nil
	}), http.StatusOK)
	b.Handle("GET /healthz", func(w http.ResponseWriter, r *http.Request) error {
		b.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		return nil
	}, http.StatusOK)
	if more != nil {
		more(b)
	}
	b.Handle("/", b.NotFound)
	ts := httptest.NewServer(b.Handler())
	t.Cleanup(ts.Close)
	return b, ts
}

func get(t *testing.T, url, token string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// Every answer carries the security headers: a route's, a refusal, the
// catch-all's.
func TestSecurityHeaders(t *testing.T) {
	_, ts := serve(t, Config{}, nil)
	for _, c := range []struct{ path, token string }{{"/races", "good"}, {"/races", ""}, {"/nothing", ""}, {"/healthz", ""}} {
		resp, _ := get(t, ts.URL+c.path, c.token)
		for _, h := range securityHeaders {
			if h.name == "Cache-Control" {
				continue
			}
			if got := resp.Header.Get(h.name); got != h.value[0] {
				t.Errorf("%s: status %d: %s = %q, want %q", c.path, resp.StatusCode, h.name, got, h.value[0])
			}
		}
	}
}

func TestPanicIsRecovered(t *testing.T) {
	_, ts := serve(t, Config{}, func(b *Base) {
		b.Handle("GET /test/panic", func(w http.ResponseWriter, r *http.Request) error { panic("boom") })
	})
	resp, body := get(t, ts.URL+"/test/panic", "")
	if resp.StatusCode != http.StatusInternalServerError || strings.Contains(body, "boom") || !strings.Contains(body, `"internal"`) {
		t.Errorf("panic answered %d: %s", resp.StatusCode, body)
	}
}

// Beyond MaxInFlightWrites the answer is an immediate 503.
func TestWriteSlots(t *testing.T) {
	b := New(Config{MaxInFlightWrites: 1})
	entered, release := make(chan struct{}), make(chan struct{})
	h := b.Write(func(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
		close(entered)
		<-release
		return nil
	})
	done := make(chan error)
	u := sandik.User{ID: "x", Role: sandik.RoleObserver}
	go func() { done <- h(httptest.NewRecorder(), httptest.NewRequest("POST", "/", nil), u) }()
	<-entered
	err := h(httptest.NewRecorder(), httptest.NewRequest("POST", "/", nil), u)
	if sandik.CodeOf(err) != sandik.EUnavailable {
		t.Errorf("second write while the slot is taken: %v", err)
	}
	rec := httptest.NewRecorder()
	b.WriteError(rec, httptest.NewRequest("POST", "/", nil), err)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("answer %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
