package rehearse

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik/cmd/internal/promhist"
)

// totalsRoute is the route label of an area's totals in the servers'
// request histogram (web/handler/metrics.go).
const totalsRoute = "GET /api/v1/races/{race}/totals/{area}"

// scrape is what the rehearsal reads of one server's /metrics: the Go
// runtime's heap in use and goroutines, and the histogram of the time the
// server itself took to answer an area's totals (200s only).
type scrape struct {
	at        time.Time
	heapInuse float64 // bytes
	// heapGoal is the heap size the next collection is due at, set from
	// the live heap the last one marked: the in-use figure without the
	// sawtooth of garbage waiting for collection.
	heapGoal   float64
	goroutines float64
	totals     promhist.Histogram
	// caches is what the server's bounded caches say they hold (the
	// totals' kept answers and the ledger's hashes): they fill up to
	// their bounds over a soak, which is not a leak. 0 from a server that
	// does not say.
	caches float64
	// The Go runtime's own latencies (web/handler's runtimeLatencies):
	// how long runnable goroutines waited for a core, the collector's
	// stop-the-world pauses, and CPU seconds spent collecting and in all.
	runnable, pauses      promhist.Histogram
	gcCPU, allCPU, cycles float64
	// gogc is the runtime's GOGC: the heap goal is about the live heap
	// times 1+gogc/100. 0 when not read.
	gogc float64
}

// metricsReader scrapes one server's /metrics (a streamed, chunked
// answer: net/http's client, not the load client).
type metricsReader struct {
	c     *http.Client
	url   string
	token string
}

func newMetricsReader(host, token string) *metricsReader {
	return &metricsReader{c: &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}},
		url: "http://" + host + "/metrics", token: token}
}

func (m *metricsReader) close() { m.c.CloseIdleConnections() }

func (m *metricsReader) read() (scrape, error) {
	req, err := http.NewRequest("GET", m.url, nil)
	if err != nil {
		return scrape{}, err
	}
	if m.token != "" {
		req.Header.Set("Authorization", "Bearer "+m.token)
	}
	resp, err := m.c.Do(req)
	if err != nil {
		return scrape{}, fmt.Errorf("read /metrics: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return scrape{}, fmt.Errorf("read /metrics: %w", err)
	}
	if resp.StatusCode != 200 {
		return scrape{}, fmt.Errorf("read /metrics: answered %d (give the servers' -metrics-token)", resp.StatusCode)
	}
	return parseMetrics(body, time.Now())
}

// parseMetrics reads the lines the rehearsal needs from Prometheus' text
// format.
func parseMetrics(body []byte, at time.Time) (scrape, error) {
	s := scrape{at: at}
	var seenHeap, seenG bool
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "go_memstats_heap_inuse_bytes "):
			s.heapInuse, seenHeap = value(line), true
		case strings.HasPrefix(line, "go_memstats_next_gc_bytes "):
			s.heapGoal = value(line)
		case strings.HasPrefix(line, "go_goroutines "):
			s.goroutines, seenG = value(line), true
		case strings.HasPrefix(line, "go_cpu_classes_gc_total_cpu_seconds_total "):
			s.gcCPU = value(line)
		case strings.HasPrefix(line, "go_cpu_classes_total_cpu_seconds_total "):
			s.allCPU = value(line)
		case strings.HasPrefix(line, "go_gc_cycles_total_gc_cycles_total "):
			s.cycles = value(line)
		case strings.HasPrefix(line, "go_gc_gogc_percent "):
			s.gogc = value(line)
		case strings.HasPrefix(line, "sandik_totals_cache_bytes "), strings.HasPrefix(line, "sandik_ledger_hash_cache_bytes "):
			s.caches += value(line)
		}
	}
	if !seenHeap || !seenG {
		return s, fmt.Errorf("/metrics has no go_memstats_heap_inuse_bytes or go_goroutines")
	}
	if err := sc.Err(); err != nil {
		return s, err
	}
	routes, err := promhist.Routes(body, "200")
	if err != nil {
		return s, err
	}
	s.totals = routes[totalsRoute]
	if s.runnable, err = promhist.Named(body, "go_sched_latencies_seconds"); err != nil {
		return s, err
	}
	s.pauses, err = promhist.Named(body, "go_sched_pauses_total_gc_seconds")
	return s, err
}

func value(line string) float64 {
	f := strings.Fields(line)
	v, _ := strconv.ParseFloat(f[len(f)-1], 64)
	return v
}

// slope is the least-squares slope of ys over xs.
func slope(xs, ys []float64) float64 {
	n := float64(len(xs))
	if n < 2 {
		return 0
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}

// Origin is the servers' own time to answer an area's totals (200s),
// from their request histograms: over the poll-close peak (the night's
// first tenth), the whole night and the soak. Each is as fine as the
// histogram's buckets; Within1ms is exact (a bucket's bound).
type Origin struct {
	Peak  *OriginWindow `json:"peak,omitempty"`
	Night *OriginWindow `json:"night,omitempty"`
	Soak  *OriginWindow `json:"soak,omitempty"`
}

// OriginWindow is the totals route over one stretch of the run.
type OriginWindow struct {
	Seconds   float64 `json:"seconds"`
	Answered  float64 `json:"answered"`
	P50       float64 `json:"p50_ms"`
	P99       float64 `json:"p99_ms"`
	Within1ms float64 `json:"share_within_1ms"`
	// Runtime is what the servers' Go runtimes say delayed everything in
	// the same stretch; nil from servers that do not say.
	Runtime *RuntimeWindow `json:"runtime,omitempty"`
}

// RuntimeWindow is the servers' Go runtimes over one stretch, summed: a
// slow tail of answers with no wait of its own in the handler is read
// against these. The runtime's histograms have coarse buckets (about
// ×11), so "slow" is above the bound nearest 1 ms, which is printed.
type RuntimeWindow struct {
	GCCycles  float64 `json:"gc_cycles"`
	GCCPU     float64 `json:"gc_cpu_share"` // of the servers' CPU time
	SlowBound float64 `json:"slow_bound_ms"`
	// Runnable waits: goroutines made runnable and how many of them
	// waited longer than SlowBound for a core.
	Runnable     float64 `json:"runnable_waits"`
	RunnableSlow float64 `json:"runnable_waits_slow"`
	// Pauses: the collector's stop-the-world pauses, and how many were
	// longer than SlowBound.
	Pauses     float64 `json:"gc_pauses"`
	PausesSlow float64 `json:"gc_pauses_slow"`
}

func runtimeWindow(from, to []scrape) *RuntimeWindow {
	var rw RuntimeWindow
	var runnable, pauses promhist.Histogram
	var gc, all float64
	for i := range to {
		runnable = runnable.Add(to[i].runnable.Sub(from[i].runnable))
		pauses = pauses.Add(to[i].pauses.Sub(from[i].pauses))
		rw.GCCycles += to[i].cycles - from[i].cycles
		gc += to[i].gcCPU - from[i].gcCPU
		all += to[i].allCPU - from[i].allCPU
	}
	if runnable.Count() == 0 || all <= 0 {
		return nil
	}
	rw.GCCPU = gc / all
	bound, slow := runnable.Above(0.0009)
	rw.SlowBound, rw.Runnable, rw.RunnableSlow = 1000*bound, runnable.Count(), slow
	_, rw.PausesSlow = pauses.Above(0.0009)
	rw.Pauses = pauses.Count()
	return &rw
}

func originWindow(from, to []scrape) *OriginWindow {
	if from == nil || to == nil {
		return nil
	}
	h := totalsBetween(from, to)
	w := &OriginWindow{Seconds: to[0].at.Sub(from[0].at).Seconds(), Answered: h.Count()}
	if w.Answered > 0 {
		w.P50, w.P99, w.Within1ms = 1000*h.Quantile(0.5), 1000*h.Quantile(0.99), h.Within(0.001)
	}
	w.Runtime = runtimeWindow(from, to)
	return w
}

func (w *OriginWindow) text(name string) string {
	if w == nil {
		return ""
	}
	t := fmt.Sprintf("%s (%.1f s): %.0f answered, p50 %s p99 %s, %.2f%% within 1 ms", name, w.Seconds, w.Answered,
		msText(w.P50), msText(w.P99), 100*w.Within1ms)
	if r := w.Runtime; r != nil {
		t += fmt.Sprintf(" [runtime: %.0f collections, %.1f%% of CPU collecting; %.0f of %.0f stop-the-world pauses and %.2f%% of runnable waits over %.2f ms]",
			r.GCCycles, 100*r.GCCPU, r.PausesSlow, r.Pauses, 100*r.RunnableSlow/r.Runnable, r.SlowBound)
	}
	return t
}
