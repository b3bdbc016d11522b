package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/sandik-dev/sandik"
	"pgregory.net/rapid"
)

// testLogModel appends random calls drawn from a small pool of ids, each
// id in two contents, and checks every answer and the log against a plain
// model of the contract after every step. rapid prints the failing
// sequence and a seed to replay it. One store serves every sequence (a
// store per sequence would make the suite slow on a server backend); each
// sequence has ids of its own and checks the log from where it began.
func testLogModel(t *testing.T, o Opener) {
	s := o.Open(t)
	run := 0
	rapid.Check(t, func(rt *rapid.T) {
		run++
		start, err := s.LastSeq(context.Background())
		if err != nil {
			rt.Fatalf("LastSeq: %v", err)
		}
		m := model{byID: map[sandik.SubmissionID]int{}, start: start}
		steps := rapid.IntRange(1, 12).Draw(rt, "steps")
		for range steps {
			n := rapid.IntRange(1, 4).Draw(rt, "n")
			call := make([]sandik.Submission, n)
			for i := range call {
				id := fmt.Sprintf("run%d-m%d", run, rapid.IntRange(0, 5).Draw(rt, "id"))
				call[i] = Sub(id, Box1, 1, int64(rapid.IntRange(0, 1).Draw(rt, "content")))
			}
			rs, err := s.Append(context.Background(), call)
			m.check(rt, call, rs, err)
			if d := sameSubs(m.log, since(t, s, start)); d != "" {
				rt.Fatalf("log differs from the model (-want +got):\n%s", d)
			}
		}
	})
}

// since reads the log after seq.
func since(t testing.TB, s sandik.LogReader, after int64) []sandik.Submission {
	t.Helper()
	var out []sandik.Submission
	for {
		page, err := s.Since(context.Background(), after, 100)
		if err != nil {
			t.Fatalf("Since(%d, 100): %v", after, err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		after = page[len(page)-1].Seq
	}
}

// model is the log the contract describes: ids in first-write order, each
// with the seq it was given.
type model struct {
	start    int64 // the log's head when the sequence began
	log      []sandik.Submission
	receipts []sandik.Receipt
	byID     map[sandik.SubmissionID]int
}

func (m *model) check(rt *rapid.T, call []sandik.Submission, rs []sandik.Receipt, err error) {
	inCall := map[sandik.SubmissionID][32]byte{}
	conflict := false
	for _, s := range call {
		if h, ok := inCall[s.ID]; ok && h != s.Hash {
			conflict = true
		}
		inCall[s.ID] = s.Hash
		if i, ok := m.byID[s.ID]; ok && m.log[i].Hash != s.Hash {
			conflict = true
		}
	}
	if conflict {
		if sandik.CodeOf(err) != sandik.EConflict {
			rt.Fatalf("call reusing an id for other content: got %v, want EConflict", err)
		}
		return
	}
	if err != nil {
		rt.Fatalf("Append: %v", err)
	}
	if len(rs) != len(call) {
		rt.Fatalf("got %d receipts for %d submissions", len(rs), len(call))
	}
	last := m.start
	if len(m.log) > 0 {
		last = m.log[len(m.log)-1].Seq
	}
	written := map[sandik.SubmissionID]sandik.Receipt{}
	for i, s := range call {
		r := rs[i]
		if j, ok := m.byID[s.ID]; ok {
			if !r.Replayed || r.Seq != m.receipts[j].Seq || !r.ReceivedAt.Equal(m.receipts[j].ReceivedAt) {
				rt.Fatalf("retry of %q: receipt %+v, want a replay of %+v", s.ID, r, m.receipts[j])
			}
			continue
		}
		if w, ok := written[s.ID]; ok {
			if r != w {
				rt.Fatalf("same id twice in one call: receipts %+v and %+v", w, r)
			}
			continue
		}
		if r.Replayed || r.Seq <= last || r.ID != s.ID {
			rt.Fatalf("new submission %q: receipt %+v, want a fresh seq above %d", s.ID, r, last)
		}
		last = r.Seq
		written[s.ID] = r
	}
	for i, s := range call {
		if _, ok := m.byID[s.ID]; ok {
			continue
		}
		s.Seq = rs[i].Seq
		m.byID[s.ID] = len(m.log)
		m.log = append(m.log, s)
		m.receipts = append(m.receipts, rs[i])
	}
}
