package rehearse

import (
	"bytes"
	"cmp"
	"context"
	"iter"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik/cmd/internal/loadclient"
)

// slot is one entry's intended send time, from the start of the night.
type slot struct {
	at time.Duration
	p  int32
	k  int8
	// corr is a correction's number plus one (corrections.go); 0 for the
	// night's own entry (p, k).
	corr int64
}

// Schedule returns every entry's intended send time for a night whose
// entries arrive at rate per second on average, sorted by time. Polls
// close at zero: three fifths of the first entries arrive in the first
// tenth of the night (the burst of sheets photographed at the box and
// sent at once), the rest spread over the next two thirds; each second
// entry follows its first within the next sixth of the night (a volunteer
// typing the photo at the centre).
func (n *Night) Schedule(rate float64) []slot {
	total := 2 * n.Pairs()
	night := time.Duration(float64(total) / rate * float64(time.Second))
	rng := rand.New(rand.NewPCG(n.seed, 0x7153))
	out := make([]slot, 0, total)
	for p := range n.Pairs() {
		var t1 float64
		if rng.Float64() < 0.6 {
			t1 = 0.1 * rng.Float64()
		} else {
			t1 = 0.1 + 0.65*rng.Float64()
		}
		t2 := t1 + rng.Float64()/6
		out = append(out, slot{at: time.Duration(t1 * float64(night)), p: int32(p)}, slot{at: time.Duration(t2 * float64(night)), p: int32(p), k: 1})
	}
	slices.SortFunc(out, func(a, b slot) int { return cmp.Compare(a.at, b.at) })
	return out
}

// peakRate is the most entries any one second of the schedule holds.
func peakRate(s []slot) int {
	best, j := 0, 0
	for i := range s {
		for s[i].at-s[j].at >= time.Second {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// loadStats are the submissions' counters, read by the progress line
// while the load runs.
type loadStats struct {
	sent, acked, failed, retried atomic.Int64
	maxSeq                       atomic.Int64
	lastAck                      atomic.Int64 // unix nanoseconds
	// corr keeps what became of corrections; nil when none are sent.
	corr *corrections
	// window, when set, also collects what happens while a fault is
	// injected (faults.go).
	window atomic.Pointer[window]
}

// loadResult is what the submissions did.
type loadResult struct {
	acked  []bool // by entry index 2p+k
	lat    []time.Duration
	errors map[int]int64 // status (-1: no answer) → count, retries included
	start  time.Time
	took   time.Duration
}

// maxAttempts is how often one entry is sent before it counts as failed:
// a phone retries with the same id after a refusal or a lost answer.
const maxAttempts = 5

// replay sends the schedule through conns connections spread over the
// servers, each entry at its intended time (open model): latency runs
// from the intended send time to the acknowledgement, retries included,
// so a server that falls behind is not flattered.
func replay(ctx context.Context, n *Night, sched []slot, start time.Time, hosts []string, typists []string, conns int, st *loadStats) loadResult {
	return replaySeq(ctx, n, slices.Values(sched), start, hosts, typists, conns, st)
}

// replaySeq is replay of a schedule made as it is sent (the soak's).
func replaySeq(ctx context.Context, n *Night, sched iter.Seq[slot], start time.Time, hosts []string, typists []string, conns int, st *loadStats) loadResult {
	res := loadResult{acked: make([]bool, 2*n.Pairs()), errors: map[int]int64{}}
	work := make(chan slot, 1<<16)
	res.start = start
	go func() {
		defer close(work)
		timer := time.NewTimer(0)
		defer timer.Stop()
		for s := range sched {
			// A select picks at random among ready cases: check the end
			// first, or a stopped night would go on sending.
			if ctx.Err() != nil {
				return
			}
			if wait := time.Until(res.start.Add(s.at)); wait > 0 {
				timer.Reset(wait)
				select {
				case <-timer.C:
				case <-ctx.Done():
					return
				}
			}
			select {
			case work <- s:
			case <-ctx.Done():
				return
			}
		}
	}()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range conns {
		wg.Go(func() {
			c := &loadclient.Client{Addr: hosts[w%len(hosts)]}
			defer c.Close()
			var buf bytes.Buffer
			var lat []time.Duration
			errs := map[int]int64{}
			for s := range work {
				if ctx.Err() != nil {
					continue // drain what the dispatcher queued, unsent
				}
				p, k := int(s.p), int(s.k)
				buf.Reset()
				if s.corr > 0 {
					p, k = st.corr.entry(s.corr - 1)
					n.correctionJSON(&buf, s.corr-1, p, k)
				} else {
					n.JSON(&buf, p, k)
				}
				auth := "Bearer " + typists[typistOf(p, k, len(typists))]
				st.sent.Add(1)
				intended := res.start.Add(s.at)
				for attempt := 1; ; attempt++ {
					code, retry, body, err := c.Do("POST", "/api/v1/submissions", auth, buf.Bytes())
					if err == nil && code/100 == 2 {
						if s.corr > 0 {
							st.corr.set(s.corr-1, corrAcked)
						} else {
							res.acked[2*p+k] = true
						}
						lat = append(lat, time.Since(intended))
						if w := st.window.Load(); w != nil {
							w.ack(time.Since(intended))
						}
						st.acked.Add(1)
						st.lastAck.Store(time.Now().UnixNano())
						if q := seqOf(body); q > 0 {
							for old := st.maxSeq.Load(); q > old && !st.maxSeq.CompareAndSwap(old, q); old = st.maxSeq.Load() {
							}
						}
						break
					}
					if err != nil {
						code = -1
					}
					errs[code]++
					if w := st.window.Load(); w != nil {
						w.fail(code)
					}
					// As the observer form does (app.js): a lost answer, a
					// server's failure (5xx), 429 and 408 are tried again
					// with the same id; a 4xx about the sheet is final.
					if ctx.Err() != nil || attempt == maxAttempts || !(code == -1 || code >= 500 || code == 429 || code == 408) {
						st.failed.Add(1)
						break
					}
					st.retried.Add(1)
					wait := time.Duration(min(max(retry, 0), 2))*time.Second + time.Duration(attempt)*50*time.Millisecond
					select {
					case <-time.After(wait):
					case <-ctx.Done():
					}
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			for k, v := range errs {
				res.errors[k] += v
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.took = time.Since(res.start)
	slices.Sort(res.lat)
	return res
}

// typistOf is who types entry k of pair p: never the same person twice
// for one sheet, or the second entry would not count.
func typistOf(p, k, typists int) int {
	first := p % typists
	if k == 0 {
		return first
	}
	return (first + 1 + (p/typists)%(typists-1)) % typists
}

// pct is the p-th quantile of sorted durations.
func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(p*float64(len(sorted)-1))]
}
