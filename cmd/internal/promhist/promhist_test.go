package promhist

import (
	"math"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// exposition renders a registry holding the request histogram with the
// observations given per route and code, as /metrics would.
func exposition(t *testing.T, obs map[[2]string][]float64) []byte {
	t.Helper()
	reg := prometheus.NewRegistry()
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    Requests,
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01},
	}, []string{"route", "code"})
	reg.MustRegister(h)
	for k, vs := range obs {
		for _, v := range vs {
			h.WithLabelValues(k[0], k[1]).Observe(v)
		}
	}
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.Bytes()
}

func TestRoutesQuantileAndSub(t *testing.T) {
	const chart = "GET /api/v1/units/{code}"
	var fast []float64
	for range 98 {
		fast = append(fast, 0.00005)
	}
	first := exposition(t, map[[2]string][]float64{
		{chart, "200"}:                      {0.0003, 0.0003},
		{chart, "404"}:                      {0.5},
		{"POST /api/v1/submissions", "200"}: {0.002},
	})
	before, err := Routes(first, "200")
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 2 || before[chart].Count() != 2 {
		t.Fatalf("routes %v", before)
	}
	// 98 fast and 2 slow answers: the p99 falls in the slow answers' bucket.
	second := exposition(t, map[[2]string][]float64{
		{chart, "200"}: append(append([]float64{0.0003, 0.0003}, fast...), 0.004, 0.004),
	})
	after, err := Routes(second, "200")
	if err != nil {
		t.Fatal(err)
	}
	d := after[chart].Sub(before[chart])
	if d.Count() != 100 {
		t.Fatalf("count since the first reading %v, want 100", d.Count())
	}
	if p := d.Quantile(0.99); p <= 0.0025 || p > 0.005 {
		t.Errorf("p99 %v, want within (2.5 ms, 5 ms]", p)
	}
	if p := d.Quantile(0.5); p > 0.0001 {
		t.Errorf("p50 %v, want within the first bucket", p)
	}
	if w := d.Within(0.001); w != 0.98 {
		t.Errorf("within 1 ms %v, want 0.98", w)
	}
	if w := d.Within(0.002); !math.IsNaN(w) {
		t.Errorf("within a bound that is no bucket's %v, want NaN", w)
	}
	if s := d.Add(d); s.Count() != 200 {
		t.Errorf("sum of two servers %v, want 200", s.Count())
	}
	if q := (Histogram{}).Quantile(0.99); !math.IsNaN(q) {
		t.Errorf("quantile of nothing %v, want NaN", q)
	}
}

func TestRoutesRefusesABadBound(t *testing.T) {
	body := []byte(Requests + `_bucket{code="200",route="GET /x",le="fast"} 3` + "\n")
	if _, err := Routes(body, "200"); err == nil {
		t.Fatal("a bucket bound that is no number was read")
	}
}

// A histogram of the Go runtime, with no labels but its bound, is read
// by name; Above counts what passed the first bound at or over a value.
func TestNamedAndAbove(t *testing.T) {
	body := []byte(`go_sched_latencies_seconds_bucket{le="8.191999999999999e-05"} 90
go_sched_latencies_seconds_bucket{le="0.0009175039999999999"} 97
go_sched_latencies_seconds_bucket{le="+Inf"} 100
go_sched_latencies_seconds_sum 0.5
go_sched_pauses_total_gc_seconds_bucket{le="0.0009175039999999999"} 3
`)
	h, err := Named(body, "go_sched_latencies_seconds")
	if err != nil {
		t.Fatal(err)
	}
	if h.Count() != 100 || len(h.Bounds) != 3 {
		t.Fatalf("histogram %+v", h)
	}
	if b, n := h.Above(0.0009); b != 0.0009175039999999999 || n != 3 {
		t.Errorf("above 0.9 ms: bound %v, %v counted", b, n)
	}
	if b, n := h.Above(1); !math.IsInf(b, 1) || n != 0 {
		t.Errorf("above every bound: %v %v", b, n)
	}
	if none, err := Named(body, "go_gc_pauses_seconds"); err != nil || none.Count() != 0 {
		t.Errorf("a histogram not there: %+v %v", none, err)
	}
	if _, err := Named([]byte(`x_bucket{le="soon"} 1`), "x"); err == nil {
		t.Error("a bad bound accepted")
	}
}
