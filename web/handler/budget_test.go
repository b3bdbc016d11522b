package handler

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// waitFor polls cond every few milliseconds until it holds, failing the
// test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("%s: not within 10 s", what)
		}
	}
}

// rawPost opens a connection and sends a write's head declaring length
// bytes of body, then the first part of it; the caller sends the rest, or
// not.
func (ws *writeServer) rawPost(t *testing.T, user string, length int, first string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", ws.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST /w HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", user, length, first)
	return conn
}

// metric reads one unlabelled value from the base's /metrics.
func (ws *writeServer) metric(t *testing.T, name string) string {
	t.Helper()
	rec := &strings.Builder{}
	w := &recorder{header: http.Header{}, body: rec}
	req, _ := http.NewRequest("GET", "/metrics", nil)
	if err := ws.base.ServeMetrics(w, req); err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(rec.String()) {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no metric %s", name)
	return ""
}

type recorder struct {
	header http.Header
	body   io.Writer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
func (r *recorder) WriteHeader(int)             {}

// A client that sends part of a body and disconnects gives its bytes
// back: the budget is not leaked by those who never finish, and /metrics
// says what is held.
func TestDisconnectMidBodyReleasesBudget(t *testing.T) {
	ws := newWriteServer(t, Config{Limits: Limits{BodyBytesPerUser: 1 << 20, BodyBytesTotal: 2 << 20}})
	conn := ws.rawPost(t, "a", 1<<20, `{"x":"`+strings.Repeat("y", 10_000))
	waitFor(t, "the body's bytes reserved", func() bool { mine, _ := ws.base.guards.bodies.Used("a"); return mine == 1<<20 })
	if got := ws.metric(t, "sandik_http_body_bytes_in_flight"); got != "1.048576e+06" {
		t.Errorf("sandik_http_body_bytes_in_flight %s while one body of 1 MiB is read", got)
	}
	// The user's budget is full: another body of theirs is refused at once.
	if resp := ws.post(t, "a"); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("a second body over the user's budget: %d", resp.StatusCode)
	}
	conn.Close()
	waitFor(t, "the bytes given back", func() bool { _, all := ws.base.guards.bodies.Used("a"); return all == 0 })
	if resp := ws.post(t, "a"); resp.StatusCode != http.StatusCreated {
		t.Fatalf("the user's next write after the disconnect: %d", resp.StatusCode)
	}
	if got := ws.metric(t, `sandik_http_writes_shed_total{bound="user_body_bytes"}`); got != "1" {
		t.Errorf("writes shed for the user's bytes: %s, want 1", got)
	}
}

// A slow client holds its own bytes while it trickles, and everyone
// else's writes go on; when it finishes it is answered and the bytes are
// back.
func TestSlowClientFinishes(t *testing.T) {
	ws := newWriteServer(t, Config{Limits: Limits{BodyBytesPerUser: 64 << 10, BodyBytesTotal: 100 << 10}})
	body := `{"x":"` + strings.Repeat("y", 50_000) + `"}`
	conn := ws.rawPost(t, "a", len(body), body[:100])
	waitFor(t, "the slow body's bytes reserved", func() bool { _, all := ws.base.guards.bodies.Used(""); return all == int64(len(body)) })
	if resp := ws.post(t, "b"); resp.StatusCode != http.StatusCreated {
		t.Fatalf("another user's write while a body trickles: %d", resp.StatusCode)
	}
	// Over the total: a third user's big body waits for nothing, 503.
	_, refused := ws.slow(t, "c", 1, 60<<10)
	checkTooMany(t, "a body over everyone's budget", refused, http.StatusServiceUnavailable)
	for i := 100; i < len(body); i += 10_000 {
		if _, err := io.WriteString(conn, body[i:min(i+10_000, len(body))]); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the slow body, finished: %d", resp.StatusCode)
	}
	waitFor(t, "the bytes given back", func() bool { _, all := ws.base.guards.bodies.Used(""); return all == 0 })
	if got := ws.metric(t, `sandik_http_writes_shed_total{bound="total_body_bytes"}`); got != "1" {
		t.Errorf("writes shed for everyone's bytes: %s, want 1", got)
	}
}

// /metrics carries the Go runtime's waits for a core, its collector's
// pauses and CPU, under the names sandik rehearse reads them by
// (cmd/internal/rehearse/metrics.go): a renamed metric would leave its
// report's runtime line silently empty.
func TestMetricsCarryRuntimeLatencies(t *testing.T) {
	ws := newWriteServer(t, Config{})
	for _, name := range []string{"go_cpu_classes_gc_total_cpu_seconds_total", "go_cpu_classes_total_cpu_seconds_total",
		"go_gc_cycles_total_gc_cycles_total", "go_sched_latencies_seconds_count", "go_sched_pauses_total_gc_seconds_count"} {
		if v, err := strconv.ParseFloat(ws.metric(t, name), 64); err != nil || v < 0 {
			t.Errorf("%s: %v %v", name, v, err)
		}
	}
}
