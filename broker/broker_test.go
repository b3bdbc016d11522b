package broker

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// fakeSource is a version that tests move by hand.
type fakeSource struct {
	mu       sync.Mutex
	seq      int64
	changed  chan struct{}
	replaced chan struct{}
}

func newFake() *fakeSource {
	return &fakeSource{changed: make(chan struct{}), replaced: make(chan struct{})}
}

func (f *fakeSource) Seq() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seq
}

func (f *fakeSource) Moved() (<-chan struct{}, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changed, f.replaced
}

func (f *fakeSource) set(seq int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq = seq
	close(f.changed)
	f.changed = make(chan struct{})
}

// replace moves the version without the change signal, as a registry
// import that swaps the engine does.
func (f *fakeSource) replace(seq int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq = seq
	close(f.replaced)
	f.replaced = make(chan struct{})
}

func TestSnapshotFirstThenChanges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFake()
		src.set(7)
		b := New(src, 250*time.Millisecond, nil)
		defer b.Close()
		s := b.Subscribe()
		ev := <-s.C
		if !ev.Snapshot || ev.Seq != 7 {
			t.Fatalf("first event = %+v, want snapshot of 7", ev)
		}
		src.set(8)
		ev = <-s.C
		if ev.Snapshot || ev.Seq != 8 {
			t.Fatalf("second event = %+v, want change to 8", ev)
		}
	})
}

func TestCoalescesBurstIntoOneEventPerInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFake()
		b := New(src, 250*time.Millisecond, nil)
		defer b.Close()
		s := b.Subscribe()
		<-s.C
		start := time.Now()
		src.set(1) // published at once
		if ev := <-s.C; ev.Seq != 1 {
			t.Fatalf("got %+v, want seq 1", ev)
		}
		// A burst while the broker rests goes out as one event with the
		// last version, one interval after the previous event.
		for i := int64(2); i <= 1000; i++ {
			src.set(i)
		}
		ev := <-s.C
		if ev.Seq != 1000 {
			t.Fatalf("got %+v, want the burst coalesced to seq 1000", ev)
		}
		if d := time.Since(start); d != 250*time.Millisecond {
			t.Fatalf("second event after %v, want one interval (250ms)", d)
		}
		synctest.Wait()
		select {
		case ev := <-s.C:
			t.Fatalf("unexpected extra event %+v", ev)
		default:
		}
	})
}

func TestSlowSubscriberIsDroppedNotWaitedFor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFake()
		b := New(src, 10*time.Millisecond, nil)
		defer b.Close()
		slow, fast := b.Subscribe(), b.Subscribe()
		<-fast.C
		// The slow one never reads; the fast one keeps receiving.
		for i := int64(1); i <= Buffer+2; i++ {
			src.set(i)
			if ev := <-fast.C; ev.Seq != i {
				t.Fatalf("fast got %+v, want %d", ev, i)
			}
		}
		n := 0
		for range slow.C {
			n++
		}
		if n != Buffer || !slow.Dropped() {
			t.Fatalf("slow subscriber got %d events then dropped=%v; want %d then dropped", n, slow.Dropped(), Buffer)
		}
		if b.Dropped() != 1 || b.Subscribers() != 1 {
			t.Fatalf("dropped %d, subscribers %d; want 1 and 1", b.Dropped(), b.Subscribers())
		}
		if fast.Dropped() {
			t.Fatal("fast subscriber marked dropped")
		}
	})
}

func TestReplacedEngineIsNoticed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFake()
		b := New(src, 250*time.Millisecond, nil)
		defer b.Close()
		s := b.Subscribe()
		<-s.C
		src.replace(42)
		if ev := <-s.C; ev.Seq != 42 {
			t.Fatalf("got %+v, want 42 after the engine was replaced", ev)
		}
	})
}

func TestLoopStopsWhenEveryoneLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFake()
		b := New(src, 250*time.Millisecond, nil)
		s := b.Subscribe()
		b.Unsubscribe(s)
		b.Unsubscribe(s) // twice is harmless
		<-s.C            // the snapshot, still buffered
		if _, ok := <-s.C; ok {
			t.Fatal("channel still open after Unsubscribe")
		}
		<-time.After(2 * idleCheck) // fake time inside the bubble
		synctest.Wait()
		b.mu.Lock()
		running := b.running
		b.mu.Unlock()
		if running {
			t.Fatal("loop still running with no subscribers")
		}
		// A new subscriber starts it again and sees changes.
		s = b.Subscribe()
		<-s.C
		src.set(5)
		if ev := <-s.C; ev.Seq != 5 {
			t.Fatalf("got %+v after restart, want 5", ev)
		}
		b.Close()
		if _, ok := <-s.C; ok {
			t.Fatal("channel open after Close")
		}
		if b.Subscribe() != nil {
			t.Fatal("Subscribe after Close returned a subscription")
		}
	})
}

func TestSnapshotCarriesPublishTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := newFake()
		b := New(src, 250*time.Millisecond, nil)
		defer b.Close()
		first := b.Subscribe()
		<-first.C
		src.set(3)
		published := <-first.C
		<-time.After(time.Minute)
		late := b.Subscribe()
		snap := <-late.C
		if snap.Seq != 3 || !snap.At.Equal(published.At) {
			t.Fatalf("late snapshot %+v, want seq 3 at %v (when it was published)", snap, published.At)
		}
	})
}
