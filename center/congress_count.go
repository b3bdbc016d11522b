package center

import (
	"context"
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
)

// Contests, candidate lists, the count and its approval.

// AddContest adds a contest to congress id for u.
func (c *Center) AddContest(ctx context.Context, u sandik.User, k sandik.Contest) (sandik.Contest, error) {
	g, err := c.Congress(ctx, u, k.Congress, true)
	if err != nil {
		return k, err
	}
	k.Race = ""
	if k.Position == "" {
		k.Position = map[sandik.ContestKind]sandik.KindCode{sandik.ContestChair: chairKind(g.Level), sandik.ContestBoard: "yonetim_kurulu_uyesi", sandik.ContestDelegates: "delege"}[k.Kind]
	}
	if k.Tie == "" {
		k.Tie = sandik.TieLot
	}
	if err := k.Validate(); err != nil {
		return k, err
	}
	kinds, err := c.PositionKinds(ctx)
	if err != nil {
		return k, err
	}
	if !slices.ContainsFunc(kinds, func(p sandik.PositionKind) bool { return p.Code == k.Position }) {
		return k, sandik.Invalid("invalid contest", []sandik.Problem{{Field: "position", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no kind of position %q", k.Position)}})
	}
	return k, c.store.SaveContest(ctx, k)
}

// chairKind is the kind of position a congress's chair holds.
func chairKind(l sandik.CongressLevel) sandik.KindCode {
	switch l {
	case sandik.LevelMahalleCongress:
		return "mahalle_baskani"
	case sandik.LevelIlceCongress:
		return "ilce_baskani"
	case sandik.LevelIlCongress:
		return "il_baskani"
	}
	return "genel_baskan"
}

// Contests returns congress id's contests for u.
func (c *Center) Contests(ctx context.Context, u sandik.User, id sandik.CongressID) ([]sandik.Contest, error) {
	if _, err := c.Congress(ctx, u, id, false); err != nil {
		return nil, err
	}
	return c.store.Contests(ctx, id)
}

// AppendList records a new version of a list for u: the version after
// the latest stored when l.Version is 0, else exactly l.Version (a
// client that read version n sends n+1, and loses to one that wrote it
// first). Every version stays.
func (c *Center) AppendList(ctx context.Context, u sandik.User, l sandik.CandidateList) (sandik.CandidateList, error) {
	if _, err := c.Congress(ctx, u, l.Congress, true); err != nil {
		return l, err
	}
	l.RecordedBy = u.ID
	if l.SubmittedAt.IsZero() {
		l.SubmittedAt = c.now().UTC()
	}
	if l.Version == 0 {
		vs, err := c.store.Lists(ctx, l.Congress)
		if err != nil {
			return l, err
		}
		l.Version = 1
		for _, v := range vs {
			if v.Contest == l.Contest && v.Code == l.Code && v.Version >= l.Version {
				l.Version = v.Version + 1
			}
		}
	}
	return l, c.store.AppendList(ctx, l)
}

// Lists returns every version of congress id's lists for u.
func (c *Center) Lists(ctx context.Context, u sandik.User, id sandik.CongressID) ([]sandik.CandidateList, error) {
	if _, err := c.Congress(ctx, u, id, false); err != nil {
		return nil, err
	}
	return c.store.Lists(ctx, id)
}

func contestOf(ks []sandik.Contest, code string) (sandik.Contest, error) {
	i := slices.IndexFunc(ks, func(k sandik.Contest) bool { return k.Code == code })
	if i < 0 {
		return sandik.Contest{}, sandik.Errorf(sandik.ENotFound, "no contest %q", code)
	}
	return ks[i], nil
}

func listsOf(vs []sandik.CandidateList, contest string) []sandik.CandidateList {
	return slices.DeleteFunc(slices.Clone(vs), func(l sandik.CandidateList) bool { return l.Contest != contest })
}

// OpenCounting fixes contest code's ballot from its current lists and
// registers it as a race of the congress's election over its boxes: from
// then on its sheets are entered like any box's (Submit), and its lists
// no longer change.
func (c *Center) OpenCounting(ctx context.Context, u sandik.User, id sandik.CongressID, code string) (sandik.Contest, error) {
	mu := c.congressLock(id)
	mu.Lock()
	defer mu.Unlock()
	g, err := c.Congress(ctx, u, id, true)
	if err != nil {
		return sandik.Contest{}, err
	}
	if g.Frozen.IsZero() {
		return sandik.Contest{}, &sandik.Error{Code: sandik.EConflict, Message: "the list of delegates is not frozen yet; its boxes are not registered",
			Problems: []sandik.Problem{{Field: "electorate", Rule: sandik.RuleNotFrozen, Message: "approve the list first"}}}
	}
	ks, err := c.store.Contests(ctx, id)
	if err != nil {
		return sandik.Contest{}, err
	}
	k, err := contestOf(ks, code)
	if err != nil {
		return k, err
	}
	if k.Race != "" {
		return k, sandik.Errorf(sandik.EConflict, "the counting of contest %q is open already", code)
	}
	vs, err := c.store.Lists(ctx, id)
	if err != nil {
		return k, err
	}
	b, err := sandik.BallotOf(k, sandik.CurrentLists(listsOf(vs, code)))
	if err != nil {
		return k, err
	}
	race := k.RaceOf(g, b)
	if old, ok := c.Registry().Race(race.Code); ok && !slices.Equal(old.Choices, race.Choices) {
		return k, sandik.Errorf(sandik.EConflict, "race %s is registered with another ballot", race.Code)
	}
	if err := c.extendRegistry(ctx, sandik.Registry{Races: []sandik.Race{race}}); err != nil {
		return k, fmt.Errorf("register the contest's race: %w", err)
	}
	if err := c.store.OpenContest(ctx, id, code, race.Code); err != nil {
		return k, err
	}
	k.Race = race.Code
	return k, nil
}

// ContestResults returns the result of every contest of congress id for
// u: the approved ones as approved, the others live from the verified
// sheets (winners by the tie rule; a lot is drawn only at approval).
func (c *Center) ContestResults(ctx context.Context, u sandik.User, id sandik.CongressID) ([]sandik.ContestResult, int64, error) {
	g, err := c.Congress(ctx, u, id, false)
	if err != nil {
		return nil, 0, err
	}
	v := c.View(u)
	ks, err := c.store.Contests(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	approved, err := c.store.Results(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	vs, err := c.store.Lists(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	out := make([]sandik.ContestResult, 0, len(ks))
	for _, k := range ks {
		if i := slices.IndexFunc(approved, func(r sandik.ContestResult) bool { return r.Contest == k.Code }); i >= 0 {
			out = append(out, approved[i])
			continue
		}
		r, err := c.liveResult(v, g, k, vs, nil)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, v.Seq(), nil
}

func (c *Center) liveResult(v *View, g sandik.Congress, k sandik.Contest, vs []sandik.CandidateList, seed []byte) (sandik.ContestResult, error) {
	r := sandik.ContestResult{Congress: g.ID, Contest: k.Code, Race: k.Race, Tie: k.Tie, Boxes: g.Boxes, Winners: []sandik.Elected{}, Substitutes: []sandik.Elected{}, Votes: []int64{}, Choices: []sandik.Choice{}}
	if k.Race == "" {
		return r, nil
	}
	at, err := v.Totals(k.Race, g.Hall())
	if err != nil {
		return r, err
	}
	b, err := sandik.BallotOf(k, sandik.CurrentLists(listsOf(vs, k.Code)))
	if err != nil {
		return r, err
	}
	ver := at.Totals.Verified
	votes := make([]int64, len(b.Choices))
	copy(votes, ver.Votes)
	r.Boxes, r.Verified = at.Totals.BoxesExpected, at.Totals.BoxesVerified
	r.Ballots, r.Invalid, r.Votes, r.Choices = ver.Voted, ver.Invalid, votes, b.Choices
	r.Winners, r.Substitutes = sandik.Winners(k, b, votes, seed)
	return r, nil
}

// ApproveResult is the committee's approval of contest code's result,
// for u, once every box is verified: the result is kept as it stands and
// never changes; the winners hold the contest's kind of position in the
// congress's unit from today (the outgoing holders' terms ending
// yesterday), so that their rights start now; delegates elected for the
// upper congress get their mandates there, in rank and substitute order.
// A lot is drawn now from a fresh seed, recorded with the result.
func (c *Center) ApproveResult(ctx context.Context, u sandik.User, id sandik.CongressID, code string) (sandik.ContestResult, error) {
	mu := c.congressLock(id)
	mu.Lock()
	defer mu.Unlock()
	g, err := c.Congress(ctx, u, id, true)
	if err != nil {
		return sandik.ContestResult{}, err
	}
	ks, err := c.store.Contests(ctx, id)
	if err != nil {
		return sandik.ContestResult{}, err
	}
	k, err := contestOf(ks, code)
	if err != nil {
		return sandik.ContestResult{}, err
	}
	if k.Race == "" {
		return sandik.ContestResult{}, sandik.Errorf(sandik.EConflict, "the counting of contest %q has not opened", code)
	}
	vs, err := c.store.Lists(ctx, id)
	if err != nil {
		return sandik.ContestResult{}, err
	}
	seed := randomSeed()
	r, err := c.liveResult(c.View(u), g, k, vs, []byte(seed))
	if err != nil {
		return r, err
	}
	if r.Verified < r.Boxes {
		return r, &sandik.Error{Code: sandik.EConflict, Message: fmt.Sprintf("%d of %d boxes are verified; every box's sheet must be verified or adjudicated first", r.Verified, r.Boxes),
			Problems: []sandik.Problem{{Field: "boxes", Rule: "unverified", Message: fmt.Sprintf("%d of %d verified", r.Verified, r.Boxes)}}}
	}
	if k.Tie == sandik.TieLot {
		r.Seed = seed
	}
	now := c.now().UTC()
	r.ApprovedAt, r.ApprovedBy = now, u.ID
	day := sandik.DateOf(now)
	yesterday := sandik.DateOf(now.In(sandik.Istanbul()).AddDate(0, 0, -1))
	a := sandik.Approval{Result: r, EndOn: yesterday, Reason: fmt.Sprintf("kongre %s", g.ID)}
	// The congress replaces the holders of the kind: their open terms
	// end the day before the new ones start.
	old, err := c.store.Positions(ctx, sandik.PositionFilter{Unit: g.Unit, Kind: k.Position, At: day})
	if err != nil {
		return r, err
	}
	for _, p := range old {
		if p.End == "" && p.Start <= yesterday {
			a.End = append(a.End, p.ID)
		}
	}
	for _, w := range r.Winners {
		a.Terms = append(a.Terms, sandik.Position{ID: sandik.PositionID(fmt.Sprintf("kongre-%s-%s-%d", g.ID, k.Code, w.Seat)), Kind: k.Position, Unit: g.Unit,
			Person: w.Person, Start: day, End: k.TermEnd, Source: sandik.SourceCongress})
	}
	if up := g.Level.Upper(); k.Kind == sandik.ContestDelegates && up != "" {
		un, err := c.store.Unit(ctx, g.Unit)
		if err != nil {
			return r, err
		}
		if un.Parent != "" {
			prev, err := c.store.Mandates(ctx, sandik.MandateFilter{Level: up, Unit: un.Parent})
			if err != nil {
				return r, err
			}
			for _, m := range prev {
				if m.Group == g.Unit && m.End == "" && m.Start <= yesterday {
					a.EndMandates = append(a.EndMandates, m.ID)
				}
			}
			mandate := func(e sandik.Elected, suffix string) sandik.Mandate {
				return sandik.Mandate{ID: sandik.MandateID(fmt.Sprintf("kongre-%s-%s-%s", g.ID, k.Code, suffix)), Person: e.Person, Level: up, Unit: un.Parent,
					Group: g.Unit, From: g.ID, Camp: e.Camp, Rank: e.Seat, Substitute: e.Substitute, Start: day, End: k.TermEnd}
			}
			for _, w := range r.Winners {
				a.Mandates = append(a.Mandates, mandate(w, fmt.Sprint(w.Seat)))
			}
			for _, s := range r.Substitutes {
				a.Mandates = append(a.Mandates, mandate(s, fmt.Sprintf("y%d", s.Substitute)))
			}
		}
	}
	if err := c.store.ApproveResult(ctx, a); err != nil {
		return r, err
	}
	c.forget("") // the terms give rights from now
	return r, nil
}

// Calendar lays the default periods on the congresses u may read.
func (c *Center) CongressCalendar(ctx context.Context, u sandik.User) ([]sandik.Period, error) {
	cs, err := c.Congresses(ctx, u, sandik.CongressFilter{})
	if err != nil {
		return nil, err
	}
	return sandik.Calendar(cs, sandik.DefaultCalendar()), nil
}
