package storetest

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
)

var municipalTests = []test{
	{"RoundTrip", testMuniRoundTrip},
	{"VersionsKeepHistory", testMuniVersions},
	{"AllOrNothing", testMuniAllOrNothing},
	{"References", testMuniReferences},
	{"MunicipalityConflict", testMuniConflict},
	{"ConcurrentEdits", testMuniConcurrentEdits},
	{"Audited", testMuniAudited},
}

// MuniSaved is the time the fixture's terms were saved: nanoseconds
// included, so that a store rounding them fails.
var MuniSaved = time.Date(2024, 4, 2, 9, 30, 0, 123456789, time.UTC)

// MuniFixture is İstanbul's metropolitan municipality and Kadıköy's,
// with a term at 2019 and at 2024 each; Kadıköy's 2024 mayor is a person
// of OrgFixture, with two council members.
func MuniFixture() sandik.MunicipalChange {
	term := func(m sandik.MunicipalityCode, e sandik.ElectionCode, party sandik.PartyCode, mayor string, margin int64, pts float64) sandik.MunicipalTerm {
		return sandik.MunicipalTerm{Municipality: m, Election: e, Day: sandik.Date(e), Version: 1, Mayor: mayor, Party: party,
			MarginVotes: margin, MarginPoints: pts, Source: sandik.TermOfficial, Race: sandik.RaceCode(string(e) + "." + string(m)),
			SavedBy: "admin", SavedAt: MuniSaved}
	}
	kad24 := term("34.0135", "2024-03-31", "CHP", "Mayor Kadıköy (sentetik)", 81234, 27.41)
	kad24.MayorPerson = "k-3"
	kad24.Council = []sandik.CouncilMember{{Name: "Üye Bir (sentetik)", Person: "k-4", Party: "CHP"}, {Name: "Üye İki (sentetik)", Party: "AKP"}}
	byHand := term("34", "2019-03-31", "CHP", "İmamoğlu", 13729, 0.16)
	byHand.Source, byHand.Race, byHand.Reason = sandik.TermByHand, "", "YSK'nın ilanı"
	return sandik.MunicipalChange{
		Municipalities: []sandik.Municipality{
			{Code: "34", Kind: sandik.MuniBuyuksehir, Name: "İstanbul Büyükşehir Belediyesi", Area: "34", Province: "34"},
			{Code: "34.0135", Kind: sandik.MuniIlce, Name: "Kadıköy Belediyesi", Area: "34.0135", Province: "34"},
		},
		Terms: []sandik.MunicipalTerm{
			byHand,
			term("34", "2024-03-31", "CHP", "İmamoğlu", 1000000, 11.55),
			term("34.0135", "2019-03-31", "CHP", "Mayor Eski (sentetik)", 50000, 20),
			kad24,
		},
	}
}

func saveMuni(t *testing.T, s sandik.Store, c sandik.MunicipalChange) {
	t.Helper()
	saveOrg(t, s, OrgFixture())
	if err := s.SaveMunicipalities(context.Background(), c); err != nil {
		t.Fatalf("SaveMunicipalities: %v", err)
	}
}

func wantTerms(t *testing.T, got, want []sandik.MunicipalTerm) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d terms, want %d: %+v", len(got), len(want), got)
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) || !got[i].SavedAt.Equal(want[i].SavedAt) {
			t.Errorf("term %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func testMuniRoundTrip(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	c := MuniFixture()
	saveMuni(t, s, c)
	ms, err := s.Municipalities(ctx, sandik.MunicipalFilter{Province: "34"})
	if err != nil || !reflect.DeepEqual(ms, c.Municipalities) {
		t.Fatalf("municipalities: got %+v, %v", ms, err)
	}
	if m, err := s.Municipality(ctx, "34.0135"); err != nil || m != c.Municipalities[1] {
		t.Errorf("municipality: %+v, %v", m, err)
	}
	if _, err := s.Municipality(ctx, "35"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("missing municipality: %v", err)
	}
	if ms, _ := s.Municipalities(ctx, sandik.MunicipalFilter{Province: "35"}); len(ms) != 0 {
		t.Errorf("another province holds %+v", ms)
	}
	terms, err := s.MunicipalTerms(ctx, sandik.MunicipalFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// By municipality, then day.
	wantTerms(t, terms, []sandik.MunicipalTerm{c.Terms[0], c.Terms[1], c.Terms[2], c.Terms[3]})
	terms, _ = s.MunicipalTerms(ctx, sandik.MunicipalFilter{Election: "2024-03-31", Province: "34"})
	wantTerms(t, terms, []sandik.MunicipalTerm{c.Terms[1], c.Terms[3]})
	terms, _ = s.MunicipalTerms(ctx, sandik.MunicipalFilter{Municipality: "34.0135"})
	wantTerms(t, terms, []sandik.MunicipalTerm{c.Terms[2], c.Terms[3]})
	if terms, _ := s.MunicipalTerms(ctx, sandik.MunicipalFilter{Province: "35"}); len(terms) != 0 {
		t.Errorf("another province holds %+v", terms)
	}
	// Saving the same municipalities again with no terms changes nothing.
	size, _ := s.LedgerSize(ctx)
	if err := s.SaveMunicipalities(ctx, sandik.MunicipalChange{Municipalities: c.Municipalities}); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.LedgerSize(ctx); again != size {
		t.Errorf("saving the same municipalities again logged %d leaves", again-size)
	}
	s2 := o.Reopen(t, s)
	terms, _ = s2.MunicipalTerms(ctx, sandik.MunicipalFilter{})
	wantTerms(t, terms, []sandik.MunicipalTerm{c.Terms[0], c.Terms[1], c.Terms[2], c.Terms[3]})
}

// testMuniVersions: a correction is a new version; the old one is kept
// and read with History; a version that does not follow the stored one
// is a conflict.
func testMuniVersions(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	c := MuniFixture()
	saveMuni(t, s, c)
	fix := c.Terms[3]
	fix.Version, fix.Source, fix.Race, fix.Reason, fix.Party, fix.Council = 2, sandik.TermByHand, "", "mazbata düzeltildi", "AKP", nil
	if err := s.SaveMunicipalities(ctx, sandik.MunicipalChange{Terms: []sandik.MunicipalTerm{fix}}); err != nil {
		t.Fatal(err)
	}
	terms, _ := s.MunicipalTerms(ctx, sandik.MunicipalFilter{Municipality: "34.0135", Election: "2024-03-31"})
	wantTerms(t, terms, []sandik.MunicipalTerm{fix})
	terms, _ = s.MunicipalTerms(ctx, sandik.MunicipalFilter{Municipality: "34.0135", Election: "2024-03-31", History: true})
	wantTerms(t, terms, []sandik.MunicipalTerm{c.Terms[3], fix})
	for _, v := range []int{2, 4, 1} {
		stale := fix
		stale.Version, stale.Reason = v, "başka biri"
		err := s.SaveMunicipalities(ctx, sandik.MunicipalChange{Terms: []sandik.MunicipalTerm{stale}})
		if sandik.CodeOf(err) != sandik.EConflict {
			t.Errorf("version %d over 2: %v", v, err)
		} else if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "terms[0].version" {
			t.Errorf("version %d over 2: problems %v", v, ps)
		}
	}
}

func testMuniAllOrNothing(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	c := MuniFixture()
	c.Terms[3].Version = 2 // nothing stored yet: must be 1
	size, _ := s.LedgerSize(ctx)
	if err := s.SaveMunicipalities(ctx, c); sandik.CodeOf(err) != sandik.EConflict {
		t.Fatalf("got %v", err)
	}
	if ms, _ := s.Municipalities(ctx, sandik.MunicipalFilter{}); len(ms) != 0 {
		t.Errorf("a refused change left %d municipalities", len(ms))
	}
	if terms, _ := s.MunicipalTerms(ctx, sandik.MunicipalFilter{History: true}); len(terms) != 0 {
		t.Errorf("a refused change left %d terms", len(terms))
	}
	if again, _ := s.LedgerSize(ctx); again != size {
		t.Errorf("a refused change logged %d leaves", again-size)
	}
	c = MuniFixture()
	c.Terms[0].Reason = "" // by hand without a reason
	err := s.SaveMunicipalities(ctx, c)
	if ps := sandik.ProblemsOf(err); sandik.CodeOf(err) != sandik.EInvalid || len(ps) != 1 || ps[0].Field != "terms[0].reason" {
		t.Errorf("a term by hand without a reason: %v", err)
	}
}

func testMuniReferences(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	for _, c := range []struct {
		field  string
		change func(*sandik.MunicipalChange)
	}{
		{"terms[0].municipality", func(c *sandik.MunicipalChange) { c.Terms[0].Municipality = "06" }},
		{"terms[3].mayor_person", func(c *sandik.MunicipalChange) { c.Terms[3].MayorPerson = "k-99" }},
		{"terms[3].council[1].person", func(c *sandik.MunicipalChange) { c.Terms[3].Council[1].Person = "k-98" }},
	} {
		ch := MuniFixture()
		c.change(&ch)
		err := s.SaveMunicipalities(ctx, ch)
		if ps := sandik.ProblemsOf(err); sandik.CodeOf(err) != sandik.EInvalid || len(ps) != 1 || ps[0].Field != c.field {
			t.Errorf("%s: %v", c.field, err)
		}
	}
	if ms, _ := s.Municipalities(ctx, sandik.MunicipalFilter{}); len(ms) != 0 {
		t.Errorf("refused changes left %d municipalities", len(ms))
	}
}

func testMuniConflict(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveMuni(t, s, MuniFixture())
	m := MuniFixture().Municipalities[1]
	m.Name = "Başka"
	err := s.SaveMunicipalities(ctx, sandik.MunicipalChange{Municipalities: []sandik.Municipality{m}})
	if ps := sandik.ProblemsOf(err); sandik.CodeOf(err) != sandik.EConflict || len(ps) != 1 || ps[0].Field != "municipalities[0].code" {
		t.Errorf("a municipality stored otherwise: %v", err)
	}
}

// testMuniConcurrentEdits: of editors racing from one version exactly
// one wins.
func testMuniConcurrentEdits(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveMuni(t, s, MuniFixture())
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fix := MuniFixture().Terms[1]
			fix.Version, fix.Source, fix.Race, fix.Reason = 2, sandik.TermByHand, "", "düzeltme "+string(rune('A'+i))
			errs[i] = s.SaveMunicipalities(ctx, sandik.MunicipalChange{Terms: []sandik.MunicipalTerm{fix}})
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch sandik.CodeOf(err) {
		case "":
			won++
		case sandik.EConflict:
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d racing edits won, want 1", won, n)
	}
	terms, _ := s.MunicipalTerms(ctx, sandik.MunicipalFilter{Municipality: "34", Election: "2024-03-31", History: true})
	if len(terms) != 2 {
		t.Errorf("%d versions, want 2", len(terms))
	}
}

// testMuniAudited: every municipality and version is a leaf the audit
// recomputes from its row.
func testMuniAudited(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	before, _ := s.LedgerSize(ctx)
	c := MuniFixture()
	if err := s.SaveMunicipalities(ctx, c); err != nil {
		t.Fatal(err)
	}
	fix := c.Terms[2]
	fix.Version, fix.Source, fix.Race, fix.Reason = 2, sandik.TermByHand, "", "düzeltme"
	if err := s.SaveMunicipalities(ctx, sandik.MunicipalChange{Terms: []sandik.MunicipalTerm{fix}}); err != nil {
		t.Fatal(err)
	}
	size, _ := s.LedgerSize(ctx)
	recs, err := s.LedgerRecords(ctx, before, int(size-before))
	if err != nil {
		t.Fatal(err)
	}
	if want := len(c.Municipalities) + len(c.Terms) + 1; len(recs) != want {
		t.Errorf("%d leaves, want %d", len(recs), want)
	}
	for _, r := range recs {
		if ledger.Kind(r.Kind) != ledger.KindOrg {
			t.Errorf("leaf %+v is not of kind org", r)
		}
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit of an honest store: %v", err)
	}
}

// MayoralElection is the election of MayoralRegistry.
const MayoralElection sandik.ElectionCode = "2024-yerel"

// MayoralRegistry is a small local election: İstanbul with Kadıköy
// (two boxes) and Üsküdar (two boxes), and three mayoral races — the
// metropolitan mayor over both, each district's mayor — beside a
// council race, which is not a mayor's. Synthetic.
func MayoralRegistry(t testing.TB) *sandik.Registry {
	t.Helper()
	areas := []sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.0135", Parent: "34", Level: sandik.LevelIlce, Name: "Kadıköy"},
		{Code: "34.0135.1", Parent: "34.0135", Level: sandik.LevelMahalle, Name: "Caferağa"},
		{Code: "34.0135.1.1001", Parent: "34.0135.1", Level: sandik.LevelSandik, Name: "Sandık 1001"},
		{Code: "34.0135.1.1002", Parent: "34.0135.1", Level: sandik.LevelSandik, Name: "Sandık 1002"},
		{Code: "34.0136", Parent: "34", Level: sandik.LevelIlce, Name: "Üsküdar"},
		{Code: "34.0136.1", Parent: "34.0136", Level: sandik.LevelMahalle, Name: "Mimar Sinan"},
		{Code: "34.0136.1.1001", Parent: "34.0136.1", Level: sandik.LevelSandik, Name: "Sandık 1001"},
		{Code: "34.0136.1.1002", Parent: "34.0136.1", Level: sandik.LevelSandik, Name: "Sandık 1002"},
	}
	choices := []sandik.Choice{{Code: "CHP", Name: "Aday A (CHP)"}, {Code: "AKP", Name: "Aday B (AK PARTİ)"}, {Code: "DIGER", Name: "Diğer"}}
	races := []sandik.Race{
		{Code: "bb", Election: MayoralElection, Name: "İstanbul Büyükşehir Belediye Başkanı", Scope: "34", Choices: choices},
		{Code: "kadikoy", Election: MayoralElection, Name: "Kadıköy Belediye Başkanı", Scope: "34.0135", Choices: choices},
		{Code: "uskudar", Election: MayoralElection, Name: "Üsküdar Belediye Başkanı", Scope: "34.0136", Choices: choices},
		{Code: "meclis", Election: MayoralElection, Name: "Kadıköy Belediye Meclisi", Scope: "34.0135", Choices: choices},
	}
	var regs []sandik.Registration
	for _, a := range areas {
		if a.Level == sandik.LevelSandik {
			regs = append(regs, sandik.Registration{Election: MayoralElection, Box: a.Code, Registered: 400})
		}
	}
	day := time.Date(2024, 3, 31, 0, 0, 0, 0, sandik.Istanbul())
	reg, err := sandik.NewRegistry(areas, []sandik.Election{{Code: MayoralElection, Name: "31 Mart 2024 Mahalli İdareler", Date: day, Quorum: 2}}, races, regs)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// MayoralOfficial is the official figures of MayoralRegistry's mayoral
// races: Kadıköy's boxes give CHP 200+150 and AKP 100+120 (CHP wins by
// 130 votes, 21.31 points of 610 valid); Üsküdar's give each 150+100, a
// tie. The metropolitan race is the four boxes summed likewise.
func MayoralOfficial() []sandik.ImportedSheet {
	sheet := func(chp, akp, other int64) sandik.Tutanak {
		valid := chp + akp + other
		return sandik.Tutanak{Registered: 400, Voted: valid + 5, ValidWithoutObjection: valid, ValidTotal: valid, Invalid: 5, Votes: []int64{chp, akp, other}}
	}
	figures := map[sandik.AreaCode]sandik.Tutanak{
		"34.0135.1.1001": sheet(200, 100, 20), "34.0135.1.1002": sheet(150, 120, 20),
		"34.0136.1.1001": sheet(150, 100, 10), "34.0136.1.1002": sheet(100, 150, 10),
	}
	var out []sandik.ImportedSheet
	for _, rc := range []struct {
		race  sandik.RaceCode
		scope string
	}{{"bb", ""}, {"kadikoy", "34.0135"}, {"uskudar", "34.0136"}} {
		for _, box := range []sandik.AreaCode{"34.0135.1.1001", "34.0135.1.1002", "34.0136.1.1001", "34.0136.1.1002"} {
			if rc.scope != "" && string(box[:len(rc.scope)]) != rc.scope {
				continue
			}
			out = append(out, sandik.ImportedSheet{Race: rc.race, Box: box, User: "ysk", Source: sandik.SourceOfficial, Sheet: figures[box]})
		}
	}
	return out
}
