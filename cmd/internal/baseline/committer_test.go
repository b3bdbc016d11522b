package baseline

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// A batch takes what arrives within the window from its first item, and
// no more than the maximum; each caller hears only after the flush.
func TestCommitterWindowAndMax(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var batches [][]int
		c := startCommitter(2*time.Millisecond, 3, func(_ context.Context, items []int) error {
			mu.Lock()
			batches = append(batches, append([]int(nil), items...))
			mu.Unlock()
			return nil
		})
		defer c.close()
		var wg sync.WaitGroup
		submit := func(v int) {
			wg.Go(func() {
				if err := c.do(context.Background(), v); err != nil {
					t.Errorf("do(%d): %v", v, err)
				}
			})
		}
		// Four at once: three fill a batch, the fourth waits its window.
		for v := range 4 {
			submit(v)
			synctest.Wait()
		}
		advance(time.Millisecond)
		submit(4) // within the fourth's window
		synctest.Wait()
		advance(5 * time.Millisecond)
		submit(5) // a window of its own
		wg.Wait()
		want := [][]int{{0, 1, 2}, {3, 4}, {5}}
		if len(batches) != len(want) {
			t.Fatalf("batches %v, want %v", batches, want)
		}
		for i := range want {
			if len(batches[i]) != len(want[i]) {
				t.Fatalf("batches %v, want %v", batches, want)
			}
			for j := range want[i] {
				if batches[i][j] != want[i][j] {
					t.Fatalf("batches %v, want %v", batches, want)
				}
			}
		}
		if s := c.stats(); s.Batches != 3 || s.Items != 6 {
			t.Errorf("stats %+v, want 3 batches of 6 items", s)
		}
	})
}

// A failed flush fails every caller in its batch, and the committer goes
// on with the next batch.
func TestCommitterFailedFlush(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		refused := errors.New("disk full")
		c := startCommitter(time.Millisecond, 10, func(_ context.Context, items []string) error {
			for _, it := range items {
				if it == "bad" {
					return refused
				}
			}
			return nil
		})
		defer c.close()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, it := range []string{"good", "bad"} {
			wg.Go(func() { errs[i] = c.do(context.Background(), it) })
		}
		wg.Wait()
		for i, err := range errs {
			if !errors.Is(err, refused) {
				t.Errorf("item %d of a failed batch: %v, want %v", i, err, refused)
			}
		}
		if err := c.do(context.Background(), "later"); err != nil {
			t.Errorf("next batch: %v", err)
		}
		if s := c.stats(); s.Batches != 1 || s.Items != 1 {
			t.Errorf("stats %+v: a failed batch counts for nothing", s)
		}
	})
}

// After close, callers are refused rather than left waiting.
func TestCommitterClosed(t *testing.T) {
	c := startCommitter(time.Millisecond, 10, func(context.Context, []int) error { return nil })
	c.close()
	if err := c.do(context.Background(), 1); !errors.Is(err, errClosed) {
		t.Fatalf("do after close: %v, want %v", err, errClosed)
	}
	c.close() // twice is harmless
}

// advance moves a synctest bubble's fake clock on by d once every
// goroutine in it is blocked; no real time passes.
func advance(d time.Duration) { <-time.After(d) }
