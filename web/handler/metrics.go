package handler

import (
	"net/http"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sandik-dev/sandik"
)

// metrics are a Base's Prometheus metrics, in a registry of its own so
// that several servers (tests) never collide.
type metrics struct {
	reg      *prometheus.Registry
	handler  http.Handler
	requests *prometheus.HistogramVec
	inFlight prometheus.Gauge
	// sheets counts sheets by kind (entry, adjudication) and result.
	sheets [2][numResults]prometheus.Counter
	// shed counts writes refused for load, by why: the user's body bytes,
	// everyone's body bytes, the write slots.
	shed [numSheds]prometheus.Counter
	// workWaits counts writes that waited for a slot of Base.Work.
	workWaits prometheus.Counter
}

// Why a write was refused for load.
type shedReason int

const (
	shedUserBytes  shedReason = iota // 429: the user's body budget
	shedTotalBytes                   // 503: everyone's body budget
	shedSlots                        // 503: every write slot taken
	shedWriteTime                    // 503: even the fastest recent append too slow
	numSheds
)

var shedNames = [numSheds]string{"user_body_bytes", "total_body_bytes", "write_slots", "write_time"}

// Results of a submitted sheet.
type result int

const (
	resultAccepted result = iota // written
	resultReplayed               // a retry: the original receipt was returned
	resultRejected               // refused: invalid, conflicting, forbidden…
	resultFailed                 // a server-side failure
	numResults
)

var resultNames = [numResults]string{"accepted", "replayed", "rejected", "failed"}

func newMetrics(tallySeq func() int64) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "sandik_http_request_duration_seconds",
		Help: "HTTP requests by route pattern and status code, and how long they took.",
		// Fine below a millisecond: an area's totals must be answered
		// within one (issue 23), and sandik rehearse reads its p99 here.
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "code"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "sandik_http_requests_in_flight",
		Help: "HTTP requests being served.",
	})
	sheets := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sandik_submissions_total",
		Help: "Result sheets received over HTTP by kind and result (accepted, replayed, rejected, failed).",
	}, []string{"kind", "result"})
	for k, kind := range []sandik.Kind{sandik.KindEntry, sandik.KindAdjudication} {
		for r, name := range resultNames {
			m.sheets[k][r] = sheets.WithLabelValues(kind.String(), name)
		}
	}
	seq := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sandik_tally_seq",
		Help: "The log sequence number the live totals reflect.",
	}, func() float64 { return float64(tallySeq()) })
	m.reg.MustRegister(m.requests, m.inFlight, sheets, seq,
		collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(runtimeLatencies)),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return m
}

// runtimeLatencies are the Go runtime's own measures of what delays an
// answer beside the handler's work: how long runnable goroutines waited
// for a core, the collector's stop-the-world pauses, and its share of
// the CPU. A slow tail of the request histogram is read against them
// (sandik rehearse reports them for the poll-close peak).
var runtimeLatencies = collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(
	`^/sched/latencies:seconds$|^/sched/pauses/total/gc:seconds$|^/cpu/classes/(gc/total|total):cpu-seconds$|^/gc/cycles/total:gc-cycles$`)}

// watchLoad adds the gauges of what writes hold now: body bytes in
// memory and write slots taken, beside their caps, and the counter of
// writes refused for load.
func (m *metrics) watchLoad(b *Base) {
	shed := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sandik_http_writes_shed_total",
		Help: "Write requests refused at once for load (429 or 503 with Retry-After), by the bound they met.",
	}, []string{"bound"})
	for i, name := range shedNames {
		m.shed[i] = shed.WithLabelValues(name)
	}
	gauge := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
	}
	m.workWaits = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "sandik_http_write_work_waits_total",
		Help: "Writes that waited for a slot to decode their body or make their answer (-write-work).",
	})
	m.reg.MustRegister(shed, m.workWaits,
		gauge("sandik_http_body_bytes_in_flight", "Bytes of request bodies reserved in memory now, by everyone.",
			func() float64 { _, all := b.guards.bodies.Used(""); return float64(all) }),
		gauge("sandik_http_body_bytes_limit", "The cap of request body bytes in memory at once, by everyone (0: none).",
			func() float64 { return float64(b.cfg.Limits.BodyBytesTotal) }),
		gauge("sandik_http_body_bytes_user_limit", "The cap of request body bytes in memory at once, by one user (0: none).",
			func() float64 { return float64(b.cfg.Limits.BodyBytesPerUser) }),
		gauge("sandik_http_write_slots_in_use", "Write requests holding one of the global write slots now.",
			func() float64 { return float64(len(b.writes)) }),
		gauge("sandik_http_write_slots", "The global write slots (0: no cap).",
			func() float64 { return float64(cap(b.writes)) }),
		gauge("sandik_http_write_work_slots", "The writes that may decode a body or make an answer at once (-write-work; 0: no bound).",
			func() float64 { return float64(cap(b.work)) }),
	)
}

// RegisterMetrics adds collectors of other parts of the server (the
// snapshot cache) to the metrics /metrics serves.
func (b *Base) RegisterMetrics(cs ...prometheus.Collector) { b.metrics.reg.MustRegister(cs...) }

// CountSheets records the outcome of n sheets of one kind, as the
// submissions metric counts them.
func (b *Base) CountSheets(kind sandik.Kind, n int, rs []sandik.Receipt, err error) {
	b.metrics.countSheets(kind, n, rs, err)
}

func (m *metrics) countSheets(kind sandik.Kind, n int, rs []sandik.Receipt, err error) {
	k := 0
	if kind == sandik.KindAdjudication {
		k = 1
	}
	switch code := sandik.CodeOf(err); {
	case err == nil:
		replayed := 0
		for i := range rs {
			if rs[i].Replayed {
				replayed++
			}
		}
		m.sheets[k][resultReplayed].Add(float64(replayed))
		m.sheets[k][resultAccepted].Add(float64(len(rs) - replayed))
	case code == sandik.EInternal || code == sandik.EUnavailable:
		m.sheets[k][resultFailed].Add(float64(max(n, 1)))
	default:
		m.sheets[k][resultRejected].Add(float64(max(n, 1)))
	}
}

// routeMetrics holds one route's histograms by status code, resolved once:
// the expected statuses at start, any other at its first use.
type routeMetrics struct {
	label  string
	vec    *prometheus.HistogramVec
	byCode [500]atomic.Pointer[observer] // status 100–599
}

type observer struct{ prometheus.Observer }

func (m *metrics) route(pattern string, statuses ...int) *routeMetrics {
	label := pattern
	if pattern == "/" {
		label = "unmatched"
	}
	rm := &routeMetrics{label: label, vec: m.requests}
	for _, code := range statuses {
		rm.resolve(code)
	}
	return rm
}

func (rm *routeMetrics) resolve(code int) *observer {
	o := &observer{rm.vec.WithLabelValues(rm.label, strconv.Itoa(code))}
	rm.byCode[code-100].Store(o)
	return o
}

// observe records one request; status 0 means nothing was written (200).
func (rm *routeMetrics) observe(status int, d time.Duration) {
	if status == 0 {
		status = http.StatusOK
	}
	if status < 100 || status > 599 {
		return
	}
	o := rm.byCode[status-100].Load()
	if o == nil {
		o = rm.resolve(status)
	}
	o.Observe(d.Seconds())
}
