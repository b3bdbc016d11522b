package center_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/belediye"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/storetest"
)

func mayoralCenter(t *testing.T, official bool) *fixture {
	t.Helper()
	f := open(t, filepath.Join(t.TempDir(), "m.db"))
	ctx := context.Background()
	if err := f.c.ImportRegistry(ctx, storetest.MayoralRegistry(t)); err != nil {
		t.Fatal(err)
	}
	if official {
		if _, err := f.c.AppendImported(ctx, storetest.MayoralOfficial()); err != nil {
			t.Fatal(err)
		}
		seq, _ := f.store.LastSeq(ctx)
		if err := f.c.WaitFor(ctx, seq); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func byRace(rs []center.FillResult) map[sandik.RaceCode]center.FillResult {
	m := map[sandik.RaceCode]center.FillResult{}
	for _, r := range rs {
		m[r.Race] = r
	}
	return m
}

func TestFillFromOfficialResults(t *testing.T) {
	f := mayoralCenter(t, true)
	ctx := context.Background()
	rs, err := f.c.FillMunicipalities(ctx, admin, storetest.MayoralElection, false)
	if err != nil {
		t.Fatal(err)
	}
	got := byRace(rs)
	if len(rs) != 3 {
		t.Fatalf("%d races filled, want the 3 mayoral ones: %+v", len(rs), rs)
	}
	kad := got["kadikoy"]
	if kad.Outcome != center.FillWritten || kad.Term.Party != "CHP" || kad.Term.Mayor != "Aday A" || kad.Term.MarginVotes != 130 ||
		kad.Term.MarginPoints != 21.31 || kad.Term.Day != "2024-03-31" || kad.Municipality.Kind != sandik.MuniIlce {
		t.Errorf("Kadıköy: %+v", kad)
	}
	if bb := got["bb"]; bb.Outcome != center.FillWritten || bb.Term.MarginVotes != 130 || bb.Term.MarginPoints != 11.5 || bb.Municipality.Kind != sandik.MuniBuyuksehir {
		t.Errorf("metropolitan: %+v", bb)
	}
	if usk := got["uskudar"]; usk.Outcome != center.FillSkipped || usk.Reason != belediye.ErrTie.Error() {
		t.Errorf("a tie: %+v", usk)
	}
	terms, _ := f.store.MunicipalTerms(ctx, sandik.MunicipalFilter{History: true})
	if len(terms) != 2 || terms[0].Source != sandik.TermOfficial || terms[0].SavedBy != admin.ID {
		t.Fatalf("stored: %+v", terms)
	}

	// Filling again changes nothing.
	size, _ := f.store.LedgerSize(ctx)
	rs, err = f.c.FillMunicipalities(ctx, admin, storetest.MayoralElection, false)
	if err != nil || byRace(rs)["kadikoy"].Outcome != center.FillUnchanged {
		t.Fatalf("again: %+v, %v", rs, err)
	}
	if again, _ := f.store.LedgerSize(ctx); again != size {
		t.Errorf("filling again logged %d leaves", again-size)
	}

	// A correction by hand needs a reason and the version it corrects,
	// and stands against the next fill.
	edit := center.TermEdit{Mayor: "Aday C", Party: "IYI", MarginVotes: 1, MarginPoints: 0.1, Replaces: 1}
	if _, err := f.c.EditTerm(ctx, admin, "34.0135", storetest.MayoralElection, edit); sandik.CodeOf(err) != sandik.EInvalid || sandik.ProblemsOf(err)[0].Field != "reason" {
		t.Errorf("an edit without a reason: %v", err)
	}
	edit.Reason = "YSK kararı"
	edit.Replaces = 0
	if _, err := f.c.EditTerm(ctx, admin, "34.0135", storetest.MayoralElection, edit); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("an edit over a stale version: %v", err)
	}
	edit.Replaces = 1
	term, err := f.c.EditTerm(ctx, admin, "34.0135", storetest.MayoralElection, edit)
	if err != nil || term.Version != 2 || term.Party != "IYI" || term.Source != sandik.TermByHand {
		t.Fatalf("edit: %+v, %v", term, err)
	}
	rs, _ = f.c.FillMunicipalities(ctx, admin, storetest.MayoralElection, false)
	if r := byRace(rs)["kadikoy"]; r.Outcome != center.FillKeptHand || r.Term.Version != 2 {
		t.Errorf("a fill after a hand edit: %+v", r)
	}
	_, versions, err := f.c.MunicipalityTerms(ctx, admin, "34.0135")
	if err != nil || len(versions) != 2 || versions[0].Party != "CHP" || versions[1].Party != "IYI" {
		t.Errorf("history: %+v, %v", versions, err)
	}
}

func TestFillRefusals(t *testing.T) {
	f := mayoralCenter(t, false)
	ctx := context.Background()
	rs, err := f.c.FillMunicipalities(ctx, admin, storetest.MayoralElection, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Outcome != center.FillSkipped || r.BoxesOfficial != 0 {
			t.Errorf("without official figures: %+v", r)
		}
	}
	if _, err := f.c.FillMunicipalities(ctx, admin, "yok", false); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("unknown election: %v", err)
	}
	observer := sandik.User{ID: "o", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34.0135"}}
	if err := f.c.SaveMunicipalities(ctx, observer, sandik.MunicipalChange{Municipalities: []sandik.Municipality{
		{Code: "34.0135", Kind: sandik.MuniIlce, Name: "Kadıköy Belediyesi", Area: "34.0135"}}}); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("an observer saved a municipality: %v", err)
	}
	coord := sandik.User{ID: "c", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135"}}
	err = f.c.SaveMunicipalities(ctx, coord, sandik.MunicipalChange{Municipalities: []sandik.Municipality{
		{Code: "34.0136", Kind: sandik.MuniIlce, Name: "Üsküdar Belediyesi", Area: "34.0136"}}})
	if sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a coordinator of Kadıköy saved Üsküdar: %v", err)
	}
	err = f.c.SaveMunicipalities(ctx, admin, sandik.MunicipalChange{Municipalities: []sandik.Municipality{
		{Code: "35.1", Kind: sandik.MuniIlce, Name: "Yok", Area: "35.1"}}})
	if ps := sandik.ProblemsOf(err); sandik.CodeOf(err) != sandik.EInvalid || len(ps) != 1 || ps[0].Field != "municipalities[0].area" {
		t.Errorf("an area not in the registry: %v", err)
	}
}

func TestOurPartyAndReport(t *testing.T) {
	f := mayoralCenter(t, true)
	ctx := context.Background()
	// Üsküdar tied: entered by hand, as decided by lot; its previous term
	// (2019, AKP) too.
	for _, e := range []struct {
		election sandik.ElectionCode
		edit     center.TermEdit
	}{
		{storetest.MayoralElection, center.TermEdit{Mayor: "Aday A", Party: "CHP", Reason: "kura"}},
		{"2019-yerel", center.TermEdit{Mayor: "Eski", Party: "AKP", Reason: "arşiv", Day: "2019-03-31"}},
	} {
		if _, err := f.c.EditTerm(ctx, admin, "34.0136", e.election, e.edit); sandik.CodeOf(err) != sandik.EInvalid {
			t.Errorf("a term of a municipality never saved: %v", err)
		}
	}
	if err := f.c.SaveMunicipalities(ctx, admin, sandik.MunicipalChange{Municipalities: []sandik.Municipality{
		{Code: "34.0136", Kind: sandik.MuniIlce, Name: "Üsküdar Belediyesi", Area: "34.0136"}}}); err != nil {
		t.Fatal(err)
	}
	// Kadıköy's municipality added by hand under another name before a
	// fill: the fill keeps it.
	if err := f.c.SaveMunicipalities(ctx, admin, sandik.MunicipalChange{Municipalities: []sandik.Municipality{
		{Code: "34.0135", Kind: sandik.MuniIlce, Name: "Kadıköy Belediye Başkanlığı", Area: "34.0135"}}}); err != nil {
		t.Fatal(err)
	}
	rs, err := f.c.FillMunicipalities(ctx, admin, storetest.MayoralElection, false)
	if err != nil {
		t.Fatal(err)
	}
	if r := byRace(rs)["kadikoy"]; r.Outcome != center.FillWritten || r.Municipality.Name != "Kadıköy Belediye Başkanlığı" {
		t.Errorf("a fill over a municipality added by hand: %+v", r)
	}
	if m, _ := f.store.Municipality(ctx, "34.0135"); m.Name != "Kadıköy Belediye Başkanlığı" {
		t.Errorf("the fill renamed a municipality: %+v", m)
	}
	if _, err := f.c.EditTerm(ctx, admin, "34.0136", "2019-yerel", center.TermEdit{Mayor: "Eski", Party: "AKP", Reason: "arşiv"}); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("an election outside the registry without its day: %v", err)
	}
	for _, e := range []struct {
		election sandik.ElectionCode
		edit     center.TermEdit
	}{
		{storetest.MayoralElection, center.TermEdit{Mayor: "Aday A", Party: "CHP", Reason: "kura"}},
		{"2019-yerel", center.TermEdit{Mayor: "Eski", Party: "AKP", Reason: "arşiv", Day: "2019-03-31"}},
	} {
		if _, err := f.c.EditTerm(ctx, admin, "34.0136", e.election, e.edit); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.c.SetOurParty(ctx, sandik.User{ID: "c", Role: sandik.RoleCoordinator}, "CHP", 0); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a coordinator set the party: %v", err)
	}
	if err := f.c.SetOurParty(ctx, admin, sandik.PartyIndependent, 0); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("independent as our party: %v", err)
	}
	if err := f.c.SetOurParty(ctx, admin, "CHP", 0); err != nil {
		t.Fatal(err)
	}
	if err := f.c.SetOurParty(ctx, admin, "AKP", 0); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("a stale party save: %v", err)
	}
	if p, v, err := f.c.OurParty(ctx); p != "CHP" || v != 1 || err != nil {
		t.Errorf("our party: %q %d %v", p, v, err)
	}
	rep, err := f.c.Municipalities(ctx, admin, "34", "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Election != storetest.MayoralElection || len(rep.Results) != 3 {
		t.Fatalf("report: %+v", rep)
	}
	want := map[sandik.MunicipalityCode]belediye.Outcome{"34": belediye.Won, "34.0135": belediye.Won, "34.0136": belediye.Gained}
	for _, r := range rep.Results {
		if r.Outcome != want[r.Municipality.Code] {
			t.Errorf("%s: %q, want %q", r.Municipality.Code, r.Outcome, want[r.Municipality.Code])
		}
	}
	if s := rep.Summaries; len(s) != 1 || s[0] != (belediye.Summary{Province: "34", Municipalities: 3, Won: 3, Gained: 1}) {
		t.Errorf("summary: %+v", s)
	}
	scoped := sandik.User{ID: "c", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135"}}
	rep, _ = f.c.Municipalities(ctx, scoped, "", "")
	if len(rep.Results) != 1 || rep.Results[0].Municipality.Code != "34.0135" {
		t.Errorf("a coordinator of Kadıköy reads %+v", rep.Results)
	}
	if _, _, err := f.c.MunicipalityTerms(ctx, scoped, "34.0136"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a coordinator of Kadıköy read Üsküdar: %v", err)
	}
}
