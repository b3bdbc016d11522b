package center_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/store/postgres"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/store/storetest"
)

// holderOf returns the names holding kind on chart, in order.
func holderOf(chart org.Chart, kind sandik.KindCode) []string {
	for _, s := range chart.Seats {
		if s.Kind.Code == kind {
			names := []string{}
			for _, h := range s.Holders {
				names = append(names, h.Name)
			}
			return names
		}
	}
	return nil
}

// A unit's chart is drawn from memory while the organisation stands
// still, and shows every change at once when made here, at the next
// notice when made by another process on the same file, and an erased
// holder as a removed person.
func TestUnitChartFollowsChanges(t *testing.T) {
	c, st := orgCenter(t, now)
	ctx := context.Background()
	chart := func(code sandik.UnitCode, at sandik.Date) org.Chart {
		t.Helper()
		ch, _, err := c.UnitChart(ctx, admin, code, at)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	if got := holderOf(chart("34", "2024-06-01"), "il_baskani"); len(got) != 1 || got[0] != "Mehmet Demir" {
		t.Fatalf("il başkanı on 2024-06-01 = %v, want Mehmet Demir", got)
	}
	if got := holderOf(chart("34", "2020-06-01"), "il_baskani"); len(got) != 1 || got[0] != "Ayşe Yılmaz" {
		t.Fatalf("il başkanı on 2020-06-01 from the same source = %v, want Ayşe Yılmaz", got)
	}

	// A term added here is on the next chart.
	add := sandik.OrgChange{
		People:    []sandik.Person{{ID: "k-5", Name: "Deniz Aksoy", Home: "34", Purpose: "örgüt üyeliği", Consent: "2024-01-01"}},
		Positions: []sandik.Position{{ID: "g-7", Kind: "sayman", Unit: "34", Person: "k-5", Start: "2024-05-01", Source: sandik.SourceAppointment}},
	}
	if err := c.SaveOrg(ctx, admin, add); err != nil {
		t.Fatal(err)
	}
	if got := holderOf(chart("34", "2024-06-01"), "sayman"); len(got) != 1 || got[0] != "Deniz Aksoy" {
		t.Fatalf("sayman after the term was added here = %v", got)
	}

	// A term ended by another process on the file: seen at its notice.
	other, err := sqlite.Open(ctx, sqlite.Options{Path: st.Path()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.EndPosition(ctx, "g-2", "2024-03-01", "istifa"); err != nil {
		t.Fatal(err)
	}
	seenWithin(t, 5*time.Second, "a term another process ended", func() bool {
		return len(holderOf(chart("34", "2024-06-01"), "il_baskani")) == 0
	})

	// An erased holder stays on the chart as a removed person, at once.
	if err := c.ErasePerson(ctx, admin, "k-4", "KVKK m.7 talebi"); err != nil {
		t.Fatal(err)
	}
	if got := holderOf(chart("34", "2024-06-01"), "yonetim_kurulu_uyesi"); len(got) != 2 || got[0] != "Zeynep Kaya" || got[1] != sandik.RemovedPerson {
		t.Fatalf("board after an erasure = %v, want Zeynep Kaya and %q", got, sandik.RemovedPerson)
	}
}

// The chart answers only those whose areas reach the unit; a unit
// nobody has is not found.
func TestUnitChartScoped(t *testing.T) {
	c, _ := orgCenter(t, now)
	ctx := context.Background()
	mahalle := sandik.User{ID: "m", Name: "Mahalle", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135.144920"}}
	if _, _, err := c.UnitChart(ctx, mahalle, "34", "2024-06-01"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a mahalle's coordinator reading the il's chart: %v, want forbidden", err)
	}
	if _, _, err := c.UnitChart(ctx, mahalle, "34.0135", "2024-06-01"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a mahalle's coordinator reading the ilçe's chart: %v, want forbidden", err)
	}
	// Read once by an administrator, so the next answer is from memory:
	// the cache must not skip the check.
	if _, _, err := c.UnitChart(ctx, admin, "34.0135", "2024-06-01"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.UnitChart(ctx, mahalle, "34.0135", "2024-06-01"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("from the cache, a mahalle's coordinator reading the ilçe's chart: %v, want forbidden", err)
	}
	ch, kids, err := c.UnitChart(ctx, mahalle, "34.0135.144920", "2024-06-01")
	if err != nil || ch.Unit.Name != "Caferağa" || len(kids) != 0 {
		t.Errorf("the mahalle's own chart = %+v, %v, %v", ch.Unit, kids, err)
	}
	ilce := sandik.User{ID: "i", Name: "İlçe", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135"}}
	if _, kids, err := c.UnitChart(ctx, ilce, "34.0135", "2024-06-01"); err != nil || len(kids) != 2 {
		t.Errorf("the ilçe's children for its coordinator = %v, %v, want the mahalle and the women's branch", kids, err)
	}
	if _, _, err := c.UnitChart(ctx, admin, "99", "2024-06-01"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("a unit nobody has: %v, want not found", err)
	}
}

// The organisation's charts are held in memory once loaded: they equal
// what the store draws them from, this centre's own writes (a term, an
// erasure, assignments) are applied to them without a load, and a write
// by another process on the file is seen at its notice, read from the
// store until the charts are loaded again.
func TestChartsHeldInMemory(t *testing.T) {
	c, st := orgCenter(t, now)
	ctx := context.Background()
	c.LoadCharts(ctx)
	x := c.ChartIndex(ctx)
	if x == nil {
		t.Fatal("the charts are not in memory after a load")
	}
	kinds, err := st.PositionKinds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameAsStore := func(code sandik.UnitCode, at sandik.Date) {
		t.Helper()
		got, children, err := c.UnitChart(ctx, admin, code, at)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := st.UnitRecords(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		want := org.ChartOf(recs.Unit, at, kinds, recs.Terms, func(id sandik.PersonID) string { return recs.Names[id] })
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("chart of %s on %s from memory:\n %+v\nfrom the store:\n %+v", code, at, got, want)
		}
		if !reflect.DeepEqual(children, recs.Children) {
			t.Fatalf("units under %s from memory %+v, from the store %+v", code, children, recs.Children)
		}
	}
	for _, u := range storetest.OrgFixture().Units {
		for _, at := range []sandik.Date{"2018-12-31", "2019-01-01", "2023-06-30", "2023-07-01", "2024-12-31", "2025-01-01"} {
			sameAsStore(u.Code, at)
		}
	}
	if _, _, err := c.UnitChart(ctx, admin, "yok", "2024-01-01"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("chart of no unit from memory: %v, want not found", err)
	}

	add := sandik.OrgChange{
		People:    []sandik.Person{{ID: "k-5", Name: "Deniz Aksoy", Home: "34", Purpose: "örgüt üyeliği", Consent: "2024-01-01"}},
		Positions: []sandik.Position{{ID: "g-7", Kind: "sayman", Unit: "34", Person: "k-5", Start: "2024-05-01", Source: sandik.SourceAppointment}},
	}
	if err := c.SaveOrg(ctx, admin, add); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EndPosition(ctx, admin, "g-4", "2024-08-31", "istifa"); err != nil {
		t.Fatal(err)
	}
	if err := c.ErasePerson(ctx, admin, "k-3", "KVKK m.7 talebi"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SaveAssignments(ctx, admin, []sandik.Assignment{assign(storetest.Box1, "k-5")}); err != nil {
		t.Fatal(err)
	}
	if got := c.ChartIndex(ctx); got != x {
		t.Fatalf("after this centre's own writes the charts in memory are %p, want %p kept in step without a load", got, x)
	}
	for _, at := range []sandik.Date{"2024-06-01", "2024-09-01"} {
		sameAsStore("34", at)
		sameAsStore("34.0135", at)
	}
	if got := holderOf(mustChart(t, c, "34.0135", "2024-06-01"), "ilce_baskani"); len(got) != 1 || got[0] != sandik.RemovedPerson {
		t.Fatalf("ilçe başkanı after the erasure = %v, want %q", got, sandik.RemovedPerson)
	}

	other, err := sqlite.Open(ctx, sqlite.Options{Path: st.Path()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.EndPosition(ctx, "g-2", "2024-03-01", "istifa"); err != nil {
		t.Fatal(err)
	}
	seenWithin(t, 5*time.Second, "a term another process ended", func() bool {
		return len(holderOf(mustChart(t, c, "34", "2024-06-01"), "il_baskani")) == 0
	})
	seenWithin(t, 5*time.Second, "the charts loaded again after another process's write", func() bool {
		got := c.ChartIndex(ctx)
		return got != nil && got != x
	})
	sameAsStore("34", "2024-06-01")
}

func mustChart(t *testing.T, c *center.Center, code sandik.UnitCode, at sandik.Date) org.Chart {
	t.Helper()
	ch, _, err := c.UnitChart(context.Background(), admin, code, at)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// Two instances on one PostgreSQL schema: a term one adds and a person
// it erases reach the other's chart at the store's notice, and the other
// loads its charts again rather than keep showing them from memory.
func TestChartsAcrossInstances(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Schema(t)
	open := func() (*center.Center, *postgres.Store) {
		st, err := postgres.Open(ctx, postgres.Options{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		c, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return now }})
		if err != nil {
			st.Close()
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(); st.Close() })
		return c, st
	}
	a, st := open()
	if err := a.ImportRegistry(ctx, storetest.Registry(t)); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveOrg(ctx, storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	b, _ := open()
	b.LoadCharts(ctx)
	x := b.ChartIndex(ctx)
	if x == nil {
		t.Fatal("the second instance holds no charts after a load")
	}
	add := sandik.OrgChange{
		People:    []sandik.Person{{ID: "k-5", Name: "Deniz Aksoy", Home: "34", Purpose: "örgüt üyeliği", Consent: "2024-01-01"}},
		Positions: []sandik.Position{{ID: "g-7", Kind: "sayman", Unit: "34", Person: "k-5", Start: "2024-05-01", Source: sandik.SourceAppointment}},
	}
	if err := a.SaveOrg(ctx, admin, add); err != nil {
		t.Fatal(err)
	}
	seenWithin(t, 5*time.Second, "a term the other instance added", func() bool {
		got := holderOf(mustChart(t, b, "34", "2024-06-01"), "sayman")
		return len(got) == 1 && got[0] == "Deniz Aksoy"
	})
	if err := a.ErasePerson(ctx, admin, "k-5", "KVKK m.7 talebi"); err != nil {
		t.Fatal(err)
	}
	seenWithin(t, 5*time.Second, "a person the other instance erased", func() bool {
		got := holderOf(mustChart(t, b, "34", "2024-06-01"), "sayman")
		return len(got) == 1 && got[0] == sandik.RemovedPerson
	})
	seenWithin(t, 10*time.Second, "the charts loaded again after the other instance's writes", func() bool {
		got := b.ChartIndex(ctx)
		return got != nil && got != x
	})
	if got := holderOf(mustChart(t, b, "34", "2024-06-01"), "sayman"); len(got) != 1 || got[0] != sandik.RemovedPerson {
		t.Fatalf("sayman from the charts loaded again = %v, want %q", got, sandik.RemovedPerson)
	}
}
