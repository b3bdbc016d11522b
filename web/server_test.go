package web

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// A live page outlives the server's read and write timeouts: streams clear
// their deadlines.
func TestStreamOutlivesServerTimeouts(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.LiveInterval = 10 * time.Millisecond
		c.ReadTimeout, c.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := e.srv.HTTPServer(ln.Addr().String())
	go srv.Serve(ln)
	defer srv.Close()
	// Sign in against the timed server.
	old := e.HTTP.URL
	e.HTTP.URL = "http://" + ln.Addr().String()
	defer func() { e.HTTP.URL = old }()
	b := e.Browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.Stream(ctx, "/races/"+raceIST+"/areas/34/live")
	next(t, s)
	// Wait past both timeouts, then expect the stream still to deliver.
	timer := time.NewTimer(time.Second)
	select {
	case ev, ok := <-s.Events:
		if !ok {
			t.Fatal("stream closed before any change")
		}
		t.Fatalf("unexpected event %+v", ev)
	case <-timer.C:
	}
	rec := e.submit(observer1, sheet("to-1", raceIST, box1, 100, 90, 10))
	if p := next(t, s); p.Seq != rec.Seq {
		t.Fatalf("after the timeouts: %+v", p)
	}
}

// Shutdown ends the live streams instead of waiting for them.
func TestShutdownEndsStreams(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := e.srv.HTTPServer(ln.Addr().String())
	go srv.Serve(ln)
	old := e.HTTP.URL
	e.HTTP.URL = "http://" + ln.Addr().String()
	defer func() { e.HTTP.URL = old }()
	b := e.Browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.Stream(ctx, "/races/"+raceIST+"/conflicts/live")
	next(t, s)
	sctx, scancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer scancel()
	start := time.Now()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatalf("shutdown with a live stream: %v after %v", err, time.Since(start))
	}
	for range s.Events {
	}
	if e.srv.pages.Streams() != 0 {
		t.Fatal("subscribers left after shutdown")
	}
	// New streams are refused once the broker is closed.
	r := httpGetStatus(t, e, b, "/races/"+raceIST+"/conflicts/live")
	if r != 0 && r != http.StatusServiceUnavailable {
		t.Fatalf("stream after shutdown: %d", r)
	}
}

// httpGetStatus returns the status of a GET, or 0 when nobody answers.
func httpGetStatus(t *testing.T, e *env, b *webtest.Browser, path string) int {
	req, _ := http.NewRequestWithContext(t.Context(), "GET", e.HTTP.URL+path, nil)
	resp, err := b.Client.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	e := newEnv(t)
	if d := e.Do("GET", "/api/v1/nothing", observer1, nil).APIError(t, http.StatusNotFound); d.Code != sandik.ENotFound {
		t.Errorf("code = %s", d.Code)
	}
	r := e.Do("DELETE", "/api/v1/submissions", observer1, nil)
	if d := r.APIError(t, http.StatusMethodNotAllowed); d.Code != handler.EMethodNotAllowed || r.Header.Get("Allow") != "POST" {
		t.Errorf("code %s, Allow %q", d.Code, r.Header.Get("Allow"))
	}
	r = e.Do("POST", "/api/v1/races", observer1, "{}")
	if r.APIError(t, http.StatusMethodNotAllowed); r.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("Allow %q", r.Header.Get("Allow"))
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t)
	body := sheet("mt-1", raceIST, box1, 100, 90, 10)
	rec := e.submit(observer1, body)
	e.Do("POST", "/api/v1/submissions", observer1, body).Decode(t, http.StatusOK, nil)
	body["voted"] = 1
	body["id"] = "mt-2"
	e.Do("POST", "/api/v1/submissions", observer1, body).APIError(t, http.StatusUnprocessableEntity)
	e.Settle(rec.Seq)
	r := e.Do("GET", "/metrics", "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("metrics: %d", r.Status)
	}
	text := string(r.Body)
	for _, want := range []string{
		`sandik_submissions_total{kind="entry",result="accepted"} 1`,
		`sandik_submissions_total{kind="entry",result="replayed"} 1`,
		`sandik_submissions_total{kind="entry",result="rejected"} 1`,
		`sandik_http_request_duration_seconds_count{code="201",route="POST /api/v1/submissions"} 1`,
		`sandik_http_request_duration_seconds_count{code="422",route="POST /api/v1/submissions"} 1`,
		`sandik_tally_seq 1`,
		`go_goroutines`,
		// What the bounded caches hold, for a soak to tell them from a leak.
		`sandik_ledger_hash_cache_bytes `,
		`sandik_totals_cache_bytes `,
		`sandik_totals_cache_bytes_limit 3.3554432e+07`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	// With a token configured, /metrics needs it.
	e = newEnv(t, func(c *Config) { c.MetricsToken = "scrape-secret" })
	e.Do("GET", "/metrics", "", nil).APIError(t, http.StatusUnauthorized)
	if r := e.Do("GET", "/metrics", "", nil, "Authorization", "Bearer scrape-secret"); r.Status != http.StatusOK {
		t.Errorf("metrics with token: %d", r.Status)
	}
}

func TestHTTPServerHardened(t *testing.T) {
	e := newEnv(t)
	hs := e.srv.HTTPServer(":0")
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 || hs.Handler == nil || hs.ErrorLog == nil {
		t.Errorf("http.Server = %+v", hs)
	}
	if hs.WriteTimeout <= DefaultWaitTimeout {
		t.Errorf("write timeout %s does not leave room for ?wait", hs.WriteTimeout)
	}
}

func TestOpenAPI(t *testing.T) {
	e := newEnv(t)
	r := e.Do("GET", "/api/v1/openapi.yaml", "", nil)
	if r.Status != http.StatusOK || !strings.HasPrefix(string(r.Body), "openapi: 3.1") || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/yaml") {
		t.Fatalf("openapi: %d %s %.40s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	// The file is YAML a client generator can read: a misplaced line once
	// left it unreadable while every route was still named in it.
	var doc struct {
		OpenAPI string         `yaml:"openapi"`
		Paths   map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(r.Body, &doc); err != nil {
		t.Fatalf("openapi.yaml is not valid YAML: %v", err)
	}
	if doc.OpenAPI == "" || len(doc.Paths) == 0 {
		t.Fatalf("openapi.yaml parsed to %q with %d paths", doc.OpenAPI, len(doc.Paths))
	}
	// Every route is documented, with its method.
	spec := string(r.Body)
	for _, p := range e.srv.base.Patterns() {
		method, path, ok := strings.Cut(p, " ")
		if !ok || isPageRoute(p) {
			continue // the catch-all, and pages (not part of the API)
		}
		i := strings.Index(spec, "\n  "+path+":\n")
		if i < 0 {
			t.Errorf("openapi.yaml does not document %s", path)
			continue
		}
		rest := spec[i+len(path)+4:]
		if j := strings.Index(rest, "\n  /"); j >= 0 {
			rest = rest[:j]
		}
		if !strings.Contains(rest, "\n    "+strings.ToLower(method)+":") {
			t.Errorf("openapi.yaml does not document %s", p)
		}
	}
}

// isPageRoute tells the pages' routes from the API's and the server's own.
func isPageRoute(pattern string) bool {
	_, path, _ := strings.Cut(pattern, " ")
	return pattern != "/" && !strings.HasPrefix(path, "/api/") && path != "/healthz" && path != "/metrics"
}
