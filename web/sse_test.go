package web

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStreamHeadersAndFreshSnapshotOnReconnect(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond })
	e.settle(e.submit(observer1, sheet("sh-1", raceIST, box1, 100, 90, 10)).Seq)
	b := e.browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.stream(ctx, "/races/"+raceIST+"/areas/34/live")
	h := s.resp.Header
	if h.Get("Cache-Control") != "no-store" || h.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("stream headers %v", h)
	}
	if p := s.next(t); p.Seq != 1 || p.K["reported.of"] != "1 / 3 sandık geldi" {
		t.Fatalf("snapshot %+v", p)
	}
	// A browser reconnecting with Last-Event-ID gets a fresh snapshot of
	// the current version, whatever id it names.
	req, _ := http.NewRequestWithContext(ctx, "GET", e.http.URL+"/races/"+raceIST+"/areas/34/live?m=margin", nil)
	req.Header.Set("Last-Event-ID", "99999")
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 4096)
	got := ""
	for !strings.Contains(got, "\n\n") || !strings.Contains(got, "event: totals") {
		n, err := resp.Body.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got += string(buf[:n])
	}
	if !strings.HasPrefix(got, "retry: 2000\n\n") || !strings.Contains(got, "id: 1\nevent: totals\n") {
		t.Fatalf("reconnect began %q", got)
	}
}

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
	old := e.http.URL
	e.http.URL = "http://" + ln.Addr().String()
	defer func() { e.http.URL = old }()
	b := e.browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.stream(ctx, "/races/"+raceIST+"/areas/34/live")
	s.next(t)
	// Wait past both timeouts, then expect the stream still to deliver.
	timer := time.NewTimer(time.Second)
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatal("stream closed before any change")
		}
		t.Fatalf("unexpected event %+v", ev)
	case <-timer.C:
	}
	rec := e.submit(observer1, sheet("to-1", raceIST, box1, 100, 90, 10))
	if p := s.next(t); p.Seq != rec.Seq {
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
	old := e.http.URL
	e.http.URL = "http://" + ln.Addr().String()
	defer func() { e.http.URL = old }()
	b := e.browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.stream(ctx, "/races/"+raceIST+"/conflicts/live")
	s.next(t)
	sctx, scancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer scancel()
	start := time.Now()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatalf("shutdown with a live stream: %v after %v", err, time.Since(start))
	}
	for range s.events {
	}
	if e.srv.broker.Subscribers() != 0 {
		t.Fatal("subscribers left after shutdown")
	}
	// New streams are refused once the broker is closed.
	r := httpGetStatus(t, e, b, "/races/"+raceIST+"/conflicts/live")
	if r != 0 && r != http.StatusServiceUnavailable {
		t.Fatalf("stream after shutdown: %d", r)
	}
}

// httpGetStatus returns the status of a GET, or 0 when nobody answers.
func httpGetStatus(t *testing.T, e *env, b *browser, path string) int {
	req, _ := http.NewRequestWithContext(t.Context(), "GET", e.http.URL+path, nil)
	resp, err := b.c.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestManyStreamsShareOneRendering(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond })
	b := e.browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var streams []*sseStream
	for range 50 {
		s := b.stream(ctx, "/races/"+raceIST+"/areas/34/live")
		s.next(t)
		streams = append(streams, s)
	}
	rec := e.submit(observer1, sheet("ms-1", raceIST, box2, 100, 90, 10))
	for _, s := range streams {
		var p livePayload
		for p.Seq < rec.Seq {
			p = s.next(t)
		}
		if p.K["34.01.rep"] != "1 / 2" {
			t.Fatalf("stream saw %+v", p.K)
		}
	}
	if n := len(e.srv.live.entries); n != 1 {
		t.Fatalf("%d cached views for one page, want 1", n)
	}
}

// Logout ends the live streams of the session at their next check, and
// pings keep a watching page's session alive.
func TestStreamEndsWithItsSession(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.keepAlive = 20 * time.Millisecond })
	b := e.browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.stream(ctx, "/races/"+raceIST+"/areas/34/live")
	s.next(t)
	pings := 0
	for pings < 3 {
		ev, ok := <-s.events
		if !ok {
			t.Fatal("stream ended while the session lives")
		}
		if ev.event == "ping" {
			pings++
		}
	}
	if r := b.post("/logout", nil); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-deadline.C:
			t.Fatal("stream still open 10 s after logout")
		}
	}
}
