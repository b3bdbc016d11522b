// Package promhist reads the servers' request-duration histograms from
// the Prometheus text format of /metrics, so that the load tools report
// how long the origin itself took to answer, beside what their clients
// measured (which, on the same machine, includes waiting for a core).
package promhist

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Requests is the servers' request histogram (web/handler/metrics.go).
const Requests = "sandik_http_request_duration_seconds"

// Histogram is a cumulative Prometheus histogram: Counts[i] requests took
// at most Bounds[i] seconds; the last bound is +Inf.
type Histogram struct {
	Bounds []float64
	Counts []float64
}

// Routes reads the buckets of the request histogram of every route whose
// answer had the given status code, keyed by route pattern.
func Routes(body []byte, code string) (map[string]Histogram, error) {
	out := map[string]Histogram{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	prefix := Requests + "_bucket{"
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) || !strings.Contains(line, `code="`+code+`"`) {
			continue
		}
		route, ok := label(line, "route")
		if !ok {
			continue
		}
		le, ok := label(line, "le")
		if !ok {
			return nil, fmt.Errorf("/metrics: a bucket of %s without its bound: %q", route, line)
		}
		b, err := strconv.ParseFloat(le, 64)
		if err != nil {
			return nil, fmt.Errorf("/metrics: bucket bound %q of %s: %w", le, route, err)
		}
		f := strings.Fields(line)
		n, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return nil, fmt.Errorf("/metrics: bucket count of %s: %w", route, err)
		}
		h := out[route]
		h.Bounds, h.Counts = append(h.Bounds, b), append(h.Counts, n)
		out[route] = h
	}
	return out, sc.Err()
}

// Named reads the buckets of one histogram without labels other than
// its bound (the Go runtime's, such as go_sched_latencies_seconds); an
// empty Histogram when the body has none of that name.
func Named(body []byte, name string) (Histogram, error) {
	var h Histogram
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	prefix := name + `_bucket{le="`
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		le, _, _ := strings.Cut(line[len(prefix):], `"`)
		b, err := strconv.ParseFloat(le, 64)
		if err != nil {
			return Histogram{}, fmt.Errorf("/metrics: bucket bound %q of %s: %w", le, name, err)
		}
		f := strings.Fields(line)
		n, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return Histogram{}, fmt.Errorf("/metrics: bucket count of %s: %w", name, err)
		}
		h.Bounds, h.Counts = append(h.Bounds, b), append(h.Counts, n)
	}
	return h, sc.Err()
}

// Above is how many were counted above the first bound at or over x: the
// histogram's own view of "slower than x", as fine as its buckets.
func (h Histogram) Above(x float64) (bound, n float64) {
	for i, b := range h.Bounds {
		if b >= x {
			return b, h.Count() - h.Counts[i]
		}
	}
	return math.Inf(1), 0
}

// label is the value of name="…" in a metric line; route patterns hold
// no quotes, so the first closing quote ends it.
func label(line, name string) (string, bool) {
	i := strings.Index(line, name+`="`)
	if i < 0 {
		return "", false
	}
	v, _, ok := strings.Cut(line[i+len(name)+2:], `"`)
	return v, ok
}

// Sub is what h counted since an earlier reading of the same histogram.
// A histogram with other buckets (a restarted server) is returned whole.
func (h Histogram) Sub(old Histogram) Histogram {
	out := Histogram{Bounds: h.Bounds, Counts: slices.Clone(h.Counts)}
	if slices.Equal(h.Bounds, old.Bounds) {
		for i := range out.Counts {
			out.Counts[i] -= old.Counts[i]
		}
	}
	return out
}

// Add sums two servers' histograms of the same buckets.
func (h Histogram) Add(o Histogram) Histogram {
	if len(h.Bounds) == 0 {
		return Histogram{Bounds: o.Bounds, Counts: slices.Clone(o.Counts)}
	}
	out := Histogram{Bounds: h.Bounds, Counts: slices.Clone(h.Counts)}
	if slices.Equal(h.Bounds, o.Bounds) {
		for i := range out.Counts {
			out.Counts[i] += o.Counts[i]
		}
	}
	return out
}

// Count is the number of requests counted.
func (h Histogram) Count() float64 {
	if len(h.Counts) == 0 {
		return 0
	}
	return h.Counts[len(h.Counts)-1] // the +Inf bucket
}

// Within is the share of requests answered within bound seconds, exact
// when bound is a bucket's; NaN when there were none or bound is not one.
func (h Histogram) Within(bound float64) float64 {
	for i, b := range h.Bounds {
		if b == bound && h.Count() > 0 {
			return h.Counts[i] / h.Count()
		}
	}
	return math.NaN()
}

// Quantile is the q-quantile, interpolated within its bucket as
// Prometheus' histogram_quantile does; the answer is only as fine as the
// buckets. NaN when nothing was counted.
func (h Histogram) Quantile(q float64) float64 {
	total := h.Count()
	if total == 0 {
		return math.NaN()
	}
	rank := q * total
	lower, below := 0.0, 0.0
	for i, b := range h.Bounds {
		if h.Counts[i] >= rank {
			if math.IsInf(b, 1) {
				return lower // above the highest finite bucket
			}
			return lower + (b-lower)*(rank-below)/(h.Counts[i]-below)
		}
		lower, below = b, h.Counts[i]
	}
	return lower
}
