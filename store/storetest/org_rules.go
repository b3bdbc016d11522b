package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger/audit"
)

// testOrgOneHolder: a term of a one-holder kind sharing a day with
// another, stored or in the same change, is refused naming the holder;
// a term of a many-holder kind is not.
func testOrgOneHolder(t *testing.T, o Opener) {
	s := o.Open(t)
	saveOrg(t, s, OrgFixture())
	for _, tc := range []struct {
		name   string
		terms  []sandik.Position
		holder string
	}{
		{"open over open", []sandik.Position{{ID: "x-1", Kind: "il_baskani", Unit: "34", Person: "k-3", Start: "2025-01-01", Source: sandik.SourceAppointment}}, "Mehmet Demir"},
		{"first day of the next", []sandik.Position{{ID: "x-1", Kind: "il_baskani", Unit: "34", Person: "k-3", Start: "2022-01-01", End: "2023-07-01", Source: sandik.SourceAppointment}}, "Ayşe Yılmaz"},
		{"last day of the previous", []sandik.Position{{ID: "x-1", Kind: "il_baskani", Unit: "34", Person: "k-3", Start: "2018-01-01", End: "2019-01-01", Source: sandik.SourceAppointment}}, "Ayşe Yılmaz"},
		{"within the same change", []sandik.Position{
			{ID: "x-1", Kind: "ilce_baskani", Unit: "34.0135-kadin", Person: "k-1", Start: "2020-01-01", End: "2020-12-31", Source: sandik.SourceAppointment},
			{ID: "x-2", Kind: "ilce_baskani", Unit: "34.0135-kadin", Person: "k-2", Start: "2020-12-31", Source: sandik.SourceAppointment},
		}, "Ayşe Yılmaz"},
	} {
		before := orgCounts(t, s)
		err := s.SaveOrg(context.Background(), sandik.OrgChange{Positions: tc.terms})
		if sandik.CodeOf(err) != sandik.EConflict || !strings.Contains(err.Error(), tc.holder) {
			t.Errorf("%s: error %v, want a conflict naming %s", tc.name, err, tc.holder)
		}
		ps := sandik.ProblemsOf(err)
		if len(ps) != 1 || ps[0].Rule != sandik.RuleHeld || !strings.HasSuffix(ps[0].Field, ".start") {
			t.Errorf("%s: problems %+v, want one %q on a start", tc.name, ps, sandik.RuleHeld)
		}
		if after := orgCounts(t, s); after != before {
			t.Errorf("%s: refused change stored rows: %v → %v", tc.name, before, after)
		}
	}
	// Days next to a term, and a kind with many holders, are free.
	saveOrg(t, s, sandik.OrgChange{Positions: []sandik.Position{
		{ID: "y-1", Kind: "il_baskani", Unit: "34", Person: "k-3", Start: "2018-01-01", End: "2018-12-31", Source: sandik.SourceAppointment},
		{ID: "y-2", Kind: "yonetim_kurulu_uyesi", Unit: "34", Person: "k-1", Start: "2023-01-01", Source: sandik.SourceCongress},
		{ID: "y-3", Kind: "il_baskani", Unit: "34.0135", Person: "k-1", Start: "2023-01-01", Source: sandik.SourceCongress},
	}})
}

// testOrgAllOrNothing: a change with one bad record writes nothing, not
// even the good records before it, nor leaves.
func testOrgAllOrNothing(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	c := OrgFixture()
	c.Positions = append(c.Positions, sandik.Position{ID: "g-9", Kind: "il_baskani", Unit: "34", Person: "k-9", Start: "2024-01-01", Source: sandik.SourceCongress})
	err := s.SaveOrg(ctx, c)
	if sandik.CodeOf(err) != sandik.EInvalid || !strings.Contains(err.Error(), "positions[6].person") || !strings.Contains(err.Error(), "k-9") {
		t.Fatalf("SaveOrg with an unknown person: %v, want invalid naming positions[6].person and k-9", err)
	}
	if n := orgCounts(t, s); n != [4]int{} {
		t.Errorf("refused change left rows %v", n)
	}
	if size, err := s.LedgerSize(ctx); err != nil || size != 0 {
		t.Errorf("refused change left %d leaves (%v)", size, err)
	}
}

// testOrgReferences: each broken reference or rule of the tree is
// refused with the field that holds it.
func testOrgReferences(t *testing.T, o Opener) {
	s := o.Open(t)
	saveOrg(t, s, OrgFixture())
	for _, tc := range []struct {
		name  string
		c     sandik.OrgChange
		field string
	}{
		{"unknown parent", sandik.OrgChange{Units: []sandik.Unit{{Code: "06", Kind: sandik.UnitIl, Name: "Ankara", Parent: "yok", Area: "06"}}}, "units[0].parent"},
		{"wrong parent kind", sandik.OrgChange{Units: []sandik.Unit{{Code: "34.0136", Kind: sandik.UnitIlce, Name: "Üsküdar", Parent: "gm", Area: "34.0136"}}}, "units[0].parent"},
		{"a cycle", sandik.OrgChange{Units: []sandik.Unit{
			{Code: "a", Kind: sandik.UnitWomen, Name: "A", Parent: "b", Area: "34"},
			{Code: "b", Kind: sandik.UnitBelde, Name: "B", Parent: "a", Area: "34"}}}, "parent"},
		{"unknown home", sandik.OrgChange{People: []sandik.Person{{ID: "k-9", Name: "Ali", Home: "35", Purpose: "üyelik", Consent: "2024-01-01"}}}, "people[0].home"},
		{"unknown kind", sandik.OrgChange{Positions: []sandik.Position{{ID: "g-9", Kind: "kral", Unit: "34", Person: "k-1", Start: "2024-01-01", Source: sandik.SourceCongress}}}, "positions[0].kind"},
		{"unknown unit", sandik.OrgChange{Positions: []sandik.Position{{ID: "g-9", Kind: "delege", Unit: "35", Person: "k-1", Start: "2024-01-01", Source: sandik.SourceCongress}}}, "positions[0].unit"},
		{"bad phone", sandik.OrgChange{People: []sandik.Person{{ID: "k-9", Name: "Ali", Phones: []string{"0532 123"}, Home: "34", Purpose: "üyelik", Consent: "2024-01-01"}}}, "people[0].phones[0]"},
		{"end before start", sandik.OrgChange{Positions: []sandik.Position{{ID: "g-9", Kind: "delege", Unit: "34", Person: "k-1", Start: "2024-01-01", End: "2023-12-31", Source: sandik.SourceCongress}}}, "positions[0].end"},
		{"no consent day", sandik.OrgChange{People: []sandik.Person{{ID: "k-9", Name: "Ali", Home: "34", Purpose: "üyelik", Consent: "2024-02-30"}}}, "people[0].consent"},
	} {
		before := orgCounts(t, s)
		err := s.SaveOrg(context.Background(), tc.c)
		if sandik.CodeOf(err) != sandik.EInvalid || !slices.ContainsFunc(sandik.ProblemsOf(err), func(p sandik.Problem) bool { return strings.HasSuffix(p.Field, tc.field) }) {
			t.Errorf("%s: error %v (problems %+v), want invalid naming %s", tc.name, err, sandik.ProblemsOf(err), tc.field)
		}
		if after := orgCounts(t, s); after != before {
			t.Errorf("%s: refused change stored rows: %v → %v", tc.name, before, after)
		}
	}
}

func testOrgIDsTaken(t *testing.T, o Opener) {
	s := o.Open(t)
	c := OrgFixture()
	saveOrg(t, s, c)
	for _, tc := range []struct {
		name string
		c    sandik.OrgChange
	}{
		{"kind", sandik.OrgChange{Kinds: c.Kinds}},
		{"default kind", sandik.OrgChange{Kinds: []sandik.PositionKind{{Code: "avukat", Name: "Avukat"}}}},
		{"unit", sandik.OrgChange{Units: c.Units[4:]}},
		{"person", sandik.OrgChange{People: c.People[:1]}},
		{"position", sandik.OrgChange{Positions: c.Positions[3:4]}},
	} {
		if err := s.SaveOrg(context.Background(), tc.c); sandik.CodeOf(err) != sandik.EConflict {
			t.Errorf("%s taken: error %v, want conflict", tc.name, err)
		}
	}
	wantOrg(t, s, c)

	// A taken id far into a long change, one statement of many rows or
	// a bulk change: the first taken is named by its place and nothing
	// of the change stays.
	newPeople := func(n int) []sandik.Person {
		ps := make([]sandik.Person, n)
		for i := range ps {
			ps[i] = sandik.Person{ID: sandik.PersonID(fmt.Sprintf("y-%05d", i)), Name: "Yeni Üye", Home: "34", Purpose: "örgüt üyeliği", Consent: "2024-01-01"}
		}
		return ps
	}
	newTerms := func(n int) []sandik.Position {
		ps := make([]sandik.Position, n)
		for i := range ps {
			ps[i] = sandik.Position{ID: sandik.PositionID(fmt.Sprintf("y-%05d", i)), Kind: "delege", Unit: "34.0135", Person: c.People[i%len(c.People)].ID,
				Start: "2024-01-01", Source: sandik.SourceCongress}
		}
		return ps
	}
	for _, tc := range []struct {
		name, field string
		c           sandik.OrgChange
	}{
		{"person 237 of 250", "people[237].id", func() sandik.OrgChange {
			ps := newPeople(250)
			ps[237].ID, ps[240].ID = c.People[1].ID, c.People[0].ID
			return sandik.OrgChange{People: ps}
		}()},
		{"term 180 of 250", "positions[180].id", func() sandik.OrgChange {
			ps := newTerms(250)
			ps[180].ID = c.Positions[2].ID
			return sandik.OrgChange{People: newPeople(10), Positions: ps}
		}()},
		{"person 20,500 of a bulk change", "people[20500].id", func() sandik.OrgChange {
			ps := newPeople(21_000)
			ps[20500].ID = c.People[3].ID
			return sandik.OrgChange{People: ps}
		}()},
		{"term 20,990 of a bulk change", "positions[20990].id", func() sandik.OrgChange {
			ps := newTerms(21_000)
			ps[20990].ID = c.Positions[4].ID
			return sandik.OrgChange{Positions: ps}
		}()},
	} {
		err := s.SaveOrg(context.Background(), tc.c)
		var e *sandik.Error
		if !errors.As(err, &e) || e.Code != sandik.EConflict || len(e.Problems) != 1 || e.Problems[0].Field != tc.field {
			t.Errorf("%s taken: error %v, want a conflict naming %s", tc.name, err, tc.field)
		}
	}
	wantOrg(t, s, c)
}

func testOrgEndPosition(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	if err := s.EndPosition(ctx, "g-2", "2023-06-30", "istifa"); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("ending before the start: %v, want invalid", err)
	}
	if err := s.EndPosition(ctx, "g-2", "2025-03-31", ""); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("ending with no reason: %v, want invalid", err)
	}
	if err := s.EndPosition(ctx, "g-2", "2025-03-31", "istifa"); err != nil {
		t.Fatal(err)
	}
	if err := s.EndPosition(ctx, "g-2", "2025-04-30", "görevden alma"); sandik.CodeOf(err) != sandik.EConflict || !strings.Contains(err.Error(), "2025-03-31") {
		t.Errorf("ending twice: %v, want a conflict naming the first end", err)
	}
	if err := s.EndPosition(ctx, "g-99", "2025-04-30", "istifa"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("ending no term: %v, want not_found", err)
	}
	held, err := s.Positions(ctx, sandik.PositionFilter{Unit: "34", Kind: "il_baskani", At: "2025-04-01"})
	if err != nil || len(held) != 0 {
		t.Errorf("il başkanı held the day after the end: %+v, %v", held, err)
	}
	// The day after, the seat is free.
	saveOrg(t, s, sandik.OrgChange{Positions: []sandik.Position{{ID: "g-7", Kind: "il_baskani", Unit: "34", Person: "k-4", Start: "2025-04-01", Source: sandik.SourceAppointment}}})
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Errorf("audit after an end: %v", err)
	}
}
