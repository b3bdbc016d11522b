package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
)

var assignmentTests = []test{
	{"RoundTrip", testAssignRoundTrip},
	{"Filters", testAssignFilters},
	{"AllOrNothing", testAssignAllOrNothing},
	{"BoxesPerPerson", testAssignBound},
	{"Remove", testAssignRemove},
	{"SurvivesReopen", testAssignReopen},
	{"Audited", testAssignAudited},
}

// Election is the election of the assignment fixtures.
const Election sandik.ElectionCode = "2024-yerel"

// Assigned is the AssignedAt of fixtures, nanoseconds included.
func Assigned() time.Time { return time.Date(2024, 3, 30, 9, 15, 0, 987654321, time.UTC) }

// AssignmentFixture puts the fixture's people at boxes: two at Box1,
// one at Box2, and one of them at a box of another district.
func AssignmentFixture() []sandik.Assignment {
	a := func(box sandik.AreaCode, p sandik.PersonID, note string) sandik.Assignment {
		return sandik.Assignment{Election: Election, Box: box, Person: p, AssignedAt: Assigned(), AssignedBy: "koord", Note: note}
	}
	return []sandik.Assignment{
		a(Box2, "k-3", ""),
		a(Box1, "k-3", "okul kapısında"),
		a(Box1, "k-4", ""),
		a("34.0101.100.1001", "k-4", ""),
	}
}

func saveAssignments(t *testing.T, s sandik.Store) []sandik.Assignment {
	t.Helper()
	saveOrg(t, s, OrgFixture())
	as := AssignmentFixture()
	if err := s.SaveAssignments(context.Background(), as); err != nil {
		t.Fatalf("SaveAssignments: %v", err)
	}
	return as
}

func assignKey(a sandik.Assignment) string {
	return string(a.Election) + "\x00" + string(a.Box) + "\x00" + string(a.Person)
}

func wantAssignments(t *testing.T, s sandik.AssignmentStore, f sandik.AssignmentFilter, want []sandik.Assignment) {
	t.Helper()
	got, err := s.Assignments(context.Background(), f)
	if err != nil {
		t.Fatalf("Assignments(%+v): %v", f, err)
	}
	want = byCode(want, assignKey)
	if len(got) != len(want) {
		t.Fatalf("Assignments(%+v) = %+v\nwant %+v", f, got, want)
	}
	for i := range want {
		if !got[i].AssignedAt.Equal(want[i].AssignedAt) || got[i].AssignedAt.Location() != time.UTC {
			t.Errorf("Assignments(%+v)[%d].AssignedAt = %v, want %v in UTC", f, i, got[i].AssignedAt, want[i].AssignedAt)
		}
		g, w := got[i], want[i]
		g.AssignedAt, w.AssignedAt = time.Time{}, time.Time{}
		if g != w {
			t.Errorf("Assignments(%+v)[%d] = %+v, want %+v", f, i, got[i], want[i])
		}
	}
}

func testAssignRoundTrip(t *testing.T, o Opener) {
	s := o.Open(t)
	as := saveAssignments(t, s)
	wantAssignments(t, s, sandik.AssignmentFilter{}, as)
}

func testAssignFilters(t *testing.T, o Opener) {
	s := o.Open(t)
	as := saveAssignments(t, s)
	other := sandik.Assignment{Election: "2023-genel", Box: Box1, Person: "k-3", AssignedAt: Assigned(), AssignedBy: "koord"}
	if err := s.SaveAssignments(context.Background(), []sandik.Assignment{other}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f    sandik.AssignmentFilter
		want []sandik.Assignment
	}{
		{sandik.AssignmentFilter{Election: Election}, as},
		{sandik.AssignmentFilter{Election: "2023-genel"}, []sandik.Assignment{other}},
		{sandik.AssignmentFilter{Election: Election, Under: "34.0135"}, as[:3]},
		{sandik.AssignmentFilter{Election: Election, Under: "34.0135.144920"}, as[:3]},
		// A prefix, not the tree: "34.01" begins "34.0135…" and "34.0101…".
		{sandik.AssignmentFilter{Election: Election, Under: "34.01"}, as},
		{sandik.AssignmentFilter{Election: Election, Under: "34.0101"}, as[3:]},
		{sandik.AssignmentFilter{Election: Election, Under: "35"}, nil},
		{sandik.AssignmentFilter{Election: Election, Under: Box2}, as[:1]},
		{sandik.AssignmentFilter{Under: "34"}, append(slices.Clone(as), other)},
		{sandik.AssignmentFilter{Box: Box1}, []sandik.Assignment{as[1], as[2], other}},
		{sandik.AssignmentFilter{Election: Election, Person: "k-4"}, as[2:]},
		{sandik.AssignmentFilter{Person: "k-1"}, nil},
	} {
		wantAssignments(t, s, tc.f, tc.want)
	}
	got, err := s.Assignments(context.Background(), sandik.AssignmentFilter{Limit: 2})
	if err != nil || len(got) != 2 {
		t.Errorf("Assignments with Limit 2 = %d, %v; want 2", len(got), err)
	}
}

func testAssignAllOrNothing(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	as := saveAssignments(t, s)
	ok := sandik.Assignment{Election: Election, Box: Box2, Person: "k-1", AssignedAt: Assigned(), AssignedBy: "koord"}
	for _, tc := range []struct {
		name  string
		batch []sandik.Assignment
		code  sandik.ErrorCode
		field string
	}{
		{"unknown person", []sandik.Assignment{ok, {Election: Election, Box: Box2, Person: "k-yok", AssignedAt: Assigned(), AssignedBy: "koord"}}, sandik.EInvalid, "assignments[1].person"},
		{"assigned already", []sandik.Assignment{ok, as[2]}, sandik.EConflict, "assignments[1]"},
		{"given twice", []sandik.Assignment{ok, ok}, sandik.EInvalid, "assignments[1]"},
		{"no time", []sandik.Assignment{ok, {Election: Election, Box: Box2, Person: "k-2", AssignedBy: "koord"}}, sandik.EInvalid, "assignments[1].assigned_at"},
		{"bad box code", []sandik.Assignment{ok, {Election: Election, Box: "34/1", Person: "k-2", AssignedAt: Assigned(), AssignedBy: "koord"}}, sandik.EInvalid, "assignments[1].box"},
	} {
		err := s.SaveAssignments(ctx, tc.batch)
		if sandik.CodeOf(err) != tc.code || !hasField(err, tc.field) {
			t.Errorf("%s: %v, want %s naming %s", tc.name, err, tc.code, tc.field)
		}
		wantAssignments(t, s, sandik.AssignmentFilter{}, as)
	}
}

func hasField(err error, field string) bool {
	for _, p := range sandik.ProblemsOf(err) {
		if p.Field == field {
			return true
		}
	}
	return false
}

func testAssignBound(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	batch := func(from, n int) []sandik.Assignment {
		var out []sandik.Assignment
		for i := from; i < from+n; i++ {
			out = append(out, sandik.Assignment{Election: Election, Box: sandik.AreaCode(fmt.Sprintf("34.0135.144920.%d", 2000+i)),
				Person: "k-1", AssignedAt: Assigned(), AssignedBy: "koord"})
		}
		return out
	}
	// Over the bound within one batch: nothing written.
	err := s.SaveAssignments(ctx, batch(0, sandik.MaxBoxesPerPerson+1))
	if sandik.CodeOf(err) != sandik.EInvalid || !hasRule(err, sandik.RuleTooManyBoxes) {
		t.Fatalf("%d boxes in one batch: %v, want %s", sandik.MaxBoxesPerPerson+1, err, sandik.RuleTooManyBoxes)
	}
	wantAssignments(t, s, sandik.AssignmentFilter{}, nil)
	if err := s.SaveAssignments(ctx, batch(0, sandik.MaxBoxesPerPerson-1)); err != nil {
		t.Fatal(err)
	}
	// Over the bound with those stored: the batch's second is refused.
	err = s.SaveAssignments(ctx, batch(100, 2))
	if !hasRule(err, sandik.RuleTooManyBoxes) || !hasField(err, "assignments[1].person") {
		t.Fatalf("one box over the bound: %v, want %s on assignments[1].person", err, sandik.RuleTooManyBoxes)
	}
	// Another election counts apart.
	other := batch(200, 3)
	for i := range other {
		other[i].Election = "2023-genel"
	}
	if err := s.SaveAssignments(ctx, append(batch(100, 1), other...)); err != nil {
		t.Fatalf("the last box of the bound and another election: %v", err)
	}
	got, _ := s.Assignments(ctx, sandik.AssignmentFilter{Election: Election, Person: "k-1"})
	if len(got) != sandik.MaxBoxesPerPerson {
		t.Errorf("%d boxes stored, want %d", len(got), sandik.MaxBoxesPerPerson)
	}
}

func hasRule(err error, rule string) bool {
	for _, p := range sandik.ProblemsOf(err) {
		if p.Rule == rule {
			return true
		}
	}
	return false
}

func testAssignRemove(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	as := saveAssignments(t, s)
	if err := s.RemoveAssignment(ctx, Election, Box1, "k-3"); err != nil {
		t.Fatal(err)
	}
	wantAssignments(t, s, sandik.AssignmentFilter{}, []sandik.Assignment{as[0], as[2], as[3]})
	if err := s.RemoveAssignment(ctx, Election, Box1, "k-3"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("removed twice: %v, want %s", err, sandik.ENotFound)
	}
	again := as[1]
	again.AssignedAt = again.AssignedAt.Add(time.Hour)
	if err := s.SaveAssignments(ctx, []sandik.Assignment{again}); err != nil {
		t.Fatalf("assigned again after removal: %v", err)
	}
	wantAssignments(t, s, sandik.AssignmentFilter{}, []sandik.Assignment{as[0], again, as[2], as[3]})
}

func testAssignReopen(t *testing.T, o Opener) {
	s := o.Open(t)
	as := saveAssignments(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wantAssignments(t, o.Reopen(t, s), sandik.AssignmentFilter{}, as)
}

// testAssignAudited: assignments and their removals are leaves the audit
// recomputes; a removal leaves a tombstone, not a fault.
func testAssignAudited(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	as := saveAssignments(t, s)
	if err := s.RemoveAssignment(ctx, Election, Box2, "k-3"); err != nil {
		t.Fatal(err)
	}
	size, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := s.LedgerRecords(ctx, 0, int(size))
	if err != nil {
		t.Fatal(err)
	}
	c := OrgFixture()
	if want := len(c.Kinds) + len(c.Units) + len(c.People) + len(c.Positions) + len(as) + 1; len(recs) != want {
		t.Errorf("%d leaves, want %d", len(recs), want)
	}
	last := recs[len(recs)-1]
	if want := ledger.AssignmentRemovedRecord(ledger.AssignmentID(Election, Box2, "k-3")); last.ID != want.ID || last.ContentHash != want.ContentHash {
		t.Errorf("last leaf %+v, want the tombstone %+v", last, want)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit of an honest store: %v", err)
	}
}
