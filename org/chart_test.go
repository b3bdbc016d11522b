package org_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/store/storetest"
)

func names(id sandik.PersonID) string {
	for _, p := range storetest.OrgFixture().People {
		if p.ID == id {
			return p.Name
		}
	}
	return ""
}

// render writes a chart as "kind: holder, holder" lines, "-" for a
// vacancy, so that a table of days reads as the chart does.
func render(c org.Chart) string {
	var b strings.Builder
	for _, s := range c.Seats {
		fmt.Fprintf(&b, "%s:", s.Kind.Code)
		if s.Vacant {
			b.WriteString(" -")
		}
		for _, h := range s.Holders {
			fmt.Fprintf(&b, " %s", h.Name)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func unit(code sandik.UnitCode) sandik.Unit {
	for _, u := range storetest.OrgFixture().Units {
		if u.Code == code {
			return u
		}
	}
	panic("no unit " + code)
}

// TestChartOf: the il's chart on days before, at and after the ends of
// overlapping, ending and open terms.
func TestChartOf(t *testing.T) {
	fx := storetest.OrgFixture()
	kinds := append(sandik.DefaultPositionKinds(), fx.Kinds...)
	for _, tc := range []struct {
		at   sandik.Date
		want string
	}{
		{"2018-12-31", "il_baskani: -\nyonetim_kurulu_uyesi:\nsekreter: -\nsayman: -\nsecim_sorumlusu: -\nbasin_sozcusu: -\n"},
		{"2019-01-01", "il_baskani: Ayşe Yılmaz\nyonetim_kurulu_uyesi:\nsekreter: -\nsayman: -\nsecim_sorumlusu: -\nbasin_sozcusu: -\n"},
		{"2023-06-30", "il_baskani: Ayşe Yılmaz\nyonetim_kurulu_uyesi: Zeynep Kaya İbrahim Işık\nsekreter: -\nsayman: -\nsecim_sorumlusu: -\nbasin_sozcusu: -\n"},
		{"2023-07-01", "il_baskani: Mehmet Demir\nyonetim_kurulu_uyesi: Zeynep Kaya İbrahim Işık\nsekreter: -\nsayman: -\nsecim_sorumlusu: -\nbasin_sozcusu: -\n"},
		{"2025-01-01", "il_baskani: Mehmet Demir\nyonetim_kurulu_uyesi: İbrahim Işık\nsekreter: -\nsayman: -\nsecim_sorumlusu: -\nbasin_sozcusu: İbrahim Işık\n"},
	} {
		got := render(org.ChartOf(unit("34"), tc.at, kinds, fx.Positions, names))
		if got != tc.want {
			t.Errorf("chart of 34 on %s:\n%s\nwant:\n%s", tc.at, got, tc.want)
		}
	}
	// A group's chart holds only its own seat; terms of other units are
	// not its own.
	if got, want := render(org.ChartOf(unit("34.0135-kadin"), "2025-01-01", kinds, fx.Positions, names)), "kadin_kolu_baskani: -\n"; got != want {
		t.Errorf("chart of the women's branch:\n%s\nwant:\n%s", got, want)
	}
}

// TestHeldAtIstanbulMidnight: a term ending on a day is held until
// 23:59:59.999999999 of it in İstanbul and not a nanosecond later,
// whatever zone the instant is written in.
func TestHeldAtIstanbulMidnight(t *testing.T) {
	p := sandik.Position{ID: "g-1", Kind: "il_baskani", Unit: "34", Person: "k-1", Start: "2024-03-01", End: "2024-03-31", Source: sandik.SourceCongress}
	ist := sandik.Istanbul()
	last := time.Date(2024, 3, 31, 23, 59, 59, 999999999, ist)
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2024, 3, 1, 0, 0, 0, 0, ist), true},
		{time.Date(2024, 3, 1, 0, 0, 0, 0, ist).Add(-time.Nanosecond), false},
		{time.Date(2024, 3, 31, 23, 59, 59, 0, ist), true},
		{last, true},
		{last.Add(time.Nanosecond), false},
		{last.Add(time.Second), false},
		{last.UTC(), true},                                     // 20:59:59 UTC
		{time.Date(2024, 3, 31, 21, 0, 0, 0, time.UTC), false}, // 00:00 in İstanbul
		{last.In(time.FixedZone("PST", -8*3600)), true},
	} {
		if got := p.HeldAt(tc.at); got != tc.want {
			t.Errorf("HeldAt(%s) = %v, want %v", tc.at, got, tc.want)
		}
	}
	open := p
	open.End = ""
	if !open.HeldAt(time.Date(2999, 12, 31, 23, 0, 0, 0, ist)) {
		t.Error("an open term is not held in 2999")
	}
}

func TestOverlaps(t *testing.T) {
	term := func(start, end sandik.Date) sandik.Position { return sandik.Position{Start: start, End: end} }
	for _, tc := range []struct {
		a, b sandik.Position
		want bool
	}{
		{term("2020-01-01", "2020-12-31"), term("2021-01-01", "2021-12-31"), false},
		{term("2020-01-01", "2020-12-31"), term("2020-12-31", "2021-12-31"), true},
		{term("2020-01-01", ""), term("2030-01-01", "2030-01-02"), true},
		{term("2020-01-01", ""), term("2010-01-01", "2019-12-31"), false},
		{term("2020-01-01", ""), term("2019-01-01", ""), true},
		{term("2020-05-05", "2020-05-05"), term("2020-05-05", "2020-05-05"), true},
	} {
		if got := tc.a.Overlaps(tc.b); got != tc.want || tc.b.Overlaps(tc.a) != tc.want {
			t.Errorf("%v overlaps %v = %v, want %v both ways", tc.a, tc.b, got, tc.want)
		}
	}
}

func registry(t *testing.T) *sandik.Registry {
	t.Helper()
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.0135", Parent: "34", Level: sandik.LevelIlce, Name: "Kadıköy"},
		{Code: "34.0135.144920", Parent: "34.0135", Level: sandik.LevelMahalle, Name: "Caferağa"},
		{Code: "06", Parent: "TR", Level: sandik.LevelIl, Name: "Ankara"},
		{Code: "06.0001", Parent: "06", Level: sandik.LevelIlce, Name: "Çankaya"},
	}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func TestCheckUnits(t *testing.T) {
	reg := registry(t)
	if err := org.CheckUnits(reg, storetest.OrgFixture().Units, nil); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	stored := func(c sandik.UnitCode) (sandik.Unit, bool) { return unit(c), c == "34" || c == "34.0135" }
	for _, tc := range []struct {
		name string
		u    sandik.Unit
		want string
	}{
		{"area not in the registry", sandik.Unit{Code: "35", Kind: sandik.UnitIl, Name: "İzmir", Area: "35"}, `area "35" is not in the registry`},
		{"wrong level", sandik.Unit{Code: "x", Kind: sandik.UnitIl, Name: "X", Area: "34.0135"}, `is a ilce`},
		{"outside the parent", sandik.Unit{Code: "06.0001", Kind: sandik.UnitIlce, Name: "Çankaya", Parent: "34", Area: "06.0001"}, `not within "34"`},
		{"group outside the parent", sandik.Unit{Code: "g", Kind: sandik.UnitYouth, Name: "Gençlik", Parent: "34.0135", Area: "34"}, `not within "34.0135"`},
	} {
		err := org.CheckUnits(reg, []sandik.Unit{tc.u}, stored)
		ps := sandik.ProblemsOf(err)
		if sandik.CodeOf(err) != sandik.EInvalid || len(ps) != 1 || ps[0].Field != "units[0].area" || !strings.Contains(ps[0].Message, tc.want) {
			t.Errorf("%s: %v (problems %+v), want units[0].area saying %s", tc.name, err, ps, tc.want)
		}
	}
}
