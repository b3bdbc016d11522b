package rehearse

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/sandik-dev/sandik/cmd/internal/promhist"
)

// FlatHeapMiBPerMin is the verdict's threshold: a soak is flat when every
// server's heap goal (the size the next collection is due at, which follows
// the live heap each collection marks) grows by less than this over the
// soak's second half, and its goroutines come back to their count at rest
// once everything stops. A leak at that rate would add 720 MiB over a
// 12-hour night. The heap in use and the goroutines under load are
// reported with their slopes too, but not judged: the first saws up and
// down with garbage collection, the second with the requests in flight. A
// second half shorter than minJudged is reported, not judged.
//
// A heap goal that grows that fast only by as much as the server's
// bounded caches (sandik_*_cache_bytes) grow, times 1+GOGC/100, is
// "bounded", not "growing": the caches fill up to bounds their own tests
// hold them to, and stop. What grows beyond them is judged as before.
const (
	FlatHeapMiBPerMin = 1.0
	minJudged         = 5 * time.Minute
)

// Soak is what the steady load after the night did, and each server's
// heap and goroutines sampled from its /metrics during it.
type Soak struct {
	Seconds     float64        `json:"seconds"`
	Rate        float64        `json:"rate"` // corrections sent per second
	Submissions Submissions    `json:"submissions"`
	Servers     []ServerSeries `json:"servers"`
	// Verdict is "flat", "bounded" (the heap goal grows only as the
	// bounded caches fill), "growing" or "too short to judge".
	Verdict string `json:"verdict"`
}

// ServerSeries is one server's samples over the soak.
type ServerSeries struct {
	Samples     int    `json:"samples"`
	HeapMiB     Series `json:"heap_inuse_mib"`
	HeapGoalMiB Series `json:"heap_goal_mib"`
	Goroutines  Series `json:"goroutines"`
	// Slopes are least-squares fits over the soak's second half.
	HeapSlopeMiBPerMin     float64 `json:"heap_slope_mib_per_min"`
	HeapGoalSlopeMiBPerMin float64 `json:"heap_goal_slope_mib_per_min"`
	GoroutineSlopePerMin   float64 `json:"goroutine_slope_per_min"`
	// Caches is what the bounded caches held, and Unexplained the heap
	// goal's slope less theirs times 1+GOGC/100: the growth the verdict
	// judges.
	CachesMiB                         Series  `json:"bounded_caches_mib"`
	CachesSlopeMiBPerMin              float64 `json:"bounded_caches_slope_mib_per_min"`
	UnexplainedHeapGoalSlopeMiBPerMin float64 `json:"heap_goal_slope_unexplained_mib_per_min"`
	HeapGoalBytesPerEntry             float64 `json:"heap_goal_bytes_per_entry"`
	UnexplainedHeapGoalBytesPerEntry  float64 `json:"heap_goal_bytes_per_entry_unexplained"`
	// AtRest are the goroutines before the night and after every load,
	// reader and stream had stopped.
	GoroutinesAtRestBefore float64 `json:"goroutines_at_rest_before"`
	GoroutinesAtRestAfter  float64 `json:"goroutines_at_rest_after"`
}

// Series is the first, last and highest of a sampled figure.
type Series struct {
	First float64 `json:"first"`
	Last  float64 `json:"last"`
	Max   float64 `json:"max"`
}

// sampler reads every server's /metrics.
type sampler struct {
	readMu  sync.Mutex // the readers' connections are one request at a time
	readers []*metricsReader

	mu     sync.Mutex
	series [][]scrape // by server, in time order
}

func newSampler(hosts []string, token string) *sampler {
	s := &sampler{series: make([][]scrape, len(hosts))}
	for _, h := range hosts {
		s.readers = append(s.readers, newMetricsReader(h, token))
	}
	return s
}

func (s *sampler) close() {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	for _, r := range s.readers {
		r.close()
	}
}

// read scrapes every server once.
func (s *sampler) read() ([]scrape, error) {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	out := make([]scrape, len(s.readers))
	for i, r := range s.readers {
		var err error
		if out[i], err = r.read(); err != nil {
			return nil, fmt.Errorf("server %d: %w", i+1, err)
		}
	}
	return out, nil
}

// record scrapes every server and keeps the samples.
func (s *sampler) record() ([]scrape, error) {
	sc, err := s.read()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	for i := range sc {
		s.series[i] = append(s.series[i], sc[i])
	}
	s.mu.Unlock()
	return sc, nil
}

// goroutinesMax is the most goroutines of all servers together over
// times reads gap apart.
func (s *sampler) goroutinesMax(times int, gap time.Duration) (float64, error) {
	_, hi, err := s.goroutinesRange(times, gap)
	return hi, err
}

// goroutinesRange is the least and the most goroutines of all servers
// together over times reads gap apart.
func (s *sampler) goroutinesRange(times int, gap time.Duration) (lo, hi float64, err error) {
	lo = math.Inf(1)
	for i := range times {
		if i > 0 {
			sleepCtx(context.Background(), gap)
		}
		sc, err := s.read()
		if err != nil {
			return 0, 0, err
		}
		sum := 0.0
		for _, x := range sc {
			sum += x.goroutines
		}
		lo, hi = min(lo, sum), max(hi, sum)
	}
	return lo, hi, nil
}

// run records a sample every period until stop closes, calling each(…)
// with it; a failed read is reported once.
func (s *sampler) run(every time.Duration, stop <-chan struct{}, each func([]scrape), w io.Writer) {
	t := time.NewTicker(every)
	defer t.Stop()
	warned := false
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		sc, err := s.record()
		if err != nil {
			if !warned {
				progress(w, "sampling the servers' /metrics: %v", err)
				warned = true
			}
			continue
		}
		if each != nil {
			each(sc)
		}
	}
}

// totalsBetween is every server's totals histogram, summed, counted
// between two sets of scrapes.
func totalsBetween(from, to []scrape) promhist.Histogram {
	var h promhist.Histogram
	for i := range to {
		h = h.Add(to[i].totals.Sub(from[i].totals))
	}
	return h
}

// soakSeries builds each server's series from the samples taken in
// [from, to], during which each server took about entriesPerMin entries a
// minute.
func (s *sampler) soakSeries(from, to time.Time, entriesPerMin float64) ([]ServerSeries, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	verdict := "flat"
	worse := map[string]int{"flat": 0, "bounded": 1, "growing": 2}
	out := make([]ServerSeries, len(s.series))
	for i, all := range s.series {
		var in []scrape
		for _, x := range all {
			if !x.at.Before(from) && !x.at.After(to) {
				in = append(in, x)
			}
		}
		ss := &out[i]
		ss.Samples = len(in)
		if len(in) == 0 {
			verdict = "too short to judge"
			continue
		}
		ss.HeapMiB = Series{First: in[0].heapInuse / (1 << 20), Last: in[len(in)-1].heapInuse / (1 << 20)}
		ss.HeapGoalMiB = Series{First: in[0].heapGoal / (1 << 20), Last: in[len(in)-1].heapGoal / (1 << 20)}
		ss.Goroutines = Series{First: in[0].goroutines, Last: in[len(in)-1].goroutines}
		ss.CachesMiB = Series{First: in[0].caches / (1 << 20), Last: in[len(in)-1].caches / (1 << 20)}
		mid := from.Add(to.Sub(from) / 2)
		var xs, heap, goal, gr, caches []float64
		for _, x := range in {
			ss.HeapMiB.Max = math.Max(ss.HeapMiB.Max, x.heapInuse/(1<<20))
			ss.HeapGoalMiB.Max = math.Max(ss.HeapGoalMiB.Max, x.heapGoal/(1<<20))
			ss.Goroutines.Max = math.Max(ss.Goroutines.Max, x.goroutines)
			ss.CachesMiB.Max = math.Max(ss.CachesMiB.Max, x.caches/(1<<20))
			if !x.at.Before(mid) {
				xs = append(xs, x.at.Sub(from).Minutes())
				heap = append(heap, x.heapInuse/(1<<20))
				goal = append(goal, x.heapGoal/(1<<20))
				gr = append(gr, x.goroutines)
				caches = append(caches, x.caches/(1<<20))
			}
		}
		ss.HeapSlopeMiBPerMin, ss.HeapGoalSlopeMiBPerMin, ss.GoroutineSlopePerMin = slope(xs, heap), slope(xs, goal), slope(xs, gr)
		ss.CachesSlopeMiBPerMin = slope(xs, caches)
		// GOGC off (negative) or unread: a goal of twice the live heap,
		// the default's.
		gogc := in[len(in)-1].gogc
		if gogc <= 0 {
			gogc = 100
		}
		ss.UnexplainedHeapGoalSlopeMiBPerMin = ss.HeapGoalSlopeMiBPerMin - (1+gogc/100)*max(ss.CachesSlopeMiBPerMin, 0)
		if entriesPerMin > 0 {
			ss.HeapGoalBytesPerEntry = ss.HeapGoalSlopeMiBPerMin * (1 << 20) / entriesPerMin
			ss.UnexplainedHeapGoalBytesPerEntry = ss.UnexplainedHeapGoalSlopeMiBPerMin * (1 << 20) / entriesPerMin
		}
		v := "flat"
		switch {
		case ss.UnexplainedHeapGoalSlopeMiBPerMin >= FlatHeapMiBPerMin:
			v = "growing"
		case ss.HeapGoalSlopeMiBPerMin >= FlatHeapMiBPerMin:
			v = "bounded"
		}
		switch {
		case to.Sub(mid) < minJudged || len(xs) < 10:
			verdict = "too short to judge"
		case verdict != "too short to judge" && worse[v] > worse[verdict]:
			verdict = v
		}
	}
	return out, verdict
}

// soakProgress is the soak's line on the terminal for one sample.
func soakProgress(w io.Writer, start time.Time, length, every time.Duration, st *loadStats, prev *int64, sc []scrape) {
	acked := st.acked.Load()
	el := time.Since(start)
	var parts []string
	for i, x := range sc {
		parts = append(parts, fmt.Sprintf("server %d heap %.0f MiB, %0.f goroutines", i+1, x.heapInuse/(1<<20), x.goroutines))
	}
	fmt.Fprintf(w, "rehearse: soak %5.0f/%.0f s  acknowledged %d (%.0f/s)  retried %d  failed %d; %s\n",
		el.Seconds(), length.Seconds(), acked, float64(acked-*prev)/every.Seconds(), st.retried.Load(), st.failed.Load(), strings.Join(parts, "; "))
	*prev = acked
}

// correctionsNeeded is about how many corrections the soak and the faults
// send.
func correctionsNeeded(cfg Config, night time.Duration) int64 {
	need := cfg.SoakRate * cfg.Soak.Seconds()
	for _, f := range cfg.Faults {
		switch f {
		case "overload":
			rate := cfg.Rate
			if cfg.Soak > 0 {
				rate = cfg.SoakRate
			}
			need += 2 * rate * cfg.FaultFor.Seconds()
		case "slow-client":
			need += slowWriters
		case "disconnect-mid-body":
			need += abandoned
		}
	}
	return int64(need) + 1
}

// restingGoroutines waits, up to 30 s, until every server's goroutines
// are back to at most ten more than at rest, and returns the last count.
func restingGoroutines(ctx context.Context, smp *sampler, atRest []scrape) []float64 {
	var last []float64
	deadline := time.Now().Add(30 * time.Second)
	for {
		sc, err := smp.read()
		if err == nil {
			last = last[:0]
			back := true
			for i := range sc {
				last = append(last, sc[i].goroutines)
				back = back && sc[i].goroutines <= atRest[i].goroutines+10
			}
			if back {
				return last
			}
		}
		if time.Now().After(deadline) || !sleepCtx(ctx, 200*time.Millisecond) {
			return last
		}
	}
}
