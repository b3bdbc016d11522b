package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// TestOrganisation: the demo organisation is valid against its registry
// and stores whole; it has the il and 39 district units, every name
// marked synthetic; a district's chart of 2022 differs from today's, a
// vacancy shows; and the linked users' rights are their chairs' districts.
func TestOrganisation(t *testing.T) {
	reg, err := Istanbul(Options{Scale: 0.01, Seed: 1, Day: time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	ch := Organisation(reg)
	if err := ch.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := org.CheckUnits(reg, ch.Units, nil); err != nil {
		t.Fatal(err)
	}
	var districts []sandik.Unit
	for _, u := range ch.Units {
		if u.Kind == sandik.UnitIlce {
			districts = append(districts, u)
		}
	}
	if len(districts) != 39 {
		t.Fatalf("%d district units, want 39", len(districts))
	}
	for _, p := range ch.People {
		if !strings.HasSuffix(p.Name, "(sentetik)") {
			t.Errorf("person %s is not marked synthetic: %q", p.ID, p.Name)
		}
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "o.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	if err := st.SaveOrg(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("seeding took %v", d)
	}
	first := districts[0]
	chart := func(at sandik.Date) org.Chart {
		terms, _ := st.Positions(ctx, sandik.PositionFilter{Unit: first.Code})
		return org.ChartOf(first, at, sandik.DefaultPositionKinds(), terms, nil)
	}
	holder := func(c org.Chart, kind sandik.KindCode) sandik.PersonID {
		for _, s := range c.Seats {
			if s.Kind.Code == kind && len(s.Holders) == 1 {
				return s.Holders[0].Position.Person
			}
		}
		return ""
	}
	if old, now := holder(chart("2022-01-01"), "ilce_baskani"), holder(chart("2026-01-01"), "ilce_baskani"); old == "" || now == "" || old == now {
		t.Errorf("the first district's chair: %q in 2022, %q in 2026; want two people", old, now)
	}
	vacant := false
	third := districts[2]
	terms, _ := st.Positions(ctx, sandik.PositionFilter{Unit: third.Code})
	for _, s := range org.ChartOf(third, "2026-01-01", sandik.DefaultPositionKinds(), terms, nil).Seats {
		vacant = vacant || (s.Kind.Code == "sekreter" && s.Vacant)
	}
	if !vacant {
		t.Errorf("unit %s has no vacant secretary in 2026", third.Code)
	}
	users := OrgUsers(ch)
	if len(users) != ChairUsers {
		t.Fatalf("%d chair users", len(users))
	}
	for _, u := range users {
		terms, _ := st.Positions(ctx, sandik.PositionFilter{Person: u.Person})
		eff, _ := org.Effective(u, org.Sources{Terms: terms, KindRights: sandik.MergeKindRights(sandik.DefaultKindRights(), nil),
			UnitArea: func(c sandik.UnitCode) (sandik.AreaCode, bool) { return sandik.AreaCode(c), true }}, nil, time.Now())
		if eff.Role != sandik.RoleCoordinator || len(eff.Areas) != 1 || string(eff.Areas[0]) != strings.TrimPrefix(string(u.ID), "demo-ilce-") {
			t.Errorf("user %s: %s over %v", u.ID, eff.Role, eff.Areas)
		}
	}
}
