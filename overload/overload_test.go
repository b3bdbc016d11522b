package overload

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 29, 17, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// want checks Min at ms.
func want(t *testing.T, w *Window, ms int, min time.Duration, ok bool) {
	t.Helper()
	if m, k := w.Min(at(ms)); m != min || k != ok {
		t.Fatalf("at %d ms: Min = %v, %v; want %v, %v", ms, m, k, min, ok)
	}
}

func TestWindowFastestOfTwoSpans(t *testing.T) {
	w := New(500 * time.Millisecond)
	want(t, w, 0, 0, false)
	held := w.Begin(at(0)) // a write under way throughout
	// A burst: one fast write among slow ones keeps the minimum low.
	w.Observe(at(10), 3*time.Second)
	w.Observe(at(20), 40*time.Millisecond)
	w.Observe(at(30), 2*time.Second)
	want(t, w, 40, 40*time.Millisecond, true)
	// The next span has only slow writes; the span before still counts.
	w.Observe(at(600), 1500*time.Millisecond)
	want(t, w, 700, 40*time.Millisecond, true)
	// Another slow span: the fastest of the last two is slow now.
	for _, ms := range []int{1100, 1150, 1200} {
		w.Observe(at(ms), 1200*time.Millisecond)
	}
	want(t, w, 1210, 1200*time.Millisecond, true)
	// One fast write is enough to end it.
	w.Observe(at(1300), 5*time.Millisecond)
	want(t, w, 1310, 5*time.Millisecond, true)
	// Nothing for two spans: the held write's wait is the measure.
	w.Observe(at(1400), 9*time.Second)
	want(t, w, 2500, 2500*time.Millisecond, true)
	// Nothing under way: nothing stands, however slow it was.
	w.End(held, at(2600), false)
	want(t, w, 2700, 0, false)
}

// One or two slow writes at a quiet moment are not a queue.
func TestWindowNeedsSamples(t *testing.T) {
	w := New(500 * time.Millisecond)
	w.Begin(at(0))
	w.Observe(at(10), 1500*time.Millisecond)
	want(t, w, 20, 0, false)
	w.Observe(at(30), 1600*time.Millisecond)
	want(t, w, 40, 0, false)
	w.Observe(at(600), 1700*time.Millisecond)
	want(t, w, 610, 1500*time.Millisecond, true)
}

// When nothing ends while writes are under way, the queue has stopped:
// the oldest one's wait is the measure, and it grows.
func TestWindowStall(t *testing.T) {
	w := New(500 * time.Millisecond)
	first := w.Begin(at(0))
	second := w.Begin(at(100))
	want(t, w, 400, 400*time.Millisecond, true)
	want(t, w, 1300, 1300*time.Millisecond, true)
	// The oldest ends (failed: its time does not count); the next is the
	// oldest now.
	w.End(first, at(1400), false)
	want(t, w, 1500, 1400*time.Millisecond, true)
	// The last ends well: nothing is under way any more.
	w.End(second, at(1600), true)
	want(t, w, 1700, 0, false)
	// Many writes begun and ended keep the list of those under way short.
	for i := range 1000 {
		w.End(w.Begin(at(2000+i)), at(2000+i), true)
	}
	if n := len(w.flying) - w.head; n != 0 || len(w.flying) > 128 {
		t.Errorf("%d writes under way in a list of %d, want none in a short list", n, len(w.flying))
	}
}
