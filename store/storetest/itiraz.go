package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
)

var itirazTests = []test{
	{"EventsRoundTrip", testCaseEventsRoundTrip},
	{"VersionConflict", testCaseVersionConflict},
	{"ConcurrentChangesOneWins", testCaseConcurrentChanges},
	{"Evidence", testEvidence},
}

// CaseEvents returns a case's first events: created, then filed.
func CaseEvents(id itiraz.CaseID) []itiraz.Event {
	at := time.Date(2024, 4, 1, 9, 30, 0, 123456789, time.UTC)
	return []itiraz.Event{
		{Case: id, Version: 1, Kind: itiraz.EventCreated, User: "avukat", At: at,
			Draft: &itiraz.Draft{Race: Race, Boxes: []sandik.AreaCode{Box1}, Ground: itiraz.GroundDiscrepancy, Remedy: itiraz.RemedyRecount,
				Board: itiraz.BoardIlce, Filer: "İl Başkanlığı", Title: "Çatalca 1001", Body: "Tutanakta 150, resmî 138.", Claim: []int64{12, -12}},
			Trigger: at.Add(-36 * time.Hour), Deadline: at.Add(30 * time.Hour)},
		{Case: id, Version: 2, Kind: itiraz.EventFiled, User: "avukat", At: at.Add(time.Hour), When: at.Add(50 * time.Minute), Reference: "2024/17"},
	}
}

func testCaseEventsRoundTrip(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	want := append(CaseEvents("c-2"), CaseEvents("c-1")...)
	for _, e := range want {
		if err := s.AppendCaseEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s = o.Reopen(t, s)
	got, err := s.CaseEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// By case, then version.
	sorted := append(CaseEvents("c-1"), CaseEvents("c-2")...)
	if len(got) != len(sorted) {
		t.Fatalf("%d events, want %d", len(got), len(sorted))
	}
	for i := range got {
		if got[i].Case != sorted[i].Case || got[i].Version != sorted[i].Version || !got[i].At.Equal(sorted[i].At) ||
			got[i].Kind != sorted[i].Kind || !got[i].Deadline.Equal(sorted[i].Deadline) || got[i].Reference != sorted[i].Reference {
			t.Errorf("event %d: %+v, want %+v", i, got[i], sorted[i])
		}
	}
	c, err := itiraz.Fold(got[:2])
	if err != nil || c.Status != itiraz.StatusFiled || !slices.Equal(c.Claim, []int64{12, -12}) || c.Title != "Çatalca 1001" {
		t.Errorf("folded case: %v %+v", err, c)
	}
	one, err := s.CaseEventsOf(ctx, "c-2")
	if err != nil || len(one) != 2 || one[0].Case != "c-2" {
		t.Errorf("events of c-2: %v %+v", err, one)
	}
	_, err = s.CaseEventsOf(ctx, "c-9")
	wantCode(t, err, sandik.ENotFound, "events of a missing case")
}

func testCaseVersionConflict(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	es := CaseEvents("c-1")
	if err := s.AppendCaseEvent(ctx, es[0]); err != nil {
		t.Fatal(err)
	}
	dup := es[0]
	dup.User = "someone-else"
	wantCode(t, s.AppendCaseEvent(ctx, dup), sandik.EConflict, "a second version 1")
	got, err := s.CaseEventsOf(ctx, "c-1")
	if err != nil || len(got) != 1 || got[0].User != "avukat" {
		t.Errorf("after a conflict: %v %+v", err, got)
	}
}

// Many writers change the same case at the same version: exactly one
// change is stored.
func testCaseConcurrentChanges(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	if err := s.AppendCaseEvent(ctx, CaseEvents("c-1")[0]); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			e := CaseEvents("c-1")[1]
			e.Reference = fmt.Sprintf("ref-%d", i)
			errs[i] = s.AppendCaseEvent(ctx, e)
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch sandik.CodeOf(err) {
		case "":
			ok++
		case sandik.EConflict:
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	got, _ := s.CaseEventsOf(ctx, "c-1")
	if ok != 1 || len(got) != 2 {
		t.Errorf("%d writers succeeded, %d events stored; want 1 and 2", ok, len(got))
	}
}

func testEvidence(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	photo := bytes.Repeat([]byte{0xff, 0xd8, 0x00, 0x42}, 10000)
	sum, err := s.PutEvidence(ctx, photo)
	if err != nil {
		t.Fatal(err)
	}
	if sum != sandik.EvidenceChecksum(photo) || len(sum) != 64 {
		t.Fatalf("checksum %q", sum)
	}
	again, err := s.PutEvidence(ctx, slices.Clone(photo))
	if err != nil || again != sum {
		t.Fatalf("the same file again: %v %q", err, again)
	}
	_, err = s.PutEvidence(ctx, nil)
	wantCode(t, err, sandik.EInvalid, "an empty file")
	_, err = s.PutEvidence(ctx, make([]byte, sandik.MaxEvidenceBytes+1))
	wantCode(t, err, sandik.ETooLarge, "a file over the limit")
	s.Close()
	s = o.Reopen(t, s)
	got, err := s.Evidence(ctx, sum)
	if err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("read back: %v, %d bytes", err, len(got))
	}
	_, err = s.Evidence(ctx, sandik.EvidenceChecksum([]byte("never stored")))
	wantCode(t, err, sandik.ENotFound, "a checksum never stored")
	other, err := s.PutEvidence(ctx, []byte("decision of the board"))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := s.EvidenceSums(ctx)
	want := []string{sum, other}
	slices.Sort(want)
	if err != nil || !slices.Equal(sums, want) {
		t.Errorf("evidence sums %v (%v), want %v", sums, err, want)
	}
}
