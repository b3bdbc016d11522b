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

// Header names are matched whatever their case, and a malformed length
// is an error rather than a body read short.
func TestClientHeaders(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	answers := []string{
		"HTTP/1.1 429 Too Many Requests\r\nretry-after: 7\r\nCONTENT-LENGTH: 2\r\n\r\nno",
		"HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok",
	}
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		buf := make([]byte, 4096)
		for _, a := range answers {
			if _, err := conn.Read(buf); err != nil {
				return
			}
			io.WriteString(conn, a)
		}
	}()
	c := &Client{Addr: ln.Addr().String()}
	defer c.Close()
	code, retry, body, err := c.Do("GET", "/a", "Bearer t", nil)
	if err != nil || code != 429 || retry != 7 || string(body) != "no" {
		t.Fatalf("%d retry %d %q %v", code, retry, body, err)
	}
	if _, _, _, err := c.Do("GET", "/b", "Bearer t", nil); err == nil || !strings.Contains(err.Error(), "Content-Length") {
		t.Fatalf("a malformed length: %v", err)
	}
}
