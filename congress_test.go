package sandik_test

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/sandik-dev/sandik"
)

func testUnits() []sandik.Unit {
	return []sandik.Unit{
		{Code: "il-34", Kind: "il", Name: "İstanbul", Area: "34"},
		{Code: "ilce-kadikoy", Kind: "ilce", Name: "Kadıköy", Parent: "il-34", Area: "34-kadikoy"},
		{Code: "mah-moda", Kind: "mahalle", Name: "Moda", Parent: "ilce-kadikoy", Area: "34-kadikoy"},
		{Code: "ilce-tuzla", Kind: "ilce", Name: "Tuzla", Parent: "il-34", Area: "34-tuzla"},
	}
}

func TestElectorateAsOfDate(t *testing.T) {
	c := sandik.Congress{ID: "k1", Level: sandik.LevelIlceCongress, Unit: "ilce-kadikoy", Date: "2026-03-01", Boxes: 2}.WithDefaults()
	terms := []sandik.Position{
		// The chair whose term ended the day before is out; the new one in.
		{ID: "p-old", Kind: "ilce_baskani", Unit: "ilce-kadikoy", Person: "old-chair", Start: "2024-01-01", End: "2026-02-28", Source: sandik.SourceCongress},
		{ID: "p-new", Kind: "ilce_baskani", Unit: "ilce-kadikoy", Person: "chair", Start: "2026-03-01", Source: sandik.SourceAppointment},
		{ID: "p-b1", Kind: "yonetim_kurulu_uyesi", Unit: "ilce-kadikoy", Person: "board1", Start: "2024-01-01", Source: sandik.SourceCongress},
		// A mayor below the unit is a natural member (Below).
		{ID: "p-mayor", Kind: "belediye_baskani", Unit: "mah-moda", Person: "mayor", Start: "2024-04-01", Source: sandik.SourceElection},
		// A board member of another district is not.
		{ID: "p-tuzla", Kind: "yonetim_kurulu_uyesi", Unit: "ilce-tuzla", Person: "tuzla", Start: "2024-01-01", Source: sandik.SourceCongress},
		// A treasurer of a unit below is not: the rule has no Below.
		{ID: "p-sayman", Kind: "sayman", Unit: "mah-moda", Person: "moda-sayman", Start: "2024-01-01", Source: sandik.SourceCongress},
	}
	mandates := []sandik.Mandate{
		{ID: "m1", Person: "d1", Level: sandik.LevelIlceCongress, Unit: "ilce-kadikoy", Group: "mah-moda", Rank: 1, Start: "2025-10-01"},
		{ID: "m2", Person: "d2", Level: sandik.LevelIlceCongress, Unit: "ilce-kadikoy", Group: "mah-moda", Rank: 2, Start: "2025-10-01", End: "2026-01-10", EndReason: "istifa"},
		{ID: "m3", Person: "s1", Level: sandik.LevelIlceCongress, Unit: "ilce-kadikoy", Group: "mah-moda", Substitute: 1, Start: "2025-10-01"},
		{ID: "m4", Person: "s2", Level: sandik.LevelIlceCongress, Unit: "ilce-kadikoy", Group: "mah-moda", Substitute: 2, Start: "2025-10-01"},
		// The board member elected as a delegate too sits once, by mandate.
		{ID: "m5", Person: "board1", Level: sandik.LevelIlceCongress, Unit: "ilce-kadikoy", Group: "mah-fener", Rank: 1, Start: "2025-10-01"},
	}
	names := map[sandik.PersonID]string{"chair": "Ayşe", "board1": "Burak", "mayor": "Cem", "d1": "Deniz", "s1": "Emre", "s2": "Fatma"}
	got := sandik.Electorate(c, mandates, terms, testUnits(), names)
	var who []string
	for _, e := range got {
		who = append(who, fmt.Sprintf("%s:%s:%s", e.Person, e.Basis, e.Replaces))
	}
	want := []string{"chair:natural:", "board1:mandate:", "mayor:natural:", "d1:mandate:", "s1:mandate:m2"}
	if !slices.Equal(who, want) {
		t.Fatalf("electorate = %v, want %v", who, want)
	}
	if got[0].Box != 1 || got[len(got)-1].Box != 2 {
		t.Errorf("boxes split %d…%d, want 1…2", got[0].Box, got[len(got)-1].Box)
	}
	// s2 waits; checking them in is refused as a substitute without the mandate.
	states := sandik.MandateStates(mandates, c.Date)
	if states[3].Status != sandik.MandateSubstitute || states[2].Status != sandik.MandateActivated || states[1].Status != sandik.MandateWithdrawn {
		t.Errorf("states = %v %v %v", states[1].Status, states[2].Status, states[3].Status)
	}
	_, err := sandik.CheckCheckin(got, states, "s2")
	if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Rule != sandik.RuleNoMandate {
		t.Errorf("substitute check-in: %v", err)
	}
	_, err = sandik.CheckCheckin(got, states, "old-chair")
	if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Rule != sandik.RuleNotOnList {
		t.Errorf("ended chair check-in: %v", err)
	}
	if e, err := sandik.CheckCheckin(got, states, "s1"); err != nil || e.Replaces != "m2" {
		t.Errorf("activated substitute: %+v %v", e, err)
	}
	// The day before d2 resigned, s1 still waited.
	c.Date = "2026-01-10"
	if st := sandik.MandateStates(mandates, c.Date); st[2].Status != sandik.MandateSubstitute {
		t.Errorf("on the last day of m2, s1 is %s", st[2].Status)
	}
}

func TestQuorum(t *testing.T) {
	q := sandik.DefaultQuorumRule()
	for _, tc := range []struct {
		present, total int
		want           bool
	}{{50, 100, false}, {51, 100, true}, {0, 0, false}, {2, 3, true}, {1, 3, false}} {
		if got := q.Reached(tc.present, tc.total); got != tc.want {
			t.Errorf("%d of %d: %v, want %v", tc.present, tc.total, got, tc.want)
		}
	}
	if n := q.Needed(100); n != 51 {
		t.Errorf("needed of 100 = %d", n)
	}
}

func TestCurrentListsKeepsVersions(t *testing.T) {
	vs := []sandik.CandidateList{
		{Code: "a", Version: 1, Name: "A1"},
		{Code: "b", Version: 1, Name: "B1"},
		{Code: "a", Version: 2, Name: "A2"},
		{Code: "b", Version: 2, Name: "B2", Withdrawn: true},
	}
	got := sandik.CurrentLists(vs)
	if len(got) != 1 || got[0].Name != "A2" {
		t.Fatalf("current = %+v", got)
	}
}

func carsafBallot(t *testing.T, born ...sandik.Date) (sandik.Contest, sandik.Ballot) {
	t.Helper()
	c := sandik.Contest{Code: "yk", Title: "Yönetim", Kind: sandik.ContestBoard, Ballot: sandik.BallotCarsaf, Seats: 2, Substitutes: 1, Tie: sandik.TieListOrder, Position: "yonetim_kurulu_uyesi"}
	var cands []sandik.ListCandidate
	for i, b := range born {
		cands = append(cands, sandik.ListCandidate{Person: sandik.PersonID(fmt.Sprintf("c%d", i+1)), Name: fmt.Sprintf("Aday %d", i+1), Born: b})
	}
	b, err := sandik.BallotOf(c, []sandik.CandidateList{{Code: "x", Camp: "X", Candidates: cands[:2]}, {Code: "y", Camp: "Y", Candidates: cands[2:]}})
	if err != nil {
		t.Fatal(err)
	}
	return c, b
}

func TestWinnersTieRules(t *testing.T) {
	// c2 and c3 tie for the second seat; c4 is behind.
	votes := []int64{10, 7, 7, 3}
	people := func(es []sandik.Elected) []sandik.PersonID {
		var out []sandik.PersonID
		for _, e := range es {
			out = append(out, e.Person)
		}
		return out
	}
	for _, tc := range []struct {
		tie              sandik.TieRule
		born             []sandik.Date
		seed             string
		winners, substit []sandik.PersonID
	}{
		{sandik.TieListOrder, []sandik.Date{"", "", "", ""}, "", []sandik.PersonID{"c1", "c2"}, []sandik.PersonID{"c3"}},
		{sandik.TieAge, []sandik.Date{"1970-01-01", "1980-01-01", "1960-05-05", ""}, "", []sandik.PersonID{"c1", "c3"}, []sandik.PersonID{"c2"}},
		{sandik.TieAge, []sandik.Date{"1970-01-01", "1980-01-01", "", ""}, "", []sandik.PersonID{"c1", "c2"}, []sandik.PersonID{"c3"}},
	} {
		c, b := carsafBallot(t, tc.born...)
		c.Tie = tc.tie
		w, s := sandik.Winners(c, b, votes, []byte(tc.seed))
		if !slices.Equal(people(w), tc.winners) || !slices.Equal(people(s), tc.substit) {
			t.Errorf("%s %v: winners %v substitutes %v, want %v %v", tc.tie, tc.born, people(w), people(s), tc.winners, tc.substit)
		}
		if !w[1].Tied || w[0].Tied || !s[0].Tied {
			t.Errorf("%s: tied flags %v %v %v", tc.tie, w[0].Tied, w[1].Tied, s[0].Tied)
		}
	}
	// The lot: the same seed draws the same; some seed draws each side.
	c, b := carsafBallot(t, "", "", "", "")
	c.Tie = sandik.TieLot
	second := map[sandik.PersonID]bool{}
	for i := range 40 {
		seed := []byte(fmt.Sprintf("seed-%02d-0123456789", i))
		w1, _ := sandik.Winners(c, b, votes, seed)
		w2, _ := sandik.Winners(c, b, votes, seed)
		if !slices.Equal(people(w1), people(w2)) {
			t.Fatal("the same seed drew differently")
		}
		if w1[0].Person != "c1" {
			t.Fatalf("the lot moved the leader: %v", people(w1))
		}
		second[w1[1].Person] = true
	}
	if !second["c2"] || !second["c3"] {
		t.Errorf("40 seeds always drew the same side: %v", second)
	}
}

func TestWinnersBlockList(t *testing.T) {
	c := sandik.Contest{Code: "yk", Title: "Yönetim", Kind: sandik.ContestBoard, Ballot: sandik.BallotBlock, Seats: 2, Substitutes: 1, Tie: sandik.TieListOrder, Position: "yonetim_kurulu_uyesi"}
	l := func(code string, ps ...sandik.PersonID) sandik.CandidateList {
		var cs []sandik.ListCandidate
		for _, p := range ps {
			cs = append(cs, sandik.ListCandidate{Person: p, Name: string(p)})
		}
		return sandik.CandidateList{Code: code, Camp: code, Candidates: cs}
	}
	b, err := sandik.BallotOf(c, []sandik.CandidateList{l("x", "x1", "x2", "x3", "x4"), l("y", "y1", "y2", "y3")})
	if err != nil {
		t.Fatal(err)
	}
	w, s := sandik.Winners(c, b, []int64{40, 60}, nil)
	if len(w) != 2 || w[0].Person != "y1" || w[1].Person != "y2" || len(s) != 1 || s[0].Person != "y3" || s[0].Camp != "y" {
		t.Fatalf("winners %+v substitutes %+v", w, s)
	}
	// A tie between lists goes to the list submitted first.
	w, _ = sandik.Winners(c, b, []int64{50, 50}, nil)
	if w[0].Person != "x1" || !w[0].Tied {
		t.Fatalf("tie: %+v", w)
	}
}

func TestCarsafSheetChecks(t *testing.T) {
	choices := []sandik.Choice{{Code: "a", Name: "A"}, {Code: "b", Name: "B"}, {Code: "c", Name: "C"}}
	ok := sandik.Tutanak{Registered: 100, Voted: 90, ValidWithoutObjection: 88, ValidTotal: 88, Invalid: 2, Votes: []int64{88, 80, 5}}
	if ps := ok.CheckMarks("", choices, 2); len(ps) != 0 {
		t.Fatalf("a good çarşaf sheet: %v", ps)
	}
	above := ok.Clone()
	above.Votes = []int64{10, 89, 0}
	ps := above.CheckMarks("", choices, 2)
	if len(ps) != 1 || ps[0].Field != "votes.b" || ps[0].Rule != sandik.RuleAboveBallots {
		t.Errorf("a candidate above the ballots: %v", ps)
	}
	over := ok.Clone()
	over.Votes = []int64{88, 80, 9}
	ps = over.CheckMarks("", choices, 2)
	if len(ps) != 1 || ps[0].Field != "votes" || ps[0].Rule != sandik.RuleMarksSum {
		t.Errorf("marks over ballots × N: %v", ps)
	}
	bad := ok.Clone()
	bad.Invalid = 3
	if ps := bad.CheckMarks("", choices, 2); len(ps) != 1 || ps[0].Rule != sandik.RuleVotedSum {
		t.Errorf("valid + invalid ≠ voted: %v", ps)
	}
}

// TestCampSeatsBruteForce checks the seat counts over the tree against
// counting, for every camp and unit, the seats of units under it.
func TestCampSeatsBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 12).Draw(t, "units")
		units := []sandik.Unit{{Code: "u0"}}
		for i := 1; i < n; i++ {
			p := rapid.IntRange(0, i-1).Draw(t, "parent")
			units = append(units, sandik.Unit{Code: sandik.UnitCode(fmt.Sprintf("u%d", i)), Parent: sandik.UnitCode(fmt.Sprintf("u%d", p))})
		}
		camps := []string{"", "A", "B", "C"}
		rows := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) sandik.SeatRow {
			return sandik.SeatRow{Unit: units[rapid.IntRange(0, n-1).Draw(t, "unit")].Code, Camp: rapid.SampledFrom(camps).Draw(t, "camp")}
		}), 0, 60).Draw(t, "rows")
		got := sandik.CampSeats(rows, units)
		under := func(u, anc sandik.UnitCode) bool {
			for u != "" {
				if u == anc {
					return true
				}
				i := slices.IndexFunc(units, func(x sandik.Unit) bool { return x.Code == u })
				u = units[i].Parent
			}
			return false
		}
		for _, camp := range camps {
			for _, u := range units {
				want := 0
				for _, r := range rows {
					if r.Camp == camp && under(r.Unit, u.Code) {
						want++
					}
				}
				if got[camp][u.Code] != want {
					t.Fatalf("camp %q unit %s: %d seats, brute force %d", camp, u.Code, got[camp][u.Code], want)
				}
			}
		}
	})
}
