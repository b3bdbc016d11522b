package center_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/store/storetest"
)

// One box has official figures, the other only a verified sheet: the
// margin "counted" should be official where published, else verified.
func TestMarginsCountOfficialWherePublished(t *testing.T) {
	ctx := context.Background()
	f := newCenter(t)
	submit(t, f, ayse, sheet("a1", storetest.Box1, 10, 200, 100))
	submit(t, f, mehm, sheet("m1", storetest.Box1, 10, 200, 100))
	official(t, f.c, storetest.Box1, 10, 200, 100)
	submit(t, f, ayse, sheet("a2", storetest.Box2, 5, 100, 150))
	submit(t, f, mehm, sheet("m2", storetest.Box2, 5, 100, 150))
	if err := f.c.WaitFor(ctx, f.c.Seq()); err != nil {
		t.Fatal(err)
	}
	m, err := f.c.View(admin).Margins(ctx, storetest.Race, "CHP", "AKP")
	if err != nil {
		t.Fatal(err)
	}
	// CHP-AKP: box1 official 100, box2 verified -50 => 50.
	if m.Counted != 50 {
		t.Errorf("counted margin %d, want 50 (box2's verified sheet dropped once box1 is official)", m.Counted)
	}
}

// Asking for the margin of the runner-up (a only) fails.
func TestMarginOfTheRunnerUp(t *testing.T) {
	ctx := context.Background()
	f := newCenter(t)
	submit(t, f, ayse, sheet("a1", storetest.Box1, 10, 200, 100))
	submit(t, f, mehm, sheet("m1", storetest.Box1, 10, 200, 100))
	if err := f.c.WaitFor(ctx, f.c.Seq()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.View(admin).Margins(ctx, storetest.Race, "AKP", ""); err != nil {
		t.Errorf("margin of AKP over the leader: %v", err)
	}
}

// An edit whose draft omits the claim wipes it; a partial decision can
// then no longer be recorded.
func TestEditWithoutClaimKeepsItsChoices(t *testing.T) {
	ctx := context.Background()
	f := newCenter(t)
	d := itiraz.Draft{Race: storetest.Race, Boxes: []sandik.AreaCode{storetest.Box1}, Ground: itiraz.GroundDiscrepancy,
		Remedy: itiraz.RemedyRecount, Board: itiraz.BoardIlce, Filer: "x", Title: "t", Claim: []int64{0, 12, -12}}
	cs, err := f.c.CreateCase(ctx, lawyer, d, now)
	if err != nil {
		t.Fatal(err)
	}
	d2 := d
	d2.Claim = nil
	d2.Title = "typo fixed"
	ed, err := f.c.ChangeCase(ctx, lawyer, cs.ID, center.Change{Version: cs.Version, Kind: itiraz.EventEdited, Draft: &d2})
	if err != nil {
		t.Fatal(err)
	}
	if len(ed.Claim) != 3 {
		t.Errorf("claim after edit %v", ed.Claim)
	}
	fl, err := f.c.ChangeCase(ctx, lawyer, cs.ID, center.Change{Version: ed.Version, Kind: itiraz.EventFiled})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.ChangeCase(ctx, lawyer, cs.ID, center.Change{Version: fl.Version, Kind: itiraz.EventDecided, Outcome: itiraz.StatusPartly, Granted: []int64{0, 5, -5}}); err != nil {
		t.Errorf("partial decision: %v", err)
	}
}

// A claim of MinInt64 passes validation and overflows the margins.
func TestClaimOfMinInt64Refused(t *testing.T) {
	ctx := context.Background()
	f := newCenter(t)
	d := itiraz.Draft{Race: storetest.Race, Boxes: []sandik.AreaCode{storetest.Box1}, Ground: itiraz.GroundDiscrepancy,
		Remedy: itiraz.RemedyRecount, Board: itiraz.BoardIlce, Filer: "x", Title: "t", Claim: []int64{0, math.MinInt64, 0}}
	if _, err := f.c.CreateCase(ctx, lawyer, d, now); err == nil {
		t.Errorf("claim of %d votes accepted", int64(math.MinInt64))
	}
}

// A case about a whole district (areas only) may claim at most one box's worth.
func TestDistrictWideClaimAccepted(t *testing.T) {
	ctx := context.Background()
	f := newCenter(t)
	d := itiraz.Draft{Race: storetest.Race, Areas: []sandik.AreaCode{"34.0135"}, Ground: itiraz.GroundInvalidVotes,
		Remedy: itiraz.RemedyInvalidReview, Board: itiraz.BoardIlce, Filer: "x", Title: "t", Claim: []int64{0, sandik.MaxSheetNumber + 1, 0}}
	if _, err := f.c.CreateCase(ctx, lawyer, d, now); err != nil {
		t.Errorf("district-wide claim: %v", err)
	}
}

// Moving a draft to the il board computes its deadline from the ilçe
// rule's trigger (voting day) and ignores the trigger the change gives.
func TestEditToAnotherBoardTakesItsDeadline(t *testing.T) {
	ctx := context.Background()
	f := newCenter(t)
	d := itiraz.Draft{Race: storetest.Race, Boxes: []sandik.AreaCode{storetest.Box1}, Ground: itiraz.GroundDiscrepancy,
		Remedy: itiraz.RemedyRecount, Board: itiraz.BoardIlce, Filer: "x", Title: "t"}
	cs, err := f.c.CreateCase(ctx, lawyer, d, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	d.Board = itiraz.BoardIl
	consolidation := time.Date(2024, 4, 4, 12, 0, 0, 0, itiraz.Istanbul())
	ed, err := f.c.ChangeCase(ctx, lawyer, cs.ID, center.Change{Version: cs.Version, Kind: itiraz.EventEdited, Draft: &d, Trigger: consolidation})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ilçe deadline %s, il deadline after edit %s", cs.Deadline.In(itiraz.Istanbul()), ed.Deadline.In(itiraz.Istanbul()))
	if want := time.Date(2024, 4, 5, 17, 0, 0, 0, itiraz.Istanbul()); !ed.Deadline.Equal(want) {
		t.Errorf("il deadline %s, want %s", ed.Deadline, want)
	}
}

// A lawyer of one box counts only the cases they may open in the margin
// "if open cases are upheld": the others' claims are not theirs to read.
func TestMarginsCountOnlyCasesInScope(t *testing.T) {
	ctx := context.Background()
	f := newCenter(t)
	submit(t, f, ayse, sheet("a1", storetest.Box1, 10, 200, 100))
	submit(t, f, mehm, sheet("m1", storetest.Box1, 10, 200, 100))
	d := itiraz.Draft{Race: storetest.Race, Boxes: []sandik.AreaCode{storetest.Box2}, Ground: itiraz.GroundDiscrepancy,
		Remedy: itiraz.RemedyRecount, Board: itiraz.BoardIlce, Filer: "x", Title: "box 2", Claim: []int64{0, 12, -12}}
	if _, err := f.c.CreateCase(ctx, lawyer, d, now); err != nil {
		t.Fatal(err)
	}
	all, err := f.c.View(lawyer).Margins(ctx, storetest.Race, "CHP", "AKP")
	if err != nil {
		t.Fatal(err)
	}
	box1 := sandik.User{ID: "avukat-1001", Name: "Av. 1001", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{storetest.Box1}}
	mine, err := f.c.View(box1).Margins(ctx, storetest.Race, "CHP", "AKP")
	if err != nil {
		t.Fatal(err)
	}
	if all.IfOpenUpheld != all.Counted+24 || mine.Counted != all.Counted || mine.IfOpenUpheld != mine.Counted || mine.Cases[itiraz.StatusDraft] != 0 {
		t.Errorf("whole centre %+v; lawyer of box 1 %+v, want no case of box 2", all, mine)
	}
}
