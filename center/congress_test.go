package center_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
)

// congressDay is the ilçe congress of Kadıköy (34.0135 in the fixtures),
// at 10:00 in İstanbul.
var congressDay = time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC)

// congressCenter is a centre with the org fixture, six delegates of the
// neighbourhood elected for the ilçe congress (the second resigned, so
// the first substitute sits for them; the second substitute waits) and
// the congress of Kadıköy with two boxes.
func congressCenter(t *testing.T) *center.Center {
	t.Helper()
	c, _ := orgCenter(t, congressDay)
	ctx := context.Background()
	var ch sandik.OrgChange
	for i := 1; i <= 6; i++ {
		ch.People = append(ch.People, sandik.Person{ID: sandik.PersonID(fmt.Sprintf("d-%d", i)), Name: fmt.Sprintf("Delege %d", i), Home: "34.0135", Purpose: "örgüt üyeliği", Consent: "2025-01-01"})
	}
	if err := c.SaveOrg(ctx, admin, ch); err != nil {
		t.Fatal(err)
	}
	m := func(id string, p sandik.PersonID, rank, sub int, camp string) sandik.Mandate {
		return sandik.Mandate{ID: sandik.MandateID(id), Person: p, Level: sandik.LevelIlceCongress, Unit: "34.0135", Group: "34.0135.144920", Camp: camp, Rank: rank, Substitute: sub, Start: "2025-11-01"}
	}
	ms := []sandik.Mandate{m("m-1", "d-1", 1, 0, "A"), m("m-2", "d-2", 2, 0, "A"), m("m-3", "d-3", 3, 0, "B"), m("m-4", "d-4", 4, 0, "B"),
		m("m-5", "d-5", 0, 1, "A"), m("m-6", "d-6", 0, 2, "B")}
	if err := c.SaveMandates(ctx, district, ms); err != nil {
		t.Fatal(err)
	}
	if err := c.EndMandate(ctx, district, "m-2", "2026-01-15", "istifa"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCongress(ctx, district, sandik.Congress{ID: "kad-2026", Level: sandik.LevelIlceCongress, Unit: "34.0135",
		Title: "Kadıköy Kongresi", Date: "2026-03-01", Place: "Caddebostan", Boxes: 2}); err != nil {
		t.Fatal(err)
	}
	return c
}

var hostile = sandik.User{ID: "izmir", Name: "İzmir", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"35"}}

func TestCongressHostileAccount(t *testing.T) {
	c := congressCenter(t)
	ctx := context.Background()
	_, err := c.Congress(ctx, hostile, "kad-2026", false)
	if sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("reading another area's congress: %v", err)
	}
	if _, _, err := c.Electorate(ctx, hostile, "kad-2026"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("reading its list: %v", err)
	}
	if _, _, err := c.FreezeElectorate(ctx, hostile, "kad-2026"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("freezing its list: %v", err)
	}
	if _, err := c.CheckInDelegate(ctx, hostile, "kad-2026", "d-1", "masa-1"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("checking in: %v", err)
	}
	if _, err := c.AppendList(ctx, hostile, sandik.CandidateList{Congress: "kad-2026", Contest: "baskan", Code: "a", Name: "A", SubmittedBy: "d-1",
		Candidates: []sandik.ListCandidate{{Person: "d-1", Name: "D"}}}); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("submitting a list: %v", err)
	}
	if _, _, err := c.ContestResults(ctx, hostile, "kad-2026"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("reading results: %v", err)
	}
	if _, err := c.ApproveResult(ctx, hostile, "kad-2026", "baskan"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("approving: %v", err)
	}
	if ms, err := c.Mandates(ctx, hostile, sandik.MandateFilter{}); err != nil || len(ms) != 0 {
		t.Errorf("mandates seen by another area: %d %v", len(ms), err)
	}
	if cs, err := c.Congresses(ctx, hostile, sandik.CongressFilter{}); err != nil || len(cs) != 0 {
		t.Errorf("congresses seen by another area: %v %v", cs, err)
	}
	// A volunteer of the district reads but does not run it.
	vol := sandik.User{ID: "vol", Name: "Gönüllü", Role: sandik.RoleVolunteer, Areas: []sandik.AreaCode{"34.0135"}}
	if _, err := c.CheckInDelegate(ctx, vol, "kad-2026", "d-1", "masa-1"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a volunteer checking in: %v", err)
	}
}

func wantRule(t *testing.T, err error, code sandik.ErrorCode, rule, what string) {
	t.Helper()
	ps := sandik.ProblemsOf(err)
	if sandik.CodeOf(err) != code || len(ps) == 0 || ps[0].Rule != rule {
		t.Errorf("%s: %v (problems %v), want %s %s", what, err, ps, code, rule)
	}
}

func TestCongressCheckIn(t *testing.T) {
	c := congressCenter(t)
	ctx := context.Background()
	_, err := c.CheckInDelegate(ctx, district, "kad-2026", "d-1", "masa-1")
	wantRule(t, err, sandik.EConflict, sandik.RuleNotFrozen, "before the list is frozen")
	g, es, err := c.FreezeElectorate(ctx, district, "kad-2026")
	if err != nil {
		t.Fatal(err)
	}
	// d-1, d-3, d-4 elected; d-5 for d-2; k-3 the chair ex officio.
	if len(es) != 5 || g.Frozen.IsZero() {
		t.Fatalf("frozen list of %d: %+v", len(es), es)
	}
	if n, ok := c.Registry().Registered(g.Election(), g.Box(1)); !ok || n+func() int64 { m, _ := c.Registry().Registered(g.Election(), g.Box(2)); return m }() != 5 {
		t.Errorf("the boxes' registered voters: %d %v", n, ok)
	}
	_, _, err = c.FreezeElectorate(ctx, district, "kad-2026")
	wantRule(t, err, sandik.EConflict, sandik.RuleFrozen, "freezing twice")
	_, err = c.CheckInDelegate(ctx, district, "kad-2026", "k-1", "masa-1")
	wantRule(t, err, sandik.EForbidden, sandik.RuleNotOnList, "not on the list")
	_, err = c.CheckInDelegate(ctx, district, "kad-2026", "d-6", "masa-1")
	wantRule(t, err, sandik.EForbidden, sandik.RuleNoMandate, "a substitute without the mandate")
	_, err = c.CheckInDelegate(ctx, district, "kad-2026", "d-2", "masa-1")
	wantRule(t, err, sandik.EForbidden, sandik.RuleNotOnList, "the delegate who resigned")
	ck, err := c.CheckInDelegate(ctx, district, "kad-2026", "d-5", "masa-2")
	if err != nil || ck.Mandate != "m-5" {
		t.Fatalf("the activated substitute: %+v %v", ck, err)
	}
	_, err = c.CheckInDelegate(ctx, district, "kad-2026", "d-5", "masa-3")
	wantRule(t, err, sandik.EConflict, sandik.RuleCheckedIn, "twice")
	for _, p := range []sandik.PersonID{"d-1", "d-3"} {
		if _, err := c.CheckInDelegate(ctx, district, "kad-2026", p, "masa-1"); err != nil {
			t.Fatal(err)
		}
	}
	at, err := c.CongressAttendance(ctx, district, "kad-2026")
	if err != nil || at.Electorate != 5 || at.Present != 3 || at.Needed != 3 || !at.Reached {
		t.Errorf("attendance %+v %v", at, err)
	}
}

// carsafSheet is a sheet of the board's çarşaf (2 marks) for d-1, d-3, d-4.
func carsafSheet(id string, box sandik.AreaCode, race sandik.RaceCode, ballots, d1, d3, d4 int64) sandik.SheetInput {
	return sandik.SheetInput{ID: sandik.SubmissionID(id), Race: race, Box: box, Source: sandik.SourceEntry,
		Registered: n(3), Voted: n(ballots), ValidWithoutObjection: n(ballots), ValidUponObjection: n(0), ValidTotal: n(ballots), Invalid: n(0),
		Votes: map[sandik.ChoiceCode]*int64{"d-1": n(d1), "d-3": n(d3), "d-4": n(d4)}}
}

func TestCongressCountedThroughTheTally(t *testing.T) {
	c := congressCenter(t)
	ctx := context.Background()
	g, _, err := c.FreezeElectorate(ctx, district, "kad-2026")
	if err != nil {
		t.Fatal(err)
	}
	chair, err := c.AddContest(ctx, district, sandik.Contest{Congress: g.ID, Code: "baskan", Title: "İlçe Başkanı", Kind: sandik.ContestChair, Ballot: sandik.BallotSingle, Seats: 1, Tie: sandik.TieAge})
	if err != nil || chair.Position != "ilce_baskani" {
		t.Fatalf("chair contest %+v %v", chair, err)
	}
	if _, err := c.AddContest(ctx, district, sandik.Contest{Congress: g.ID, Code: "yk", Title: "Yönetim Kurulu", Kind: sandik.ContestBoard, Ballot: sandik.BallotCarsaf, Seats: 2, Substitutes: 1, Tie: sandik.TieListOrder}); err != nil {
		t.Fatal(err)
	}
	list := func(contest, code, camp string, people ...sandik.PersonID) sandik.CandidateList {
		l := sandik.CandidateList{Congress: g.ID, Contest: contest, Code: code, Name: "Liste " + code, Camp: camp, SubmittedBy: people[0]}
		for _, p := range people {
			l.Candidates = append(l.Candidates, sandik.ListCandidate{Person: p, Name: string(p)})
		}
		return l
	}
	for _, l := range []sandik.CandidateList{list("baskan", "k4", "B", "k-4"), list("baskan", "d1", "A", "d-1"),
		list("yk", "a", "A", "d-1"), list("yk", "b", "B", "d-3"), list("yk", "b", "B", "d-3", "d-4")} {
		if _, err := c.AppendList(ctx, district, l); err != nil {
			t.Fatal(err)
		}
	}
	vs, err := c.Lists(ctx, district, g.ID)
	if err != nil || len(vs) != 5 || vs[4].Version != 2 || len(vs[3].Candidates) != 1 {
		t.Fatalf("list versions kept: %+v %v", vs, err)
	}
	chair, err = c.OpenCounting(ctx, district, g.ID, "baskan")
	if err != nil {
		t.Fatal(err)
	}
	board, err := c.OpenCounting(ctx, district, g.ID, "yk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AppendList(ctx, district, list("yk", "a", "A", "d-1", "d-5")); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("a list after counting opened: %v", err)
	}
	if rc, ok := c.Registry().Race(board.Race); !ok || rc.Marks != 2 || len(rc.Choices) != 3 {
		t.Fatalf("the board's race: %+v", rc)
	}
	_, err = c.ApproveResult(ctx, district, g.ID, "yk")
	if sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("approving before the boxes are verified: %v", err)
	}
	// An impossible çarşaf sheet is refused with the field named.
	e1 := sandik.User{ID: "e1", Name: "Sayım 1", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135"}}
	e2 := sandik.User{ID: "e2", Name: "Sayım 2", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135"}}
	e3 := sandik.User{ID: "e3", Name: "Sayım 3", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135"}}
	_, err = c.Submit(ctx, e1, []sandik.SheetInput{carsafSheet("bad", g.Box(1), board.Race, 3, 4, 1, 1)})
	if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "votes.d-1" || ps[0].Rule != sandik.RuleAboveBallots {
		t.Errorf("a candidate above the ballots: %v", err)
	}
	_, err = c.Submit(ctx, e1, []sandik.SheetInput{carsafSheet("bad2", g.Box(1), board.Race, 3, 3, 3, 1)})
	if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "votes" || ps[0].Rule != sandik.RuleMarksSum {
		t.Errorf("more marks than ballots × 2: %v", err)
	}
	// Box 1: two entries disagree, a third agrees with the first.
	submit(t, &fixture{c: c}, e1, carsafSheet("b1-e1", g.Box(1), board.Race, 3, 3, 2, 1))
	submit(t, &fixture{c: c}, e2, carsafSheet("b1-e2", g.Box(1), board.Race, 3, 3, 1, 2))
	if st, _ := c.View(admin).Status(board.Race, g.Box(1)); st != sandik.StatusConflict {
		t.Fatalf("box 1 after disagreeing entries: %s", st)
	}
	submit(t, &fixture{c: c}, e3, carsafSheet("b1-e3", g.Box(1), board.Race, 3, 3, 2, 1))
	if st, _ := c.View(admin).Status(board.Race, g.Box(1)); st != sandik.StatusVerified {
		t.Fatalf("box 1 after the third entry: %s", st)
	}
	submit(t, &fixture{c: c}, e1, carsafSheet("b2-e1", g.Box(2), board.Race, 2, 1, 1, 2))
	rs := submit(t, &fixture{c: c}, e2, carsafSheet("b2-e2", g.Box(2), board.Race, 2, 1, 1, 2))
	if err := c.WaitFor(ctx, rs[0].Seq); err != nil {
		t.Fatal(err)
	}
	results, _, err := c.ContestResults(ctx, district, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	yk := results[1]
	// d-1 4, d-3 3, d-4 3: d-3 and d-4 tie for the second seat; list
	// order puts d-3 (list b's first) before d-4.
	if yk.Verified != 2 || yk.Ballots != 5 || len(yk.Winners) != 2 || yk.Winners[0].Person != "d-1" || yk.Winners[1].Person != "d-3" || yk.Substitutes[0].Person != "d-4" || !yk.Winners[1].Tied {
		t.Fatalf("the board's result: %+v", yk)
	}
	approved, err := c.ApproveResult(ctx, district, g.ID, "yk")
	if err != nil {
		t.Fatal(err)
	}
	if approved.ApprovedBy != district.ID || approved.Seed != "" {
		t.Errorf("approved %+v", approved)
	}
	if _, err := c.ApproveResult(ctx, district, g.ID, "yk"); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("approving twice: %v", err)
	}
	// An adjudication after the approval changes the live count, not the approved result.
	adj := carsafSheet("b2-adj", g.Box(2), board.Race, 2, 0, 2, 2)
	adj.Reason = "yeniden sayım"
	r, err := c.Adjudicate(ctx, admin, adj)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor(ctx, r.Seq); err != nil {
		t.Fatal(err)
	}
	results, _, _ = c.ContestResults(ctx, district, g.ID)
	if results[1].Winners[0].Person != "d-1" || results[1].Votes[0] != 4 || !results[1].ApprovedAt.Equal(congressDay) {
		t.Errorf("the approved result moved: %+v", results[1])
	}

	// The chair: k-4 wins; the outgoing chair k-3's term ends the day
	// before, and k-4's rights as chair start at the approval.
	submit(t, &fixture{c: c}, e1, chairSheet("c1-e1", g.Box(1), chair.Race, 2, 1), chairSheet("c2-e1", g.Box(2), chair.Race, 1, 1))
	rs = submit(t, &fixture{c: c}, e2, chairSheet("c1-e2", g.Box(1), chair.Race, 2, 1), chairSheet("c2-e2", g.Box(2), chair.Race, 1, 1))
	if err := c.WaitFor(ctx, rs[1].Seq); err != nil {
		t.Fatal(err)
	}
	linked := sandik.User{ID: "k4", Name: "İbrahim", Role: sandik.RoleVolunteer, Person: "k-4"}
	before, err := c.EffectiveUser(ctx, linked)
	if err != nil || before.Role == sandik.RoleCoordinator {
		t.Fatalf("k-4 before the approval: %+v %v", before, err)
	}
	if _, err := c.ApproveResult(ctx, district, g.ID, "baskan"); err != nil {
		t.Fatal(err)
	}
	after, err := c.EffectiveUser(ctx, linked)
	if err != nil || after.Role != sandik.RoleCoordinator || len(after.Areas) != 1 || after.Areas[0] != "34.0135" {
		t.Errorf("k-4 after the approval: %+v %v", after, err)
	}
	oldChair := sandik.User{ID: "k3", Name: "Zeynep", Role: sandik.RoleVolunteer, Person: "k-3"}
	if u, _ := c.EffectiveUser(ctx, oldChair); u.Role == sandik.RoleCoordinator {
		t.Errorf("the outgoing chair keeps their rights: %+v", u)
	}
}

// chairSheet is a sheet of the chair's single ballot: k-4 then d-1.
func chairSheet(id string, box sandik.AreaCode, race sandik.RaceCode, k4, d1 int64) sandik.SheetInput {
	return sandik.SheetInput{ID: sandik.SubmissionID(id), Race: race, Box: box, Source: sandik.SourceEntry,
		Registered: n(3), Voted: n(k4 + d1), ValidWithoutObjection: n(k4 + d1), ValidUponObjection: n(0), ValidTotal: n(k4 + d1), Invalid: n(0),
		Votes: map[sandik.ChoiceCode]*int64{"k-4": n(k4), "d-1": n(d1)}}
}
