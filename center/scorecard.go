package center

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/belediye"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/web/geo"
)

// The district scorecard, the province table and sister districts. A
// scorecard is read by whoever's areas reach the district, and by the
// people of a district paired with it now: a district chair sees their
// own and their sister's, and no other.

// boardKinds are the one-holder posts every district board fills; one
// without a holder today is a vacancy on the scorecard.
var boardKinds = []sandik.KindCode{"ilce_baskani", "sekreter", "sayman", "secim_sorumlusu", "kadin_kolu_baskani", "genclik_kolu_baskani"}

var (
	placesOnce sync.Once
	provinceAt map[string]geo.LatLon
	istanbulAt map[string]geo.LatLon
	errPlaces  error
)

// placeOf is the centroid of an area from the embedded outlines: the
// provinces, and İstanbul's districts. Other areas have none.
func (c *Center) placeOf(area sandik.AreaCode) (sandik.Point, bool) {
	placesOnce.Do(func() {
		provinceAt, errPlaces = geo.ProvinceCentroids()
		if errPlaces == nil {
			istanbulAt, errPlaces = geo.IstanbulCentroids()
		}
	})
	if errPlaces != nil {
		return sandik.Point{}, false
	}
	reg := c.Registry()
	a, ok := reg.Area(area)
	if !ok {
		return sandik.Point{}, false
	}
	var ll geo.LatLon
	switch a.Level {
	case sandik.LevelIl:
		ll, ok = provinceAt[geo.Key(a.Name)]
	case sandik.LevelIlce:
		p, pok := reg.Area(a.Parent)
		if !pok || geo.Key(p.Name) != geo.Key("İstanbul") {
			return sandik.Point{}, false
		}
		ll, ok = istanbulAt[geo.Key(a.Name)]
	default:
		return sandik.Point{}, false
	}
	return sandik.Point{Lat: ll.Lat, Lon: ll.Lon}, ok
}

// ScorecardAllow decides whether u may read the scorecard of district
// unit d: their areas reach it, or reach a district paired with it today.
func (c *Center) ScorecardAllow(ctx context.Context, u sandik.User, d sandik.Unit) error {
	err := c.OrgAllow(u, d.Area, false)
	if err == nil {
		return nil
	}
	pairs, perr := c.store.SisterPairs(ctx)
	if perr != nil {
		return perr
	}
	today := sandik.DateOf(c.now())
	for _, p := range pairs {
		if !p.Current(today) || !p.Has(d.Code) {
			continue
		}
		for _, other := range p.Units {
			if other == d.Code {
				continue
			}
			if ou, oerr := c.store.Unit(ctx, other); oerr == nil && c.OrgAllow(u, ou.Area, false) == nil {
				return nil
			}
		}
	}
	return err
}

// scoreData is what every scorecard of one request is computed from,
// read once.
type scoreData struct {
	party    sandik.PartyCode
	units    map[sandik.UnitCode]sandik.Unit
	counts   map[sandik.UnitCode]sandik.AreaVisitCounts
	meetings map[sandik.UnitCode][]sandik.Meeting
	attended map[sandik.MeetingID]int
	invited  map[sandik.MeetingID]int
	decided  map[sandik.UnitCode][]sandik.Decision
	terms    map[sandik.UnitCode][]sandik.Position
	outcome  map[sandik.AreaCode]belediye.Result
}

// ilceFinder returns a function that tells the district (ilçe) area at
// or above an area, or "". Most areas counted are mahalleler, many of
// one district: it remembers the answer for each parent it walked up
// from, so each is walked once, and the mahalleler, each asked about
// once, are not kept.
func ilceFinder(reg *sandik.Registry) func(sandik.AreaCode) sandik.AreaCode {
	memo := map[sandik.AreaCode]sandik.AreaCode{}
	var find func(a sandik.AreaCode, keep bool) sandik.AreaCode
	find = func(a sandik.AreaCode, keep bool) sandik.AreaCode {
		if d, ok := memo[a]; ok {
			return d
		}
		x, ok := reg.Area(a)
		d := sandik.AreaCode("")
		switch {
		case !ok:
		case x.Level == sandik.LevelIlce:
			d = a
		case x.Parent != "" && x.Parent != a:
			d = find(x.Parent, true)
		}
		if keep {
			memo[a] = d
		}
		return d
	}
	return func(a sandik.AreaCode) sandik.AreaCode { return find(a, false) }
}

// loadScoreData reads the rows for the districts of ds.
func (c *Center) loadScoreData(ctx context.Context, ds []sandik.Unit) (*scoreData, error) {
	reg := c.Registry()
	party, _, err := c.OurParty(ctx)
	if err != nil {
		return nil, err
	}
	sd := &scoreData{party: party, units: map[sandik.UnitCode]sandik.Unit{}, counts: map[sandik.UnitCode]sandik.AreaVisitCounts{},
		meetings: map[sandik.UnitCode][]sandik.Meeting{}, attended: map[sandik.MeetingID]int{}, invited: map[sandik.MeetingID]int{},
		decided: map[sandik.UnitCode][]sandik.Decision{}, terms: map[sandik.UnitCode][]sandik.Position{}, outcome: map[sandik.AreaCode]belediye.Result{}}
	byArea := map[sandik.AreaCode]sandik.UnitCode{}
	for _, d := range ds {
		sd.units[d.Code] = d
		byArea[d.Area] = d.Code
	}
	// One district reads its own areas' counts; a table reads them all.
	var only []sandik.AreaCode
	if len(ds) == 1 {
		only = underArea(reg, ds[0].Area)
	}
	counts, err := c.store.VisitCounts(ctx, c.now(), only)
	if err != nil {
		return nil, err
	}
	ilceAt := ilceFinder(reg)
	for _, vc := range counts {
		code, ok := byArea[ilceAt(vc.Area)]
		if !ok {
			continue
		}
		t := sd.counts[code]
		t.Area = sd.units[code].Area
		t.Visits += vc.Visits
		t.OpenCommitments += vc.OpenCommitments
		t.OverdueCommitments += vc.OverdueCommitments
		sd.counts[code] = t
	}
	ms, err := c.store.Meetings(ctx, sandik.MeetingFilter{})
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if _, ok := sd.units[m.Unit]; !ok {
			continue
		}
		sd.meetings[m.Unit] = append(sd.meetings[m.Unit], m)
		att, err := c.store.Attendance(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		invs, err := c.store.Invitations(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		sd.attended[m.ID], sd.invited[m.ID] = len(att), len(invs)
	}
	decs, err := c.store.Decisions(ctx, sandik.DecisionFilter{Open: true})
	if err != nil {
		return nil, err
	}
	homes := map[sandik.PersonID]sandik.UnitCode{}
	for _, d := range decs {
		if d.OwnerPerson != "" {
			homes[d.OwnerPerson] = ""
		}
	}
	if len(homes) > 0 {
		ids := make([]sandik.PersonID, 0, len(homes))
		for id := range homes {
			ids = append(ids, id)
		}
		people, err := c.store.People(ctx, sandik.PeopleFilter{IDs: ids})
		if err != nil {
			return nil, err
		}
		for _, p := range people {
			homes[p.ID] = p.Home
		}
	}
	for _, d := range decs {
		owner := d.OwnerUnit
		if d.OwnerPerson != "" {
			owner = homes[d.OwnerPerson]
		}
		if _, ok := sd.units[owner]; ok {
			sd.decided[owner] = append(sd.decided[owner], d)
		}
	}
	// Only the board's posts count for vacancies: read the districts'
	// terms of those kinds held today in one statement, by the (unit,
	// kind) index, rather than every term of a kind in the country.
	if len(ds) > 0 {
		codes := make([]sandik.UnitCode, len(ds))
		for i, d := range ds {
			codes[i] = d.Code
		}
		terms, err := c.store.Positions(ctx, sandik.PositionFilter{Units: codes, Kinds: boardKinds, At: sandik.DateOf(c.now())})
		if err != nil {
			return nil, err
		}
		for _, p := range terms {
			sd.terms[p.Unit] = append(sd.terms[p.Unit], p)
		}
	}
	if err := c.loadOutcomes(ctx, reg, sd); err != nil {
		return nil, err
	}
	return sd, nil
}

// loadOutcomes judges each district municipality at the latest
// election it has a term of: won, kept, gained or lost.
func (c *Center) loadOutcomes(ctx context.Context, reg *sandik.Registry, sd *scoreData) error {
	munis, err := c.store.Municipalities(ctx, sandik.MunicipalFilter{})
	if err != nil {
		return err
	}
	terms, err := c.store.MunicipalTerms(ctx, sandik.MunicipalFilter{})
	if err != nil {
		return err
	}
	latest := map[sandik.MunicipalityCode]sandik.MunicipalTerm{}
	for _, t := range terms {
		if l, ok := latest[t.Municipality]; !ok || t.Day > l.Day {
			latest[t.Municipality] = t
		}
	}
	for _, m := range munis {
		if m.Kind != sandik.MuniIlce {
			continue
		}
		l, ok := latest[m.Code]
		if !ok {
			continue
		}
		if rs := belediye.Compare(sd.party, l.Election, []sandik.Municipality{m}, terms); len(rs) == 1 {
			sd.outcome[m.Area] = rs[0]
		}
	}
	return nil
}

// results are the party's figures in the district at every mayoral
// race whose scope holds it: official where every box has them, else
// verified.
func (c *Center) results(d sandik.Unit) []sandik.ElectionResult {
	reg := c.Registry()
	eng := c.engine.Load()
	var out []sandik.ElectionResult
	for i := range reg.Races {
		rc := &reg.Races[i]
		kind, ok := belediye.MayoralKind(reg, rc)
		if !ok || (rc.Scope != d.Area && !reg.Contains(rc.Scope, d.Area)) {
			continue
		}
		at, err := eng.Totals(rc.Code, d.Area)
		if err != nil {
			continue
		}
		counts, basis := at.Totals.Verified, "verified"
		if at.Totals.BoxesExpected > 0 && at.Totals.BoxesOfficial == at.Totals.BoxesExpected {
			counts, basis = at.Totals.Official, "official"
		}
		if counts.ValidTotal == 0 {
			continue
		}
		e, _ := reg.Election(rc.Election)
		r := sandik.ElectionResult{Election: rc.Election, Race: rc.Code, Day: sandik.DateOf(e.Date), Kind: string(kind), Valid: counts.ValidTotal, Basis: basis, Votes: map[sandik.PartyCode]int64{}}
		for j, ch := range rc.Choices {
			if j >= len(counts.Votes) {
				break
			}
			if _, p, err := belediye.Candidate(ch); err == nil {
				r.Votes[p] += counts.Votes[j]
			}
		}
		out = append(out, r)
	}
	return out
}

func (c *Center) scorecard(ctx context.Context, sd *scoreData, d sandik.Unit) sandik.Scorecard {
	in := sandik.ScoreInput{Unit: d, Party: sd.party, Results: c.results(d), Meetings: sd.meetings[d.Code],
		Attended: sd.attended, Invited: sd.invited, Decisions: sd.decided[d.Code], Terms: sd.terms[d.Code],
		BoardKinds: boardKinds, Now: c.now()}
	if o, ok := sd.outcome[d.Area]; ok {
		in.Outcome = string(o.Outcome)
		in.MarginPts = o.Term.MarginPoints
	}
	if len(in.Results) > 0 {
		last := in.Results[0]
		for _, r := range in.Results {
			if r.Day > last.Day {
				last = r
			}
		}
		if cov, err := c.coverage(ctx, c.Registry(), last.Election, d.Area); err == nil {
			in.Boxes, in.Covered = cov.Boxes, cov.Covered()
		}
	}
	vc := sd.counts[d.Code]
	in.Counts = &vc
	return sandik.ComputeScorecard(in)
}

// Scorecard returns the scorecard of district unit code for u.
func (c *Center) Scorecard(ctx context.Context, u sandik.User, code sandik.UnitCode) (sandik.Scorecard, error) {
	d, err := c.store.Unit(ctx, code)
	if err != nil {
		return sandik.Scorecard{}, err
	}
	if d.Kind != sandik.UnitIlce {
		return sandik.Scorecard{}, sandik.Invalid("invalid unit", []sandik.Problem{{Field: "unit", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("%q is a %s; scorecards are of districts (ilçe)", code, d.Kind)}})
	}
	if err := c.ScorecardAllow(ctx, u, d); err != nil {
		return sandik.Scorecard{}, err
	}
	sd, err := c.loadScoreData(ctx, []sandik.Unit{d})
	if err != nil {
		return sandik.Scorecard{}, err
	}
	return c.scorecard(ctx, sd, d), nil
}

// districtsUnder returns the district units whose areas lie under area
// (all when empty) and u may read.
func (c *Center) districtsUnder(ctx context.Context, u sandik.User, area sandik.AreaCode) ([]sandik.Unit, error) {
	if area != "" {
		if err := c.OrgAllow(u, area, false); err != nil {
			return nil, err
		}
	}
	reg := c.Registry()
	units, err := c.store.UnitsOfKind(ctx, sandik.UnitIlce)
	if err != nil {
		return nil, err
	}
	var out []sandik.Unit
	for _, x := range units {
		if (area == "" || x.Area == area || reg.Contains(area, x.Area)) && c.OrgAllow(u, x.Area, false) == nil {
			out = append(out, x)
		}
	}
	return out, nil
}

// Scorecards is the province table: the scorecards of the districts
// under area that u may read, sorted by column.
func (c *Center) Scorecards(ctx context.Context, u sandik.User, area sandik.AreaCode, column string, desc bool) ([]sandik.Scorecard, error) {
	ds, err := c.districtsUnder(ctx, u, area)
	if err != nil {
		return nil, err
	}
	sd, err := c.loadScoreData(ctx, ds)
	if err != nil {
		return nil, err
	}
	cards := make([]sandik.Scorecard, 0, len(ds))
	for _, d := range ds {
		cards = append(cards, c.scorecard(ctx, sd, d))
	}
	if column == "" {
		column = "name"
	}
	if err := sandik.SortScorecards(cards, column, desc); err != nil {
		return nil, err
	}
	if column == "name" {
		// Names in Turkish order (Bağcılar before Bayrampaşa).
		collation.Sort(cards, func(s sandik.Scorecard) string { return s.Name })
		if desc {
			slices.Reverse(cards)
		}
	}
	return cards, nil
}

// PairView is a sister pair with its districts' names, joint visits and
// each goal's progress, recomputed now.
type PairView struct {
	Pair     sandik.SisterPair          `json:"pair"`
	Names    map[sandik.UnitCode]string `json:"names"`
	Joint    []sandik.Visit             `json:"joint_visits"`
	Progress []sandik.GoalProgress      `json:"progress"`
	Current  bool                       `json:"current"`
}

// SisterPairs returns the pairs with a district u may read.
func (c *Center) SisterPairs(ctx context.Context, u sandik.User) ([]PairView, error) {
	pairs, err := c.store.SisterPairs(ctx)
	if err != nil {
		return nil, err
	}
	var mine []sandik.SisterPair
	var ds []sandik.Unit
	seen := map[sandik.UnitCode]bool{}
	for _, p := range pairs {
		var us []sandik.Unit
		ok := false
		for _, code := range p.Units {
			x, err := c.store.Unit(ctx, code)
			if err != nil {
				return nil, err
			}
			us = append(us, x)
			ok = ok || c.OrgAllow(u, x.Area, false) == nil
		}
		if !ok {
			continue
		}
		mine = append(mine, p)
		for _, x := range us {
			if !seen[x.Code] {
				seen[x.Code] = true
				ds = append(ds, x)
			}
		}
	}
	out := []PairView{}
	if len(mine) == 0 {
		return out, nil
	}
	sd, err := c.loadScoreData(ctx, ds)
	if err != nil {
		return nil, err
	}
	cards := map[sandik.UnitCode]sandik.Scorecard{}
	names := map[sandik.UnitCode]string{}
	for _, d := range ds {
		cards[d.Code] = c.scorecard(ctx, sd, d)
		names[d.Code] = d.Name
	}
	vs, err := c.store.Visits(ctx, sandik.VisitFilter{})
	if err != nil {
		return nil, err
	}
	homes, err := c.visitorHomes(ctx, vs)
	if err != nil {
		return nil, err
	}
	today := sandik.DateOf(c.now())
	for _, p := range mine {
		joint := p.JointVisits(vs, homes)
		pv := PairView{Pair: p, Names: map[sandik.UnitCode]string{}, Joint: joint, Progress: p.Progress(cards, len(joint)), Current: p.Current(today)}
		if pv.Joint == nil {
			pv.Joint = []sandik.Visit{}
		}
		for _, code := range p.Units {
			pv.Names[code] = names[code]
		}
		out = append(out, pv)
	}
	return out, nil
}

func (c *Center) visitorHomes(ctx context.Context, vs []sandik.Visit) (map[sandik.PersonID]sandik.UnitCode, error) {
	set := map[sandik.PersonID]bool{}
	for _, v := range vs {
		for _, p := range v.Visitors {
			set[p] = true
		}
	}
	homes := map[sandik.PersonID]sandik.UnitCode{}
	if len(set) == 0 {
		return homes, nil
	}
	ids := make([]sandik.PersonID, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	people, err := c.store.People(ctx, sandik.PeopleFilter{IDs: ids})
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		homes[p.ID] = p.Home
	}
	return homes, nil
}

// CreateSisterPair stores a pair for u, who must be able to change the
// organisation of every district in it.
func (c *Center) CreateSisterPair(ctx context.Context, u sandik.User, p sandik.SisterPair) (sandik.SisterPair, error) {
	if p.ID == "" {
		p.ID = sandik.SisterPairID("kardes-" + randomHex(6))
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	for i, code := range p.Units {
		x, err := c.store.Unit(ctx, code)
		if err != nil {
			if sandik.CodeOf(err) == sandik.ENotFound {
				return p, sandik.Invalid("invalid sister pair", []sandik.Problem{{Field: fmt.Sprintf("units[%d]", i), Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
			}
			return p, err
		}
		if err := c.OrgAllow(u, x.Area, true); err != nil {
			return p, fmt.Errorf("units[%d]: %w", i, err)
		}
	}
	return p, c.store.SaveSisterPair(ctx, p)
}

// Suggestions proposes sister districts among the districts under area
// u may read; across provinces only when cross.
func (c *Center) Suggestions(ctx context.Context, u sandik.User, area sandik.AreaCode, cross bool) ([]sandik.Suggestion, error) {
	cards, err := c.Scorecards(ctx, u, area, "name", false)
	if err != nil {
		return nil, err
	}
	reg := c.Registry()
	places := map[sandik.UnitCode]sandik.SuggestPlace{}
	for _, sc := range cards {
		p, ok := c.placeOf(sc.Area)
		if !ok {
			continue
		}
		a, _ := reg.Area(sc.Area)
		places[sc.Unit] = sandik.SuggestPlace{At: p, Province: a.Parent}
	}
	opts := sandik.DefaultSuggestOptions()
	opts.CrossProvince = cross
	out := sandik.Suggest(cards, places, opts)
	if out == nil {
		out = []sandik.Suggestion{}
	}
	return out, nil
}

// underArea lists area and the areas below it that are not boxes or
// buildings (visits go to units, which stand for places down to the
// mahalle).
func underArea(reg *sandik.Registry, area sandik.AreaCode) []sandik.AreaCode {
	out := []sandik.AreaCode{area}
	for i := 0; i < len(out); i++ {
		for _, ch := range reg.Children(out[i]) {
			if a, ok := reg.Area(ch); ok && a.Level <= sandik.LevelMahalle {
				out = append(out, ch)
			}
		}
	}
	return out
}
