// Package feedhttp carries the official feed over HTTP: the fetcher a
// follower reads a publisher with (conditional GETs), and the handler the
// fake feed is served by. The feed package itself speaks no HTTP.
package feedhttp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/sandik-dev/sandik/feed"
)

// Fetcher reads a publisher's page with a conditional GET.
type Fetcher struct {
	Client *http.Client // http.DefaultClient when nil
}

// Fetch implements feed.Fetcher. A body that ends before its announced
// length is an error.
func (f Fetcher) Fetch(ctx context.Context, r feed.Request) (feed.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return feed.Response{}, fmt.Errorf("request %s: %w", r.URL, err)
	}
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return feed.Response{}, err
	}
	out := feed.Response{Status: resp.StatusCode, StatusText: resp.Status, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	limit := r.MaxBody
	if limit <= 0 {
		limit = feed.DefaultMaxBody
	}
	if r.Stream && resp.StatusCode == http.StatusOK {
		// The caller reads the body as it arrives and closes it. A body
		// that ends before its announced length is the transport's
		// unexpected EOF; one without a length is cut at limit+1 bytes,
		// so that the caller can tell it is over.
		out.Stream = readCloser{io.LimitReader(resp.Body, limit+1), resp.Body}
		out.Length = resp.ContentLength
		return out, nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16)) //nolint:errcheck // the status is the answer
		return out, nil
	}
	if n := resp.ContentLength; n >= 0 && n <= limit {
		// The announced length read into one buffer of that size: read
		// by growing, a national page of 100 MB held twice as much at the
		// last copy and left four times as much garbage. A body that ends
		// sooner is an error (the transport's unexpected EOF); one that
		// goes on is cut by the transport at the announced length.
		out.Body = make([]byte, n)
		if _, err := io.ReadFull(resp.Body, out.Body); err != nil {
			out.Body = nil
			return out, fmt.Errorf("read the body: %w", err)
		}
		return out, nil
	}
	if out.Body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1)); err != nil {
		return out, fmt.Errorf("read the body: %w", err)
	}
	return out, nil
}

// readCloser reads through a limit and closes the body beneath.
type readCloser struct {
	io.Reader
	io.Closer
}

// Fake serves a fake feed's answers over HTTP, with ETag and
// Last-Modified, and 304 to a conditional request for the page in force.
func Fake(f *feed.Fake) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := f.Answer(r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since"))
		h := w.Header()
		if a.Status == http.StatusNotFound {
			http.Error(w, string(a.Body), a.Status)
			return
		}
		h.Set("ETag", a.ETag)
		h.Set("Last-Modified", a.LastModified.UTC().Format(http.TimeFormat))
		h.Set("Cache-Control", "no-cache")
		if a.Status == http.StatusNotModified {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", strconv.Itoa(len(a.Body)))
		w.Write(a.Body) //nolint:errcheck // the client went away
	})
}

// Poster posts a webhook's body.
type Poster struct {
	Client *http.Client // one with a 30 s timeout when nil
}

// Post implements feed.Poster.
func (p Poster) Post(ctx context.Context, url string, body []byte, header map[string]string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("request %s: %w", url, err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := p.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16)) //nolint:errcheck // the status is the answer
	return resp.StatusCode, nil
}
