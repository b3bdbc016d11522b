package postgres

import (
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
	"github.com/sandik-dev/sandik/store/storetest"
)

func rowOf(s sandik.Submission) row {
	return row{Pending: sqlstore.Pending{ID: s.ID, Hash: s.Hash, ReceivedAt: s.ReceivedAt.UnixNano(), Warnings: s.Warnings}, sub: &s}
}

// decide answers each caller of a group by itself: one caller's conflict
// must not fail the others, and an id two callers share is written once.
func TestDecideGroup(t *testing.T) {
	old := storetest.Sub("old", storetest.Box1, 1, 2)
	existing := map[sandik.SubmissionID]stored{
		"old": {seq: 7, receivedAt: old.ReceivedAt.UnixNano(), hash: old.Hash[:], warnings: int64(sandik.WarnLate)},
	}
	a := storetest.Sub("a", storetest.Box1, 3, 4)
	aOther := storetest.Sub("a", storetest.Box1, 4, 3)
	oldOther := storetest.Sub("old", storetest.Box1, 2, 1)
	callers := [][]sandik.Submission{
		{a, old}, // new a; replay of old
		{oldOther, storetest.Sub("b", storetest.Box2, 1)}, // conflicts with the log
		{a},                                     // replay of a, written by caller 0
		{aOther},                                // conflicts with caller 0's a
		{storetest.Sub("c", storetest.Box2, 5)}, // new c
	}
	var ins inserts
	next := int64(7)
	fresh := map[sandik.SubmissionID]sandik.Receipt{}
	var results []result
	for _, subs := range callers {
		rows := make([]row, len(subs))
		for i, s := range subs {
			rows[i] = rowOf(s)
		}
		results = append(results, decide(rows, existing, fresh, &next, &ins))
	}
	if r := results[0]; r.err != nil || r.receipts[0].Seq != 8 || r.receipts[0].Replayed ||
		!r.receipts[1].Replayed || r.receipts[1].Seq != 7 || r.receipts[1].Warnings != sandik.WarnLate {
		t.Errorf("caller 0: %+v", r)
	}
	if sandik.CodeOf(results[1].err) != sandik.EConflict || sandik.CodeOf(results[3].err) != sandik.EConflict {
		t.Errorf("callers 1 and 3: %v, %v; want conflicts", results[1].err, results[3].err)
	}
	if r := results[2]; r.err != nil || !r.receipts[0].Replayed || r.receipts[0].Seq != 8 {
		t.Errorf("caller 2: %+v, want a replay of seq 8", r)
	}
	if r := results[4]; r.err != nil || r.receipts[0].Seq != 9 {
		t.Errorf("caller 4: %+v, want seq 9", r)
	}
	if next != 9 || len(ins.seq) != 2 || ins.id[0] != "a" || ins.id[1] != "c" {
		t.Errorf("rows to insert: %v %v, head %d; want a at 8 and c at 9", ins.seq, ins.id, next)
	}
}

func TestVoteLiteral(t *testing.T) {
	for _, c := range []struct {
		votes []int64
		want  string
	}{
		{nil, "{}"},
		{[]int64{0}, "{0}"},
		{[]int64{12, -3, 1_000_000}, "{12,-3,1000000}"},
	} {
		if got := voteLiteral(c.votes); got != c.want {
			t.Errorf("voteLiteral(%v) = %q, want %q", c.votes, got, c.want)
		}
	}
}

func TestChannelOf(t *testing.T) {
	if got := channelOf("public"); got != "sandik_log.public" {
		t.Errorf("channelOf(public) = %q", got)
	}
	long := strings.Repeat("ş", 30) // 60 bytes
	a, b := channelOf(long), channelOf(long+"x")
	if len(a) > 63 || len(b) > 63 || a == b {
		t.Errorf("channels of long schema names: %q, %q", a, b)
	}
}
