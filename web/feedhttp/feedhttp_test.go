package feedhttp_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/feed"
	"github.com/sandik-dev/sandik/web/feedhttp"
)

const script = `{"steps": [
 {"at": "1h", "boxes": [{"box": "34.1.1.1043", "registered": 300, "voted": 250, "valid_without_objection": 240,
   "valid_upon_objection": 0, "valid_total": 240, "invalid_total": 10, "votes": {"CHP": 140, "AK PARTİ": 100}}]}]}`

// The fake over HTTP and the fetcher: 404 before the first step, then the
// page with its validators, then 304 to a reading conditional on them.
func TestFakeAndFetcher(t *testing.T) {
	s, err := feed.ParseScript([]byte(script))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2024, 3, 31, 18, 0, 0, 0, time.UTC)
	f, err := feed.NewFake(s, start)
	if err != nil {
		t.Fatal(err)
	}
	now := start
	f.Now = func() time.Time { return now }
	srv := httptest.NewServer(feedhttp.Fake(f))
	defer srv.Close()
	fetch := feedhttp.Fetcher{Client: srv.Client()}
	ctx := t.Context()

	r, err := fetch.Fetch(ctx, feed.Request{URL: srv.URL})
	if err != nil || r.Status != http.StatusNotFound || r.Body != nil {
		t.Fatalf("before the first step: %+v %v", r, err)
	}
	now = start.Add(time.Hour)
	r, err = fetch.Fetch(ctx, feed.Request{URL: srv.URL})
	if err != nil || r.Status != feed.StatusOK || r.ETag == "" || r.LastModified != "Sun, 31 Mar 2024 19:00:00 GMT" || !strings.Contains(string(r.Body), `"count":1`) {
		t.Fatalf("the first page: %+v %v", r, err)
	}
	again, err := fetch.Fetch(ctx, feed.Request{URL: srv.URL, ETag: r.ETag, LastModified: r.LastModified})
	if err != nil || again.Status != feed.StatusNotModified || len(again.Body) != 0 {
		t.Fatalf("a conditional reading: %+v %v", again, err)
	}
	if f.Requests.Load() != 3 || f.Conditional.Load() != 1 || f.NotModified.Load() != 1 {
		t.Errorf("requests %d, conditional %d, not modified %d; want 3, 1, 1", f.Requests.Load(), f.Conditional.Load(), f.NotModified.Load())
	}
}

// A body that ends before its announced length is an error, never a
// shorter page; one over the limit is read to one byte past it.
func TestFetcherRefusesACutBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			w.Write([]byte(strings.Repeat("x", 100)))
			return
		}
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte(`{"count": 3, "boxes": [`))
	}))
	defer srv.Close()
	fetch := feedhttp.Fetcher{Client: srv.Client()}
	if r, err := fetch.Fetch(t.Context(), feed.Request{URL: srv.URL + "/cut"}); err == nil {
		t.Fatalf("a cut body was read as %q", r.Body)
	}
	r, err := fetch.Fetch(t.Context(), feed.Request{URL: srv.URL + "/big", MaxBody: 10})
	if err != nil || len(r.Body) != 11 {
		t.Fatalf("a body over the limit: %d bytes, %v; want 11", len(r.Body), err)
	}
}

// A body of announced length is read into one buffer of that length: a
// national page is 100 MB, and read by growing it was held twice at the
// last copy. Without a length it is read as it comes.
func TestFetcherReadsAnAnnouncedLengthAtOnce(t *testing.T) {
	page := strings.Repeat("y", 70_001)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.Write([]byte(page[:35_000]))
			w.(http.Flusher).Flush() // no length: sent in chunks
			w.Write([]byte(page[35_000:]))
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		w.Write([]byte(page))
	}))
	defer srv.Close()
	fetch := feedhttp.Fetcher{Client: srv.Client()}
	r, err := fetch.Fetch(t.Context(), feed.Request{URL: srv.URL})
	if err != nil || string(r.Body) != page || cap(r.Body) != len(page) {
		t.Fatalf("a page of announced length: %d bytes in a buffer of %d, %v; want %d in one of as many", len(r.Body), cap(r.Body), err, len(page))
	}
	r, err = fetch.Fetch(t.Context(), feed.Request{URL: srv.URL + "/chunked"})
	if err != nil || string(r.Body) != page {
		t.Fatalf("a page without a length: %d bytes, %v; want %d", len(r.Body), err, len(page))
	}
}
