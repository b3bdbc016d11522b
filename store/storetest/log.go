package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sandik-dev/sandik"
)

var logTests = []test{
	{"EmptyLog", testEmptyLog},
	{"ReceiptsInOrder", testReceipts},
	{"ReceivedAtStampedWhenMissing", testReceivedAtStamped},
	{"ReplayGetsOriginalReceipt", testReplay},
	{"ConflictWritesNothing", testConflict},
	{"SameIDTwiceInOneCall", testSameIDTwice},
	{"SameIDTwiceInOneCallConflict", testSameIDTwiceConflict},
	{"CanceledContextWritesNothing", testCanceled},
	{"SincePages", testSincePaging},
	{"RoundTripEveryField", testRoundTrip},
	{"RecentWritesAsStored", testRecentWrites},
	{"BoxSubmissions", testBoxSubmissions},
	{"NotFound", testLogNotFound},
	{"WaitFor", testWaitFor},
	{"ModelProperty", testLogModel},
}

// sameSubs compares submissions field by field; times compare with Equal.
func sameSubs(want, got []sandik.Submission) string {
	return cmp.Diff(want, got, cmpopts.EquateEmpty())
}

func testEmptyLog(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	if seq, err := s.LastSeq(ctx); err != nil || seq != 0 {
		t.Fatalf("LastSeq on an empty log = %d, %v; want 0, nil", seq, err)
	}
	if subs, err := s.Since(ctx, 0, 10); err != nil || len(subs) != 0 {
		t.Fatalf("Since on an empty log = %d submissions, %v; want none", len(subs), err)
	}
	if rs, err := s.Append(ctx, nil); err != nil || len(rs) != 0 {
		t.Fatalf("Append(nil) = %v, %v; want no receipts and no error", rs, err)
	}
}

func testReceipts(t *testing.T, o Opener) {
	s := o.Open(t)
	subs := Subs("r", 5)
	rs := append(mustAppend(t, s, subs[:3]...), mustAppend(t, s, subs[3:]...)...)
	var prev int64
	for i, r := range rs {
		if r.ID != subs[i].ID || r.Replayed || !r.ReceivedAt.Equal(subs[i].ReceivedAt) {
			t.Errorf("receipt %d = %+v; want id %q, not replayed, received at %v", i, r, subs[i].ID, subs[i].ReceivedAt)
		}
		if r.Seq <= prev {
			t.Errorf("receipt %d: seq %d does not follow %d", i, r.Seq, prev)
		}
		prev = r.Seq
	}
	if seq, err := s.LastSeq(context.Background()); err != nil || seq != prev {
		t.Errorf("LastSeq = %d, %v; want %d", seq, err, prev)
	}
	if d := sameSubs(withSeq(subs, rs), All(t, s)); d != "" {
		t.Errorf("log differs from what was appended (-want +got):\n%s", d)
	}
}

func testReceivedAtStamped(t *testing.T, o Opener) {
	s := o.Open(t)
	sub := Sub("stamp", Box1, 1, 2)
	sub.ReceivedAt = time.Time{}
	r := mustAppend(t, s, sub)[0]
	if r.ReceivedAt.IsZero() {
		t.Fatalf("receipt of a submission without ReceivedAt has no ReceivedAt")
	}
	got, err := s.Submission(context.Background(), sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.ReceivedAt.Equal(r.ReceivedAt) {
		t.Fatalf("stored ReceivedAt %v differs from the receipt's %v", got.ReceivedAt, r.ReceivedAt)
	}
}

func testReplay(t *testing.T, o Opener) {
	s := o.Open(t)
	a, b := Sub("a", Box1, 10, 20), Sub("b", Box1, 30, 40)
	first := mustAppend(t, s, a)[0]
	again := a
	again.ReceivedAt = Received().Add(time.Hour) // the server's time does not take part in the hash
	rs := mustAppend(t, s, again, b)
	want := first
	want.Replayed = true
	if d := cmp.Diff(want, rs[0], cmpopts.IgnoreFields(sandik.Receipt{}, "Warnings")); d != "" {
		t.Errorf("replay receipt differs from the original (-want +got):\n%s", d)
	}
	if rs[1].Replayed || rs[1].Seq <= first.Seq {
		t.Errorf("new submission after a replay: receipt %+v", rs[1])
	}
	if d := sameSubs(withSeq([]sandik.Submission{a, b}, []sandik.Receipt{first, rs[1]}), All(t, s)); d != "" {
		t.Errorf("a replay changed the log (-want +got):\n%s", d)
	}
}

func testConflict(t *testing.T, o Opener) {
	s := o.Open(t)
	a := Sub("a", Box1, 10, 20)
	rs := mustAppend(t, s, a)
	before := All(t, s)
	reused := Sub("a", Box1, 11, 19) // same id, different content
	_, err := s.Append(context.Background(), []sandik.Submission{Sub("fresh", Box1, 1, 1), reused})
	wantCode(t, err, sandik.EConflict, "Append(reused id)")
	if !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("conflict error %q does not name the id", err)
	}
	if d := sameSubs(before, All(t, s)); d != "" {
		t.Errorf("a refused call changed the log (-want +got):\n%s", d)
	}
	_, err = s.Submission(context.Background(), "fresh")
	wantCode(t, err, sandik.ENotFound, "Submission(fresh) after a refused call")
	if seq, err := s.LastSeq(context.Background()); err != nil || seq != rs[0].Seq {
		t.Errorf("LastSeq after a refused call = %d, %v; want %d", seq, err, rs[0].Seq)
	}
}

func testSameIDTwice(t *testing.T, o Opener) {
	s := o.Open(t)
	a := Sub("twice", Box1, 5, 6)
	rs := mustAppend(t, s, a, Sub("other", Box1, 1, 1), a)
	if rs[0] != rs[2] {
		t.Errorf("receipts of the same submission in one call differ: %+v and %+v", rs[0], rs[2])
	}
	if rs[0].Replayed {
		t.Errorf("first write of a submission is marked replayed")
	}
	if d := sameSubs(withSeq([]sandik.Submission{a, Sub("other", Box1, 1, 1)}, rs[:2]), All(t, s)); d != "" {
		t.Errorf("log differs (-want +got):\n%s", d)
	}
}

func testSameIDTwiceConflict(t *testing.T, o Opener) {
	s := o.Open(t)
	_, err := s.Append(context.Background(), []sandik.Submission{Sub("x", Box1, 5, 6), Sub("y", Box1, 1), Sub("x", Box1, 6, 5)})
	wantCode(t, err, sandik.EConflict, "Append(same id, different content, one call)")
	if got := All(t, s); len(got) != 0 {
		t.Errorf("a refused call wrote %d submissions", len(got))
	}
}

func testCanceled(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Append(ctx, Subs("c", 3)); !errors.Is(err, context.Canceled) {
		t.Errorf("Append with a canceled context: %v, want context.Canceled", err)
	}
	if got := All(t, s); len(got) != 0 {
		t.Errorf("a canceled call wrote %d submissions", len(got))
	}
}

func testSincePaging(t *testing.T, o Opener) {
	s := o.Open(t)
	subs := Subs("p", 23)
	var rs []sandik.Receipt
	for _, part := range [][]sandik.Submission{subs[:10], subs[10:11], subs[11:]} {
		rs = append(rs, mustAppend(t, s, part...)...)
	}
	ctx := context.Background()
	var got []sandik.Submission
	after := int64(0)
	for {
		page, err := s.Since(ctx, after, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 5 {
			t.Fatalf("Since(%d, 5) returned %d submissions", after, len(page))
		}
		if len(page) == 0 {
			break
		}
		if page[0].Seq <= after {
			t.Fatalf("Since(%d, 5) starts at seq %d", after, page[0].Seq)
		}
		got = append(got, page...)
		after = page[len(page)-1].Seq
	}
	if d := sameSubs(withSeq(subs, rs), got); d != "" {
		t.Errorf("paged log differs (-want +got):\n%s", d)
	}
	mid, err := s.Since(ctx, rs[20].Seq, 100)
	if err != nil || len(mid) != 2 || mid[0].ID != subs[21].ID {
		t.Errorf("Since(seq of item 20) = %d submissions, %v; want items 21 and 22", len(mid), err)
	}
	if none, err := s.Since(ctx, 0, 0); err != nil || len(none) != 0 {
		t.Errorf("Since(0, 0) = %d submissions, %v; want none", len(none), err)
	}
}

// Full returns a submission using every field: an adjudication with a
// reason, a capture time with nanoseconds, warnings, an entry source.
func Full(id string, box sandik.AreaCode) sandik.Submission {
	s := Sub(id, box, 120, 0, 77, 1_000_000)
	s.Kind, s.Source, s.User = sandik.KindAdjudication, sandik.SourceEntry, "koordinator"
	s.Reason = "Tutanak fotoğrafı ile karşılaştırıldı; ikinci giriş hatalı."
	s.CapturedAt = time.Date(2024, 3, 31, 17, 1, 2, 987654321, time.UTC)
	s.Sheet.Registered, s.Sheet.VotedByLaw = 350, 4
	s.Sheet.ValidUponObjection, s.Sheet.ValidWithoutObjection = 3, s.Sheet.ValidTotal-3
	s.Warnings = sandik.WarnVotedOverRegistered | sandik.WarnLate
	s.Hash = s.ContentHash()
	return s
}

func testRoundTrip(t *testing.T, o Opener) {
	s := o.Open(t)
	subs := []sandik.Submission{Full("full", Box2), Sub("plain", Box1, 0, 0, 0), Sub("novotes", Box1)}
	rs := mustAppend(t, s, subs...)
	want := withSeq(subs, rs)
	for i, w := range want {
		got, err := s.Submission(context.Background(), w.ID)
		if err != nil {
			t.Fatalf("Submission(%q): %v", w.ID, err)
		}
		if d := sameSubs([]sandik.Submission{w}, []sandik.Submission{got}); d != "" {
			t.Errorf("Submission(%q) differs (-want +got):\n%s", w.ID, d)
		}
		if rs[i].Warnings != w.Warnings {
			t.Errorf("receipt of %q carries warnings %b, want %b", w.ID, rs[i].Warnings, w.Warnings)
		}
	}
	if d := sameSubs(want, All(t, s)); d != "" {
		t.Errorf("Since differs (-want +got):\n%s", d)
	}
}

// testRecentWrites: what a store keeps of its own commits for the log's
// follower (sandik.RecentWrites) is exactly what a read of the database
// returns, field by field, including a time with a monotonic reading and
// a location, an empty list of votes, and a stamped time of receipt; a
// replay or a refused conflict adds nothing.
func testRecentWrites(t *testing.T, o Opener) {
	s := o.Open(t)
	rw, ok := s.(sandik.RecentWrites)
	if !ok {
		t.Skip("the store keeps no recent writes")
	}
	ctx := context.Background()
	local := Sub("local-times", Box1, 4, 5)
	local.CapturedAt = time.Now().In(time.FixedZone("TRT", 3*3600)) // monotonic reading, another location
	local.ReceivedAt = time.Time{}                                  // stamped by the store
	local.Hash = local.ContentHash()
	first := []sandik.Submission{Full("full", Box2), Sub("plain", Box1, 0, 0, 0), Sub("novotes", Box1)}
	mustAppend(t, s, first...)
	mustAppend(t, s, local)
	mustAppend(t, s, first[0]) // a replay: no new seq
	conflict := Sub("plain", Box1, 9)
	if _, err := s.Append(ctx, []sandik.Submission{conflict}); sandik.CodeOf(err) != sandik.EConflict {
		t.Fatalf("Append of a conflict: %v", err)
	}
	stored, err := s.Since(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 4 {
		t.Fatalf("the log holds %d submissions, want 4", len(stored))
	}
	// Times compare by String: location and monotonic reading included,
	// which Equal ignores.
	exact := cmp.Comparer(func(a, b time.Time) bool { return a.String() == b.String() })
	if d := cmp.Diff(stored, rw.RecentSince(0, 100), exact); d != "" {
		t.Errorf("RecentSince(0) differs from the database's rows (-stored +recent):\n%s", d)
	}
	if got := rw.RecentSince(1, 2); len(got) != 2 || got[0].Seq != 2 || got[1].Seq != 3 {
		t.Errorf("RecentSince(1, 2) = %d submissions, want seqs 2 and 3", len(got))
	}
	if got := rw.RecentSince(4, 100); len(got) != 0 {
		t.Errorf("RecentSince after the head = %d submissions, want none", len(got))
	}
}

func testBoxSubmissions(t *testing.T, o Opener) {
	s := o.Open(t)
	other := Sub("other-race", Box1, 1, 2)
	other.Race = "2024-yerel.34.0135.bb"
	other.Hash = other.ContentHash()
	subs := []sandik.Submission{Sub("b1", Box1, 1, 2), Sub("b2", Box2, 3, 4), other, Full("b3", Box1)}
	rs := mustAppend(t, s, subs[:2]...)
	rs = append(rs, mustAppend(t, s, subs[2:]...)...)
	want := withSeq(subs, rs)
	got, err := s.BoxSubmissions(context.Background(), Race, Box1)
	if err != nil {
		t.Fatal(err)
	}
	if d := sameSubs([]sandik.Submission{want[0], want[3]}, got); d != "" {
		t.Errorf("BoxSubmissions(Race, Box1) differs (-want +got):\n%s", d)
	}
	got, err = s.BoxSubmissions(context.Background(), Race, "34.nowhere")
	if err != nil || len(got) != 0 {
		t.Errorf("BoxSubmissions of an empty box = %d submissions, %v; want none, nil", len(got), err)
	}
}

func testLogNotFound(t *testing.T, o Opener) {
	s := o.Open(t)
	mustAppend(t, s, Sub("here", Box1, 1))
	_, err := s.Submission(context.Background(), "missing")
	wantCode(t, err, sandik.ENotFound, "Submission(missing)")
}

func testWaitFor(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	r := mustAppend(t, s, Sub("w1", Box1, 1))[0]
	if err := s.WaitFor(ctx, r.Seq-1, time.Hour); err != nil {
		t.Fatalf("WaitFor below the head: %v", err)
	}
	if err := s.WaitFor(ctx, r.Seq, time.Millisecond); err != nil {
		t.Fatalf("WaitFor after the poll interval: %v, want nil", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.WaitFor(canceled, r.Seq, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitFor with a canceled context: %v, want context.Canceled", err)
	}

	woke := make(chan error, 1)
	go func() { woke <- s.WaitFor(ctx, r.Seq, time.Hour) }()
	mustAppend(t, s, Sub("w2", Box1, 2))
	select {
	case err := <-woke:
		if err != nil {
			t.Fatalf("WaitFor woken by an append: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("WaitFor was not woken by an append")
	}
}
