package rehearse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"

	"github.com/sandik-dev/sandik/cmd/internal/promhist"
)

const metricsText = `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 42
go_memstats_heap_inuse_bytes 1.048576e+07
go_memstats_next_gc_bytes 4.194304e+06
go_gc_gogc_percent 100
sandik_totals_cache_bytes 1.048576e+06
sandik_totals_cache_bytes_limit 3.3554432e+07
sandik_ledger_hash_cache_bytes 2.097152e+06
sandik_http_request_duration_seconds_bucket{code="200",route="GET /api/v1/races/{race}/totals/{area}",le="0.0005"} 50
sandik_http_request_duration_seconds_bucket{code="200",route="GET /api/v1/races/{race}/totals/{area}",le="0.001"} 90
sandik_http_request_duration_seconds_bucket{code="200",route="GET /api/v1/races/{race}/totals/{area}",le="0.01"} 100
sandik_http_request_duration_seconds_bucket{code="200",route="GET /api/v1/races/{race}/totals/{area}",le="+Inf"} 100
sandik_http_request_duration_seconds_bucket{code="403",route="GET /api/v1/races/{race}/totals/{area}",le="0.0005"} 7
sandik_http_request_duration_seconds_bucket{code="200",route="GET /api/v1/races/{race}",le="0.0005"} 9
`

// The rehearsal reads the heap, the goroutines and the totals route's
// histogram of 200s from the Prometheus text, and computes quantiles as
// histogram_quantile does.
func TestParseMetrics(t *testing.T) {
	s, err := parseMetrics([]byte(metricsText), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if s.goroutines != 42 || s.heapInuse != 10<<20 || s.heapGoal != 4<<20 || s.gogc != 100 {
		t.Errorf("goroutines %v heap %v goal %v gogc %v", s.goroutines, s.heapInuse, s.heapGoal, s.gogc)
	}
	if s.caches != 3<<20 {
		t.Errorf("bounded caches %v bytes, want the two gauges' sum without the limit", s.caches)
	}
	h := s.totals
	if len(h.Bounds) != 4 || h.Count() != 100 || !math.IsInf(h.Bounds[3], 1) {
		t.Fatalf("histogram %+v", h)
	}
	// p50: the 50th request is the last of the first bucket; p99: 9/10
	// of the way through (0.001, 0.01].
	if q := h.Quantile(0.5); math.Abs(q-0.0005) > 1e-12 {
		t.Errorf("p50 %v", q)
	}
	if q := h.Quantile(0.99); math.Abs(q-0.0091) > 1e-9 {
		t.Errorf("p99 %v", q)
	}
	if w := h.Within(0.001); w != 0.9 {
		t.Errorf("within 1 ms %v", w)
	}
	// Counted between two scrapes, and summed over two servers.
	later := promhist.Histogram{Bounds: h.Bounds, Counts: []float64{150, 190, 200, 200}}
	if d := later.Sub(h); d.Count() != 100 || d.Counts[0] != 100 {
		t.Errorf("difference %+v", d)
	}
	if sum := (promhist.Histogram{}).Add(h).Add(h); sum.Count() != 200 {
		t.Errorf("sum %+v", sum)
	}
	if _, err := parseMetrics([]byte("sandik_tally_seq 3\n"), time.Now()); err == nil {
		t.Error("metrics without the runtime's figures accepted")
	}
}

// runtimeText is a server's Go runtime figures as client_golang exposes
// them, with the runtime's coarse buckets.
func runtimeText(gcCPU, allCPU, cycles float64, runnable, pauses [4]float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "go_cpu_classes_gc_total_cpu_seconds_total %g\ngo_cpu_classes_total_cpu_seconds_total %g\ngo_gc_cycles_total_gc_cycles_total %g\n", gcCPU, allCPU, cycles)
	for _, h := range []struct {
		name   string
		counts [4]float64
	}{{"go_sched_latencies_seconds", runnable}, {"go_sched_pauses_total_gc_seconds", pauses}} {
		for i, le := range []string{"8.191999999999999e-05", "0.0009175039999999999", "0.010485759999999998", "+Inf"} {
			fmt.Fprintf(&b, "%s_bucket{le=%q} %g\n", h.name, le, h.counts[i])
		}
	}
	return b.String()
}

// The report's runtime line is the difference of two scrapes, summed
// over the servers: collections, the collector's share of the CPU, and
// how many waits for a core and pauses were over the bound nearest 1 ms.
func TestRuntimeWindow(t *testing.T) {
	scrapeOf := func(text string) scrape {
		t.Helper()
		s, err := parseMetrics([]byte(metricsText+text), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	from := []scrape{
		scrapeOf(runtimeText(1, 10, 5, [4]float64{100, 150, 160, 160}, [4]float64{10, 10, 10, 10})),
		scrapeOf(runtimeText(2, 20, 7, [4]float64{10, 10, 10, 10}, [4]float64{4, 4, 4, 4})),
	}
	to := []scrape{
		scrapeOf(runtimeText(3, 20, 9, [4]float64{300, 390, 400, 400}, [4]float64{18, 19, 20, 20})),
		scrapeOf(runtimeText(3, 30, 8, [4]float64{100, 108, 110, 110}, [4]float64{6, 6, 6, 6})),
	}
	rw := runtimeWindow(from, to)
	if rw == nil {
		t.Fatal("no runtime window")
	}
	want := RuntimeWindow{GCCycles: 5, GCCPU: 3.0 / 20, SlowBound: 0.9175039999999999, Runnable: 340, RunnableSlow: 2, Pauses: 12, PausesSlow: 1}
	if *rw != want {
		t.Errorf("runtime window %+v, want %+v", *rw, want)
	}
	text := (&OriginWindow{Seconds: 1, Answered: 1, Runtime: rw}).text("peak")
	if !strings.Contains(text, "5 collections, 15.0% of CPU collecting; 1 of 12 stop-the-world pauses and 0.59% of runnable waits over 0.92 ms") {
		t.Errorf("report line %q", text)
	}
	// Servers that do not expose the runtime's figures: no line, not zeros.
	if rw := runtimeWindow([]scrape{scrapeOf("")}, []scrape{scrapeOf("")}); rw != nil {
		t.Errorf("runtime window from servers without figures: %+v", rw)
	}
}

func TestSlope(t *testing.T) {
	xs := []float64{0, 1, 2, 3, 4}
	if s := slope(xs, []float64{5, 7, 9, 11, 13}); math.Abs(s-2) > 1e-12 {
		t.Errorf("slope %v, want 2", s)
	}
	if s := slope(xs, []float64{3, 3, 3, 3, 3}); s != 0 {
		t.Errorf("flat slope %v", s)
	}
}

// A soak's verdict: flat when the heap goal's slope over the second half is
// under the threshold, growing when it climbs (the in-use figure's
// sawtooth aside), not judged when short; bounded when it climbs only as
// the bounded caches fill (twice their growth at GOGC 100), growing when
// it climbs faster than they explain.
func TestSoakVerdict(t *testing.T) {
	from := time.Date(2029, 3, 24, 22, 0, 0, 0, time.UTC)
	soaked := func(length time.Duration, heapPerMin, cachesPerMin float64) *sampler {
		s := &sampler{series: make([][]scrape, 1)}
		for at := time.Duration(0); at <= length; at += 10 * time.Second {
			// A sawtooth of ±8 MiB, as garbage collection makes, over a
			// trend of heapPerMin.
			saw := float64(int(at/(10*time.Second))%4) * 4
			heap := (100 + saw + heapPerMin*at.Minutes()) * (1 << 20)
			goal := 2 * (100 + heapPerMin*at.Minutes()) * (1 << 20)
			caches := (10 + cachesPerMin*at.Minutes()) * (1 << 20)
			s.series[0] = append(s.series[0], scrape{at: from.Add(at), heapInuse: heap, heapGoal: goal, goroutines: 300 + saw,
				caches: caches, gogc: 100})
		}
		return s
	}
	for _, c := range []struct {
		length                   time.Duration
		heapPerMin, cachesPerMin float64
		want                     string
	}{
		{30 * time.Minute, 0, 0, "flat"},
		{30 * time.Minute, 3, 0, "growing"},
		{2 * time.Minute, 0, 0, "too short to judge"},
		{2 * time.Minute, 3, 3, "too short to judge"},
		// The live heap grows 3 MiB/min, all of it the caches': bounded.
		{30 * time.Minute, 3, 3, "bounded"},
		// 3 MiB/min of which the caches explain 1: 4 MiB/min of goal
		// unexplained.
		{30 * time.Minute, 3, 1, "growing"},
		// The caches shrinking (evicting) take nothing off the heap's growth.
		{30 * time.Minute, 0.6, -2, "growing"},
	} {
		series, verdict := soaked(c.length, c.heapPerMin, c.cachesPerMin).soakSeries(from, from.Add(c.length), 600)
		s := series[0]
		if verdict != c.want {
			t.Errorf("%s at %g MiB/min, caches %g: %q (slope %.2f, unexplained %.2f), want %q", c.length, c.heapPerMin, c.cachesPerMin,
				verdict, s.HeapGoalSlopeMiBPerMin, s.UnexplainedHeapGoalSlopeMiBPerMin, c.want)
		}
		if s.HeapMiB.First != 100 || s.HeapMiB.Max < s.HeapMiB.Last || s.Goroutines.First != 300 || s.CachesMiB.First != 10 {
			t.Errorf("series %+v", s)
		}
		// 600 entries a minute: the goal's slope in bytes per entry.
		if want := 2 * c.heapPerMin * (1 << 20) / 600; c.length > 5*time.Minute && math.Abs(s.HeapGoalBytesPerEntry-want) > 1 {
			t.Errorf("heap goal per entry %.0f bytes, want %.0f", s.HeapGoalBytesPerEntry, want)
		}
	}
	// Of two servers, the worse verdict.
	two := soaked(30*time.Minute, 3, 3)
	two.series = append(two.series, soaked(30*time.Minute, 3, 0).series[0])
	if _, v := two.soakSeries(from, from.Add(30*time.Minute), 600); v != "growing" {
		t.Errorf("a bounded and a growing server: %q", v)
	}
}

func TestParseFaults(t *testing.T) {
	pg := "postgres://u@127.0.0.1/db"
	if got, err := ParseFaults("conn-reset, overload", pg); err != nil || len(got) != 2 || got[1] != "overload" {
		t.Errorf("%v %v", got, err)
	}
	for _, c := range []struct{ list, store, want string }{
		{"conn-reset", "", "needs -store postgres"},
		{"pg-restart", "/tmp/x.db", "needs -store postgres"},
		{"overload,overload", "", "given twice"},
		{"flood", "", "unknown fault"},
	} {
		if _, err := ParseFaults(c.list, c.store); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q on %q: %v, want %q", c.list, c.store, err, c.want)
		}
	}
}

// A correction is the night's entry under its own id, a valid sheet; the
// corrections run out after maxCorrectionRounds of every entry, so no
// typist meets the per-box quota.
func TestCorrections(t *testing.T) {
	n, err := NewNight(0.0005, 3, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	corr := newCorrections(n)
	entries := 2 * n.Pairs()
	seen := map[[2]int]int{}
	var buf bytes.Buffer
	for {
		num, ok := corr.take()
		if !ok {
			break
		}
		p, k := corr.entry(num)
		seen[[2]int{p, k}]++
		if num%97 != 0 {
			continue
		}
		n.correctionJSON(&buf, num, p, k)
		var in sandik.SheetInput
		dec := json.NewDecoder(&buf)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			t.Fatalf("correction %d: %v", num, err)
		}
		if back, ok := ParseCorrectionID(in.ID); !ok || back != num {
			t.Errorf("id %q read back as %d", in.ID, back)
		}
		if _, _, ok := ParseEntryID(in.ID); ok {
			t.Errorf("correction id %q taken for a night entry's", in.ID)
		}
	}
	if len(seen) != entries {
		t.Errorf("%d entries corrected, want %d", len(seen), entries)
	}
	for e, times := range seen {
		if times != maxCorrectionRounds {
			t.Fatalf("entry %v corrected %d times, want %d", e, times, maxCorrectionRounds)
		}
	}
	if sandik.DefaultMaxEntriesPerPerson < 1+maxCorrectionRounds {
		t.Error("a typist's entry and its corrections exceed the per-box quota")
	}
}

// The check finds an acknowledged correction missing from the log and a
// refused or cut-off one present in it; a logged correction counts for
// its entry when the night's own is missing.
func TestCheckCorrections(t *testing.T) {
	n, err := NewNight(0.0005, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	acked := make([]bool, 2*n.Pairs())
	lc := &logCheck{present: make([]bool, len(acked)), contentRead: true}
	for e := range acked {
		acked[e], lc.present[e] = true, true
	}
	lc.present[3], acked[3] = false, false // never acknowledged
	lc.countLost(acked)
	states := []uint8{corrAcked, corrAcked, corrRefused, corrAbandoned, corrUnanswered}
	lc.corrLogged = []bool{true, false, true, false, true}
	lc.countCorrections(states)
	if lc.corrAcked != 2 || lc.corrLost != 1 || lc.lost != 1 || lc.refusedLogged != 1 {
		t.Errorf("acked %d, lost %d (%d), refused yet logged %d", lc.corrAcked, lc.corrLost, lc.lost, lc.refusedLogged)
	}
	if lc.counted[3] || !lc.counted[0] {
		t.Error("counted entries wrong")
	}
	// A correction of entry 3 in the log makes it count.
	lc2 := &logCheck{present: lc.present}
	lc2.countLost(acked)
	big := make([]uint8, len(acked)+4)
	lc2.corrLogged = make([]bool, len(big))
	lc2.corrLogged[len(acked)+3] = true
	lc2.countCorrections(big)
	if !lc2.counted[3] {
		t.Error("a logged correction of a missing entry does not count for it")
	}
	rep := &Report{}
	rep.check(n, lc, nil)
	if rep.OK || !strings.Contains(strings.Join(rep.Problems, "\n"), "refused for load or cut off") {
		t.Errorf("problems %v", rep.Problems)
	}
}
