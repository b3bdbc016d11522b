package commitq

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// waiting starts a Wait and returns where its result arrives.
func waiting(ctx context.Context, n *Notifier, after int64, poll time.Duration) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- n.Wait(ctx, after, poll) }()
	return ch
}

// still fails if the waiter has returned.
func still(t *testing.T, ch <-chan error, why string) {
	t.Helper()
	synctest.Wait()
	select {
	case err := <-ch:
		t.Fatalf("%s woke the waiter (%v)", why, err)
	default:
	}
}

// A waiter wakes when the head passes it or on a kick, and otherwise
// only when the poll interval passes or its context ends.
func TestNotifierWakesWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n Notifier
		n.Publish(5)
		if err := n.Wait(t.Context(), 4, 0); err != nil {
			t.Fatalf("Wait below the head: %v", err)
		}
		a, b := waiting(t.Context(), &n, 5, 0), waiting(t.Context(), &n, 7, 0)
		still(t, a, "nothing")
		n.Publish(3)
		still(t, a, "an older head")
		n.Publish(6)
		if err := <-a; err != nil {
			t.Fatalf("waiter passed by the head: %v", err)
		}
		still(t, b, "a head that does not pass it")
		n.Kick()
		if err := <-b; err != nil {
			t.Fatalf("kicked waiter: %v", err)
		}
		if n.Head() != 6 {
			t.Errorf("head %d after a kick, want 6", n.Head())
		}
		start := time.Now()
		if err := n.Wait(t.Context(), 6, time.Second); err != nil || time.Since(start) != time.Second {
			t.Fatalf("poll: %v after %v", err, time.Since(start))
		}
		ctx, cancel := context.WithCancel(t.Context())
		c := waiting(ctx, &n, 6, time.Hour)
		still(t, c, "nothing")
		cancel()
		if err := <-c; !errors.Is(err, context.Canceled) {
			t.Fatalf("canceled waiter: %v", err)
		}
	})
}

// Many waiters wake on one publish.
func TestNotifierWakesEveryWaiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n Notifier
		var chs []<-chan error
		for range 10 {
			chs = append(chs, waiting(t.Context(), &n, 0, 0))
		}
		synctest.Wait()
		n.Publish(1)
		for _, ch := range chs {
			if err := <-ch; err != nil {
				t.Fatal(err)
			}
		}
	})
}
