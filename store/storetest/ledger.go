package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

var ledgerTests = []test{
	{"MatchesMemory", testLedgerMatchesMemory},
	{"ReplayAddsNoLeaf", testLedgerReplay},
	{"FailedCallAddsNoLeaf", testLedgerConflict},
	{"Concurrent", testLedgerConcurrent},
	{"Reopened", testLedgerReopened},
	{"Checkpoints", testLedgerCheckpoints},
	{"OtherWritesAreLeaves", testLedgerOtherWrites},
}

// kinds returns submissions of every kind of record a submission makes.
func kinds(prefix string) []sandik.Submission {
	entry := Sub(prefix+"-entry", Box1, 10, 20)
	imp := Sub(prefix+"-imp", Box2, 1, 2)
	imp.Source = sandik.SourceImport
	imp.Hash = imp.ContentHash()
	adj := Sub(prefix+"-adj", Box1, 11, 19)
	adj.Kind, adj.Reason = sandik.KindAdjudication, "recount"
	adj.Hash = adj.ContentHash()
	return []sandik.Submission{entry, imp, adj}
}

// CheckLedger fails t unless s's ledger holds a leaf for every
// submission of its log, in seq order, and stored hashes equal to those
// of ledger.Memory over the same records.
func CheckLedger(t testing.TB, s sandik.Store) {
	t.Helper()
	ctx := context.Background()
	subs := All(t, s)
	recs, err := s.LedgerRecords(ctx, 0, len(subs)+10)
	if err != nil {
		t.Fatal(err)
	}
	if size, err := s.LedgerSize(ctx); err != nil || size != int64(len(recs)) {
		t.Fatalf("LedgerSize = %d, %v; %d records", size, err, len(recs))
	}
	if len(recs) != len(subs) {
		t.Fatalf("ledger has %d records for %d submissions", len(recs), len(subs))
	}
	var m ledger.Memory
	for i, sub := range subs {
		want := ledger.SubmissionRecord(&sub)
		r := recs[i]
		got := ledger.Record{Kind: ledger.Kind(r.Kind), ID: r.ID, Seq: r.Seq, ContentHash: r.ContentHash}
		if r.Index != int64(i) || got != want {
			t.Fatalf("ledger record %d = %+v, want %v of submission seq %d", i, r, want, sub.Seq)
		}
		if _, err := m.Append(want); err != nil {
			t.Fatal(err)
		}
	}
	n := tlog.StoredHashCount(int64(len(recs)))
	idx := make([]int64, n)
	for i := range idx {
		idx[i] = int64(i)
	}
	got, err := s.LedgerHashes(ctx, idx)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.ReadHashes(idx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != [32]byte(want[i]) {
			t.Fatalf("stored hash %d of %d differs from ledger.Memory's", i, n)
		}
	}
	if _, err := s.LedgerHashes(ctx, []int64{n}); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("LedgerHashes past the end: %v, want ENotFound", err)
	}
}

func testLedgerMatchesMemory(t *testing.T, o Opener) {
	s := o.Open(t)
	CheckLedger(t, s)
	var leaf int64
	for round := range 4 {
		rs := mustAppend(t, s, append(kinds(fmt.Sprint("r", round)), Subs(fmt.Sprint("b", round), round*7)...)...)
		for _, r := range rs {
			if r.LeafIndex != leaf {
				t.Fatalf("receipt %+v: leaf %d, want %d", r, r.LeafIndex, leaf)
			}
			leaf++
		}
	}
	CheckLedger(t, s)
}

func testLedgerReplay(t *testing.T, o Opener) {
	s := o.Open(t)
	subs := kinds("x")
	first := mustAppend(t, s, subs...)
	again := mustAppend(t, s, append(subs, subs[1])...)
	for i, r := range again {
		want := int64(i)
		if i == len(subs) {
			want = 1 // subs[1] again
		}
		if first[want].LeafIndex != want || !r.Replayed || r.LeafIndex != want {
			t.Errorf("replay %d: %+v, want leaf %d (first receipts %+v)", i, r, want, first)
		}
	}
	// A replay within one call of an id new to the log.
	fresh := Sub("fresh", Box1, 3, 4)
	rs := mustAppend(t, s, fresh, fresh)
	if rs[0].LeafIndex != 3 || rs[1].LeafIndex != 3 {
		t.Errorf("the same new id twice in a call: leaves %d and %d, want 3", rs[0].LeafIndex, rs[1].LeafIndex)
	}
	CheckLedger(t, s)
}

func testLedgerConflict(t *testing.T, o Opener) {
	s := o.Open(t)
	mustAppend(t, s, kinds("a")...)
	reused := Sub("a-entry", Box1, 9, 9)
	_, err := s.Append(context.Background(), []sandik.Submission{Sub("new", Box1, 1, 1), reused})
	wantCode(t, err, sandik.EConflict, "Append(reused id)")
	if size, err := s.LedgerSize(context.Background()); err != nil || size != 3 {
		t.Errorf("LedgerSize after a refused call = %d, %v; want 3", size, err)
	}
	mustAppend(t, s, Sub("after", Box1, 1, 1))
	CheckLedger(t, s)
}

// Callers that share group commits, some refused, leave one ledger whose
// leaves follow the log.
func testLedgerConcurrent(t *testing.T, o Opener) {
	s := o.Open(t)
	mustAppend(t, s, Sub("taken", Box1, 1, 1))
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 10 {
				subs := Subs(fmt.Sprintf("w%d-%d", w, i), 1+i%3)
				if i%4 == 3 {
					subs = append(subs, Sub("taken", Box1, 2, 2)) // refused
				}
				s.Append(context.Background(), subs) //nolint:errcheck // refusals are the point
			}
		})
	}
	wg.Wait()
	CheckLedger(t, s)
}

// A reopened store, or a second instance, goes on from the ledger it
// finds, not from its own copy of the tree's edge.
func testLedgerReopened(t *testing.T, o Opener) {
	s := o.Open(t)
	mustAppend(t, s, Subs("a", 5)...)
	s2 := o.Reopen(t, s)
	mustAppend(t, s2, Subs("b", 3)...)
	mustAppend(t, s, Subs("c", 2)...)
	CheckLedger(t, s)
	CheckLedger(t, s2)
}

func testLedgerCheckpoints(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	_, err := s.LatestCheckpoint(ctx)
	wantCode(t, err, sandik.ENotFound, "LatestCheckpoint of a new store")
	at := Received()
	for _, c := range []sandik.SignedCheckpoint{
		{Size: 3, Signed: []byte("three\n"), Time: at},
		{Size: 7, Signed: []byte("seven\n"), Time: at.Add(time.Second)},
		{Size: 5, Signed: []byte("five\n"), Time: at.Add(2 * time.Second)},
		{Size: 7, Signed: []byte("seven again\n"), Time: at.Add(3 * time.Second)},
	} {
		if err := s.SaveCheckpoint(ctx, c); err != nil {
			t.Fatalf("SaveCheckpoint(%d): %v", c.Size, err)
		}
	}
	c, err := s.LatestCheckpoint(ctx)
	if err != nil || c.Size != 7 || string(c.Signed) != "seven\n" || !c.Time.Equal(at.Add(time.Second)) {
		t.Errorf("LatestCheckpoint = %+v, %v; want the first of size 7", c, err)
	}
}
