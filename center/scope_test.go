package center_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/store/storetest"
)

const mahalle = sandik.AreaCode("34.0135.144920")

func logLen(t *testing.T, f *fixture) int {
	t.Helper()
	return len(storetest.All(t, f.store))
}

func TestObserverSubmitsOnlyForAssignedBoxes(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	at1 := sandik.User{ID: "musahit-1", Name: "Müşahit", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{storetest.Box1}}
	submit(t, f, at1, sheet("own", storetest.Box1, 1, 2, 3))

	_, err := f.c.Submit(ctx, at1, []sandik.SheetInput{sheet("other", storetest.Box2, 1, 2, 3)})
	if sandik.CodeOf(err) != sandik.EForbidden || !strings.Contains(err.Error(), string(storetest.Box2)) || !strings.Contains(err.Error(), string(storetest.Box1)) {
		t.Fatalf("observer submitting another box: %v; want forbidden naming the box and the assigned one", err)
	}

	// A batch with one box outside is refused whole, before validation: the
	// broken sheet for Box1 is not reported, and nothing is written.
	before := logLen(t, f)
	broken := sheet("b1", storetest.Box1, 1, 2, 3)
	broken.ValidTotal = n(999)
	_, err = f.c.Submit(ctx, at1, []sandik.SheetInput{broken, sheet("b2", storetest.Box2, 1, 2, 3)})
	if sandik.CodeOf(err) != sandik.EForbidden || !strings.Contains(err.Error(), "items[1]") || strings.Contains(err.Error(), "items[0]") {
		t.Fatalf("batch with a box outside: %v; want forbidden naming items[1] only", err)
	}
	if got := logLen(t, f); got != before {
		t.Fatalf("a refused batch wrote %d submissions", got-before)
	}

	// No assignment at all: an observer stands at no box.
	none := sandik.User{ID: "musahit-0", Name: "Yeni", Role: sandik.RoleObserver}
	_, err = f.c.Submit(ctx, none, []sandik.SheetInput{sheet("n", storetest.Box1, 1, 2, 3)})
	if sandik.CodeOf(err) != sandik.EForbidden || !strings.Contains(err.Error(), "sandik user assign") {
		t.Fatalf("observer without boxes: %v; want forbidden telling how to assign", err)
	}

	// An area above the boxes covers every box in it; a volunteer without
	// areas works for the whole centre.
	mah := sandik.User{ID: "musahit-m", Name: "Mahalle", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{mahalle}}
	submit(t, f, mah, sheet("m2", storetest.Box2, 1, 2, 3))
	submit(t, f, mehm, sheet("v2", storetest.Box2, 1, 2, 3))
}

func TestDistrictCoordinatorActsInTheirArea(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	for _, box := range []sandik.AreaCode{storetest.Box2, storetest.Box1} {
		submit(t, f, ayse, sheet("a"+string(box), box, 10, 200, 100))
		r := submit(t, f, mehm, sheet("m"+string(box), box, 10, 201, 99))
		f.c.WaitFor(ctx, r[0].Seq)
	}
	all, err := f.c.View(coord).Conflicts(storetest.Race, "", 0)
	if err != nil || len(all) != 2 {
		t.Fatalf("an unscoped coordinator's queue: %+v, %v", all, err)
	}
	ilce := sandik.User{ID: "ilce-koord", Name: "İlçe", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{storetest.Box1, mahalle}}
	// Nested areas (a mahalle and a box in it) list each conflict once,
	// oldest first, as the whole queue does.
	got, err := f.c.View(ilce).Conflicts(storetest.Race, "", 0)
	if err != nil || !reflect.DeepEqual(got, all) {
		t.Fatalf("queue of a coordinator of the whole mahalle = %+v, %v; want %+v", got, err, all)
	}
	one := sandik.User{ID: "box-koord", Name: "Sandık", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{storetest.Box1}}
	got, err = f.c.View(one).Conflicts(storetest.Race, "", 0)
	if err != nil || len(got) != 1 || got[0].Box != storetest.Box1 {
		t.Fatalf("queue of a coordinator of Box1 = %+v, %v", got, err)
	}
	if got, err := f.c.View(one).Conflicts(storetest.Race, mahalle, 1); err != nil || len(got) != 1 || got[0].Box != storetest.Box1 {
		t.Fatalf("the mahalle's queue, one at most, for a coordinator of Box1 = %+v, %v", got, err)
	}
	decision := sheet("adj", storetest.Box2, 10, 200, 100)
	decision.Reason = "fotoğraf"
	if _, err := f.c.Adjudicate(ctx, one, decision); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("adjudicating outside the area: %v", err)
	}
	decision.Box, decision.ID = storetest.Box1, "adj1"
	if _, err := f.c.Adjudicate(ctx, one, decision); err != nil {
		t.Fatalf("adjudicating inside the area: %v", err)
	}
}

func TestScopedLawyerHandlesOnlyTheirCases(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	draft := func(boxes ...sandik.AreaCode) itiraz.Draft {
		return itiraz.Draft{Race: storetest.Race, Boxes: boxes, Ground: itiraz.GroundProcedure, Remedy: itiraz.RemedyRecount,
			Board: itiraz.BoardIlce, Filer: "Av.", Title: "Sayım"}
	}
	c1, err := f.c.CreateCase(ctx, lawyer, draft(storetest.Box1), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := f.c.CreateCase(ctx, lawyer, draft(storetest.Box2), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	scoped := lawyer
	scoped.ID, scoped.Areas = "avukat-1001", []sandik.AreaCode{storetest.Box1}
	if _, err := f.c.CreateCase(ctx, scoped, draft(storetest.Box1, storetest.Box2), time.Time{}); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("a case reaching outside the lawyer's boxes: %v", err)
	}
	cs, err := f.c.View(scoped).Cases(ctx, "")
	if err != nil || len(cs) != 1 || cs[0].ID != c1.ID {
		t.Fatalf("cases a scoped lawyer sees: %+v, %v; want only %s", cs, err, c1.ID)
	}
	if _, err := f.c.View(scoped).Case(ctx, c2.ID); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("reading a case outside: %v", err)
	}
	if _, err := f.c.ChangeCase(ctx, scoped, c2.ID, filing(c2.Version)); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("filing a case outside: %v", err)
	}
	// An edit may not move a case out of the lawyer's areas.
	ed := draft(storetest.Box2)
	if _, err := f.c.ChangeCase(ctx, scoped, c1.ID, center.Change{Version: c1.Version, Kind: itiraz.EventEdited, Draft: &ed}); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("moving a case outside: %v", err)
	}
	if _, err := f.c.ChangeCase(ctx, scoped, c1.ID, filing(c1.Version)); err != nil {
		t.Fatalf("filing a case inside: %v", err)
	}
	if cs, err := f.c.View(ayse).Cases(ctx, ""); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("an observer listing cases: %d, %v", len(cs), err)
	}
}

func filing(version int) center.Change {
	return center.Change{Version: version, Kind: itiraz.EventFiled, Reference: "2024/7"}
}

func TestAssignAreas(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	u := sandik.User{ID: "musahit-x", Name: "X", Role: sandik.RoleObserver}
	token, err := f.c.CreateUser(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := f.c.Authenticate(ctx, token); len(got.Areas) != 0 {
		t.Fatalf("new user has areas %v", got.Areas)
	}
	_, err = f.c.AssignAreas(ctx, u.ID, []sandik.AreaCode{storetest.Box1, "34.9999"})
	if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "areas[1]" || ps[0].Rule != sandik.RuleUnknownArea {
		t.Fatalf("assigning an unknown area: %v", err)
	}
	_, err = f.c.AssignAreas(ctx, u.ID, []sandik.AreaCode{storetest.Box1, storetest.Box1})
	if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "areas[1]" || ps[0].Rule != sandik.RuleDuplicate {
		t.Fatalf("assigning a box twice: %v", err)
	}
	if _, err := f.c.AssignAreas(ctx, "nobody", []sandik.AreaCode{storetest.Box1}); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("assigning to an unknown user: %v", err)
	}
	// The assignment takes effect at once in this process, cache or not.
	if _, err := f.c.AssignAreas(ctx, u.ID, []sandik.AreaCode{storetest.Box2, storetest.Box1}); err != nil {
		t.Fatal(err)
	}
	got, err := f.c.Authenticate(ctx, token)
	if err != nil || !reflect.DeepEqual(got.Areas, []sandik.AreaCode{storetest.Box1, storetest.Box2}) {
		t.Fatalf("after assigning, the user has %v, %v", got.Areas, err)
	}
	submit(t, f, got, sheet("x2", storetest.Box2, 1, 2, 3))
	// An administrator works everywhere: areas would only mislead.
	if _, err := f.c.CreateUser(ctx, sandik.User{ID: "boss", Name: "Boss", Role: sandik.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.AssignAreas(ctx, "boss", []sandik.AreaCode{storetest.Box1}); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("areas for an administrator: %v", err)
	}
	if _, err := f.c.CreateUser(ctx, sandik.User{ID: "y", Name: "Y", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34.9999"}}); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("creating a user with an unknown area: %v", err)
	}
}
