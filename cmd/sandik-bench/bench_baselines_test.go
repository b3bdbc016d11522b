package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/synth"
)

func TestParseBaselines(t *testing.T) {
	for in, want := range map[string]baselines{
		"prototype,field":  {prototype: true, field: true},
		"field, prototype": {prototype: true, field: true},
		"prototype":        {prototype: true},
		"field":            {field: true},
		"none":             {},
	} {
		got, err := parseBaselines(in)
		if err != nil || got != want {
			t.Errorf("parseBaselines(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "proto", "prototype,none", "field,,prototype"} {
		if _, err := parseBaselines(in); err == nil {
			t.Errorf("parseBaselines(%q): no error", in)
		}
	}
}

func TestRatioAndThousands(t *testing.T) {
	for _, tc := range []struct {
		a, b float64
		want string
	}{{7800, 10000, "0.78×"}, {13650, 650, "21×"}, {1, 0, "∞×"}, {10, 1, "10×"}} {
		if got := ratio(tc.a, tc.b); got != tc.want {
			t.Errorf("ratio(%v, %v) = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 17550: "17,550", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %s, want %s", n, got, want)
		}
	}
}

// Every box of the bench's registry has its il and ilçe, which are
// areas of those levels above it; the readers read the country and
// every il.
func TestPlacesAndReadAreas(t *testing.T) {
	reg, err := synth.Registry(synth.Shape{Provinces: 3, DistrictsPerIl: 2, MahallesPerIlce: 2, BuildingsPerMah: 1,
		BoxesPerBuilding: 2, Races: 1, Choices: 2, RegisteredPerBox: 100})
	if err != nil {
		t.Fatal(err)
	}
	level := map[string]sandik.AreaLevel{}
	parent := map[string]string{}
	for _, a := range reg.Areas {
		level[string(a.Code)], parent[string(a.Code)] = a.Level, string(a.Parent)
	}
	ps := places(reg)
	if len(ps) != 3*2*2*2 {
		t.Fatalf("%d places, want 24", len(ps))
	}
	for box, p := range ps {
		if level[p.Il] != sandik.LevelIl || level[p.Ilce] != sandik.LevelIlce || parent[p.Ilce] != p.Il {
			t.Errorf("box %s: il %q (%v), ilçe %q (%v) under %q", box, p.Il, level[p.Il], p.Ilce, level[p.Ilce], parent[p.Ilce])
		}
		up := parent[box]
		for up != "" && up != p.Ilce {
			up = parent[up]
		}
		if up != p.Ilce {
			t.Errorf("box %s is not under its ilçe %s", box, p.Ilce)
		}
	}
	country, ils := readAreas(reg)
	if country != "TR" || len(ils) != 3 {
		t.Errorf("readAreas: %q, %v", country, ils)
	}
}

// The readers ask by turns for the country and the ils, sort what came
// back by level, and count every other answer by status; alone, they
// stop after n reads of each level.
func TestReadLoadIdle(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked[r.URL.Path]++
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/02") {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	rl := readLoad{readers: 1, every: time.Millisecond, race: "r1", country: "TR", ils: []string{"01", "02"}, token: "tok"}
	got := rl.idle(t.Context(), srv.Listener.Addr().String(), 4, time.Minute)
	if len(got.country.lat) != 4 || len(got.il.lat) != 2 || got.il.errs[http.StatusNotFound] != 2 {
		t.Fatalf("country %d reads, il %d reads and errors %v", len(got.country.lat), len(got.il.lat), got.il.errs)
	}
	if asked["/api/v1/races/r1/totals/TR"] != 4 || asked["/api/v1/races/r1/totals/01"] != 2 || asked["/api/v1/races/r1/totals/02"] != 2 {
		t.Errorf("asked %v", asked)
	}
	if s := got.String(); !strings.Contains(s, "(4 reads)") || !strings.Contains(s, "other answers map[404:2]") {
		t.Errorf("String() = %s", s)
	}
	if stop := (readLoad{}).underLoad(t.Context(), srv.Listener.Addr().String()); stop() != nil {
		t.Error("no readers: a result")
	}
}

// Under the load, each reader asks on its own ticker until stopped, and
// what they read is gathered by level.
func TestReadLoadUnderLoad(t *testing.T) {
	seen := make(chan string, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "{}")
		select {
		case seen <- r.URL.Path:
		default:
		}
	}))
	defer srv.Close()
	rl := readLoad{readers: 2, every: time.Millisecond, race: "r1", country: "TR", ils: []string{"01"}, token: "tok"}
	stop := rl.underLoad(t.Context(), srv.Listener.Addr().String())
	// Two answers of each level given (and so soon recorded: stop waits
	// for the readers, each of which records before its next tick).
	for country, il := 0, 0; country < 3 || il < 3; {
		if strings.HasSuffix(<-seen, "/TR") {
			country++
		} else {
			il++
		}
	}
	got := stop()
	if len(got.country.lat) < 2 || len(got.il.lat) < 2 || len(got.country.errs)+len(got.il.errs) != 0 {
		t.Fatalf("country %d, il %d reads, errors %v %v", len(got.country.lat), len(got.il.lat), got.country.errs, got.il.errs)
	}
	if !slices.IsSorted(got.country.lat) || !slices.IsSorted(got.il.lat) {
		t.Error("latencies not sorted for the percentiles")
	}
}
