package broker

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Subscribers come and go while the version moves as fast as it can:
// every subscription starts with a snapshot, versions never go back, and
// those who keep reading see the last version.
func TestConcurrentSubscribersSeeRisingVersions(t *testing.T) {
	src := newFake()
	b := New(src, time.Millisecond, nil)
	defer b.Close()
	const last = 2000
	var wg sync.WaitGroup
	stop := make(chan struct{})
	// Readers that stay to the end.
	final := make([]atomic.Int64, 20)
	for i := range final {
		s := b.Subscribe()
		wg.Go(func() {
			prev := int64(-1)
			first := true
			for ev := range s.C {
				if first != ev.Snapshot {
					t.Errorf("reader %d: snapshot flag %v on event %+v", i, ev.Snapshot, ev)
				}
				first = false
				if ev.Seq < prev {
					t.Errorf("reader %d: version went back from %d to %d", i, prev, ev.Seq)
				}
				prev = ev.Seq
				final[i].Store(ev.Seq)
				if ev.Seq == last {
					b.Unsubscribe(s)
				}
			}
		})
	}
	// Visitors who subscribe, read a little and leave.
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := b.Subscribe()
				if ev := <-s.C; !ev.Snapshot {
					t.Errorf("first event %+v is not a snapshot", ev)
				}
				b.Unsubscribe(s)
			}
		})
	}
	for i := int64(1); i <= last; i++ {
		src.set(i)
	}
	deadline := time.After(10 * time.Second)
	for {
		done := true
		for i := range final {
			done = done && final[i].Load() == last
		}
		if done {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("a reader stopped short of %d", last)
		case <-time.After(5 * time.Millisecond):
		}
	}
	close(stop)
	wg.Wait()
	if b.Dropped() != 0 {
		t.Fatalf("%d subscribers dropped though every one kept reading", b.Dropped())
	}
}
