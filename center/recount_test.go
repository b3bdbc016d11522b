package center_test

import (
	"context"
	"slices"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

// recountSheet is a recount of a box of the fixture race with the board's
// decision reference.
func recountSheet(id string, box sandik.AreaCode, decision string, zz, chp, akp int64) sandik.SheetInput {
	in := sheet(id, box, zz, chp, akp)
	in.Source, in.Decision = sandik.SourceRecount, decision
	return in
}

// TestRecountMovesMarginsByItsDifference: a recount that moves 11 votes
// from CHP to AKP in one box moves the as-recounted margin by exactly 22
// once two people have entered it alike, leaves the counted margin and the
// verified totals alone, and is refused without its decision or from an
// observer.
func TestRecountMovesMarginsByItsDifference(t *testing.T) {
	ctx := context.Background()
	f := newCenter(t)
	submit(t, f, ayse, sheet("a1", storetest.Box1, 10, 200, 100))
	submit(t, f, mehm, sheet("m1", storetest.Box1, 10, 200, 100))
	submit(t, f, ayse, sheet("a2", storetest.Box2, 5, 100, 150))
	submit(t, f, mehm, sheet("m2", storetest.Box2, 5, 100, 150))
	official(t, f.c, storetest.Box2, 5, 100, 150)

	margin := func() (counted, recounted int64, boxes int) {
		t.Helper()
		m, err := f.c.View(admin).Margins(ctx, storetest.Race, "CHP", "AKP")
		if err != nil {
			t.Fatal(err)
		}
		return m.Counted, m.AsRecounted, m.BoxesRecounted
	}
	if c, r, n := margin(); c != 50 || r != 50 || n != 0 {
		t.Fatalf("before any recount: counted %d, as recounted %d, %d boxes; want 50, 50, 0", c, r, n)
	}

	// Refused: no decision, an observer, a decision on a night's sheet.
	noDecision := recountSheet("r0", storetest.Box1, "", 10, 189, 111)
	if _, err := f.c.Submit(ctx, mehm, []sandik.SheetInput{noDecision}); !hasProblem(err, "decision") {
		t.Errorf("a recount without its decision: %v", err)
	}
	if _, err := f.c.Submit(ctx, ayse, []sandik.SheetInput{recountSheet("r0", storetest.Box1, "K-1", 10, 189, 111)}); !hasProblem(err, "source") {
		t.Errorf("an observer's recount: %v", err)
	}
	stray := sheet("r0", storetest.Box1, 10, 200, 100)
	stray.Decision = "K-1"
	if _, err := f.c.Submit(ctx, mehm, []sandik.SheetInput{stray}); !hasProblem(err, "decision") {
		t.Errorf("a decision on a night's sheet: %v", err)
	}

	// One entry settles nothing.
	submit(t, f, mehm, recountSheet("rm1", storetest.Box1, "Üsküdar İSK 2024/57", 10, 189, 111))
	if c, r, n := margin(); c != 50 || r != 50 || n != 0 {
		t.Errorf("after one recount entry: counted %d, as recounted %d, %d boxes; want 50, 50, 0", c, r, n)
	}
	before, err := f.c.View(admin).Totals(storetest.Race, "34")
	if err != nil {
		t.Fatal(err)
	}
	submit(t, f, coord, recountSheet("rc1", storetest.Box1, "Üsküdar İSK 2024/57", 10, 189, 111))
	if c, r, n := margin(); c != 50 || r != 28 || n != 1 {
		t.Errorf("after the recount settled: counted %d, as recounted %d, %d boxes; want 50, 28, 1", c, r, n)
	}
	after, err := f.c.View(admin).Totals(storetest.Race, "34")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(after.Totals.Verified.Votes, before.Totals.Verified.Votes) {
		t.Errorf("the recount moved the verified totals: %v → %v", before.Totals.Verified.Votes, after.Totals.Verified.Votes)
	}
	want := slices.Clone(before.Totals.Verified.Votes)
	want[1] -= 11
	want[2] += 11
	if !slices.Equal(after.Totals.Recounted.Votes, want) || after.Totals.BoxesRecounted != 1 {
		t.Errorf("as recounted %v (%d boxes), want %v (1)", after.Totals.Recounted.Votes, after.Totals.BoxesRecounted, want)
	}
	d, err := f.c.View(admin).Box(ctx, storetest.Race, storetest.Box1)
	if err != nil {
		t.Fatal(err)
	}
	if r := d.State.Recount; r == nil || r.Decision != "Üsküdar İSK 2024/57" || r.Resolved == nil || r.Resolved.Votes[1] != 189 {
		t.Errorf("box 1's recount: %+v", r)
	}
	// A typist sees only their own recount entry and no settled figures.
	d, err = f.c.View(mehm).Box(ctx, storetest.Race, storetest.Box1)
	if err != nil {
		t.Fatal(err)
	}
	if r := d.State.Recount; r == nil || r.Resolved != nil || len(r.Entries) != 1 || r.Entries[0].User != mehm.ID {
		t.Errorf("a typist's view of the recount: %+v", r)
	}
}

func hasProblem(err error, field string) bool {
	return slices.ContainsFunc(sandik.ProblemsOf(err), func(p sandik.Problem) bool { return p.Field == field })
}
