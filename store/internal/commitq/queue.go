// Package commitq is the group commit both SQL stores share. Callers
// queue their work and wait; writer goroutines take whatever is waiting
// and commit it in one transaction, so that many callers share one
// fsync; each caller then gets its own answer. A Notifier wakes those
// waiting for the log to grow. What a commit writes, and how, is the
// dialect's.
package commitq

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik"
)

// Answer is what a caller gets back: a receipt per submission, or the
// reason nothing of its work was written.
type Answer struct {
	Receipts []sandik.Receipt
	Err      error
}

// A Request is one caller's work, W, waiting for a writer.
type Request[W any] struct {
	Work  W
	ctx   context.Context
	state atomic.Int32
	done  chan Answer // buffered: a writer never waits for a caller
}

const (
	pending int32 = iota
	taken
	abandoned
)

// Context is the caller's context. A writer checks it when it takes the
// request and must not let it interrupt a transaction other callers share.
func (r *Request[W]) Context() context.Context { return r.ctx }

// abandon lets a caller whose context ended withdraw r, but only while no
// writer has taken it; afterwards only the writer knows whether r was
// committed, so the caller must wait for the answer.
func (r *Request[W]) abandon() bool { return r.state.CompareAndSwap(pending, abandoned) }

// take claims r for a writer. A request whose caller has gone, or whose
// context ended while it was queued, is answered at once and not written.
func (r *Request[W]) take() bool {
	if !r.state.CompareAndSwap(pending, taken) {
		return false
	}
	if err := r.ctx.Err(); err != nil {
		r.done <- Answer{Err: err}
		return false
	}
	return true
}

// Outcome is what a writer made of a group.
type Outcome struct {
	// Answers holds one answer per request of the group, in order; a
	// request refused on its own (a conflict) has its Err set there.
	Answers []Answer
	// Head is the log's sequence number after the commit.
	Head int64
	// Err fails the whole group, at Stage: every request without an
	// error of its own is answered with it.
	Stage string
	Err   error
	// CommitTime is how long committing took, for Stats.
	CommitTime time.Duration
}

// Options configure a Queue. Commit and Failed are required.
type Options[W any] struct {
	// Commit writes a group in one transaction.
	Commit func(group []*Request[W]) Outcome
	// Failed turns a group's failure into what its callers are told.
	Failed func(stage string, err error) error
	// Alone reports work that is not grouped: RunAlone commits it in a
	// transaction of its own, outside Stats. Nil when there is none.
	Alone    func(W) bool
	RunAlone func(r *Request[W]) error
	// Size is how much of MaxBatch a request fills (its submissions).
	Size func(W) int
	// MaxBatch bounds what one group gathers from waiting callers; a
	// single larger request is still written whole. Default 2000.
	MaxBatch int
	// Writers is how many goroutines commit groups. Default 1.
	Writers int
	// Window, when set, is how long a group waits for more callers, up
	// to MaxBatch, after a group of at least BusyAt callers: while many
	// callers write at once, fewer and larger groups cost the database
	// less per submission (a transaction, its statements and a flush per
	// group); a lone caller never waits.
	Window time.Duration
	BusyAt int
	// WindowFor, when set, is asked before each wait how long it lasts,
	// instead of Window: a writer whose commits take turns with another
	// instance's may wait as long as the other's commit holds the log.
	WindowFor func() time.Duration
	// Notify learns the head after every commit; may be nil.
	Notify *Notifier
	// Log receives failed commits; nil discards them.
	Log *slog.Logger
}

// Queue hands callers' work to the writers.
type Queue[W any] struct {
	opt     Options[W]
	reqs    chan *Request[W]
	mu      sync.RWMutex // held shared while a request is being queued
	closed  bool
	writers sync.WaitGroup
	stats   counters
}

type counters struct {
	commits, failed, requests, rows, commitNanos atomic.Int64
}

// depth is how many requests may wait; a caller beyond it waits to queue.
const depth = 4096

// Start starts the writers of a new queue.
func Start[W any](opt Options[W]) *Queue[W] {
	if opt.MaxBatch <= 0 {
		opt.MaxBatch = 2000
	}
	if opt.Writers <= 0 {
		opt.Writers = 1
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	q := &Queue[W]{opt: opt, reqs: make(chan *Request[W], depth)}
	for range opt.Writers {
		q.writers.Go(q.serve)
	}
	return q
}

// Do queues w unless the queue is closed or ctx ends first, then waits for
// its answer. Once a writer has taken w the answer is awaited even if ctx
// ends, because only the writer knows whether w was committed.
func (q *Queue[W]) Do(ctx context.Context, w W) ([]sandik.Receipt, error) {
	r := &Request[W]{Work: w, ctx: ctx, done: make(chan Answer, 1)}
	q.mu.RLock()
	if q.closed {
		q.mu.RUnlock()
		return nil, sandik.Errorf(sandik.EUnavailable, "the store is closed")
	}
	select {
	case q.reqs <- r:
	case <-ctx.Done():
		q.mu.RUnlock()
		return nil, ctx.Err()
	}
	q.mu.RUnlock()
	select {
	case a := <-r.done:
		return a.Receipts, a.Err
	case <-ctx.Done():
		if r.abandon() {
			return nil, ctx.Err()
		}
		a := <-r.done
		return a.Receipts, a.Err
	}
}

// Queued returns how many requests wait for a writer.
func (q *Queue[W]) Queued() int { return len(q.reqs) }

// Close refuses new work, lets the writers commit what is queued, and
// waits for them.
func (q *Queue[W]) Close() {
	q.mu.Lock()
	first := !q.closed
	q.closed = true
	q.mu.Unlock()
	if first {
		close(q.reqs)
	}
	q.writers.Wait()
}

// serve is one writer: it gathers whatever is queued, up to MaxBatch, and
// commits it together, so that while one commit waits for the disk the
// next group queues up. Work that runs alone is kept for the next turn.
func (q *Queue[W]) serve() {
	var next *Request[W]
	busy := false // the last group had BusyAt callers or more
	var window *time.Timer
	for {
		r := next
		next = nil
		if r == nil {
			var ok bool
			if r, ok = <-q.reqs; !ok {
				return
			}
		}
		if q.alone(r) {
			if r.take() {
				r.done <- Answer{Err: q.opt.RunAlone(r)}
			}
			continue
		}
		var group []*Request[W]
		n := 0
		if r.take() {
			group, n = append(group, r), q.size(r)
		}
	gather:
		for n < q.opt.MaxBatch {
			select {
			case x, ok := <-q.reqs:
				if !ok {
					break gather
				}
				if q.alone(x) {
					next = x
					break gather
				}
				if x.take() {
					group, n = append(group, x), n+q.size(x)
				}
			default:
				if !busy {
					break gather
				}
				d := q.window()
				if d <= 0 {
					break gather
				}
				busy = false // wait once per group
				if window == nil {
					window = time.NewTimer(d)
				} else {
					window.Reset(d)
				}
				if next = q.wait(window, &group, &n); next != nil {
					break gather
				}
			}
		}
		busy = q.opt.BusyAt > 0 && len(group) >= q.opt.BusyAt
		if len(group) > 0 {
			q.answer(group, q.opt.Commit(group))
		}
	}
}

// wait adds to the group what arrives before t fires, up to MaxBatch,
// and returns work that runs alone, kept for the next turn.
func (q *Queue[W]) wait(t *time.Timer, group *[]*Request[W], n *int) *Request[W] {
	defer t.Stop()
	for *n < q.opt.MaxBatch {
		select {
		case x, ok := <-q.reqs:
			if !ok {
				return nil
			}
			if q.alone(x) {
				return x
			}
			if x.take() {
				*group, *n = append(*group, x), *n+q.size(x)
			}
		case <-t.C:
			return nil
		}
	}
	return nil
}

// window is how long the next group may wait for more callers.
func (q *Queue[W]) window() time.Duration {
	if q.opt.WindowFor != nil {
		return q.opt.WindowFor()
	}
	return q.opt.Window
}

func (q *Queue[W]) alone(r *Request[W]) bool { return q.opt.Alone != nil && q.opt.Alone(r.Work) }

func (q *Queue[W]) size(r *Request[W]) int {
	if q.opt.Size == nil {
		return 1
	}
	return q.opt.Size(r.Work)
}

// answer tells every caller of a group what became of its work. Nothing
// is acknowledged that was not committed: a failed group fails every
// caller that was not refused on its own.
func (q *Queue[W]) answer(group []*Request[W], o Outcome) {
	q.stats.commitNanos.Add(int64(o.CommitTime))
	answers := o.Answers
	if len(answers) != len(group) {
		answers = make([]Answer, len(group))
	}
	if o.Err != nil {
		q.opt.Log.Error("group commit failed; answering every caller with an error",
			"stage", o.Stage, "callers", len(group), "err", o.Err)
		q.stats.failed.Add(1)
		err := q.opt.Failed(o.Stage, o.Err)
		for i, r := range group {
			if answers[i].Err == nil {
				answers[i] = Answer{Err: err}
			}
			r.done <- answers[i]
		}
		return
	}
	if q.opt.Notify != nil {
		q.opt.Notify.Publish(o.Head)
	}
	q.stats.commits.Add(1)
	q.stats.requests.Add(int64(len(group)))
	for i, r := range group {
		q.stats.rows.Add(int64(len(answers[i].Receipts)))
		r.done <- answers[i]
	}
}

// Stats describes the writers' work since Start, for metrics and tuning.
type Stats struct {
	Commits     int64         // group commits that succeeded
	Failed      int64         // group commits that failed (every caller got an error)
	Requests    int64         // callers in the successful commits
	Submissions int64         // receipts they got, replays included
	CommitTime  time.Duration // time the dialect counts as committing
}

// Stats returns the writers' counters.
func (q *Queue[W]) Stats() Stats {
	c := &q.stats
	return Stats{Commits: c.commits.Load(), Failed: c.failed.Load(), Requests: c.requests.Load(),
		Submissions: c.rows.Load(), CommitTime: time.Duration(c.commitNanos.Load())}
}
