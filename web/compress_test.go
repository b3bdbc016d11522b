package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// What a browser fetches comes gzipped — the page, its assets, the API's
// JSON, the CSV export — except the live stream, which must reach the
// page event by event.
func TestCompressedAnswers(t *testing.T) {
	e := newEnv(t)
	e.submit(observer1, sheet("gz-1", raceIST, box1, 100, 90, 10))
	b := e.Browser(coordinator)
	for _, path := range []string{"/races/" + raceIST + "/areas/34", "/static/app.css", "/static/app.js",
		"/races/" + raceIST + "/areas/34/export.csv", "/api/v1/openapi.yaml"} {
		plain := b.Get(path)
		r := b.Get(path, "Accept-Encoding", "gzip")
		if r.Status != http.StatusOK || plain.Status != http.StatusOK {
			t.Fatalf("%s: %d / %d", path, r.Status, plain.Status)
		}
		if len(plain.Body) < 1024 {
			// Too small to gain from it (the fixture's export).
			if r.Header.Get("Content-Encoding") != "" || !bytes.Equal(r.Body, plain.Body) {
				t.Errorf("%s: %d bytes, encoding %q", path, len(plain.Body), r.Header.Get("Content-Encoding"))
			}
			continue
		}
		if r.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: encoding %q, vary %q", path, r.Header.Get("Content-Encoding"), r.Header.Get("Vary"))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !bytes.Equal(body, plain.Body) || len(r.Body) >= len(plain.Body) {
			t.Errorf("%s: %d bytes gzipped from %d, equal after gunzip: %v", path, len(r.Body), len(plain.Body), bytes.Equal(body, plain.Body))
		}
	}

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.HTTP.URL+"/races/"+raceIST+"/areas/34/live", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := b.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") || resp.Header.Get("Content-Encoding") != "" {
		t.Fatalf("live: %s, type %q, encoding %q", resp.Status, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"))
	}
	line := make([]byte, 64)
	if n, err := resp.Body.Read(line); err != nil || !bytes.Contains(line[:n], []byte(":")) {
		t.Fatalf("live: first bytes %q, %v", line[:n], err)
	}
}

// Browsers ask for /favicon.ico whatever the page says: it is an icon,
// not a 404 in every page's console.
func TestFavicon(t *testing.T) {
	e := newEnv(t)
	r := e.Browser("").Get("/favicon.ico")
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/vnd.microsoft.icon" {
		t.Fatalf("%d %q", r.Status, r.Header.Get("Content-Type"))
	}
	// An ICO of one image (reserved 0, type 1, count 1) whose image is a
	// PNG at the offset its directory entry gives.
	if len(r.Body) < 22 || !bytes.Equal(r.Body[:6], []byte{0, 0, 1, 0, 1, 0}) {
		t.Fatalf("not an ICO: % x", r.Body[:min(len(r.Body), 6)])
	}
	img, err := png.Decode(bytes.NewReader(r.Body[22:]))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != int(r.Body[6]) || b.Dy() != int(r.Body[7]) || b.Dx() != 32 {
		t.Errorf("image %v, directory says %d×%d", b, r.Body[6], r.Body[7])
	}
}
