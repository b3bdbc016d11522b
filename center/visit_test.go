package center_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"slices"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/storetest"
)

// visitRegistry is İstanbul with three districts whose names the
// embedded outlines know, so tours get a route.
func visitRegistry(t *testing.T) *sandik.Registry {
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.0135", Parent: "34", Level: sandik.LevelIlce, Name: "Kadıköy"},
		{Code: "34.0135.144920", Parent: "34.0135", Level: sandik.LevelMahalle, Name: "Caferağa"},
		{Code: "34.0135.144920.1001", Parent: "34.0135.144920", Level: sandik.LevelSandik, Name: "1001"},
		{Code: "34.0101", Parent: "34", Level: sandik.LevelIlce, Name: "Adalar"},
		{Code: "34.0402", Parent: "34", Level: sandik.LevelIlce, Name: "Kartal"},
	}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

type visitFixture struct {
	c                     *center.Center
	clk                   *clock
	admin, il, chair, bad sandik.User
}

func openVisits(t *testing.T, st sandik.Store) visitFixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: istanbul("2024-05-10 10:00:00")}
	c, err := center.Open(ctx, center.Config{Store: st, Now: clk.now, UserCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.ImportRegistry(ctx, visitRegistry(t)); err != nil {
		t.Fatal(err)
	}
	ch := storetest.OrgFixture()
	ch.Units = append(ch.Units,
		sandik.Unit{Code: "34.0101", Kind: sandik.UnitIlce, Name: "Adalar", Parent: "34", Area: "34.0101"},
		sandik.Unit{Code: "34.0402", Kind: sandik.UnitIlce, Name: "Kartal", Parent: "34", Area: "34.0402"})
	if err := st.SaveOrg(ctx, ch); err != nil {
		t.Fatal(err)
	}
	f := visitFixture{c: c, clk: clk, admin: sandik.User{ID: "root", Role: sandik.RoleAdmin}}
	users := map[string]sandik.User{
		"il":     {ID: "il", Name: "İl", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34"}},
		"adalar": {ID: "adalar", Name: "Adalar", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0101"}},
		"zeynep": {ID: "zeynep", Name: "Zeynep Kaya", Role: sandik.RoleObserver, Person: "k-3"}, // Kadıköy's chair (g-5)
	}
	for id, u := range users {
		token, err := c.CreateUserAs(ctx, f.admin, u)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		switch id {
		case "il":
			f.il = got
		case "adalar":
			f.bad = got
		case "zeynep":
			f.chair = got
		}
	}
	return f
}

func photo(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	img.Set(3, 3, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func wantForbidden(t *testing.T, err error, what string) {
	t.Helper()
	if code := sandik.CodeOf(err); code != sandik.EForbidden && code != sandik.ENotFound {
		t.Errorf("%s: %v, want forbidden", what, err)
	}
}

// TestVisitScopeAndScorecard: the province records a visit with two
// commitments and a photo; the district chair sees their own scorecard
// with it, their sister's once paired, and no other; a coordinator of
// another district reads and writes none of it.
func TestVisitScopeAndScorecard(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f := openVisits(t, open(t))
			c := f.c
			ph, err := c.PutPhoto(ctx, f.il, photo(t))
			if err != nil {
				t.Fatal(err)
			}
			v := sandik.Visit{FromUnit: "34", Visitors: []sandik.PersonID{"k-2"}, Target: sandik.VisitTarget{Unit: "34.0135"},
				Kind: sandik.VisitEvaluation, At: istanbul("2024-05-08 11:00:00"), Photos: []string{ph.Sum}}
			cs := []sandik.Commitment{
				{Text: "Mahalle temsilcileri atanacak", OwnerUnit: "34.0135", Due: "2024-05-09"},
				{Text: "Gençlik kolu kongresi", OwnerPerson: "k-3", Due: "2024-05-10"},
			}
			if _, _, err := c.RecordVisit(ctx, f.bad, v, cs); sandik.CodeOf(err) != sandik.EForbidden {
				t.Errorf("Adalar's coordinator records a visit of the province: %v", err)
			}
			stored, got, err := c.RecordVisit(ctx, f.il, v, cs)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || stored.Area != "34.0135" || stored.By != "il" {
				t.Fatalf("stored %+v %+v", stored, got)
			}
			board, err := c.DueBoard(ctx, f.il, "34")
			if err != nil || len(board.Overdue) != 1 || len(board.DueToday) != 1 {
				t.Errorf("board %+v, %v", board, err)
			}
			// The board after midnight in İstanbul: both overdue.
			f.clk.set(istanbul("2024-05-11 00:00:01"))
			if board, _ := c.DueBoard(ctx, f.il, "34"); len(board.Overdue) != 2 {
				t.Errorf("after midnight: %+v", board)
			}
			f.clk.set(istanbul("2024-05-10 10:00:00"))

			sc, err := c.Scorecard(ctx, f.chair, "34.0135")
			if err != nil {
				t.Fatal(err)
			}
			if sc.Visits != 1 || sc.OpenCommitments != 2 || sc.OverdueCommitments != 1 {
				t.Errorf("scorecard %+v", sc)
			}
			// Kadıköy's chair holds office (g-5); the other five posts of
			// the board are vacant.
			if len(sc.Vacant) != 5 || slices.Contains(sc.Vacant, "ilce_baskani") || sc.Links["visits"] == "" {
				t.Errorf("vacant %v, links %+v", sc.Vacant, sc.Links)
			}
			_, err = c.Scorecard(ctx, f.chair, "34.0402")
			wantForbidden(t, err, "the chair reads Kartal before the pairing")
			goal := sandik.SisterGoal{Metric: sandik.MetricVisits, Unit: "34.0135", From: 0, Target: 2, By: "2024-12-31"}
			pair := sandik.SisterPair{ID: "k-1", Units: []sandik.UnitCode{"34.0135", "34.0402"}, Start: "2024-05-01", Goals: []sandik.SisterGoal{goal}}
			_, err = c.CreateSisterPair(ctx, f.bad, pair)
			wantForbidden(t, err, "Adalar pairs Kadıköy and Kartal")
			if _, err := c.CreateSisterPair(ctx, f.il, pair); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Scorecard(ctx, f.chair, "34.0402"); err != nil {
				t.Errorf("the chair reads their sister Kartal: %v", err)
			}
			_, err = c.Scorecard(ctx, f.chair, "34.0101")
			wantForbidden(t, err, "the chair reads Adalar")
			_, err = c.Scorecard(ctx, f.bad, "34.0135")
			wantForbidden(t, err, "Adalar reads Kadıköy")
			table, err := c.Scorecards(ctx, f.il, "34", "visits", true)
			if err != nil || len(table) != 3 || table[0].Unit != "34.0135" {
				t.Errorf("province table %+v, %v", table, err)
			}
			if _, err := c.Scorecards(ctx, f.bad, "34", "name", false); sandik.CodeOf(err) != sandik.EForbidden {
				t.Errorf("Adalar reads the province table: %v", err)
			}

			// Goal progress follows the data.
			pv, err := c.SisterPairs(ctx, f.chair)
			if err != nil || len(pv) != 1 || pv[0].Progress[0].Current != 1 || pv[0].Progress[0].Percent != 50 {
				t.Fatalf("pairs %+v, %v", pv, err)
			}
			v2 := v
			v2.Photos = nil
			v2.At = istanbul("2024-05-09 15:00:00")
			if _, _, err := c.RecordVisit(ctx, f.il, v2, nil); err != nil {
				t.Fatal(err)
			}
			if pv, _ := c.SisterPairs(ctx, f.chair); !pv[0].Progress[0].Met {
				t.Errorf("after a second visit: %+v", pv[0].Progress)
			}
			if pv, _ := c.SisterPairs(ctx, f.bad); len(pv) != 0 {
				t.Errorf("Adalar sees pairs %+v", pv)
			}

			// Photos only to those who may read the visit.
			if b, err := c.Photo(ctx, f.chair, ph.Sum); err != nil || !bytes.Equal(b, ph.Data) {
				t.Errorf("the chair's photo: %v", err)
			}
			_, err = c.Photo(ctx, f.bad, ph.Sum)
			wantForbidden(t, err, "Adalar reads the photo")
			_, err = c.Visit(ctx, f.bad, stored.ID)
			wantForbidden(t, err, "Adalar reads the visit")
			if vs, err := c.Visits(ctx, f.bad, "", ""); err != nil || len(vs) != 0 {
				t.Errorf("Adalar lists visits %+v, %v", vs, err)
			}
			if b, err := c.DueBoard(ctx, f.bad, ""); err != nil || len(b.Overdue)+len(b.DueToday)+len(b.Later) != 0 {
				t.Errorf("Adalar's board %+v, %v", b, err)
			}
			_, err = c.SetCommitmentStatus(ctx, f.bad, got[0].ID, sandik.CommitDone)
			wantForbidden(t, err, "Adalar closes Kadıköy's commitment")
			if _, err := c.SetCommitmentStatus(ctx, f.il, got[0].ID, sandik.CommitDone); err != nil {
				t.Fatal(err)
			}
			if sc, _ := c.Scorecard(ctx, f.chair, "34.0135"); sc.OverdueCommitments != 0 || sc.OpenCommitments != 1 || sc.Visits != 2 {
				t.Errorf("after closing: %+v", sc)
			}
		})
	}
}

// TestTourRouteAndProgress: a tour of three districts from the province
// gets a nearest-neighbour route over the districts' centroids; a visit
// of the tour marks its stop visited.
func TestTourRouteAndProgress(t *testing.T) {
	ctx := context.Background()
	f := openVisits(t, backends(t)["sqlite"](t))
	c := f.c
	tour := sandik.Tour{Title: "Mayıs turu", Unit: "34", Stops: []sandik.TourStop{
		{Unit: "34.0101", Planned: "2024-05-11"}, {Unit: "34.0135", Planned: "2024-05-12"}, {Unit: "34.0402", Planned: "2024-05-13"}}}
	_, err := c.CreateTour(ctx, f.bad, tour)
	wantForbidden(t, err, "Adalar plans the province's tour")
	tv, err := c.CreateTour(ctx, f.il, tour)
	if err != nil {
		t.Fatal(err)
	}
	if len(tv.Route) != 3 || len(tv.Unplaced) != 0 || tv.Start == nil || tv.Progress.Pending != 3 {
		t.Fatalf("tour %+v", tv)
	}
	total := 0.0
	for _, l := range tv.Route {
		total += l.KM
	}
	if total < 20 || total > 150 {
		t.Errorf("route of %.0f km over İstanbul", total)
	}
	v := sandik.Visit{FromUnit: "34", Visitors: []sandik.PersonID{"k-2"}, Target: sandik.VisitTarget{Unit: "34.0402"},
		Kind: sandik.VisitCongratulate, At: istanbul("2024-05-10 09:00:00"), Tour: tv.Tour.ID}
	if _, _, err := c.RecordVisit(ctx, f.il, v, nil); err != nil {
		t.Fatal(err)
	}
	tv, err = c.SetStop(ctx, f.il, tv.Tour.ID, "34.0101", sandik.StopPostponed, "2024-06-01")
	if err != nil {
		t.Fatal(err)
	}
	if tv.Progress.Visited != 1 || tv.Progress.Postponed != 1 || tv.Progress.Pending != 1 {
		t.Errorf("progress %+v", tv.Progress)
	}
	_, err = c.Tour(ctx, f.bad, tv.Tour.ID)
	wantForbidden(t, err, "Adalar reads the province's tour")
	un, err := c.Unvisited(ctx, f.il, "34", 6)
	if err != nil || len(un) != 2 {
		t.Errorf("unvisited %+v, %v", un, err)
	}
	f.clk.set(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if un, _ := c.Unvisited(ctx, f.il, "34", 6); len(un) != 3 {
		t.Errorf("seven months later, unvisited %+v", un)
	}
	sug, err := c.Suggestions(ctx, f.il, "34", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sug {
		if s.Weak == s.Partner || s.Sentence == "" {
			t.Errorf("suggestion %+v", s)
		}
	}
}

// TestScorecardMunicipalityOutcome: won, kept, gained and lost come from
// the two latest terms of each district's municipality, for our party,
// with the margin of the latest.
func TestScorecardMunicipalityOutcome(t *testing.T) {
	ctx := context.Background()
	f := openVisits(t, backends(t)["sqlite"](t))
	c := f.c
	if err := c.SetOurParty(ctx, f.admin, "CHP", 0); err != nil {
		t.Fatal(err)
	}
	term := func(code sandik.MunicipalityCode, e sandik.ElectionCode, day sandik.Date, party sandik.PartyCode, pts float64) sandik.MunicipalTerm {
		return sandik.MunicipalTerm{Municipality: code, Election: e, Day: day, Version: 1, Mayor: "Başkan (sentetik)", Party: party,
			MarginVotes: 100, MarginPoints: pts, Source: sandik.TermByHand, Reason: "test"}
	}
	ch := sandik.MunicipalChange{Municipalities: []sandik.Municipality{
		{Code: "34.0135", Kind: sandik.MuniIlce, Name: "Kadıköy Belediyesi", Area: "34.0135"},
		{Code: "34.0101", Kind: sandik.MuniIlce, Name: "Adalar Belediyesi", Area: "34.0101"},
		{Code: "34.0402", Kind: sandik.MuniIlce, Name: "Kartal Belediyesi", Area: "34.0402"},
	}, Terms: []sandik.MunicipalTerm{
		term("34.0135", "2019", "2019-03-31", "CHP", 20), term("34.0135", "2024", "2024-03-31", "CHP", 25),
		term("34.0101", "2019", "2019-03-31", "AKP", 2), term("34.0101", "2024", "2024-03-31", "CHP", 1.5),
		term("34.0402", "2019", "2019-03-31", "CHP", 3), term("34.0402", "2024", "2024-03-31", "AKP", 0.4),
	}}
	if err := c.SaveMunicipalities(ctx, f.admin, ch); err != nil {
		t.Fatal(err)
	}
	want := map[sandik.UnitCode]struct {
		outcome string
		margin  float64
	}{"34.0135": {"korundu", 25}, "34.0101": {"alindi", 1.5}, "34.0402": {"kaybedildi", 0.4}}
	cards, err := c.Scorecards(ctx, f.il, "34", "municipality", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range cards {
		if w := want[sc.Unit]; sc.Outcome != w.outcome || sc.MarginPts != w.margin {
			t.Errorf("%s: %s %.1f, want %s %.1f", sc.Unit, sc.Outcome, sc.MarginPts, w.outcome, w.margin)
		}
	}
	if cards[0].Outcome != "alindi" || cards[2].Outcome != "korundu" {
		t.Errorf("sorted by municipality: %s, %s, %s", cards[0].Outcome, cards[1].Outcome, cards[2].Outcome)
	}
}
