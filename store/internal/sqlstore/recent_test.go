package sqlstore

import (
	"runtime"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

func seqs(subs []sandik.Submission) []int64 {
	out := make([]int64, len(subs))
	for i, s := range subs {
		out[i] = s.Seq
	}
	return out
}

func committedAt(ss ...int64) []sandik.Submission {
	out := make([]sandik.Submission, len(ss))
	for i, s := range ss {
		out[i] = sandik.Submission{Seq: s, ID: sandik.SubmissionID("s" + string(rune('a'+s%26)))}
	}
	return out
}

func TestRecentServesRunsOfItsOwnSeqs(t *testing.T) {
	r := NewRecent()
	r.Begin()
	r.End(committedAt(1, 2, 3))
	r.Begin()
	r.End(committedAt(6, 7)) // 4 and 5 are another instance's
	for _, c := range []struct {
		after int64
		limit int
		want  []int64
	}{
		{0, 10, []int64{1, 2, 3}},
		{1, 1, []int64{2}},
		{3, 10, nil}, // 4 was not written here: the database is read
		{5, 10, []int64{6, 7}},
		{7, 10, nil},
		{-1, 10, nil},
		{0, 0, nil},
	} {
		if got := seqs(r.Since(c.after, c.limit)); len(got) != len(c.want) || (len(got) > 0 && got[0] != c.want[0]) {
			t.Errorf("Since(%d, %d) = %v, want %v", c.after, c.limit, got, c.want)
		}
	}
	var none *Recent
	none.Begin()
	none.End(committedAt(1))
	if got := none.Since(0, 10); got != nil {
		t.Errorf("a nil Recent served %v", seqs(got))
	}
}

func TestRecentForgetsBeyondItsRing(t *testing.T) {
	r := NewRecent()
	r.Begin()
	r.End(committedAt(1, 2))
	r.Begin()
	r.End(committedAt(2 + recentRing)) // takes the slot of 2
	if got := seqs(r.Since(0, 10)); len(got) != 1 || got[0] != 1 {
		t.Errorf("Since(0) = %v, want only seq 1: seq 2's slot holds a newer seq", got)
	}
	if got := seqs(r.Since(1+recentRing, 10)); len(got) != 1 || got[0] != 2+recentRing {
		t.Errorf("Since(%d) = %v, want the newer seq", 1+recentRing, got)
	}
}

// TestRecentWaitsForACommitUnderWay: a follower woken by another
// process's notice of a commit before the writer has its answer waits
// for the answer rather than read the rows back; with no commit under
// way, it never waits.
func TestRecentWaitsForACommitUnderWay(t *testing.T) {
	r := NewRecent()
	start := time.Now()
	if got := r.Since(0, 10); got != nil || time.Since(start) >= recentWait {
		t.Fatalf("Since with nothing under way = %v after %v, want none at once", seqs(got), time.Since(start))
	}
	r.Begin()
	got := make(chan []sandik.Submission)
	go func() { got <- r.Since(0, 10) }()
	waitForWaiter(r)
	r.End(committedAt(1, 2))
	if s := seqs(<-got); len(s) != 2 {
		t.Errorf("Since during a commit = %v, want the commit's seqs 1 and 2", s)
	}
	// A commit that fails ends the wait with nothing.
	r.Begin()
	go func() { got <- r.Since(2, 10) }()
	waitForWaiter(r)
	r.End(nil)
	if s := <-got; len(s) != 0 {
		t.Errorf("Since during a failed commit = %v, want none", seqs(s))
	}
}

// waitForWaiter returns once a Since is waiting for r's commit.
func waitForWaiter(r *Recent) {
	for {
		r.mu.Lock()
		n := r.waiting
		r.mu.Unlock()
		if n > 0 {
			return
		}
		runtime.Gosched()
	}
}
