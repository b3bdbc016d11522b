package baseline

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Window and MaxBatch are the prototype's group commit: a batch starts
// with the first submission waiting and takes what arrives within the
// window, or up to MaxBatch.
const (
	Window   = 2 * time.Millisecond
	MaxBatch = 2000
)

// errClosed answers what was waiting when the server closed.
var errClosed = errors.New("closed")

// flushTimeout bounds one commit, so that a stalled database answers the
// waiting handlers with an error instead of holding them.
const flushTimeout = 30 * time.Second

// committer is one goroutine that gathers items into batches and writes
// each batch with flush; every item's caller learns the batch's outcome
// only after flush has returned, so a nil answer means committed.
type committer[T any] struct {
	reqs     chan *pending[T]
	window   time.Duration
	max      int
	flush    func(context.Context, []T) error
	quit     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
	batches  atomic.Int64
	items    atomic.Int64
}

type pending[T any] struct {
	item T
	err  chan error
}

func startCommitter[T any](window time.Duration, max int, flush func(context.Context, []T) error) *committer[T] {
	c := &committer[T]{reqs: make(chan *pending[T], max), window: window, max: max, flush: flush,
		quit: make(chan struct{}), stopped: make(chan struct{})}
	go c.loop()
	return c
}

// do hands item to the batch being gathered and waits for its commit.
// An error means the item may or may not be written (the request's
// context ended while its batch was committing); nil means it is.
func (c *committer[T]) do(ctx context.Context, item T) error {
	p := &pending[T]{item: item, err: make(chan error, 1)}
	select {
	case c.reqs <- p:
	case <-c.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-p.err:
		return err
	case <-c.stopped:
		// The loop answers every batch it takes before it stops.
		select {
		case err := <-p.err:
			return err
		default:
			return errClosed
		}
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *committer[T]) loop() {
	defer close(c.stopped)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	batch := make([]*pending[T], 0, c.max)
	items := make([]T, 0, c.max)
	for {
		var first *pending[T]
		select {
		case first = <-c.reqs:
		case <-c.quit:
			return
		}
		batch = append(batch[:0], first)
		timer.Reset(c.window)
	gather:
		for len(batch) < c.max {
			select {
			case p := <-c.reqs:
				batch = append(batch, p)
			case <-timer.C:
				break gather
			}
		}
		timer.Stop()
		items = items[:0]
		for _, p := range batch {
			items = append(items, p.item)
		}
		ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
		err := c.flush(ctx, items)
		cancel()
		if err == nil {
			c.batches.Add(1)
			c.items.Add(int64(len(items)))
		}
		for _, p := range batch {
			p.err <- err
		}
	}
}

// close stops the loop after the batch it is committing; what waits
// behind it is answered errClosed.
func (c *committer[T]) close() {
	c.stopOnce.Do(func() { close(c.quit) })
	<-c.stopped
}

// Stats counts what a group committer wrote.
type Stats struct {
	Batches, Items int64
}

func (c *committer[T]) stats() Stats {
	return Stats{Batches: c.batches.Load(), Items: c.items.Load()}
}
