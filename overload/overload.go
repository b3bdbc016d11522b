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

// MinSamples is how many writes must have ended in the window before
// their fastest says anything: one slow write at a quiet moment is not a
// queue.
const MinSamples = 3

// Window keeps the shortest time a write took over the last span and the
// one before it, and when the writes still under way began. It is safe
// for concurrent use.
type Window struct {
	span time.Duration
	mu   sync.Mutex
	cur  slot // the span now running
	prev slot // the span just before cur
	// flying holds the writes under way from flying[head] on, in the
	// order they began; a write that ended is marked and dropped once
	// those before it have ended too.
	flying []*Write
	head   int
}

type slot struct {
	start time.Time
	min   time.Duration
	n     int
}

// A Write is one write under way, from Begin to End.
type Write struct {
	start time.Time
	ended bool
}

// New returns a window of spans of the given length.
func New(span time.Duration) *Window {
	if span <= 0 {
		panic("overload: a span must be positive")
	}
	return &Window{span: span}
}

// Begin records that a write began at now.
func (w *Window) Begin(now time.Time) *Write {
	wr := &Write{start: now}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flying = append(w.flying, wr)
	return wr
}

// End records that wr ended at now: its time counts if it succeeded.
func (w *Window) End(wr *Write, now time.Time, succeeded bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	wr.ended = true
	for w.head < len(w.flying) && w.flying[w.head].ended {
		w.flying[w.head] = nil
		w.head++
	}
	if w.head > 64 && w.head*2 > len(w.flying) {
		w.flying = append(w.flying[:0], w.flying[w.head:]...)
		w.head = 0
	}
	if succeeded {
		w.observe(now, now.Sub(wr.start))
	}
}

// Observe records that a write ended at now after took.
func (w *Window) Observe(now time.Time, took time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.observe(now, took)
}

func (w *Window) observe(now time.Time, took time.Duration) {
	w.roll(now)
	if w.cur.n == 0 || took < w.cur.min {
		w.cur.min = took
	}
	w.cur.n++
}

// Min is the shortest time a write took in the span now running and the
// one before it, once MinSamples writes ended in them. When none ended
// in them while one is still under way, the queue has stopped moving:
// Min is then how long the oldest has been waiting. ok is false when no
// write (of those Begin was told of) is under way — a queue that has
// drained stands no more, however slow it was — and when too few ended
// to judge.
func (w *Window) Min(now time.Time) (min time.Duration, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.roll(now)
	if w.head == len(w.flying) {
		return 0, false
	}
	n := 0
	for _, s := range [2]slot{w.prev, w.cur} {
		n += s.n
		if s.n > 0 && (n == s.n || s.min < min) {
			min = s.min
		}
	}
	switch {
	case n >= MinSamples:
		return min, true
	case n == 0:
		return now.Sub(w.flying[w.head].start), true
	}
	return 0, false
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
