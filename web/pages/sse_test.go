package pages

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

func TestStreamHeadersAndFreshSnapshotOnReconnect(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond })
	e.Settle(e.Submit(observer1, sheet("sh-1", raceIST, box1, 100, 90, 10)).Seq)
	b := e.Browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.Stream(ctx, "/races/"+raceIST+"/areas/34/live")
	h := s.Resp.Header
	if h.Get("Cache-Control") != "no-store" || h.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("stream headers %v", h)
	}
	if p := next(t, s); p.Seq != 1 || p.K["reported.of"] != "1 / 3 sandık geldi" {
		t.Fatalf("snapshot %+v", p)
	}
	// A browser reconnecting with Last-Event-ID gets a fresh snapshot of
	// the current version, whatever id it names.
	req, _ := http.NewRequestWithContext(ctx, "GET", e.HTTP.URL+"/races/"+raceIST+"/areas/34/live?m=margin", nil)
	req.Header.Set("Last-Event-ID", "99999")
	resp, err := b.Client.Do(req)
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

func TestManyStreamsShareOneRendering(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond })
	b := e.Browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var streams []*webtest.Stream
	for range 50 {
		s := b.Stream(ctx, "/races/"+raceIST+"/areas/34/live")
		next(t, s)
		streams = append(streams, s)
	}
	rec := e.Submit(observer1, sheet("ms-1", raceIST, box2, 100, 90, 10))
	for _, s := range streams {
		var p livePayload
		for p.Seq < rec.Seq {
			p = next(t, s)
		}
		if p.K["34.01.rep"] != "%50,0 (1/2)" {
			t.Fatalf("stream saw %+v", p.K)
		}
	}
	if n := len(e.pages.live.entries); n != 1 {
		t.Fatalf("%d cached views for one page, want 1", n)
	}
}

// Logout ends the live streams of the session at their next check, and
// pings keep a watching page's session alive.
func TestStreamEndsWithItsSession(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.keepAlive = 20 * time.Millisecond })
	b := e.Browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.Stream(ctx, "/races/"+raceIST+"/areas/34/live")
	next(t, s)
	pings := 0
	for pings < 3 {
		ev, ok := <-s.Events
		if !ok {
			t.Fatal("stream ended while the session lives")
		}
		if ev.Event == "ping" {
			pings++
		}
	}
	if r := b.Post("/logout", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case _, ok := <-s.Events:
			if !ok {
				return
			}
		case <-deadline.C:
			t.Fatal("stream still open 10 s after logout")
		}
	}
}

// Over HTTP/1.1 a live stream is sent as it is, not chunked: the body is
// the events from its first byte. Chunked, an event of the country's
// overview left the server in three writes to the socket
// (startEventStream).
func TestStreamIsNotChunked(t *testing.T) {
	e := newEnv(t)
	e.Settle(e.Submit(observer1, sheet("sh-1", raceIST, box1, 100, 90, 10)).Seq)
	cookie := sessionCookie(e.Browser(coordinator))
	host := strings.TrimPrefix(e.HTTP.URL, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /races/%s/areas/34/live HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\nCookie: sandik_session=%s\r\n\r\n", raceIST, host, cookie)
	r := bufio.NewReader(conn)
	line := func() string {
		t.Helper()
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the stream: %v (so far %q)", err, l)
		}
		return strings.TrimRight(l, "\r\n")
	}
	if status := line(); !strings.HasPrefix(status, "HTTP/1.1 200 ") {
		t.Fatalf("status %q", status)
	}
	for h := line(); h != ""; h = line() {
		if name, v, _ := strings.Cut(h, ":"); strings.EqualFold(name, "Transfer-Encoding") {
			t.Fatalf("the stream is sent with Transfer-Encoding %q", strings.TrimSpace(v))
		}
	}
	for _, want := range []string{"retry: 2000", "", "id: ", "event: totals", "data: {"} {
		if got := line(); !strings.HasPrefix(got, want) || (want == "" && got != "") {
			t.Fatalf("stream line %q, want %q", got, want)
		}
	}
}
