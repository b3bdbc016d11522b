package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
	"github.com/sandik-dev/sandik/synth"
)

var orgTests = []test{
	{"RoundTrip", testOrgRoundTrip},
	{"HeldOn", testOrgHeldOn},
	{"OneHolderRefusesOverlap", testOrgOneHolder},
	{"AllOrNothing", testOrgAllOrNothing},
	{"References", testOrgReferences},
	{"IDsTaken", testOrgIDsTaken},
	{"EndPosition", testOrgEndPosition},
	{"Filters", testOrgFilters},
	{"ConcurrentHolders", testOrgConcurrentHolders},
	{"SurvivesReopen", testOrgSurvivesReopen},
	{"Audited", testOrgAudited},
	{"UnitRecords", testOrgUnitRecords},
	{"UnitsOfKind", testOrgUnitsOfKind},
	{"BulkAudited", testOrgBulkAudited},
}

// testOrgUnitsOfKind: the units of a kind are those of Units with it.
func testOrgUnitsOfKind(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	all, err := s.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []sandik.UnitKind{sandik.UnitIlce, sandik.UnitMahalle, sandik.UnitWomen, sandik.UnitIl, sandik.UnitHQ, "yok"} {
		var want []sandik.Unit
		for _, u := range all {
			if u.Kind == kind {
				want = append(want, u)
			}
		}
		got, err := s.UnitsOfKind(ctx, kind)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) || kind != "yok" && len(got) != 1 {
			t.Errorf("UnitsOfKind(%s) = %+v, %v; want %+v", kind, got, err, want)
		}
	}
}

// OrgFixture is a small organisation: a genel merkez, an il, an ilçe
// with a mahalle and a women's branch, four people and terms that end,
// overlap and stay open. Units come children first, so a store must
// order them itself.
func OrgFixture() sandik.OrgChange {
	return sandik.OrgChange{
		Kinds: []sandik.PositionKind{{Code: "basin_sozcusu", Name: "Basın Sözcüsü", OneHolder: true}},
		Units: []sandik.Unit{
			{Code: "34.0135.144920", Kind: sandik.UnitMahalle, Name: "Caferağa", Parent: "34.0135", Area: "34.0135.144920"},
			{Code: "34.0135-kadin", Kind: sandik.UnitWomen, Name: "Kadıköy Kadın Kolu", Parent: "34.0135", Area: "34.0135"},
			{Code: "34.0135", Kind: sandik.UnitIlce, Name: "Kadıköy", Parent: "34", Area: "34.0135"},
			{Code: "34", Kind: sandik.UnitIl, Name: "İstanbul", Parent: "gm", Area: "34"},
			{Code: "gm", Kind: sandik.UnitHQ, Name: "Genel Merkez", Area: "TR"},
		},
		People: []sandik.Person{
			{ID: "k-1", Name: "Ayşe Yılmaz", Phones: []string{"+905321234567", "02161234567"}, Email: "ayse@example.org", Home: "34", Purpose: "örgüt üyeliği", Consent: "2019-01-01"},
			{ID: "k-2", Name: "Mehmet Demir", Home: "34", Purpose: "örgüt üyeliği", Consent: "2023-06-01"},
			{ID: "k-3", Name: "Zeynep Kaya", Home: "34.0135", Note: "çarşamba akşamları", Purpose: "örgüt üyeliği", Consent: "2020-01-01"},
			{ID: "k-4", Name: "İbrahim Işık", Home: "34.0135", Purpose: "örgüt üyeliği", Consent: "2022-12-01"},
		},
		Positions: []sandik.Position{
			{ID: "g-1", Kind: "il_baskani", Unit: "34", Person: "k-1", Start: "2019-01-01", End: "2023-06-30", Source: sandik.SourceCongress, EndReason: "kongre"},
			{ID: "g-2", Kind: "il_baskani", Unit: "34", Person: "k-2", Start: "2023-07-01", Source: sandik.SourceCongress},
			{ID: "g-3", Kind: "yonetim_kurulu_uyesi", Unit: "34", Person: "k-3", Start: "2020-01-01", End: "2024-12-31", Source: sandik.SourceCongress, EndReason: "istifa"},
			{ID: "g-4", Kind: "yonetim_kurulu_uyesi", Unit: "34", Person: "k-4", Start: "2023-01-01", Source: sandik.SourceAppointment},
			{ID: "g-5", Kind: "ilce_baskani", Unit: "34.0135", Person: "k-3", Start: "2024-01-01", Source: sandik.SourceCongress},
			{ID: "g-6", Kind: "basin_sozcusu", Unit: "34", Person: "k-4", Start: "2024-02-01", Source: sandik.SourceAppointment},
		},
	}
}

func saveOrg(t *testing.T, s sandik.OrgStore, c sandik.OrgChange) {
	t.Helper()
	if err := s.SaveOrg(context.Background(), c); err != nil {
		t.Fatalf("SaveOrg: %v", err)
	}
}

func byCode[T any](list []T, key func(T) string) []T {
	out := slices.Clone(list)
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return out
}

func unitKey(u sandik.Unit) string         { return string(u.Code) }
func personKey(p sandik.Person) string     { return string(p.ID) }
func positionKey(p sandik.Position) string { return string(p.ID) }
func kindKey(k sandik.PositionKind) string { return string(k.Code) }
func positionIDs(ps []sandik.Position) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = string(p.ID)
	}
	return ids
}

// orgCounts is how many rows of each table are stored.
func orgCounts(t *testing.T, s sandik.OrgStore) [4]int {
	t.Helper()
	ctx := context.Background()
	k, err1 := s.AddedPositionKinds(ctx)
	u, err2 := s.Units(ctx)
	p, err3 := s.People(ctx, sandik.PeopleFilter{})
	g, err4 := s.Positions(ctx, sandik.PositionFilter{})
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		t.Fatal(err)
	}
	return [4]int{len(k), len(u), len(p), len(g)}
}

func wantOrg(t *testing.T, s sandik.OrgStore, c sandik.OrgChange) {
	t.Helper()
	ctx := context.Background()
	units, err := s.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := byCode(c.Units, unitKey); !slices.Equal(units, want) {
		t.Errorf("Units = %+v\nwant %+v", units, want)
	}
	people, err := s.People(ctx, sandik.PeopleFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := byCode(c.People, personKey)
	if len(people) != len(want) {
		t.Fatalf("People = %+v\nwant %+v", people, want)
	}
	for i := range want {
		if fmt.Sprint(people[i]) != fmt.Sprint(want[i]) {
			t.Errorf("person %d = %+v, want %+v", i, people[i], want[i])
		}
	}
	terms, err := s.Positions(ctx, sandik.PositionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if want := byCode(c.Positions, positionKey); !slices.Equal(terms, want) {
		t.Errorf("Positions = %+v\nwant %+v", terms, want)
	}
	kinds, err := s.AddedPositionKinds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := byCode(c.Kinds, kindKey); !slices.Equal(kinds, want) {
		t.Errorf("AddedPositionKinds = %+v, want %+v", kinds, want)
	}
}

func testOrgRoundTrip(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	before, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := OrgFixture()
	saveOrg(t, s, c)
	wantOrg(t, s, c)
	after, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Kinds) + len(c.Units) + len(c.People) + len(c.Positions); after-before != int64(n) {
		t.Errorf("ledger grew by %d leaves, want %d", after-before, n)
	}
	kinds, err := s.PositionKinds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(kinds) != len(sandik.DefaultPositionKinds())+1 || !slices.IsSortedFunc(kinds, func(a, b sandik.PositionKind) int { return strings.Compare(kindKey(a), kindKey(b)) }) {
		t.Errorf("PositionKinds = %d kinds (sorted: %v), want the %d defaults and the one added, by code", len(kinds),
			slices.IsSortedFunc(kinds, func(a, b sandik.PositionKind) int { return strings.Compare(kindKey(a), kindKey(b)) }), len(sandik.DefaultPositionKinds()))
	}
	u, err := s.Unit(ctx, "34.0135-kadin")
	if err != nil || u != c.Units[1] {
		t.Errorf("Unit(34.0135-kadin) = %+v, %v; want %+v", u, err, c.Units[1])
	}
	p, err := s.Person(ctx, "k-1")
	if err != nil || !slices.Equal(p.Phones, c.People[0].Phones) || p.Email != c.People[0].Email {
		t.Errorf("Person(k-1) = %+v, %v; want %+v", p, err, c.People[0])
	}
	kids, err := s.Children(ctx, "34.0135")
	if err != nil || len(kids) != 2 || kids[0].Code != "34.0135-kadin" || kids[1].Code != "34.0135.144920" {
		t.Errorf("Children(34.0135) = %+v, %v; want the women's branch and the mahalle, by code", kids, err)
	}
	if kids, err := s.Children(ctx, "34.0135.144920"); err != nil || len(kids) != 0 {
		t.Errorf("Children of a mahalle = %+v, %v; want none", kids, err)
	}
	g, err := s.Position(ctx, "g-1")
	if err != nil || g != c.Positions[0] {
		t.Errorf("Position(g-1) = %+v, %v; want %+v", g, err, c.Positions[0])
	}
	if _, err := s.Position(ctx, "g-99"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("Position(g-99) error %v, want not_found", err)
	}
	if _, err := s.Unit(ctx, "35"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("Unit(35) error %v, want not_found", err)
	}
	if _, err := s.Person(ctx, "k-99"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("Person(k-99) error %v, want not_found", err)
	}
}

// testOrgHeldOn: the terms held on a day are those whose first and last
// days include it, both ends counted.
func testOrgHeldOn(t *testing.T, o Opener) {
	s := o.Open(t)
	saveOrg(t, s, OrgFixture())
	for _, tc := range []struct {
		unit sandik.UnitCode
		at   sandik.Date
		want []string
	}{
		{"34", "2018-12-31", nil},
		{"34", "2019-01-01", []string{"g-1"}},
		{"34", "2023-06-30", []string{"g-1", "g-3", "g-4"}},
		{"34", "2023-07-01", []string{"g-2", "g-3", "g-4"}},
		{"34", "2024-12-31", []string{"g-2", "g-3", "g-4", "g-6"}},
		{"34", "2025-01-01", []string{"g-2", "g-4", "g-6"}},
		{"34.0135", "2023-12-31", nil},
		{"34.0135", "2031-05-05", []string{"g-5"}},
	} {
		got, err := s.Positions(context.Background(), sandik.PositionFilter{Unit: tc.unit, At: tc.at})
		if err != nil {
			t.Fatal(err)
		}
		if ids := positionIDs(got); !slices.Equal(ids, tc.want) && len(ids)+len(tc.want) > 0 {
			t.Errorf("held in %s on %s: %v, want %v", tc.unit, tc.at, ids, tc.want)
		}
	}
}

func testOrgFilters(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	for _, tc := range []struct {
		f    sandik.PositionFilter
		want []string
	}{
		{sandik.PositionFilter{Person: "k-3"}, []string{"g-3", "g-5"}},
		{sandik.PositionFilter{Kind: "yonetim_kurulu_uyesi"}, []string{"g-3", "g-4"}},
		{sandik.PositionFilter{Unit: "34", Kind: "il_baskani", At: "2020-05-05"}, []string{"g-1"}},
		{sandik.PositionFilter{Person: "k-4", At: "2023-01-01"}, []string{"g-4"}},
		{sandik.PositionFilter{After: "g-2", Limit: 2}, []string{"g-3", "g-4"}},
		{sandik.PositionFilter{Units: []sandik.UnitCode{"34.0135", "34"}, Kinds: []sandik.KindCode{"il_baskani", "ilce_baskani"}}, []string{"g-1", "g-2", "g-5"}},
		{sandik.PositionFilter{Units: []sandik.UnitCode{"34"}, Kinds: []sandik.KindCode{"yonetim_kurulu_uyesi"}, At: "2025-01-01"}, []string{"g-4"}},
		{sandik.PositionFilter{Units: []sandik.UnitCode{"35"}}, nil},
	} {
		got, err := s.Positions(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if ids := positionIDs(got); !slices.Equal(ids, tc.want) {
			t.Errorf("Positions(%+v) = %v, want %v", tc.f, ids, tc.want)
		}
	}
	people, err := s.People(ctx, sandik.PeopleFilter{Home: "34.0135", Limit: 1})
	if err != nil || len(people) != 1 || people[0].ID != "k-3" {
		t.Errorf("People(home 34.0135, 1) = %+v, %v; want k-3", people, err)
	}
	people, err = s.People(ctx, sandik.PeopleFilter{IDs: []sandik.PersonID{"k-4", "k-1", "k-9"}})
	if err != nil || len(people) != 2 || people[0].ID != "k-1" || people[1].ID != "k-4" {
		t.Errorf("People(ids k-4 k-1 k-9) = %+v, %v; want k-1 and k-4", people, err)
	}
	people, err = s.People(ctx, sandik.PeopleFilter{After: "k-3"})
	if err != nil || len(people) != 1 || people[0].ID != "k-4" {
		t.Errorf("People(after k-3) = %+v, %v; want k-4", people, err)
	}
}

// testOrgConcurrentHolders: of instances racing to fill one seat for
// overlapping terms, exactly one succeeds and the others are told who.
func testOrgConcurrentHolders(t *testing.T, o Opener) {
	s := o.Open(t)
	saveOrg(t, s, OrgFixture())
	other := o.Reopen(t, s)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		st := []sandik.Store{s, other}[i%2]
		wg.Go(func() {
			errs[i] = st.SaveOrg(context.Background(), sandik.OrgChange{Positions: []sandik.Position{{
				ID: sandik.PositionID(fmt.Sprintf("r-%d", i)), Kind: "sekreter", Unit: "34.0135", Person: []sandik.PersonID{"k-1", "k-2", "k-3", "k-4"}[i%4],
				Start: sandik.Date(fmt.Sprintf("2024-0%d-01", 1+i)), Source: sandik.SourceAppointment}}})
		})
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case sandik.CodeOf(err) != sandik.EConflict:
			t.Errorf("writer %d: %v, want success or conflict", i, err)
		}
	}
	held, err := s.Positions(context.Background(), sandik.PositionFilter{Unit: "34.0135", Kind: "sekreter"})
	if ok != 1 || err != nil || len(held) != 1 {
		t.Errorf("%d writers succeeded and %d terms stored (%v), want 1 and 1", ok, len(held), err)
	}
}

func testOrgSurvivesReopen(t *testing.T, o Opener) {
	s := o.Open(t)
	c := OrgFixture()
	saveOrg(t, s, c)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wantOrg(t, o.Reopen(t, s), c)
}

// testOrgAudited: every record of the organisation is a leaf the audit
// recomputes from its row.
func testOrgAudited(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	c := OrgFixture()
	saveOrg(t, s, c)
	if err := s.EndPosition(ctx, "g-4", "2025-01-31", "istifa"); err != nil {
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
	for _, r := range recs {
		if ledger.Kind(r.Kind) != ledger.KindOrg {
			t.Errorf("leaf %+v is not of kind org", r)
		}
	}
	if want := len(c.Kinds) + len(c.Units) + len(c.People) + len(c.Positions) + 1; len(recs) != want {
		t.Errorf("%d leaves, want %d", len(recs), want)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit of an honest store: %v", err)
	}
}

// UnitRecords gives a unit, its children as Children does, and its terms
// as Positions does with their holders' shown names: an erased holder's
// as a removed person.
func testOrgUnitRecords(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	c := OrgFixture()
	saveOrg(t, s, c)
	if err := s.ErasePerson(ctx, "k-1", "2025-03-01", "KVKK m.7 talebi"); err != nil {
		t.Fatal(err)
	}
	names := map[sandik.PersonID]string{"k-1": sandik.RemovedPerson}
	for _, p := range c.People[1:] {
		names[p.ID] = p.Name
	}
	for _, unit := range []sandik.UnitCode{"34", "34.0135", "gm", "34.0135.144920"} {
		un, err := s.Unit(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		kids, err := s.Children(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		terms, err := s.Positions(ctx, sandik.PositionFilter{Unit: unit})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.UnitRecords(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		if got.Unit != un || fmt.Sprint(got.Children) != fmt.Sprint(kids) || fmt.Sprint(got.Terms) != fmt.Sprint(terms) {
			t.Errorf("records of %s = %+v, want %+v, children %+v, terms %+v", unit, got, un, kids, terms)
		}
		if len(got.Names) != len(uniqueHolders(terms)) {
			t.Errorf("names of %s = %v, want one for each of %v", unit, got.Names, uniqueHolders(terms))
		}
		for id, name := range got.Names {
			if names[id] != name {
				t.Errorf("name of %s in %s = %q, want %q", id, unit, name, names[id])
			}
		}
	}
	if _, err := s.UnitRecords(ctx, "nowhere"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("records of no unit: %v, want not found", err)
	}
}

func uniqueHolders(terms []sandik.Position) map[sandik.PersonID]bool {
	m := map[sandik.PersonID]bool{}
	for _, p := range terms {
		m[p.Person] = true
	}
	return m
}

// testOrgBulkAudited: a bulk change's records are batch leaves of
// ledger.BatchSize records, kept beside their leaves; the audit checks
// each against its row, and a term of it ended later is a leaf of its
// own.
func testOrgBulkAudited(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	c := synth.Org(synth.OrgShape{Il: 2, Ilce: 4, Mahalle: 40, People: 10_000, Positions: 20_000, Assignments: 0}, 11)
	saveOrg(t, s, c)
	records := len(c.Kinds) + len(c.Units) + len(c.People) + len(c.Positions)
	size, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64((records + ledger.BatchSize - 1) / ledger.BatchSize); size != want {
		t.Fatalf("%d records of a bulk change make %d leaves, want %d", records, size, want)
	}
	recs, err := s.LedgerRecords(ctx, 0, int(size))
	if err != nil {
		t.Fatal(err)
	}
	var members int64
	for _, r := range recs {
		leaf := ledger.Record{Kind: ledger.Kind(r.Kind), ID: r.ID, Seq: r.Seq, ContentHash: r.ContentHash}
		enc, err := s.LedgerBatch(ctx, r.Index)
		if err != nil {
			t.Fatalf("records of leaf %s: %v", leaf, err)
		}
		b, err := ledger.ParseBatch(leaf, enc)
		if err != nil {
			t.Fatal(err)
		}
		members += int64(len(b.Members))
	}
	if members != int64(records) {
		t.Errorf("the batches hold %d records, want %d", members, records)
	}
	if _, err := s.LedgerBatch(ctx, size); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("records of a leaf past the log: %v, want not found", err)
	}
	for _, p := range c.Positions {
		if p.End == "" {
			if err := s.EndPosition(ctx, p.ID, "2026-01-31", "istifa"); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit of a bulk change: %v", err)
	}
}
