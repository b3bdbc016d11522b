package commitq

import (
	"context"
	"sync"
	"time"
)

// Notifier wakes those waiting for the log to pass a sequence number: a
// follower applying the log, a reader wanting its own write. Every change
// closes the current channel and installs a fresh one, so any number of
// waiters wake at once without being counted. The zero value is ready.
type Notifier struct {
	mu    sync.Mutex
	seq   int64
	ch    chan struct{}
	kicks uint64
}

// Publish records that the log reaches seq; an older head changes nothing.
func (n *Notifier) Publish(seq int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if seq <= n.seq {
		return
	}
	n.seq = seq
	n.wake()
}

// Kick wakes every waiter without news of the head: when a listener has
// lost notifications it may have missed commits, and waiters then read
// the log by sequence and find out for themselves.
func (n *Notifier) Kick() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.kicks++
	n.wake()
}

func (n *Notifier) wake() {
	if n.ch != nil {
		close(n.ch)
	}
	n.ch = make(chan struct{})
}

// Head returns the highest sequence number published.
func (n *Notifier) Head() int64 {
	seq, _, _ := n.state()
	return seq
}

func (n *Notifier) state() (int64, <-chan struct{}, uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.seq, n.ch, n.kicks
}

// Wait returns nil once the head passes after, when a Kick comes, or when
// poll passes (poll <= 0 waits without limit), and ctx's error if ctx
// ends first. The poll bounds the wait for commits no one publishes,
// such as another process's.
func (n *Notifier) Wait(ctx context.Context, after int64, poll time.Duration) error {
	var timeout <-chan time.Time
	if poll > 0 {
		t := time.NewTimer(poll)
		defer t.Stop()
		timeout = t.C
	}
	seq, ch, kicks := n.state()
	for seq <= after {
		select {
		case <-ch:
		case <-timeout:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
		var k uint64
		if seq, ch, k = n.state(); k != kicks {
			return nil
		}
	}
	return nil
}
