package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
)

// TestTipAcrossInstances races three instances' writers, whose tips are
// wrong whenever another instance committed in between: every leaf must
// still be hashed on the ledger as it is (the audit recomputes the tree
// from the records and checks every stored hash), and each receipt's leaf
// must be its own submission's.
func TestTipAcrossInstances(t *testing.T) {
	url := pgtest.Schema(t)
	stores := []*Store{openAt(t, url), openAt(t, url), openAt(t, url)}
	const writersPer, calls = 4, 25
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		receipts []sandik.Receipt
	)
	for i, s := range stores {
		for w := range writersPer {
			wg.Go(func() {
				for c := range calls {
					rs, err := s.Append(context.Background(), storetest.Subs(fmt.Sprintf("tip%d-%d-%d", i, w, c), 1+c%3))
					if err != nil {
						t.Errorf("Append: %v", err)
						return
					}
					mu.Lock()
					receipts = append(receipts, rs...)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	ctx := context.Background()
	if err := audit.Run(ctx, stores[0], "", audit.Options{}); err != nil {
		t.Fatalf("audit after three instances raced: %v", err)
	}
	recs, err := stores[1].LedgerRecords(ctx, 0, len(receipts)+10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(receipts) {
		t.Fatalf("ledger holds %d records for %d submissions", len(recs), len(receipts))
	}
	for _, r := range receipts {
		if got := recs[r.LeafIndex]; got.ID != string(r.ID) || got.Seq != r.Seq {
			t.Fatalf("receipt of %s (seq %d) names leaf %d, which holds %s seq %d", r.ID, r.Seq, r.LeafIndex, got.ID, got.Seq)
		}
	}
	var underLock int64
	for _, s := range stores {
		_, b, _ := s.TipStats()
		underLock += b
	}
	// Each instance's first group is decided under the lock.
	if underLock < int64(len(stores)) {
		t.Errorf("%d groups decided under the lock: want at least each instance's first", underLock)
	}
	// Whether a racing group found its tip right depends on the timing;
	// alone, an instance goes back to the tip once the groups it decides
	// under the lock after a wrong tip (64 at most) are done, and the
	// audit must still hold.
	before, _, _ := stores[0].TipStats()
	for c := range 70 {
		if _, err := stores[0].Append(ctx, storetest.Subs(fmt.Sprintf("alone-%d", c), 1)); err != nil {
			t.Fatal(err)
		}
		if now, _, _ := stores[0].TipStats(); now > before {
			break
		}
	}
	if now, _, _ := stores[0].TipStats(); now == before {
		t.Fatal("an instance writing alone never went back to its tip")
	}
	if err := audit.Run(ctx, stores[1], "", audit.Options{}); err != nil {
		t.Fatalf("audit after the instance wrote alone: %v", err)
	}
}

// TestTipWithAnotherLastLeafRefused gives the writer a tip whose head and
// size are right but whose last leaf is not the ledger's: a group hashed
// on it would corrupt the tree, so the guard must refuse it and the group
// be decided under the lock.
func TestTipWithAnotherLastLeafRefused(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	ctx := context.Background()
	mustAppend(t, s, storetest.Subs("first", 3)...)
	s.writer.tipMu.Lock()
	if !s.writer.tip.known {
		s.writer.tipMu.Unlock()
		t.Fatal("no tip after a committed group")
	}
	// The same head and size, another history: the last leaf's content
	// differs, and so does the edge the next leaves would be hashed on.
	wrong := s.writer.tip
	wrong.last.ContentHash[0] ^= 0xff
	var other ledger.Edge
	for i := range wrong.edge.Size() {
		if _, _, err := other.Append(ledger.Record{Kind: ledger.KindSubmission, ID: fmt.Sprintf("forged-%d", i), Seq: i + 1, ContentHash: wrong.last.ContentHash}); err != nil {
			s.writer.tipMu.Unlock()
			t.Fatal(err)
		}
	}
	wrong.edge = other
	s.writer.tip = wrong
	s.writer.tipMu.Unlock()
	_, before, wrongBefore := s.TipStats()

	rs := mustAppend(t, s, storetest.Subs("second", 2)...)
	if _, after, wrong := s.TipStats(); after != before+1 || wrong != wrongBefore+1 {
		t.Errorf("groups decided under the lock went from %d to %d, wrong tips from %d to %d; want one more of each", before, after, wrongBefore, wrong)
	}
	if rs[0].Seq != 4 || rs[0].LeafIndex != 3 {
		t.Errorf("second group got seq %d leaf %d, want 4 and 3", rs[0].Seq, rs[0].LeafIndex)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit: %v", err)
	}
	// The tip is right again: the next group goes in one round trip.
	onTip, _, _ := s.TipStats()
	mustAppend(t, s, storetest.Subs("third", 1)...)
	if now, _, _ := s.TipStats(); now != onTip+1 {
		t.Errorf("groups on the tip went from %d to %d after the tip was set again, want one more", onTip, now)
	}
}

// TestTipForgottenAfterAnotherLedgerWrite: a ledger write of this process
// (a user added) moves the ledger under the writer's tip; the next group
// is decided under the lock at once, without a round trip on a tip the
// database would find wrong, and the one after goes on the tip again.
func TestTipForgottenAfterAnotherLedgerWrite(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	ctx := context.Background()
	mustAppend(t, s, storetest.Subs("a", 2)...)
	mustAppend(t, s, storetest.Subs("b", 2)...)
	onTip, underLock, wrong := s.TipStats()
	if onTip != 1 || underLock != 1 {
		t.Fatalf("after two groups: %d on the tip, %d under the lock; want 1 and 1", onTip, underLock)
	}
	if err := s.CreateUser(ctx, sandik.User{ID: "tip-user", Name: "Tip", Role: sandik.RoleVolunteer}, [32]byte{7}); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, s, storetest.Subs("c", 2)...)
	mustAppend(t, s, storetest.Subs("d", 2)...)
	o, u, w := s.TipStats()
	if o != onTip+1 || u != underLock+1 || w != wrong {
		t.Errorf("after a user and two groups: %d on the tip, %d under the lock, %d wrong tips; want %d, %d, %d", o, u, w, onTip+1, underLock+1, wrong)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit: %v", err)
	}
}

// A group that follows another instance's commit has the next groups
// gather for contendedWindow; an instance writing alone, or again alone
// for contendedGroups groups, gathers for gatherWindow.
func TestContendedGroupsGatherLonger(t *testing.T) {
	url := pgtest.Schema(t)
	a, b := openAt(t, url), openAt(t, url)
	n := 0
	write := func(s *Store) {
		t.Helper()
		n++
		if _, err := s.Append(context.Background(), storetest.Subs(fmt.Sprintf("contended-%d", n), 1)); err != nil {
			t.Fatal(err)
		}
	}
	window := func(s *Store, want time.Duration, when string) {
		t.Helper()
		if got := s.writer.window(); got != want {
			t.Fatalf("%s: window %v, want %v", when, got, want)
		}
	}
	write(a)
	write(a)
	window(a, gatherWindow, "one instance writing alone")
	write(b)
	window(b, gatherWindow, "a first group, with nothing of its own before it")
	write(a)
	window(a, contendedWindow, "a group after another instance's commit")
	for range contendedGroups - 1 {
		write(a)
	}
	window(a, contendedWindow, "still within contendedGroups")
	write(a)
	window(a, gatherWindow, "after contendedGroups groups alone")
}
