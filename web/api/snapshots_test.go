package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
	"github.com/sandik-dev/sandik/web/snapshot"
)

// publicSnapshotRoutes take no account: they publish what a volunteer
// without areas reads (blind_test.go reads them without one).
var publicSnapshotRoutes = map[string]bool{
	"GET /api/v1/snapshots/{race}":                  true,
	"GET /api/v1/snapshots/{race}/{area}":           true,
	"GET /api/v1/snapshots/{race}/{area}/{version}": true,
}

// publicSnapshots turns the snapshots on, rechecking at every request.
func publicSnapshots(keep int) func(*Config) {
	return func(c *Config) {
		c.PublicSnapshots = true
		c.Snapshots = snapshot.Options{Keep: keep, MinCheck: -1}
	}
}

type snapshotDoc struct {
	Version int64             `json:"version"`
	MadeAt  time.Time         `json:"made_at"`
	Area    sandik.AreaCode   `json:"area"`
	Notice  map[string]string `json:"notice"`
	Totals  struct {
		Verified      struct{ Votes []int64 }
		Provisional   struct{ Votes []int64 }
		BoxesReported int `json:"boxes_reported"`
		BoxesVerified int `json:"boxes_verified"`
	} `json:"totals"`
	Children []struct {
		Area sandik.AreaCode `json:"area"`
	} `json:"children"`
}

// index reads an area's snapshot index without an account and checks
// its cache headers.
func (e *env) index(area string) indexJSON {
	e.T.Helper()
	r := e.Do("GET", "/api/v1/snapshots/"+webtest.BlindRace+"/"+area, "", nil)
	var idx indexJSON
	r.Decode(e.T, http.StatusOK, &idx)
	if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=2" {
		e.T.Errorf("index Cache-Control %q", cc)
	}
	if r.Header.Get("ETag") == "" {
		e.T.Error("index without ETag")
	}
	if _, err := time.Parse(time.RFC3339Nano, r.Header.Get("Sandik-Checked-At")); err != nil {
		e.T.Errorf("Sandik-Checked-At %q: %v", r.Header.Get("Sandik-Checked-At"), err)
	}
	if want := fmt.Sprintf("/api/v1/snapshots/%s/%s/%d.json", webtest.BlindRace, area, idx.Version); idx.URL != want {
		e.T.Errorf("index url %q, want %q", idx.URL, want)
	}
	return idx
}

// version reads a snapshot version and checks it is cacheable for ever.
func (e *env) version(url string) (webtest.Response, snapshotDoc) {
	e.T.Helper()
	r := e.Do("GET", url, "", nil)
	var doc snapshotDoc
	r.Decode(e.T, http.StatusOK, &doc)
	if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		e.T.Errorf("version Cache-Control %q", cc)
	}
	return r, doc
}

func TestSnapshotsOffByDefault(t *testing.T) {
	e := newEnvWith(t, webtest.BlindRegistry(t))
	d := e.Do("GET", "/api/v1/snapshots/"+webtest.BlindRace+"/34", "", nil).APIError(t, http.StatusNotFound)
	if d.Code != sandik.ENotFound {
		t.Fatalf("snapshots off: %+v", d)
	}
}

func TestSnapshots(t *testing.T) {
	e := newEnvWith(t, webtest.BlindRegistry(t), publicSnapshots(3))
	verify := func(id, box string, chp int64) {
		e.submit(observer1, webtest.BlindSheet(id+"a", box, chp, 3000, 100))
		e.Settle(e.submit(volunteer, webtest.BlindSheet(id+"b", box, chp, 3000, 100)).Seq)
	}
	verify("s1", "34.01.01.02", 4000)

	idx := e.index("34")
	r1, doc := e.version(idx.URL)
	if doc.Version != idx.Version || !doc.MadeAt.Equal(idx.MadeAt) || doc.Area != "34" || !slices.Equal(doc.Totals.Verified.Votes, []int64{4000, 3000, 100}) ||
		doc.Totals.BoxesVerified != 1 || doc.Notice["tr"] == "" || doc.Notice["en"] == "" {
		t.Fatalf("version %s", r1.Body)
	}
	etag := r1.Header.Get("ETag")

	// Conditional requests: 304 with no body, for the index and the version.
	for _, path := range []string{"/api/v1/snapshots/" + webtest.BlindRace + "/34", idx.URL} {
		r := e.Do("GET", path, "", nil, "If-None-Match", etag)
		if r.Status != http.StatusNotModified || len(r.Body) != 0 {
			t.Errorf("%s with If-None-Match %s: %d %q", path, etag, r.Status, r.Body)
		}
		if r := e.Do("GET", path, "", nil, "If-None-Match", `"other"`); r.Status != http.StatusOK {
			t.Errorf("%s with another tag: %d", path, r.Status)
		}
	}

	// Another person's first entry (pending) is not public: same version.
	e.Settle(e.submit(observer2, webtest.BlindSheet("p1", "34.01.01.03", 4871, 3659, 1213)).Seq)
	if again := e.index("34"); again.Version != idx.Version {
		t.Fatalf("a pending entry made version %d (was %d)", again.Version, idx.Version)
	}

	// A newly verified box makes a new version; the old keeps its bytes.
	verify("s2", "34.01.02.02", 5000)
	idx2 := e.index("34")
	if idx2.Version <= idx.Version {
		t.Fatalf("version %d after %d", idx2.Version, idx.Version)
	}
	if _, doc2 := e.version(idx2.URL); !slices.Equal(doc2.Totals.Verified.Votes, []int64{9000, 6000, 200}) {
		t.Fatalf("new version %+v", doc2.Totals)
	}
	if r, _ := e.version(idx.URL); !bytes.Equal(r.Body, r1.Body) || r.Header.Get("ETag") != etag {
		t.Fatal("an old version changed its bytes")
	}

	// Keep is 3: two versions later the first is gone (410), and says
	// where the current one is.
	verify("s3", "34.01.02.03", 100)
	e.index("34")
	verify("s4", "34.01.02.04", 100)
	idx4 := e.index("34")
	d := e.Do("GET", idx.URL, "", nil).APIError(t, http.StatusGone)
	if d.Code != "gone" {
		t.Fatalf("expired version: %+v", d)
	}
	if r := e.Do("GET", idx2.URL, "", nil); r.Status != http.StatusOK {
		t.Fatalf("version 2 of 4 with Keep 3: %d", r.Status)
	}
	later := fmt.Sprintf("/api/v1/snapshots/%s/34/%d.json", webtest.BlindRace, idx4.Version+1000)
	between := fmt.Sprintf("/api/v1/snapshots/%s/34/%d.json", webtest.BlindRace, idx4.Version-1)
	// A version between two kept ones that this instance never made (one
	// behind the same cache made it) sends the reader to the current one.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.HTTP.URL + between)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != idx4.URL || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("a version never made here: %d, Location %q, Cache-Control %q", resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Cache-Control"))
	}
	for _, path := range []string{later, "/api/v1/snapshots/" + webtest.BlindRace + "/34/x.json",
		"/api/v1/snapshots/" + webtest.BlindRace + "/34/0" + strconv.FormatInt(idx4.Version, 10) + ".json",
		"/api/v1/snapshots/" + webtest.BlindRace + "/34/" + strconv.FormatInt(idx4.Version, 10),
		"/api/v1/snapshots/NO-RACE/34", "/api/v1/snapshots/" + webtest.BlindRace + "/99"} {
		r := e.Do("GET", path, "", nil)
		r.APIError(t, http.StatusNotFound)
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: a 404 with Cache-Control %q", path, cc)
		}
	}

	// What the public may not read: a box, an area of fewer boxes than
	// BlindMinBoxes; a child that would give one away is left out.
	for _, area := range []string{"34.01.01.02", "34.02.02"} {
		e.Do("GET", "/api/v1/snapshots/"+webtest.BlindRace+"/"+area, "", nil).APIError(t, http.StatusForbidden)
	}
	_, doc34 := e.version(e.index("34.02").URL)
	if len(doc34.Children) != 0 || slices.ContainsFunc(doc34.Totals.Provisional.Votes, func(n int64) bool { return n != 0 }) || doc34.Totals.BoxesReported != 0 {
		t.Fatalf("34.02 in public: %+v", doc34)
	}
	if _, d := e.version(e.index("34").URL); len(d.Children) != 2 || d.Totals.Provisional.Votes[0] != 0 {
		t.Fatalf("34 in public: %+v", d)
	}
}

// The snapshots' cache is bounded: past its bytes, the least recently
// read area is forgotten, and a version of it asked for again is either
// made again as current or answered 410.
func TestSnapshotsForgotten(t *testing.T) {
	e := newEnvWith(t, webtest.BlindRegistry(t), func(c *Config) {
		c.PublicSnapshots = true
		c.Snapshots = snapshot.Options{MaxBytes: 1, MinCheck: -1}
	})
	first := e.index("34")
	e.index("34.01") // pushes 34 out
	// Nothing changed: the current version is made again with the same
	// number.
	if r, doc := e.version(first.URL); doc.Version != first.Version {
		t.Fatalf("forgotten current version: %s", r.Body)
	}
	e.submit(observer1, webtest.BlindSheet("f1", "34.01.01.02", 1, 1, 1))
	e.Settle(e.submit(volunteer, webtest.BlindSheet("f2", "34.01.01.02", 1, 1, 1)).Seq)
	e.index("34.01")
	e.Do("GET", first.URL, "", nil).APIError(t, http.StatusGone)
}

// A snapshot is one document for every reader, signed in or not.
func TestSnapshotSameForEveryone(t *testing.T) {
	e := newEnvWith(t, webtest.BlindRegistry(t), publicSnapshots(0))
	idx := e.index("34")
	anon := e.Do("GET", idx.URL, "", nil)
	coord := e.Do("GET", idx.URL, coordinator, nil)
	if !bytes.Equal(anon.Body, coord.Body) {
		t.Fatal("a coordinator reads another snapshot")
	}
	var m map[string]any
	if err := json.Unmarshal(anon.Body, &m); err != nil {
		t.Fatal(err)
	}
	if m["unofficial"] != true {
		t.Fatalf("a snapshot that does not say it is unofficial: %s", anon.Body)
	}
}

// The race's index names every public area's current version down to
// the districts, and nothing that the public may not read.
func TestRaceSnapshotIndex(t *testing.T) {
	e := newEnvWith(t, webtest.BlindRegistry(t), publicSnapshots(0))
	e.submit(observer1, webtest.BlindSheet("r1", "34.01.01.02", 4000, 3000, 100))
	e.Settle(e.submit(volunteer, webtest.BlindSheet("r2", "34.01.01.02", 4000, 3000, 100)).Seq)
	r := e.Do("GET", "/api/v1/snapshots/"+webtest.BlindRace, "", nil)
	var idx struct {
		Version int64                     `json:"version"`
		URL     string                    `json:"url"`
		Areas   map[sandik.AreaCode]int64 `json:"areas"`
	}
	r.Decode(t, http.StatusOK, &idx)
	if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=2" || r.Header.Get("ETag") == "" || r.Header.Get("Sandik-Checked-At") == "" {
		t.Fatalf("race index headers %v", r.Header)
	}
	var got []sandik.AreaCode
	for a := range idx.Areas {
		got = append(got, a)
	}
	slices.Sort(got)
	// İstanbul and its two districts; Türkiye is outside the race's scope.
	if !slices.Equal(got, []sandik.AreaCode{"34", "34.01", "34.02"}) {
		t.Fatalf("race index areas %v", got)
	}
	for a, n := range idx.Areas {
		if area := e.index(string(a)); area.Version != n {
			t.Errorf("%s: race index names version %d, the area's index %d", a, n, area.Version)
		}
	}
	if r2 := e.Do("GET", "/api/v1/snapshots/"+webtest.BlindRace, "", nil, "If-None-Match", r.Header.Get("ETag")); r2.Status != http.StatusNotModified {
		t.Fatalf("race index with its ETag: %d", r2.Status)
	}
	// A verified box moves İstanbul and Büyükilçe, not Küçükilçe.
	e.submit(observer1, webtest.BlindSheet("r3", "34.01.02.02", 10, 10, 10))
	e.Settle(e.submit(volunteer, webtest.BlindSheet("r4", "34.01.02.02", 10, 10, 10)).Seq)
	var idx2 struct {
		Version int64                     `json:"version"`
		Areas   map[sandik.AreaCode]int64 `json:"areas"`
	}
	e.Do("GET", "/api/v1/snapshots/"+webtest.BlindRace, "", nil).Decode(t, http.StatusOK, &idx2)
	if idx2.Version <= idx.Version || idx2.Areas["34"] <= idx.Areas["34"] || idx2.Areas["34.01"] <= idx.Areas["34.01"] || idx2.Areas["34.02"] != idx.Areas["34.02"] {
		t.Fatalf("race index before %+v after %+v", idx, idx2)
	}
}

// An attacker asking, without an account, for versions that will never
// be holds at most maxSnapshotWaits requests waiting for this instance to
// catch up; the rest are answered at once, and every one is a 404.
func TestSnapshotWaitsBounded(t *testing.T) {
	e := newEnvWith(t, webtest.BlindRegistry(t), publicSnapshots(3))
	future := fmt.Sprintf("/api/v1/snapshots/%s/34/%d.json", webtest.BlindRace, int64(1)<<50)
	const n = maxSnapshotWaits + 40
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { codes[i] = e.Do("GET", future, "", nil).Status })
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusNotFound {
			t.Fatalf("request %d for a version that will never be: %d", i, c)
		}
	}
	rec := httptest.NewRecorder()
	if err := e.base.ServeMetrics(rec, httptest.NewRequest("GET", "/metrics", nil)); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^sandik_snapshot_waits_refused_total (\d+)$`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatal("no sandik_snapshot_waits_refused_total in /metrics")
	}
	if refused, _ := strconv.Atoi(m[1]); refused == 0 || refused > n-1 {
		t.Fatalf("%d of %d requests at once were answered without waiting; want some, for at most %d wait", refused, n, maxSnapshotWaits)
	}
}
