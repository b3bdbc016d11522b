package loadclient

import (
	"bytes"
	"compress/gzip"
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

// A client that accepts gzip says so, and a chunked answer (a compressed
// one has no length ahead) comes back whole, as sent, on a connection
// kept for the next request.
func TestClientGzipChunked(t *testing.T) {
	page := strings.Repeat("Bağcılar 1.234 ", 2000)
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			io.WriteString(w, "plain")
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		for i := 0; i < len(page); i += 5000 {
			io.WriteString(zw, page[i:min(i+5000, len(page))])
			zw.Flush()
			w.(http.Flusher).Flush() // a chunk at a time
		}
		zw.Close()
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := &Client{Addr: strings.TrimPrefix(srv.URL, "http://"), Gzip: true}
	defer c.Close()
	for range 2 {
		code, _, body, err := c.Do("GET", "/", "Bearer t", nil)
		if err != nil || code != 200 {
			t.Fatalf("%d %v", code, err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("not gzip: %v", err)
		}
		if got, err := io.ReadAll(zr); err != nil || string(got) != page {
			t.Fatalf("%d bytes decoded, %v", len(got), err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections, want one kept alive after chunked answers", n)
	}
	plain := &Client{Addr: c.Addr}
	defer plain.Close()
	if _, _, body, err := plain.Do("GET", "/", "Bearer t", nil); err != nil || string(body) != "plain" {
		t.Errorf("without Gzip: %q %v", body, err)
	}
}
