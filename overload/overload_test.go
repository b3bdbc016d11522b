package overload

import (
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	t0 := time.Date(2026, 3, 29, 17, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	w := New(500 * time.Millisecond)
	if _, ok := w.Min(at(0)); ok {
		t.Fatal("a minimum before any write")
	}
	// A burst: one write fast among slow ones keeps the minimum low.
	w.Observe(at(10), 3*time.Second)
	w.Observe(at(20), 40*time.Millisecond)
	w.Observe(at(30), 2*time.Second)
	if m, ok := w.Min(at(40)); !ok || m != 40*time.Millisecond {
		t.Fatalf("minimum of a burst %v %v, want 40ms", m, ok)
	}
	// The next span: only slow writes, but the span before still counts.
	w.Observe(at(600), 1500*time.Millisecond)
	if m, _ := w.Min(at(700)); m != 40*time.Millisecond {
		t.Fatalf("minimum with the span before %v, want 40ms", m)
	}
	// Another slow span: now the fastest of the last two is slow.
	w.Observe(at(1100), 1200*time.Millisecond)
	if m, ok := w.Min(at(1200)); !ok || m != 1200*time.Millisecond {
		t.Fatalf("minimum of a standing queue %v %v, want 1.2s", m, ok)
	}
	// One fast write is enough to end it.
	w.Observe(at(1300), 5*time.Millisecond)
	if m, _ := w.Min(at(1310)); m != 5*time.Millisecond {
		t.Fatalf("minimum after a fast write %v, want 5ms", m)
	}
	// Nothing for two spans: nothing known, whatever came before.
	w.Observe(at(1400), 9*time.Second)
	if m, ok := w.Min(at(2500)); ok {
		t.Fatalf("minimum %v after two empty spans, want none", m)
	}
	// A span with nothing followed by a slow one: only the slow one counts.
	w.Observe(at(3050), 2*time.Second)
	if m, ok := w.Min(at(3100)); !ok || m != 2*time.Second {
		t.Fatalf("minimum %v %v, want 2s", m, ok)
	}
}
