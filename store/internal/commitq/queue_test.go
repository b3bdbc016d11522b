package commitq

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sandik-dev/sandik"
)

// work is a test request: a name per submission, or a job that runs alone.
type work struct {
	names []string
	job   bool
}

// fakeWriter commits groups by numbering their names, records each group,
// and can be held inside a commit until released.
type fakeWriter struct {
	mu     sync.Mutex
	groups [][]string
	jobs   []string
	head   int64
	hold   chan struct{} // when set, the next commit waits for it
	fail   error         // when set, commits begun from now fail
	refuse string        // a name whose caller is refused on its own
}

func (f *fakeWriter) commit(group []*Request[work]) Outcome {
	f.mu.Lock()
	hold, fail := f.hold, f.fail
	f.hold = nil
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	answers := make([]Answer, len(group))
	for i, r := range group {
		names = append(names, r.Work.names...)
		if slices.Contains(r.Work.names, f.refuse) {
			answers[i].Err = sandik.Errorf(sandik.EConflict, "refused %s", f.refuse)
			continue
		}
		for _, n := range r.Work.names {
			f.head++
			answers[i].Receipts = append(answers[i].Receipts, sandik.Receipt{Seq: f.head, ID: sandik.SubmissionID(n)})
		}
	}
	f.groups = append(f.groups, names)
	if fail != nil {
		return Outcome{Answers: answers, Stage: "commit", Err: fail}
	}
	return Outcome{Answers: answers, Head: f.head}
}

func (f *fakeWriter) start(n *Notifier, maxBatch int) *Queue[work] {
	return Start(Options[work]{
		Commit: f.commit,
		Failed: func(stage string, err error) error { return fmt.Errorf("failed at %s: %w", stage, err) },
		Alone:  func(w work) bool { return w.job },
		RunAlone: func(r *Request[work]) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.jobs = append(f.jobs, r.Work.names[0])
			return nil
		},
		Size:     func(w work) int { return len(w.names) },
		MaxBatch: maxBatch,
		Notify:   n,
	})
}

// committed returns the groups committed so far.
func (f *fakeWriter) committed() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.groups)
}

// holdNext makes the next commit wait until the returned function runs.
func (f *fakeWriter) holdNext() (release func()) {
	ch := make(chan struct{})
	f.mu.Lock()
	f.hold = ch
	f.mu.Unlock()
	return func() { close(ch) }
}

type reply struct {
	rs  []sandik.Receipt
	err error
}

// goDo runs Do in a goroutine and returns where its reply arrives.
func goDo(ctx context.Context, q *Queue[work], w work) <-chan reply {
	ch := make(chan reply, 1)
	go func() {
		rs, err := q.Do(ctx, w)
		ch <- reply{rs, err}
	}()
	return ch
}

// inOrder queues each work from its own caller, one after the other.
func inOrder(ctx context.Context, q *Queue[work], ws ...work) []<-chan reply {
	var chs []<-chan reply
	for _, w := range ws {
		chs = append(chs, goDo(ctx, q, w))
		synctest.Wait()
	}
	return chs
}

// busy puts q's writer inside the commit of w, held there until release,
// so that what is queued meanwhile waits for the next group.
func (f *fakeWriter) busy(ctx context.Context, q *Queue[work], w work) (first <-chan reply, release func()) {
	release = f.holdNext()
	return inOrder(ctx, q, w)[0], release
}

func one(name string) work { return work{names: []string{name}} }

// Callers that queue while a commit is under way are committed together
// in the next one, each getting its own receipts.
func TestQueueGroupsWaitingCallers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f fakeWriter
		var n Notifier
		q := f.start(&n, 100)
		defer q.Close()
		first, release := f.busy(t.Context(), q, one("a"))
		later := inOrder(t.Context(), q, one("b"), one("c"), one("d"))
		if q.Queued() != 3 {
			t.Fatalf("%d requests queued behind the commit, want 3", q.Queued())
		}
		release()
		if r := <-first; r.err != nil || r.rs[0].Seq != 1 {
			t.Fatalf("first caller: %+v", r)
		}
		for i, ch := range later {
			if r := <-ch; r.err != nil || len(r.rs) != 1 || r.rs[0].ID != sandik.SubmissionID("bcd"[i:i+1]) {
				t.Errorf("caller %d: %+v", i, r)
			}
		}
		if want := [][]string{{"a"}, {"b", "c", "d"}}; !slices.EqualFunc(f.groups, want, slices.Equal) {
			t.Errorf("groups %v, want %v", f.groups, want)
		}
		if st, want := q.Stats(), (Stats{Commits: 2, Requests: 4, Submissions: 4}); st != want || n.Head() != 4 {
			t.Errorf("stats %+v and head %d, want %+v and 4", st, n.Head(), want)
		}
	})
}

// A group gathers waiting callers up to MaxBatch submissions; one larger
// caller is still written whole. Work that runs alone is never grouped
// and keeps its place in the queue.
func TestQueueBatchLimitAndAloneWork(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f fakeWriter
		q := f.start(nil, 3)
		defer q.Close()
		_, release := f.busy(t.Context(), q, one("x"))
		replies := inOrder(t.Context(), q,
			work{names: []string{"a", "b"}}, one("c"), one("d"), // a+b+c reach the limit
			work{names: []string{"job"}, job: true},
			work{names: []string{"e", "f", "g", "h"}}, one("i"))
		release()
		for _, ch := range replies {
			if r := <-ch; r.err != nil {
				t.Fatal(r.err)
			}
		}
		want := [][]string{{"x"}, {"a", "b", "c"}, {"d"}, {"e", "f", "g", "h"}, {"i"}}
		if !slices.EqualFunc(f.groups, want, slices.Equal) || !slices.Equal(f.jobs, []string{"job"}) {
			t.Errorf("groups %v and jobs %v, want %v and [job]", f.groups, f.jobs, want)
		}
		if st := q.Stats(); st.Requests != 6 {
			t.Errorf("stats count %d requests; the job is not one of them", st.Requests)
		}
	})
}

// A caller whose context ends while its work waits gets the context's
// error, and the work is never written; once a writer has taken the work
// the caller waits for the answer whatever its context does.
func TestQueueAbandonOnlyBeforeTaken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f fakeWriter
		q := f.start(nil, 100)
		defer q.Close()
		takenCtx, cancelTaken := context.WithCancel(t.Context())
		taken, release := f.busy(takenCtx, q, one("taken"))
		waitingCtx, cancelWaiting := context.WithCancel(t.Context())
		waiting := inOrder(waitingCtx, q, one("waiting"))[0]
		cancelWaiting()
		if r := <-waiting; !errors.Is(r.err, context.Canceled) {
			t.Fatalf("abandoned caller: %+v, want context.Canceled", r)
		}
		cancelTaken()
		synctest.Wait()
		select {
		case r := <-taken:
			t.Fatalf("a caller whose work is being committed returned %+v before the commit ended", r)
		default:
		}
		release()
		if r := <-taken; r.err != nil || len(r.rs) != 1 {
			t.Fatalf("taken caller: %+v, want its receipt", r)
		}
		after := goDo(t.Context(), q, one("after"))
		if r := <-after; r.err != nil {
			t.Fatal(r.err)
		}
		if want := [][]string{{"taken"}, {"after"}}; !slices.EqualFunc(f.groups, want, slices.Equal) {
			t.Errorf("groups %v, want %v: abandoned work is not written", f.groups, want)
		}
	})
}

// A context that ends while the work waits, without the caller noticing
// first, still keeps the work out of the commit.
func TestQueueSkipsWorkWhoseContextEnded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f fakeWriter
		q := f.start(nil, 100)
		defer q.Close()
		_, release := f.busy(t.Context(), q, one("first"))
		ctx, cancel := context.WithCancel(t.Context())
		r := &Request[work]{Work: one("late"), ctx: ctx, done: make(chan Answer, 1)}
		q.reqs <- r // queued as Do does, by a caller that never looks back
		cancel()
		release()
		if a := <-r.done; !errors.Is(a.Err, context.Canceled) {
			t.Fatalf("answer %+v, want context.Canceled", a)
		}
		synctest.Wait()
		if len(f.groups) != 1 {
			t.Errorf("groups %v: the ended request was committed", f.groups)
		}
	})
}

// A failed commit fails every caller of the group, except one refused on
// its own, who keeps its own error; nothing is published.
func TestQueueFailedCommitFailsTheGroup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f fakeWriter
		f.refuse = "dup"
		var n Notifier
		q := f.start(&n, 100)
		defer q.Close()
		_, release := f.busy(t.Context(), q, one("first"))
		f.mu.Lock()
		f.fail = errors.New("disk full")
		f.mu.Unlock()
		replies := inOrder(t.Context(), q, one("a"), one("dup"))
		a, dup := replies[0], replies[1]
		release()
		if r := <-a; r.err == nil || r.err.Error() != "failed at commit: disk full" || r.rs != nil {
			t.Errorf("caller of a failed group: %+v", r)
		}
		if r := <-dup; sandik.CodeOf(r.err) != sandik.EConflict {
			t.Errorf("refused caller: %+v, want its own conflict", r)
		}
		if st, want := q.Stats(), (Stats{Commits: 1, Failed: 1, Requests: 1, Submissions: 1}); st != want || n.Head() != 1 {
			t.Errorf("stats %+v and head %d after a failed commit, want %+v and 1", st, n.Head(), want)
		}
	})
}

// Close commits what is queued before it returns; afterwards work is
// refused as unavailable.
func TestQueueCloseDrains(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f fakeWriter
		q := f.start(nil, 100)
		first, release := f.busy(t.Context(), q, one("a"))
		second := inOrder(t.Context(), q, one("b"))[0]
		closed := make(chan struct{})
		go func() { q.Close(); close(closed) }()
		synctest.Wait()
		if _, err := q.Do(t.Context(), one("late")); sandik.CodeOf(err) != sandik.EUnavailable {
			t.Errorf("Do after Close: %v, want EUnavailable", err)
		}
		release()
		<-closed
		for _, ch := range []<-chan reply{first, second} {
			if r := <-ch; r.err != nil {
				t.Errorf("queued before Close: %v", r.err)
			}
		}
		q.Close() // a second Close returns at once
	})
}

// After a group of BusyAt callers or more, the next group waits up to
// Window for more callers; after a smaller one a caller is committed at
// once.
func TestQueueWindowWhileBusy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f fakeWriter
		q := Start(Options[work]{
			Commit:   f.commit,
			Failed:   func(stage string, err error) error { return err },
			MaxBatch: 100,
			Window:   time.Millisecond,
			BusyAt:   2,
		})
		defer q.Close()
		afterBusyGroup(t, &f, q)
		start := time.Now()
		waiting := inOrder(t.Context(), q, one("d"), one("e"))
		// Read under the writer's lock: its commit of {d, e} is yet to
		// come, when the window ends, and nothing orders it after this read.
		if groups := f.committed(); len(groups) != 2 {
			t.Fatalf("groups %v: d was committed without waiting for the window", groups)
		}
		for _, ch := range waiting {
			if r := <-ch; r.err != nil {
				t.Fatal(r.err)
			}
		}
		if waited := time.Since(start); waited != time.Millisecond {
			t.Errorf("the group after a busy one waited %v, want the window", waited)
		}
		// {d, e} was busy too: f waits alone, and g, after a group of
		// one, does not wait.
		<-goDo(t.Context(), q, one("f"))
		start = time.Now()
		<-goDo(t.Context(), q, one("g"))
		if waited := time.Since(start); waited != 0 {
			t.Errorf("a caller after a group of one waited %v", waited)
		}
		want := [][]string{{"a"}, {"b", "c"}, {"d", "e"}, {"f"}, {"g"}}
		if !slices.EqualFunc(f.groups, want, slices.Equal) {
			t.Errorf("groups %v, want %v", f.groups, want)
		}
	})
}

// WindowFor, when set, says how long each wait lasts, asked afresh before
// every group that waits.
func TestQueueWindowFor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var f fakeWriter
		var asked atomic.Int64
		windows := []time.Duration{3 * time.Millisecond, 5 * time.Millisecond}
		q := Start(Options[work]{
			Commit:    f.commit,
			Failed:    func(stage string, err error) error { return err },
			MaxBatch:  100,
			Window:    time.Millisecond, // not used: WindowFor answers
			WindowFor: func() time.Duration { return windows[(asked.Add(1)-1)%2] },
			BusyAt:    2,
		})
		defer q.Close()
		afterBusyGroup(t, &f, q)
		for _, want := range windows {
			start := time.Now()
			for _, ch := range inOrder(t.Context(), q, one("x"), one("y")) {
				if r := <-ch; r.err != nil {
					t.Fatal(r.err)
				}
			}
			if waited := time.Since(start); waited != want {
				t.Errorf("the group after a busy one waited %v, want %v", waited, want)
			}
		}
	})
}

// afterBusyGroup commits {a} while {b, c} queue, then {b, c}: a group of
// two, busy for a queue whose BusyAt is 2.
func afterBusyGroup(t *testing.T, f *fakeWriter, q *Queue[work]) {
	t.Helper()
	_, release := f.busy(t.Context(), q, one("a"))
	busy := inOrder(t.Context(), q, one("b"), one("c"))
	release()
	for _, ch := range busy {
		<-ch
	}
}
