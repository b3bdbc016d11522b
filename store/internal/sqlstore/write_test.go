package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

// An Append call writes each id once, answers every submission in the
// call's order, stamps those without ReceivedAt, and writes nothing when
// it cannot be answered.
func TestAppend(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2024, 3, 31, 18, 0, 0, 0, time.FixedZone("+03", 3*3600))
	a, b := storetest.Sub("a", storetest.Box1, 1, 2), storetest.Sub("b", storetest.Box2, 3, 4)
	b.ReceivedAt = time.Time{}
	var written [][]Pending
	do := func(_ context.Context, rows []Pending) ([]sandik.Receipt, error) {
		written = append(written, rows)
		rs := make([]sandik.Receipt, len(rows))
		for i := range rows {
			rs[i] = rows[i].Receipt(int64(10 + i))
		}
		return rs, nil
	}
	keep := func(_ *sandik.Submission, p Pending) Pending { return p }
	rs, err := Append(ctx, "fake", []sandik.Submission{a, b, a}, func() time.Time { return now }, keep, do)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 1 || len(written[0]) != 2 || written[0][0].ID != "a" || written[0][1].ID != "b" {
		t.Fatalf("written %+v, want a and b once", written)
	}
	if written[0][1].ReceivedAt != now.UnixNano() || written[0][0].ReceivedAt != a.ReceivedAt.UnixNano() {
		t.Errorf("received at %d and %d", written[0][0].ReceivedAt, written[0][1].ReceivedAt)
	}
	if len(rs) != 3 || rs[0].Seq != 10 || rs[1].Seq != 11 || rs[2] != rs[0] {
		t.Errorf("receipts %+v, want a, b, and a's again", rs)
	}
	if rs[1].ReceivedAt.Location() != time.UTC || !rs[1].ReceivedAt.Equal(now) {
		t.Errorf("b's receipt time %v, want %v in UTC", rs[1].ReceivedAt, now)
	}

	written = nil
	other := storetest.Sub("a", storetest.Box1, 2, 1)
	_, err = Append(ctx, "fake", []sandik.Submission{a, other}, time.Now, keep, do)
	if sandik.CodeOf(err) != sandik.EConflict || !strings.HasPrefix(err.Error(), "fake: append: ") {
		t.Errorf("an id twice with two hashes: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Append(cancelled, "fake", []sandik.Submission{a}, time.Now, keep, do); !errors.Is(err, context.Canceled) {
		t.Errorf("an ended context: %v", err)
	}
	if len(written) != 0 {
		t.Errorf("refused calls wrote %+v", written)
	}
	if rs, err := Append(ctx, "fake", nil, time.Now, keep, do); err != nil || rs == nil || len(rs) != 0 {
		t.Errorf("no submissions: %#v, %v", rs, err)
	}
	failing := func(context.Context, []Pending) ([]sandik.Receipt, error) { return nil, errors.New("disk full") }
	if _, err := Append(ctx, "fake", []sandik.Submission{a}, time.Now, keep, failing); err == nil || err.Error() != "fake: append: disk full" {
		t.Errorf("a failed write: %v", err)
	}
}

func TestPendingReceipts(t *testing.T) {
	p := Pending{ID: "x", ReceivedAt: 5e9, Warnings: sandik.WarnLate}
	if r := p.Receipt(7); r != (sandik.Receipt{Seq: 7, ID: "x", ReceivedAt: time.Unix(5, 0).UTC(), Warnings: sandik.WarnLate, LeafIndex: -1}) {
		t.Errorf("Receipt: %+v", r)
	}
	if r := p.Replayed(3, 4e9, 0, 2); r != (sandik.Receipt{Seq: 3, ID: "x", ReceivedAt: time.Unix(4, 0).UTC(), Replayed: true, LeafIndex: 2}) {
		t.Errorf("Replayed: %+v", r)
	}
}

// A case event goes in with its columns and comes out whole; a version
// already stored is a conflict.
func TestCaseEvents(t *testing.T) {
	ctx := context.Background()
	e := storetest.CaseEvents("c-1")[0]
	var stored CaseEventRow
	insert := func(_ context.Context, r CaseEventRow) error { stored = r; return nil }
	never := func(error) bool { return false }
	if err := AppendCaseEvent(ctx, "fake", e, never, insert); err != nil {
		t.Fatal(err)
	}
	if stored.Case != "c-1" || stored.Version != 1 || stored.Kind != "created" || stored.User != "avukat" || stored.At != e.At.UnixNano() {
		t.Errorf("columns %+v", stored)
	}
	taken := errors.New("unique violation")
	err := AppendCaseEvent(ctx, "fake", e, func(err error) bool { return errors.Is(err, taken) },
		func(context.Context, CaseEventRow) error { return taken })
	if sandik.CodeOf(err) != sandik.EConflict || !errors.Is(err, taken) {
		t.Errorf("a version stored twice: %v", err)
	}

	f := newFake()
	f.rows["of c-1"] = [][]any{{stored.Payload}}
	f.rows["bad"] = [][]any{{[]byte("{")}}
	got, err := CaseEventsOf(ctx, f.db(), "of c-1", "c-1")
	if err != nil || len(got) != 1 {
		t.Fatalf("CaseEventsOf = %v, %v", got, err)
	}
	want, _ := json.Marshal(e)
	if back, _ := json.Marshal(got[0]); string(back) != string(want) {
		t.Errorf("event back:\n%s\nwant\n%s", back, want)
	}
	if _, err := CaseEventsOf(ctx, f.db(), "none", "c-9"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("events of a missing case: %v", err)
	}
	if _, err := CaseEvents(ctx, f.db(), "bad"); err == nil || !strings.Contains(err.Error(), "decode case event") {
		t.Errorf("a damaged payload: %v", err)
	}
}

// Evidence is refused empty or too large, kept under its checksum, and
// checked against it on the way out.
func TestEvidence(t *testing.T) {
	ctx := context.Background()
	var args []any
	exec := func(_ context.Context, _ string, a ...any) error { args = a; return nil }
	photo := []byte("signed result sheet")
	sum, err := PutEvidence(ctx, "fake", photo, exec, "insert")
	if err != nil || sum != sandik.EvidenceChecksum(photo) || args[0] != sum || args[1] != len(photo) {
		t.Fatalf("PutEvidence = %q, %v (args %v)", sum, err, args)
	}
	if _, err := PutEvidence(ctx, "fake", nil, exec, "insert"); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("an empty file: %v", err)
	}
	if _, err := PutEvidence(ctx, "fake", make([]byte, sandik.MaxEvidenceBytes+1), exec, "insert"); sandik.CodeOf(err) != sandik.ETooLarge {
		t.Errorf("a file over the limit: %v", err)
	}

	f := newFake()
	f.rows["good"] = [][]any{{photo}}
	f.rows["damaged"] = [][]any{{[]byte("signed result sheeT")}}
	if got, err := Evidence(ctx, f.db(), "good", sum); err != nil || string(got) != string(photo) {
		t.Errorf("Evidence = %q, %v", got, err)
	}
	if _, err := Evidence(ctx, f.db(), "damaged", sum); err == nil || sandik.CodeOf(err) != sandik.EInternal || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged evidence: %v", err)
	}
	if _, err := Evidence(ctx, f.db(), "none", sum); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("missing evidence: %v", err)
	}
}

func TestCreateSession(t *testing.T) {
	ctx := context.Background()
	ss := sandik.Session{ID: [32]byte{1}, TokenHash: [32]byte{2}, User: "ayse", Created: time.Unix(1, 0), Seen: time.Unix(2, 0)}
	var args []any
	exec := func(_ context.Context, _ string, a ...any) error { args = a; return nil }
	if err := CreateSession(ctx, "fake", ss, func(error) bool { return false }, exec, "insert"); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]any{ss.ID[:], ss.TokenHash[:], "ayse", int64(1e9), int64(2e9)}, args); d != "" {
		t.Errorf("columns (-want +got):\n%s", d)
	}
	taken := errors.New("unique violation")
	err := CreateSession(ctx, "fake", ss, func(err error) bool { return errors.Is(err, taken) },
		func(context.Context, string, ...any) error { return taken }, "insert")
	if sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("a session id taken: %v", err)
	}
}
