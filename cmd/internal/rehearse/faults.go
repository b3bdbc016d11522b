package rehearse

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sandik-dev/sandik/store/postgres"
)

// Faults are what -faults can inject during the load, in the order given
// (docs/rehearse.md). pg-restart restarts the PostgreSQL cluster itself,
// so it is never the default and never run by a test.
var Faults = []string{"pg-restart", "conn-reset", "slow-client", "disconnect-mid-body", "overload"}

// ParseFaults checks a -faults list against the store.
func ParseFaults(list string, store string) ([]string, error) {
	if list == "" {
		return nil, nil
	}
	var out []string
	for f := range strings.SplitSeq(list, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(Faults, f) {
			return nil, fmt.Errorf("-faults: unknown fault %q; the faults are %s", f, strings.Join(Faults, ", "))
		}
		if (f == "pg-restart" || f == "conn-reset") && !postgres.IsURL(store) {
			return nil, fmt.Errorf("-faults %s needs -store postgres://… (it acts on the PostgreSQL server)", f)
		}
		if slices.Contains(out, f) {
			return nil, fmt.Errorf("-faults: %s given twice", f)
		}
		out = append(out, f)
	}
	return out, nil
}

// FaultResult is what one injected fault did.
type FaultResult struct {
	Name string `json:"name"`
	// At is when it began, in seconds from the start of the load it was
	// injected into; Seconds how long it lasted.
	At      float64 `json:"at_seconds"`
	Seconds float64 `json:"seconds"`
	// Summary says what was done and what the servers did, in a sentence.
	Summary string `json:"summary"`
	// Before and During are the regular load's acknowledgements'
	// latency over as long a time just before the fault and while it
	// lasted; ErrorsDuring the regular load's failed attempts then (each
	// retried with the same id).
	Before       Latency          `json:"before_latency_ms"`
	During       Latency          `json:"during_latency_ms"`
	AckedDuring  int              `json:"acked_during"`
	ErrorsDuring map[string]int64 `json:"errors_during"`
	// FailingSeconds runs from the fault to the regular load's last
	// failed try (0: none failed); FirstAckSeconds to its first
	// acknowledgement after the fault (-1: none came).
	FailingSeconds  float64   `json:"failing_seconds"`
	FirstAckSeconds float64   `json:"first_ack_seconds"`
	Overload        *Overload `json:"overload,omitempty"`
	// Goroutines are the servers' goroutines (summed over instances)
	// before, while held and after (disconnect-mid-body).
	Goroutines []float64 `json:"goroutines,omitempty"`
	Problem    string    `json:"problem,omitempty"`
}

// Overload is what the extra entries of the overload fault met.
type Overload struct {
	Rate      float64 `json:"extra_rate"` // entries/s on top of the load, one try each
	Sent      int64   `json:"sent"`
	Acked     int64   `json:"acked"`
	Shed503   int64   `json:"shed_503"`
	Shed429   int64   `json:"shed_429"`
	WithRetry int64   `json:"shed_with_retry_after"`
	Other     int64   `json:"other"` // another status or no answer
	// ShedLatency is the time to a 503 or 429 from the intended send
	// time (the generator's own queue included), ShedAnswer from the
	// moment the request was sent; AckLatency to an acknowledgement.
	ShedLatency Latency `json:"shed_latency_ms"`
	ShedAnswer  Latency `json:"shed_answer_ms"`
	AckLatency  Latency `json:"ack_latency_ms"`
}

// window collects the regular load's answers while a fault is measured.
type window struct {
	mu       sync.Mutex
	lat      []time.Duration
	errs     map[int]int64
	firstAck time.Time
	lastFail time.Time
}

func newWindow() *window { return &window{errs: map[int]int64{}} }

func (w *window) ack(d time.Duration) {
	w.mu.Lock()
	w.lat = append(w.lat, d)
	if w.firstAck.IsZero() {
		w.firstAck = time.Now()
	}
	w.mu.Unlock()
}

func (w *window) fail(code int) {
	w.mu.Lock()
	w.errs[code]++
	w.lastFail = time.Now()
	w.mu.Unlock()
}

// latency of what the window saw, and how many acknowledgements.
func (w *window) latency() (Latency, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := slices.Clone(w.lat)
	slices.Sort(s)
	return latencyOf(s), len(s)
}

// faultEnv is what the faults act on.
type faultEnv struct {
	n       *Night
	hosts   []string
	typists []string
	// coordinator's token reads what the slow readers read.
	coordinator string
	corr        *corrections
	st          *loadStats // of the load the faults are injected into
	db          string     // the servers' database
	appName     string     // the servers' PostgreSQL application_name
	baseRate    float64    // the load's average rate, for the overload
	length      time.Duration
	// bodyTimeout is the servers' -body-timeout: slow bodies are cut then.
	bodyTimeout time.Duration
	metrics     *sampler
	progress    io.Writer
	start       time.Time // of the load
}

// injectFaults runs each fault in turn after a warm-up as long as one
// fault, each measured against as long a time just before it.
func injectFaults(ctx context.Context, env *faultEnv, names []string) []FaultResult {
	var out []FaultResult
	if !sleepCtx(ctx, env.length) {
		return out
	}
	for _, name := range names {
		before := newWindow()
		env.st.window.Store(before)
		if !sleepCtx(ctx, env.length) {
			break
		}
		during := newWindow()
		env.st.window.Store(during)
		at := time.Now()
		progress(env.progress, "fault %s: injecting at %.0f s of the load…", name, at.Sub(env.start).Seconds())
		r := FaultResult{Name: name, At: at.Sub(env.start).Seconds()}
		switch name {
		case "conn-reset":
			env.connReset(ctx, &r)
		case "pg-restart":
			env.pgRestart(ctx, &r)
		case "slow-client":
			env.slowClients(ctx, &r)
		case "disconnect-mid-body":
			env.disconnectMidBody(ctx, &r)
		case "overload":
			env.overload(ctx, &r)
		}
		// A fault acting at one moment is watched as long as the others.
		if rest := env.length - time.Since(at); rest > 0 {
			sleepCtx(ctx, rest)
		}
		env.st.window.Store(nil)
		r.Seconds = time.Since(at).Seconds()
		r.Before, _ = before.latency()
		r.During, r.AckedDuring = during.latency()
		r.ErrorsDuring = map[string]int64{}
		during.mu.Lock()
		for c, v := range during.errs {
			r.ErrorsDuring[statusKey(c)] += v
		}
		first, lastFail := during.firstAck, during.lastFail
		during.mu.Unlock()
		r.FirstAckSeconds = -1
		if !first.IsZero() {
			r.FirstAckSeconds = first.Sub(at).Seconds()
		}
		if !lastFail.IsZero() {
			r.FailingSeconds = lastFail.Sub(at).Seconds()
		}
		if n := r.ErrorsDuring["500"]; n > 0 && (name == "conn-reset" || name == "pg-restart") {
			// Retried and acknowledged all the same, but a phone told
			// "internal error" rather than "unavailable, retry after"
			// cannot tell an outage from a bug.
			r.Summary += fmt.Sprintf("; %d tries were answered 500 rather than 503 with Retry-After while the database was away", n)
		}
		progress(env.progress, "fault %s: %s", name, r.Summary)
		out = append(out, r)
	}
	env.st.window.Store(nil)
	return out
}

// sleepCtx waits d; false when ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// withAppName gives a PostgreSQL URL an application_name when it has
// none, so that conn-reset cuts the servers' connections only, not those
// of others on the same database.
func withAppName(db string) (string, string) {
	u, err := url.Parse(db)
	if err != nil {
		return db, ""
	}
	q := u.Query()
	if name := q.Get("application_name"); name != "" {
		return db, name
	}
	q.Set("application_name", "sandik-rehearse")
	u.RawQuery = q.Encode()
	return u.String(), "sandik-rehearse"
}
