package center_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/store/storetest"
)

var (
	district = sandik.User{ID: "uskudar", Name: "Üsküdar Koordinatörü", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135"}}
)

// orgCenter is a centre over the fixture registry and organisation whose
// clock reads at.
func orgCenter(t *testing.T, at time.Time) (*center.Center, *sqlite.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "c.db")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); st.Close() })
	if err := c.ImportRegistry(ctx, storetest.Registry(t)); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveOrg(ctx, storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	return c, st
}

func assign(box sandik.AreaCode, p sandik.PersonID) sandik.Assignment {
	return sandik.Assignment{Election: storetest.Election, Box: box, Person: p}
}

func TestAssignmentsScopedAndChecked(t *testing.T) {
	c, _ := orgCenter(t, now)
	ctx := context.Background()
	saved, err := c.SaveAssignments(ctx, district, []sandik.Assignment{assign(storetest.Box1, "k-3")})
	if err != nil {
		t.Fatalf("district coordinator in their district: %v", err)
	}
	if saved[0].AssignedBy != district.ID || !saved[0].AssignedAt.Equal(now) {
		t.Errorf("saved %+v, want assigned by %s at %v", saved[0], district.ID, now)
	}
	other := sandik.User{ID: "kadikoy", Name: "Kadıköy", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135.144920.1003"}}
	for _, tc := range []struct {
		name string
		u    sandik.User
		as   []sandik.Assignment
		code sandik.ErrorCode
	}{
		{"an observer", ayse, []sandik.Assignment{assign(storetest.Box2, "k-3")}, sandik.EForbidden},
		{"a volunteer", mehm, []sandik.Assignment{assign(storetest.Box2, "k-3")}, sandik.EForbidden},
		{"outside the coordinator's areas", other, []sandik.Assignment{assign(storetest.Box2, "k-3")}, sandik.EForbidden},
		{"a box not in the registry", district, []sandik.Assignment{assign("34.0135.144920.9999", "k-3")}, sandik.EInvalid},
		{"a mahalle, not a box", district, []sandik.Assignment{assign("34.0135.144920", "k-3")}, sandik.EInvalid},
		{"an unknown election", district, []sandik.Assignment{{Election: "2099", Box: storetest.Box2, Person: "k-3"}}, sandik.EInvalid},
		{"an unknown person", district, []sandik.Assignment{assign(storetest.Box2, "k-yok")}, sandik.EInvalid},
		{"twice", district, []sandik.Assignment{assign(storetest.Box1, "k-3")}, sandik.EConflict},
	} {
		if _, err := c.SaveAssignments(ctx, tc.u, tc.as); sandik.CodeOf(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	all, err := c.Assignments(ctx, admin, storetest.Election, "", "")
	if err != nil || len(all) != 1 {
		t.Errorf("after the refusals %d assignments (%v), want 1", len(all), err)
	}
	// Reads: an observer sees only their own person's.
	if _, err := c.SaveAssignments(ctx, admin, []sandik.Assignment{assign(storetest.Box2, "k-4")}); err != nil {
		t.Fatal(err)
	}
	obs := sandik.User{ID: "gozcu", Name: "Gözcü", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{storetest.Box1, storetest.Box2}}
	mine, err := c.Assignments(ctx, obs, storetest.Election, "34.0135", "k-4")
	if err != nil || len(mine) != 1 || mine[0].Person != "k-4" {
		t.Errorf("observer's own: %+v, %v", mine, err)
	}
	if none, err := c.Assignments(ctx, obs, storetest.Election, "34.0135", ""); err != nil || len(none) != 0 {
		t.Errorf("observer with no person: %+v, %v", none, err)
	}
	if _, err := c.Assignments(ctx, other, storetest.Election, "34.0135.144920", ""); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a mahalle outside the coordinator's areas: %v", err)
	}
	if err := c.RemoveAssignment(ctx, other, storetest.Election, storetest.Box2, "k-4"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("removal outside the areas: %v", err)
	}
	if err := c.RemoveAssignment(ctx, district, storetest.Election, storetest.Box2, "k-4"); err != nil {
		t.Errorf("removal in the district: %v", err)
	}
	boxes, err := c.AssignedBoxes(ctx, "k-3")
	if err != nil || !slices.Equal(boxes, []sandik.AreaCode{storetest.Box1}) {
		t.Errorf("AssignedBoxes(k-3) = %v, %v", boxes, err)
	}
}

func TestCoverageAndSilentBoxes(t *testing.T) {
	c, _ := orgCenter(t, now) // 23:00 in İstanbul, six hours after the close
	ctx := context.Background()
	if _, err := c.SaveAssignments(ctx, district, []sandik.Assignment{assign(storetest.Box1, "k-3"), assign(storetest.Box1, "k-1"), assign(storetest.Box2, "k-4")}); err != nil {
		t.Fatal(err)
	}
	cov, err := c.View(district).Coverage(ctx, storetest.Election, "34.0135")
	if err != nil {
		t.Fatal(err)
	}
	if cov.Boxes != 2 || cov.None != 0 || cov.One != 1 || cov.Many != 1 {
		t.Errorf("coverage %+v, want 2 boxes: one with one observer, one with two", cov.Counts)
	}
	if _, err := c.View(district).Coverage(ctx, storetest.Election, "34"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("coverage of the province for a district coordinator: %v", err)
	}

	// Box 1002 sends a sheet; Box 1001's two observers say nothing.
	rs, err := c.Submit(ctx, coord, []sandik.SheetInput{sheet("s-1", storetest.Box2, 1, 100, 90)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor(ctx, rs[0].Seq); err != nil {
		t.Fatal(err)
	}
	sil, err := c.View(district).Silent(ctx, storetest.Election, "34.0135", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if sil.Minutes != sandik.DefaultSilentAfter || sil.SinceClose != 360 {
		t.Errorf("minutes %d since close %d, want %d and 360", sil.Minutes, sil.SinceClose, sandik.DefaultSilentAfter)
	}
	if len(sil.Boxes) != 1 || sil.Boxes[0].Box != storetest.Box1 || len(sil.Boxes[0].Observers) != 2 {
		t.Fatalf("silent %+v, want Box 1001 with its two observers", sil.Boxes)
	}
	ayseK := sil.Boxes[0].Observers[0]
	if ayseK.ID != "k-1" || !slices.Equal(ayseK.Phones, []string{"+905321234567", "02161234567"}) {
		t.Errorf("first observer %+v, want Ayşe Yılmaz with her phones", ayseK)
	}
	if !slices.Equal(sil.Boxes[0].Place, []string{"Kuzguncuk"}) {
		t.Errorf("place %v", sil.Boxes[0].Place)
	}
	for _, u := range []sandik.User{mehm, ayse, {ID: "av", Name: "Av", Role: sandik.RoleLawyer}} {
		if _, err := c.View(u).Silent(ctx, storetest.Election, "34.0135", "", 100); sandik.CodeOf(err) != sandik.EForbidden {
			t.Errorf("%s reads the silent boxes: %v", u.Role, err)
		}
	}
}

func TestSilentWaitsForTheMinutes(t *testing.T) {
	ist := sandik.Istanbul()
	c, _ := orgCenter(t, time.Date(2024, 3, 31, 17, 20, 0, 0, ist))
	ctx := context.Background()
	if _, err := c.SaveAssignments(ctx, admin, []sandik.Assignment{assign(storetest.Box1, "k-3"), assign(storetest.Box2, "k-4")}); err != nil {
		t.Fatal(err)
	}
	sil, err := c.View(admin).Silent(ctx, storetest.Election, "34", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(sil.Boxes) != 0 || sil.SinceClose != 20 || !sil.From.Equal(time.Date(2024, 3, 31, 17, 30, 0, 0, ist)) {
		t.Errorf("20 minutes after the close: %+v, want no box yet, from 17:30", sil)
	}
	if _, err := c.SaveSilentAfter(ctx, district, storetest.Election, 10, 0); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a district coordinator set the minutes: %v", err)
	}
	if _, err := c.SaveSilentAfter(ctx, admin, storetest.Election, 0, 0); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("0 minutes: %v", err)
	}
	if _, err := c.SaveSilentAfter(ctx, admin, storetest.Election, 10, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SaveSilentAfter(ctx, coord, storetest.Election, 15, 0); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("a save on a stale version: %v", err)
	}
	sil, err = c.View(admin).Silent(ctx, storetest.Election, "34", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if sil.Minutes != 10 || len(sil.Boxes) != 2 || sil.Total != 2 || sil.Next != "" {
		t.Errorf("after setting 10 minutes: %d minutes, %d of %d boxes, next %q; want 10 and 2 of 2", sil.Minutes, len(sil.Boxes), sil.Total, sil.Next)
	}
	// Paged: Sandık 1001, then Sandık 1002.
	first, err := c.View(admin).Silent(ctx, storetest.Election, "34", "", 1)
	if err != nil || len(first.Boxes) != 1 || first.Boxes[0].Box != storetest.Box1 || first.Next != storetest.Box1 || first.Total != 2 {
		t.Fatalf("first page %+v, %v", first, err)
	}
	second, err := c.View(admin).Silent(ctx, storetest.Election, "34", first.Next, 1)
	if err != nil || len(second.Boxes) != 1 || second.Boxes[0].Box != storetest.Box2 || second.Next != "" {
		t.Errorf("second page %+v, %v", second, err)
	}
}

// An observer linked to a person works at the boxes assigned to that
// person, through Authenticate and Allow: from the assignment on, and
// not a request after it is removed, cached or not.
func TestObserverBoxesFromAssignments(t *testing.T) {
	c, _ := orgCenter(t, now)
	ctx := context.Background()
	token, err := c.CreateUserAs(ctx, admin, sandik.User{ID: "gozcu", Name: "Gözcü", Role: sandik.RoleObserver, Person: "k-4"})
	if err != nil {
		t.Fatal(err)
	}
	reg := c.Registry()
	may := func(box sandik.AreaCode) error {
		t.Helper()
		u, err := c.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return reg.Allow(u, sandik.ActionSubmit, box)
	}
	if err := may(storetest.Box1); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("before any assignment: %v, want forbidden", err)
	}
	if _, err := c.SaveAssignments(ctx, admin, []sandik.Assignment{assign(storetest.Box1, "k-4")}); err != nil {
		t.Fatal(err)
	}
	if err := may(storetest.Box1); err != nil {
		t.Errorf("the assigned box: %v", err)
	}
	if err := may(storetest.Box2); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a box assigned to nobody: %v, want forbidden", err)
	}
	if err := c.RemoveAssignment(ctx, admin, storetest.Election, storetest.Box1, "k-4"); err != nil {
		t.Fatal(err)
	}
	if err := may(storetest.Box1); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("after the assignment was removed: %v, want forbidden", err)
	}
}

// Coverage is kept between requests, and follows every change of the
// assignments: this instance's at once, another process's on the same
// database file at its next notice of the user generation.
func TestCoverageFollowsAssignments(t *testing.T) {
	c, st := orgCenter(t, now)
	ctx := context.Background()
	counts := func(c *center.Center) org.Counts {
		t.Helper()
		cov, err := c.View(district).Coverage(ctx, storetest.Election, "34.0135")
		if err != nil {
			t.Fatal(err)
		}
		return cov.Counts
	}
	if got := counts(c); got.None != 2 || got.One != 0 {
		t.Fatalf("before any assignment: %+v", got)
	}
	if _, err := c.SaveAssignments(ctx, district, []sandik.Assignment{assign(storetest.Box1, "k-3")}); err != nil {
		t.Fatal(err)
	}
	if got := counts(c); got.None != 1 || got.One != 1 {
		t.Fatalf("after an assignment: %+v, want one box of two watched", got)
	}

	// A second process on the same file removes it.
	other, err := sqlite.Open(ctx, sqlite.Options{Path: st.Path()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.RemoveAssignment(ctx, storetest.Election, storetest.Box1, "k-3"); err != nil {
		t.Fatal(err)
	}
	seenWithin(t, 5*time.Second, "another process's removal of the assignment", func() bool { return counts(c).None == 2 })
}

// A coordinator who has seen their phones for the minute still gets the
// whole silent list: names without phones from then on, and why.
func TestSilentListOutlivesTheContactLimit(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "c.db")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return now }, ContactViewsPerMinute: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); st.Close() })
	if err := c.ImportRegistry(ctx, storetest.Registry(t)); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveOrg(ctx, storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveOrg(ctx, sandik.OrgChange{People: []sandik.Person{{ID: "k-9", Name: "Deniz Ak", Phones: []string{"+905329998877"},
		Home: "34.0135", Purpose: "müşahit", Consent: "2024-01-01"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SaveAssignments(ctx, district, []sandik.Assignment{assign(storetest.Box1, "k-1"), assign(storetest.Box2, "k-9")}); err != nil {
		t.Fatal(err)
	}
	sil, err := c.View(district).Silent(ctx, storetest.Election, "34.0135", "", 100)
	if err != nil {
		t.Fatalf("silent list past the limit: %v", err)
	}
	if len(sil.Boxes) != 2 || sil.Withheld == "" {
		t.Fatalf("silent %+v withheld %q, want both boxes and why phones stop", sil.Boxes, sil.Withheld)
	}
	phones := 0
	for _, b := range sil.Boxes {
		for _, o := range b.Observers {
			if o.Name == "" {
				t.Errorf("an observer of %s without a name", b.Box)
			}
			if len(o.Phones) > 0 {
				phones++
			}
		}
	}
	if phones != 1 {
		t.Errorf("%d observers shown with phones, want 1 (the limit)", phones)
	}
}

// This centre's own write of an assignment updates the counts of its box
// and drops only the coverages of the areas above it; a write of people
// keeps every coverage; a write by another process empties the cache.
// Each coverage read after equals a count over every stored assignment.
func TestCoverageKeptAcrossOwnWrites(t *testing.T) {
	c, st := orgCenter(t, now)
	ctx := context.Background()
	reg := c.Registry()
	cover := func(area sandik.AreaCode) org.Coverage {
		t.Helper()
		got, err := c.View(admin).Coverage(ctx, storetest.Election, area)
		if err != nil {
			t.Fatal(err)
		}
		all, err := st.Assignments(ctx, sandik.AssignmentFilter{Election: storetest.Election})
		if err != nil {
			t.Fatal(err)
		}
		want, err := org.CoverageOf(reg, storetest.Election, area, all)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("coverage of %s from the cache:\n %+v\ncounted:\n %+v", area, got, want)
		}
		return got
	}
	areas := []sandik.AreaCode{"34.0135", storetest.Box1, storetest.Box2}
	for _, a := range areas {
		cover(a)
	}
	people := sandik.OrgChange{People: []sandik.Person{{ID: "k-9", Name: "Deniz Aksoy", Home: "34", Purpose: "örgüt üyeliği", Consent: "2024-01-01"}}}
	if err := c.SaveOrg(ctx, admin, people); err != nil {
		t.Fatal(err)
	}
	for _, a := range areas {
		if !c.CoverageCached(ctx, storetest.Election, a) {
			t.Fatalf("a write of people dropped the coverage of %s", a)
		}
	}
	if _, err := c.SaveAssignments(ctx, admin, []sandik.Assignment{assign(storetest.Box1, "k-9")}); err != nil {
		t.Fatal(err)
	}
	if c.CoverageCached(ctx, storetest.Election, "34.0135") || c.CoverageCached(ctx, storetest.Election, storetest.Box1) {
		t.Fatal("an assignment at box 1 kept the coverages above it")
	}
	if !c.CoverageCached(ctx, storetest.Election, storetest.Box2) {
		t.Fatal("an assignment at box 1 dropped box 2's coverage")
	}
	if cov := cover("34.0135"); cov.One+cov.Many == 0 {
		t.Fatalf("after the assignment nothing is covered: %+v", cov)
	}
	cover(storetest.Box1)
	if err := c.RemoveAssignment(ctx, admin, storetest.Election, storetest.Box1, "k-9"); err != nil {
		t.Fatal(err)
	}
	if !c.CoverageCached(ctx, storetest.Election, storetest.Box2) {
		t.Fatal("a removal at box 1 dropped box 2's coverage")
	}
	cover("34.0135")
	cover(storetest.Box1)

	other, err := sqlite.Open(ctx, sqlite.Options{Path: st.Path()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.SaveAssignments(ctx, []sandik.Assignment{{Election: storetest.Election, Box: storetest.Box2, Person: "k-9", AssignedAt: now, AssignedBy: "baska"}}); err != nil {
		t.Fatal(err)
	}
	seenWithin(t, 5*time.Second, "an assignment another process made", func() bool {
		cov, err := c.View(admin).Coverage(ctx, storetest.Election, storetest.Box2)
		return err == nil && cov.None == 0
	})
	for _, a := range areas {
		cover(a)
	}
}
