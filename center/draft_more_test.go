package center_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/store/storetest"
)

// Drafting twice from the same comparison never puts a box in two open
// cases: the second draft leaves the filed box out and says which case
// holds it; a withdrawn case frees its boxes.
func TestDraftingTwiceLeavesHeldBoxesOut(t *testing.T) {
	ctx := context.Background()
	f := newCenter(t)
	submit(t, f, ayse, sheet("a1", storetest.Box1, 10, 200, 100))
	submit(t, f, mehm, sheet("m1", storetest.Box1, 10, 200, 100))
	official(t, f.c, storetest.Box1, 10, 188, 112)

	first, err := f.c.DraftCases(ctx, lawyer, storetest.Race, "34", nil, "İl Başkanlığı")
	if err != nil || len(first.Cases) != 1 || len(first.Held) != 0 {
		t.Fatalf("first draft: %v %+v", err, first)
	}
	held := first.Cases[0]

	// Every box is in a case: nothing is made, and the refusal names the
	// box and its case.
	again, err := f.c.DraftCases(ctx, lawyer, storetest.Race, "34", nil, "x")
	if err != nil || len(again.Cases) != 0 || len(again.Held) != 1 || again.Held[0].Box != storetest.Box1 || again.Held[0].Case != held.ID {
		t.Fatalf("second draft: %v %+v", err, again)
	}
	_, err = f.c.DraftFromDiscrepancies(ctx, lawyer, storetest.Race, "34", []sandik.AreaCode{storetest.Box1}, "x")
	if ps := sandik.ProblemsOf(err); sandik.CodeOf(err) != sandik.EInvalid || len(ps) != 1 || ps[0].Field != "boxes" ||
		!strings.Contains(ps[0].Message, string(held.ID)) || !strings.Contains(ps[0].Message, string(storetest.Box1)) {
		t.Fatalf("drafting a held box through the API's call: %v", err)
	}

	// A second box differs now: only it goes into the new case.
	submit(t, f, ayse, sheet("a2", storetest.Box2, 5, 100, 150))
	submit(t, f, mehm, sheet("m2", storetest.Box2, 5, 100, 150))
	official(t, f.c, storetest.Box2, 5, 90, 160)
	mixed, err := f.c.DraftCases(ctx, lawyer, storetest.Race, "34", []sandik.AreaCode{storetest.Box1, storetest.Box2, storetest.Box2}, "x")
	if err != nil || len(mixed.Cases) != 1 || !slices.Equal(mixed.Cases[0].Boxes, []sandik.AreaCode{storetest.Box2}) ||
		len(mixed.Held) != 1 || mixed.Held[0].Box != storetest.Box1 {
		t.Fatalf("mixed draft: %v %+v", err, mixed)
	}
	all, err := f.c.View(admin).Cases(ctx, storetest.Race)
	if err != nil || len(all) != 2 {
		t.Fatalf("cases %v %d", err, len(all))
	}
	assertNoBoxTwice(t, all)

	// Withdrawn, the first case lets its box go into a new one.
	if _, err := f.c.ChangeCase(ctx, lawyer, held.ID, center.Change{Version: held.Version, Kind: itiraz.EventWithdraw, Reason: "yanlış kurul"}); err != nil {
		t.Fatal(err)
	}
	freed, err := f.c.DraftCases(ctx, lawyer, storetest.Race, "34", []sandik.AreaCode{storetest.Box1}, "x")
	if err != nil || len(freed.Cases) != 1 || len(freed.Held) != 0 {
		t.Fatalf("after the withdrawal: %v %+v", err, freed)
	}
	all, _ = f.c.View(admin).Cases(ctx, storetest.Race)
	assertNoBoxTwice(t, all)
}

// assertNoBoxTwice fails when a box is in two cases that are not
// withdrawn.
func assertNoBoxTwice(t *testing.T, cases []*itiraz.Case) {
	t.Helper()
	seen := map[sandik.AreaCode]itiraz.CaseID{}
	for _, c := range cases {
		if c.Status == itiraz.StatusWithdrawn {
			continue
		}
		for _, b := range c.Boxes {
			if other, ok := seen[b]; ok {
				t.Errorf("box %s is in cases %s and %s", b, other, c.ID)
			}
			seen[b] = c.ID
		}
	}
}
