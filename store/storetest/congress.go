package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

var congressTests = []test{
	{"CongressRoundTrip", testCongressRoundTrip},
	{"ElectorateFrozenOnce", testCongressFreeze},
	{"Mandates", testCongressMandates},
	{"ListVersionsAppendOnly", testCongressLists},
	{"CheckInOnceAcrossDesks", testCongressCheckins},
	{"ApprovalAllOrNothing", testCongressApproval},
	{"MarksKept", testCongressMarksKept},
}

// CongressFixture is the ilçe congress of Kadıköy (OrgFixture) on day.
func CongressFixture(id sandik.CongressID, day sandik.Date) sandik.Congress {
	return sandik.Congress{ID: id, Level: sandik.LevelIlceCongress, Unit: "34.0135", Title: "Kadıköy 38. Olağan Kongresi",
		Date: day, Place: "Caddebostan Kültür Merkezi", Boxes: 2}.WithDefaults()
}

func congressStore(t *testing.T, o Opener) sandik.Store {
	s := o.Open(t)
	saveOrg(t, s, OrgFixture())
	if err := s.SaveCongress(context.Background(), CongressFixture("kad-2026", "2026-03-01")); err != nil {
		t.Fatalf("SaveCongress: %v", err)
	}
	return s
}

func testCongressRoundTrip(t *testing.T, o Opener) {
	s := congressStore(t, o)
	ctx := context.Background()
	got, err := s.Congress(ctx, "kad-2026")
	if err != nil {
		t.Fatal(err)
	}
	want := CongressFixture("kad-2026", "2026-03-01")
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("read back %+v, want %+v", got, want)
	}
	wantCode(t, s.SaveCongress(ctx, want), sandik.EConflict, "the same id again")
	bad := CongressFixture("x", "2026-03-01")
	bad.Unit = "nowhere"
	err = s.SaveCongress(ctx, bad)
	wantCode(t, err, sandik.EInvalid, "an unknown unit")
	if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "unit" {
		t.Errorf("problems %v, want the unit named", ps)
	}
	_, err = s.Congress(ctx, "x")
	wantCode(t, err, sandik.ENotFound, "a congress never stored")
	cs, err := s.Congresses(ctx, sandik.CongressFilter{Unit: "34.0135"})
	if err != nil || len(cs) != 1 {
		t.Errorf("Congresses of the unit: %v %v", cs, err)
	}
	cs, err = s.Congresses(ctx, sandik.CongressFilter{Unit: "34"})
	if err != nil || len(cs) != 0 {
		t.Errorf("Congresses of another unit: %v %v", cs, err)
	}
}

func testCongressFreeze(t *testing.T, o Opener) {
	s := congressStore(t, o)
	ctx := context.Background()
	es, err := s.Electorate(ctx, "kad-2026")
	if err != nil || len(es) != 0 {
		t.Fatalf("before freezing: %v %v", es, err)
	}
	list := []sandik.Elector{{Person: "k-4", Name: "İbrahim Işık", Basis: sandik.BasisNatural, Box: 1}, {Person: "k-3", Name: "Zeynep Kaya", Basis: sandik.BasisNatural, Box: 2}}
	at := time.Date(2026, 2, 10, 9, 30, 0, 123456789, time.UTC)
	if err := s.FreezeElectorate(ctx, "kad-2026", list, at, "admin"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.FreezeElectorate(ctx, "kad-2026", list[:1], at, "admin"), sandik.EConflict, "freezing twice")
	es, err = s.Electorate(ctx, "kad-2026")
	if err != nil || len(es) != 2 || es[0].Person != "k-4" || es[1].Congress != "kad-2026" {
		t.Fatalf("frozen list %+v %v", es, err)
	}
	c, _ := s.Congress(ctx, "kad-2026")
	if !c.Frozen.Equal(at) || c.FrozenBy != "admin" {
		t.Errorf("frozen at %v by %q", c.Frozen, c.FrozenBy)
	}
	_, err = s.Electorate(ctx, "nope")
	wantCode(t, err, sandik.ENotFound, "the electorate of no congress")
}

func testCongressMandates(t *testing.T, o Opener) {
	s := congressStore(t, o)
	ctx := context.Background()
	ms := []sandik.Mandate{
		{ID: "m-1", Person: "k-3", Level: sandik.LevelIlceCongress, Unit: "34.0135", Group: "34.0135.144920", Rank: 1, Start: "2025-10-01", Camp: "A"},
		{ID: "m-2", Person: "k-4", Level: sandik.LevelIlceCongress, Unit: "34.0135", Group: "34.0135.144920", Substitute: 1, Start: "2025-10-01", Camp: "A"},
	}
	if err := s.SaveMandates(ctx, ms); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SaveMandates(ctx, ms[:1]), sandik.EConflict, "the same mandate again")
	bad := ms[0]
	bad.ID, bad.Person = "m-3", "nobody"
	err := s.SaveMandates(ctx, []sandik.Mandate{bad})
	wantCode(t, err, sandik.EInvalid, "an unknown person")
	if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "mandates[0].person" {
		t.Errorf("problems %v", ps)
	}
	if err := s.EndMandate(ctx, "m-1", "2026-01-10", "istifa"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.EndMandate(ctx, "m-1", "2026-01-11", "again"), sandik.EConflict, "ending twice")
	wantCode(t, s.EndMandate(ctx, "m-9", "2026-01-11", "x"), sandik.ENotFound, "ending none")
	got, err := s.Mandates(ctx, sandik.MandateFilter{Unit: "34.0135", Level: sandik.LevelIlceCongress})
	if err != nil || len(got) != 2 || got[0].End != "2026-01-10" || got[0].EndReason != "istifa" {
		t.Fatalf("mandates %+v %v", got, err)
	}
	st := sandik.MandateStates(got, "2026-03-01")
	if st[1].Status != sandik.MandateActivated || st[1].Replaces != "m-1" {
		t.Errorf("the substitute after the resignation: %+v", st[1])
	}
	if got, _ := s.Mandates(ctx, sandik.MandateFilter{Person: "k-4"}); len(got) != 1 {
		t.Errorf("by person: %v", got)
	}
}

func listV(code string, v int, people ...sandik.PersonID) sandik.CandidateList {
	l := sandik.CandidateList{Congress: "kad-2026", Contest: "baskan", Code: code, Version: v, Name: "Liste " + code, Camp: code,
		SubmittedBy: "k-4", SubmittedAt: time.Date(2026, 2, 20, 10, v, 0, 0, time.UTC), RecordedBy: "admin"}
	for _, p := range people {
		l.Candidates = append(l.Candidates, sandik.ListCandidate{Person: p, Name: string(p)})
	}
	return l
}

func chairContest() sandik.Contest {
	return sandik.Contest{Congress: "kad-2026", Code: "baskan", Title: "İlçe Başkanı", Kind: sandik.ContestChair, Ballot: sandik.BallotSingle,
		Seats: 1, Tie: sandik.TieLot, Position: "ilce_baskani"}
}

func testCongressLists(t *testing.T, o Opener) {
	s := congressStore(t, o)
	ctx := context.Background()
	wantCode(t, s.AppendList(ctx, listV("a", 1, "k-3")), sandik.ENotFound, "a list of no contest")
	if err := s.SaveContest(ctx, chairContest()); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SaveContest(ctx, chairContest()), sandik.EConflict, "the same contest again")
	for _, l := range []sandik.CandidateList{listV("a", 1, "k-3"), listV("b", 1, "k-4"), listV("a", 2, "k-2")} {
		if err := s.AppendList(ctx, l); err != nil {
			t.Fatalf("append %s v%d: %v", l.Code, l.Version, err)
		}
	}
	wantCode(t, s.AppendList(ctx, listV("a", 2, "k-1")), sandik.EConflict, "version 2 again")
	wantCode(t, s.AppendList(ctx, listV("a", 4, "k-1")), sandik.EConflict, "skipping version 3")
	err := s.AppendList(ctx, listV("c", 1, "nobody"))
	wantCode(t, err, sandik.EInvalid, "an unknown candidate")
	vs, err := s.Lists(ctx, "kad-2026")
	if err != nil || len(vs) != 3 {
		t.Fatalf("versions %v %v", vs, err)
	}
	if vs[0].Candidates[0].Person != "k-3" || vs[2].Version != 2 || vs[2].Candidates[0].Person != "k-2" || !vs[0].SubmittedAt.Equal(listV("a", 1).SubmittedAt) {
		t.Errorf("versions read back: %+v", vs)
	}
	if err := s.OpenContest(ctx, "kad-2026", "baskan", "kongre-kad-2026-baskan"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.OpenContest(ctx, "kad-2026", "baskan", "x"), sandik.EConflict, "opening twice")
	wantCode(t, s.AppendList(ctx, listV("a", 3, "k-1")), sandik.EConflict, "a list after the ballot is fixed")
	cs, err := s.Contests(ctx, "kad-2026")
	if err != nil || len(cs) != 1 || cs[0].Race != "kongre-kad-2026-baskan" {
		t.Errorf("contests %+v %v", cs, err)
	}
}

func testCongressCheckins(t *testing.T, o Opener) {
	s := congressStore(t, o)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC)
	const desks = 4
	var wg sync.WaitGroup
	errs := make([]error, desks*2)
	for i := range errs {
		wg.Go(func() {
			errs[i] = s.CheckInDelegate(ctx, sandik.Checkin{Congress: "kad-2026", Person: "k-3", Desk: fmt.Sprintf("masa-%d", i%desks), By: "admin", At: at.Add(time.Duration(i) * time.Millisecond)})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch sandik.CodeOf(err) {
		case "":
			ok++
		case sandik.EConflict:
			if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Rule != sandik.RuleCheckedIn {
				t.Errorf("refusal %v", err)
			}
		default:
			if err != nil {
				t.Errorf("check-in: %v", err)
			}
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d desks checked the same delegate in, want 1", ok, len(errs))
	}
	if err := s.CheckInDelegate(ctx, sandik.Checkin{Congress: "kad-2026", Person: "k-4", Desk: "masa-1", By: "admin", At: at.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Checkins(ctx, "kad-2026")
	if err != nil || len(cs) != 2 || cs[1].Person != "k-4" {
		t.Errorf("check-ins %+v %v", cs, err)
	}
}

func testCongressApproval(t *testing.T, o Opener) {
	s := congressStore(t, o)
	ctx := context.Background()
	if err := s.SaveContest(ctx, chairContest()); err != nil {
		t.Fatal(err)
	}
	r := sandik.ContestResult{Congress: "kad-2026", Contest: "baskan", Race: "kongre-kad-2026-baskan", Tie: sandik.TieLot,
		Winners:    []sandik.Elected{{Person: "k-4", Name: "İbrahim Işık", Choice: "k-4", Votes: 12, Seat: 1}},
		ApprovedAt: time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC), ApprovedBy: "admin"}
	// k-3 chairs Kadıköy with no end (OrgFixture g-5): a new chair's term
	// overlapping it is refused, and the result with it.
	clash := sandik.Position{ID: "kongre-kad-2026-baskan-1", Kind: "ilce_baskani", Unit: "34.0135", Person: "k-4", Start: "2026-03-01", Source: sandik.SourceCongress}
	wantCode(t, s.ApproveResult(ctx, sandik.Approval{Result: r, Terms: []sandik.Position{clash}}), sandik.EConflict, "a chair's term over a held one")
	if rs, err := s.Results(ctx, "kad-2026"); err != nil || len(rs) != 0 {
		t.Fatalf("a refused approval left %v %v", rs, err)
	}
	mandate := sandik.Mandate{ID: "kongre-kad-2026-delege-1", Person: "k-4", Level: sandik.LevelIlCongress, Unit: "34", Group: "34.0135", From: "kad-2026", Rank: 1, Start: "2026-03-01"}
	if err := s.ApproveResult(ctx, sandik.Approval{Result: r, End: []sandik.PositionID{"g-5"}, EndOn: "2026-02-28", Reason: "kongre", Terms: []sandik.Position{clash}, Mandates: []sandik.Mandate{mandate}}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.ApproveResult(ctx, sandik.Approval{Result: r}), sandik.EConflict, "approving twice")
	rs, err := s.Results(ctx, "kad-2026")
	if err != nil || len(rs) != 1 || !rs[0].ApprovedAt.Equal(r.ApprovedAt) || rs[0].Winners[0].Person != "k-4" {
		t.Fatalf("results %+v %v", rs, err)
	}
	if old, _ := s.Position(ctx, "g-5"); old.End != "2026-02-28" || old.EndReason != "kongre" {
		t.Errorf("the outgoing chair's term: %+v", old)
	}
	ps, err := s.Positions(ctx, sandik.PositionFilter{Unit: "34.0135", Kind: "ilce_baskani", At: "2026-03-01"})
	if err != nil || len(ps) != 1 || ps[0].Person != "k-4" || ps[0].Source != sandik.SourceCongress {
		t.Errorf("the chair on the day: %+v %v", ps, err)
	}
	if ms, _ := s.Mandates(ctx, sandik.MandateFilter{From: "kad-2026"}); len(ms) != 1 {
		t.Errorf("mandates for the il congress: %v", ms)
	}
}

// testCongressMarksKept: a çarşaf race's marks per ballot survive the
// registry's round trip, and a stored race is not contradicted by the
// same race with other marks.
func testCongressMarksKept(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	areas := []sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"}, {Code: "kongre-k", Level: sandik.LevelBuilding, Name: "Salon", Parent: "TR"},
		{Code: "kongre-k-s1", Level: sandik.LevelSandik, Name: "Sandık 1", Parent: "kongre-k"}}
	race := sandik.Race{Code: "kongre-k-yk", Election: "kongre-k", Name: "Yönetim", Scope: "kongre-k", Marks: 2,
		Choices: []sandik.Choice{{Code: "a", Name: "A"}, {Code: "b", Name: "B"}, {Code: "c", Name: "C"}}}
	reg, err := sandik.NewRegistry(areas, []sandik.Election{{Code: "kongre-k", Name: "Kongre", Date: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Quorum: 2}},
		[]sandik.Race{race}, []sandik.Registration{{Election: "kongre-k", Box: "kongre-k-s1", Registered: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadRegistry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rc, ok := got.Race("kongre-k-yk"); !ok || rc.Marks != 2 {
		t.Fatalf("race read back %+v", rc)
	}
	race.Marks = 3
	other, err := sandik.NewRegistry(areas, reg.Elections, []sandik.Race{race}, reg.Registrations)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SaveRegistry(ctx, other), sandik.EConflict, "the race with other marks")
}
