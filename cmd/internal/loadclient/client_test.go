package loadclient

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// Requests go over one kept-alive connection; the status, Retry-After
// and body come back; a server that closes the connection costs one new
// dial, not an error.
func TestClient(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/busy":
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/close":
			w.Header().Set("Connection", "close")
			io.WriteString(w, "bye")
		default:
			io.WriteString(w, r.Method+" "+r.Header.Get("Authorization")+" "+string(body))
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := &Client{Addr: strings.TrimPrefix(srv.URL, "http://")}
	defer c.Close()
	code, _, body, err := c.Do("POST", "/x", "Bearer t", []byte(`{"a":1}`))
	if err != nil || code != 200 || string(body) != `POST Bearer t {"a":1}` {
		t.Fatalf("%d %q %v", code, body, err)
	}
	code, retry, _, err := c.Do("GET", "/busy", "Bearer t", nil)
	if err != nil || code != 503 || retry != 3 {
		t.Fatalf("%d retry %d %v", code, retry, err)
	}
	if code, err := c.Post("/y", "u", []byte("z")); err != nil || code != 200 {
		t.Fatalf("%d %v", code, err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for three requests, want one kept alive", n)
	}
	if code, _, body, err := c.Do("GET", "/close", "Bearer t", nil); err != nil || code != 200 || string(body) != "bye" {
		t.Fatalf("%d %q %v", code, body, err)
	}
	if code, _, _, err := c.Do("GET", "/x", "Bearer t", nil); err != nil || code != 200 {
		t.Fatalf("after the server closed: %d %v", code, err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want a second after the server closed the first", n)
	}
}
