package handler

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// fetch asks for url with the given Accept-Encoding (none when empty) and
// returns the answer with its body as sent, not decoded.
func fetch(t *testing.T, method, url, encoding string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, url, nil)
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding)
	}
	// A transport that adds no Accept-Encoding of its own and decodes
	// nothing, so that the test sees the bytes the server sent.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestGzip(t *testing.T) {
	page := strings.Repeat("<tr><td>Bağcılar</td><td>1.234</td></tr>\n", 500)
	_, ts := serve(t, Config{}, func(b *Base) {
		b.Handle("GET /page", func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", strconv.Itoa(len(page)))
			io.WriteString(w, page)
			return nil
		}, http.StatusOK)
		b.Handle("GET /big.json", func(w http.ResponseWriter, r *http.Request) error {
			b.WriteJSON(w, http.StatusOK, strings.Repeat("x", 5000))
			return nil
		}, http.StatusOK)
		b.Handle("GET /file.xlsx", func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			io.WriteString(w, page)
			return nil
		}, http.StatusOK)
		b.Handle("GET /sniffed", func(w http.ResponseWriter, r *http.Request) error {
			io.WriteString(w, "<!doctype html>"+page)
			return nil
		}, http.StatusOK)
		b.Handle("GET /missing", func(w http.ResponseWriter, r *http.Request) error {
			return sandik.Errorf(sandik.ENotFound, "%s", strings.Repeat("yok ", 400))
		}, http.StatusNotFound)
	})

	resp, body := fetch(t, "GET", ts.URL+"/page", "br, gzip;q=0.8")
	// The handler's length was the identity body's; net/http may set the
	// compressed one.
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.ContentLength >= 0 && int(resp.ContentLength) != len(body) || gunzip(t, body) != page {
		t.Fatalf("page: encoding %q, length %q, %d bytes", resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Length"), len(body))
	}
	if len(body)*5 > len(page) {
		t.Errorf("page: %d bytes compressed from %d", len(body), len(page))
	}
	if resp.Header.Get("Vary") != "Accept-Encoding" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("page headers: %v", resp.Header)
	}
	for _, c := range []struct{ path, encoding string }{{"/page", ""}, {"/page", "gzip;q=0"}, {"/page", "br"}} {
		resp, body := fetch(t, "GET", ts.URL+c.path, c.encoding)
		if resp.Header.Get("Content-Encoding") != "" || string(body) != page || resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s with %q: encoding %q, vary %q, %d bytes", c.path, c.encoding, resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"), len(body))
		}
	}
	if resp, body := fetch(t, "HEAD", ts.URL+"/page", "gzip"); resp.Header.Get("Content-Encoding") != "" || len(body) != 0 {
		t.Errorf("HEAD: encoding %q", resp.Header.Get("Content-Encoding"))
	}
	resp, body = fetch(t, "GET", ts.URL+"/big.json", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(gunzip(t, body), "xxxxx") {
		t.Errorf("JSON: encoding %q", resp.Header.Get("Content-Encoding"))
	}
	resp, body = fetch(t, "GET", ts.URL+"/sniffed", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.HasPrefix(gunzip(t, body), "<!doctype") {
		t.Errorf("sniffed: encoding %q, type %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"))
	}
	resp, body = fetch(t, "GET", ts.URL+"/missing", "gzip")
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(gunzip(t, body), "yok yok") {
		t.Errorf("error answer: %s, encoding %q", resp.Status, resp.Header.Get("Content-Encoding"))
	}
	// Already compressed, and too small to gain.
	if resp, _ := fetch(t, "GET", ts.URL+"/file.xlsx", "gzip"); resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Vary") != "" {
		t.Errorf("xlsx: encoding %q, vary %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
	}
	if resp, body := fetch(t, "GET", ts.URL+"/healthz", "gzip"); resp.Header.Get("Content-Encoding") != "" || !strings.Contains(string(body), "ok") {
		t.Errorf("small JSON: encoding %q", resp.Header.Get("Content-Encoding"))
	}
}

// A live stream is never compressed, and each event leaves when it is
// flushed, before the handler returns; a compressed answer that is
// flushed delivers what was written so far too.
func TestGzipStreams(t *testing.T) {
	release := make(chan struct{})
	stream := func(ct string) Func {
		return func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "data: "+strings.Repeat("ş", 2000)+"\n\n")
			if err := http.NewResponseController(w).Flush(); err != nil {
				return err
			}
			<-release
			return nil
		}
	}
	_, ts := serve(t, Config{}, func(b *Base) {
		b.Handle("GET /live", stream("text/event-stream"), http.StatusOK)
		b.Handle("GET /export.csv", stream("text/csv; charset=utf-8"), http.StatusOK)
	})
	// After the server's own cleanup is registered, so run before it:
	// closing the server waits for the handlers.
	t.Cleanup(func() { close(release) })
	for _, c := range []struct{ path, encoding string }{{"/live", ""}, {"/export.csv", "gzip"}} {
		// An event held back would block the read: the deadline turns
		// that into a failure.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+c.path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if got := resp.Header.Get("Content-Encoding"); got != c.encoding {
			t.Fatalf("%s: encoding %q, want %q", c.path, got, c.encoding)
		}
		var r io.Reader = resp.Body
		if c.encoding == "gzip" {
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			r = zr
		}
		// The handler is still blocked: the event must have arrived.
		line, err := bufio.NewReader(r).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "data: şş") {
			t.Fatalf("%s: first line %.20q, %v", c.path, line, err)
		}
	}
}

// A receipt is answered as it is, whatever the client accepts: its proof's
// hashes would cost gzip more CPU than the rest of the submission. Both
// ways a receipt is written (its own encoder, and encoding/json when it
// carries a box status) keep it so; an answer that is not a receipt is
// still compressed on the same server.
func TestReceiptUncompressed(t *testing.T) {
	receipt := nightReceipt()
	withStatus := receipt
	status := sandik.BoxStatus(1)
	withStatus.Status = &status
	_, ts := serve(t, Config{}, func(b *Base) {
		b.Handle("GET /receipt", func(w http.ResponseWriter, r *http.Request) error {
			return b.WriteReceipt(w, receipt)
		}, http.StatusOK)
		b.Handle("GET /receipt-status", func(w http.ResponseWriter, r *http.Request) error {
			return b.WriteReceipt(w, withStatus)
		}, http.StatusOK)
		b.Handle("GET /big.json", func(w http.ResponseWriter, r *http.Request) error {
			b.WriteJSON(w, http.StatusOK, strings.Repeat("x", 5000))
			return nil
		}, http.StatusOK)
	})
	for _, path := range []string{"/receipt", "/receipt-status"} {
		resp, body := fetch(t, "GET", ts.URL+path, "gzip, deflate, br")
		var got Receipt
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("%s: %v (encoding %q)", path, err, resp.Header.Get("Content-Encoding"))
		}
		if len(body) < minGzip || resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Vary") != "" || got.Seq != receipt.Seq || len(got.Ledger.Proof) != 18 {
			t.Errorf("%s: %d bytes, encoding %q, vary %q, %+v", path, len(body), resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"), got)
		}
	}
	if resp, _ := fetch(t, "GET", ts.URL+"/big.json", "gzip, deflate, br"); resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("another answer of the same server: encoding %q", resp.Header.Get("Content-Encoding"))
	}
}
