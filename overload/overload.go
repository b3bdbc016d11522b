// Package overload tells a standing queue from a burst, the way CoDel
// does for packets: a burst leaves some writes fast, a queue that does not
// drain makes every one slow. A server that sees even its fastest write
// of the last moment take longer than it may is behind for good, and
// refusing new writes at once (503 with Retry-After) serves the phones
// better than answering them in a minute.
package overload

import (
	"sync"
	"time"
)

// Window keeps the shortest time a write took over the last span and the
// one before it. It is safe for concurrent use.
type Window struct {
	span time.Duration
	mu   sync.Mutex
	cur  slot // the span now running
	prev slot // the span just before cur
}

type slot struct {
	start time.Time
	min   time.Duration
	n     int
}

// New returns a window of spans of the given length.
func New(span time.Duration) *Window {
	if span <= 0 {
		panic("overload: a span must be positive")
	}
	return &Window{span: span}
}

// Observe records that a write ended at now after took.
func (w *Window) Observe(now time.Time, took time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.roll(now)
	if w.cur.n == 0 || took < w.cur.min {
		w.cur.min = took
	}
	w.cur.n++
}

// Min is the shortest time a write took in the span now running and the
// one before it; ok is false when no write ended in either (nothing came,
// or everything was refused and what was queued has drained).
func (w *Window) Min(now time.Time) (min time.Duration, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.roll(now)
	for _, s := range [2]slot{w.prev, w.cur} {
		if s.n > 0 && (!ok || s.min < min) {
			min, ok = s.min, true
		}
	}
	return min, ok
}

// roll moves the spans on to the one holding now.
func (w *Window) roll(now time.Time) {
	if w.cur.start.IsZero() {
		w.cur.start = now
		return
	}
	passed := now.Sub(w.cur.start)
	if passed < w.span {
		return
	}
	if passed < 2*w.span {
		w.prev = w.cur
	} else {
		w.prev = slot{}
	}
	w.cur = slot{start: w.cur.start.Add(passed / w.span * w.span)}
}
