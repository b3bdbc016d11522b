package center

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/belediye"
)

// Municipalities: read by anyone whose areas reach them, written by
// administrators and coordinators within their areas (OrgAllow), every
// municipality placed in the registry and every term a new version.

// Municipal is the municipalities as stored, for reads; what a user may
// see of them is decided by the caller with OrgAllow.
func (c *Center) Municipal() sandik.MunicipalStore { return c.store }

// partyKey is the setting holding the organisation's own party code.
const partyKey = "org.party"

// OurParty returns the organisation's party code and the version of the
// setting holding it; "" and 0 when none is set.
func (c *Center) OurParty(ctx context.Context) (sandik.PartyCode, int, error) {
	st, err := c.store.Setting(ctx, partyKey)
	if sandik.CodeOf(err) == sandik.ENotFound {
		return "", 0, nil
	}
	if err != nil {
		return "", 0, fmt.Errorf("our party: %w", err)
	}
	var p sandik.PartyCode
	if err := json.Unmarshal(st.Value, &p); err != nil {
		return "", 0, fmt.Errorf("our party: stored value %s: %w", st.Value, err)
	}
	return p, st.Version, nil
}

// SetOurParty stores the organisation's party code, in Turkish upper
// case as Candidate writes parties, over version (the one read; 0 when
// none was set): administrators only, EConflict when
// someone saved since.
func (c *Center) SetOurParty(ctx context.Context, u sandik.User, party sandik.PartyCode, version int) error {
	if u.Role != sandik.RoleAdmin {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not set the organisation's party; administrators may", u.ID, u.Role)
	}
	party = sandik.PartyCode(strings.ToUpperSpecial(unicode.TurkishCase, string(party)))
	if err := sandik.ValidateCode(string(party)); err != nil || party == sandik.PartyIndependent {
		return sandik.Invalid("invalid party", []sandik.Problem{{Field: "party", Rule: sandik.RuleInvalidValue,
			Message: fmt.Sprintf("a party code as the ballots write it, such as CHP (got %q)", party)}})
	}
	value, _ := json.Marshal(party)
	return c.store.PutSetting(ctx, sandik.Setting{Key: partyKey, Value: value, Version: version + 1, UpdatedBy: u.ID, UpdatedAt: c.now().UTC()}, version)
}

// SaveMunicipalities stores ch for u: every municipality placed in the
// registry (its Province filled) and within u's areas, every term stamped
// with u and the time and within u's areas.
func (c *Center) SaveMunicipalities(ctx context.Context, u sandik.User, ch sandik.MunicipalChange) error {
	now := c.now().UTC()
	for i := range ch.Terms {
		ch.Terms[i].SavedBy, ch.Terms[i].SavedAt = u.ID, now
	}
	reg := c.Registry()
	if err := belediye.Place(reg, &ch); err != nil {
		return err
	}
	if err := ch.Validate(); err != nil {
		return err
	}
	areas := make(map[sandik.MunicipalityCode]sandik.AreaCode, len(ch.Municipalities))
	for i, m := range ch.Municipalities {
		if err := c.OrgAllow(u, m.Area, true); err != nil {
			return fmt.Errorf("municipalities[%d]: %w", i, err)
		}
		areas[m.Code] = m.Area
	}
	for i, t := range ch.Terms {
		area, ok := areas[t.Municipality]
		if !ok {
			m, err := c.store.Municipality(ctx, t.Municipality)
			if sandik.CodeOf(err) == sandik.ENotFound {
				return sandik.Invalid("invalid change of municipalities", []sandik.Problem{{Field: fmt.Sprintf("terms[%d].municipality", i),
					Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no municipality %q", t.Municipality)}})
			}
			if err != nil {
				return err
			}
			area = m.Area
		}
		if err := c.OrgAllow(u, area, true); err != nil {
			return fmt.Errorf("terms[%d]: %w", i, err)
		}
	}
	return c.store.SaveMunicipalities(ctx, ch)
}

// TermEdit is a correction by hand of a municipality's term at an
// election: the fields it sets, the reason, and Replaces, the version it
// corrects (0 for a term not stored yet).
type TermEdit struct {
	Mayor        string                 `json:"mayor"`
	MayorPerson  sandik.PersonID        `json:"mayor_person,omitempty"`
	Party        sandik.PartyCode       `json:"party"`
	Council      []sandik.CouncilMember `json:"council,omitempty"`
	MarginVotes  int64                  `json:"margin_votes"`
	MarginPoints float64                `json:"margin_points"`
	Day          sandik.Date            `json:"day,omitempty"` // for a new term of an election not in the registry
	Reason       string                 `json:"reason"`
	Replaces     int                    `json:"replaces"`
}

// EditTerm stores e as the next version of code's term at election,
// entered by hand, and returns it. The day is the one recorded with the
// term corrected, else the election's in the registry, else e.Day (an
// earlier election the registry does not hold); EConflict when the
// stored version is not e.Replaces.
func (c *Center) EditTerm(ctx context.Context, u sandik.User, code sandik.MunicipalityCode, election sandik.ElectionCode, e TermEdit) (sandik.MunicipalTerm, error) {
	day := e.Day
	stored, err := c.store.MunicipalTerms(ctx, sandik.MunicipalFilter{Municipality: code, Election: election})
	if err != nil {
		return sandik.MunicipalTerm{}, err
	}
	if el, ok := c.Registry().Election(election); ok && len(stored) == 0 {
		day = sandik.DateOf(el.Date)
	}
	if len(stored) > 0 && day == "" {
		day = stored[0].Day // a correction keeps the day recorded
	}
	if day == "" {
		return sandik.MunicipalTerm{}, sandik.Invalid("invalid term", []sandik.Problem{{Field: "day", Rule: sandik.RuleRequired,
			Message: fmt.Sprintf("election %q is not in the registry; give the day it was held", election)}})
	}
	t := sandik.MunicipalTerm{Municipality: code, Election: election, Day: day, Version: e.Replaces + 1, Mayor: e.Mayor,
		MayorPerson: e.MayorPerson, Party: e.Party, Council: e.Council, MarginVotes: e.MarginVotes, MarginPoints: e.MarginPoints,
		Source: sandik.TermByHand, Reason: e.Reason}
	if err := c.SaveMunicipalities(ctx, u, sandik.MunicipalChange{Terms: []sandik.MunicipalTerm{t}}); err != nil {
		return sandik.MunicipalTerm{}, unprefix(err)
	}
	terms, err := c.store.MunicipalTerms(ctx, sandik.MunicipalFilter{Municipality: code, Election: election})
	if err != nil || len(terms) != 1 {
		return t, err
	}
	return terms[0], nil
}

// unprefix names a single term's fields without "terms[0].".
func unprefix(err error) error {
	var e *sandik.Error
	if !errors.As(err, &e) {
		return err
	}
	out := *e
	out.Problems = slices.Clone(e.Problems)
	for i := range out.Problems {
		f := out.Problems[i].Field
		if len(f) > len("terms[0].") && f[:len("terms[0].")] == "terms[0]." {
			out.Problems[i].Field = f[len("terms[0]."):]
		}
	}
	return &out
}

// FillOutcome is what filling did with one mayoral race.
type FillOutcome string

// The outcomes of filling a race.
const (
	FillWritten   FillOutcome = "yazildi"    // a new version from the official figures
	FillUnchanged FillOutcome = "ayni"       // the stored term says the same
	FillKeptHand  FillOutcome = "elle_kaldi" // a correction by hand stands; not overwritten
	FillSkipped   FillOutcome = "atlandi"    // no winner can be named (Reason says why)
)

// FillResult is one mayoral race's result from the official figures.
type FillResult struct {
	Race          sandik.RaceCode      `json:"race"`
	Municipality  sandik.Municipality  `json:"municipality"`
	Outcome       FillOutcome          `json:"outcome"`
	Term          sandik.MunicipalTerm `json:"term"`
	BoxesOfficial int                  `json:"boxes_official"`
	BoxesExpected int                  `json:"boxes_expected"`
	Reason        string               `json:"reason,omitempty"`
}

// FillMunicipalities computes, for every mayoral race of an election,
// the winner over the official figures of the race's boxes and the
// margin over the runner-up, and stores each as the next version of the
// municipality's term (the municipality created if new), all in one
// write. A race still missing official figures for some boxes is
// skipped, unless partial; a tie is skipped (the board draws lots); a
// term corrected by hand is kept, never overwritten. Only races within
// u's areas are filled.
func (c *Center) FillMunicipalities(ctx context.Context, u sandik.User, election sandik.ElectionCode, partial bool) ([]FillResult, error) {
	eng := c.engine.Load()
	reg := eng.Registry()
	el, ok := reg.Election(election)
	if !ok {
		return nil, sandik.Errorf(sandik.ENotFound, "election %q does not exist", election)
	}
	day := sandik.DateOf(el.Date)
	races := belediye.MayoralRaces(reg, election)
	if len(races) == 0 {
		return nil, sandik.Errorf(sandik.ENotFound, "election %q has no mayoral race (a race named \"… Belediye Başkanı\")", election)
	}
	stored, err := c.store.MunicipalTerms(ctx, sandik.MunicipalFilter{Election: election})
	if err != nil {
		return nil, err
	}
	current := make(map[sandik.MunicipalityCode]sandik.MunicipalTerm, len(stored))
	for _, t := range stored {
		current[t.Municipality] = t
	}
	var out []FillResult
	var ch sandik.MunicipalChange
	for _, rc := range races {
		m, err := belediye.Municipality(reg, rc)
		if err != nil {
			return nil, err
		}
		if c.OrgAllow(u, m.Area, true) != nil {
			continue
		}
		at, err := eng.Totals(rc.Code, rc.Scope)
		if err != nil {
			return nil, err
		}
		r := FillResult{Race: rc.Code, Municipality: m, BoxesOfficial: at.Totals.BoxesOfficial, BoxesExpected: at.Totals.BoxesExpected}
		skip := func(why string) { r.Outcome, r.Reason = FillSkipped, why; out = append(out, r) }
		if r.BoxesOfficial == 0 || (r.BoxesOfficial < r.BoxesExpected && !partial) {
			skip(fmt.Sprintf("official figures for %d of %d boxes", r.BoxesOfficial, r.BoxesExpected))
			continue
		}
		off := at.Totals.Official
		win, err := belediye.Winner(off.Votes, off.ValidTotal)
		if err != nil {
			skip(err.Error())
			continue
		}
		mayor, party, err := belediye.Candidate(rc.Choices[win.Choice])
		if err != nil {
			skip(err.Error())
			continue
		}
		t := sandik.MunicipalTerm{Municipality: m.Code, Election: election, Day: day, Version: 1, Mayor: mayor, Party: party,
			MarginVotes: win.MarginVotes, MarginPoints: win.MarginPoints, Source: sandik.TermOfficial, Race: rc.Code}
		if cur, ok := current[m.Code]; ok {
			// The day stored stays: a registry placed on another day (a
			// demo replayed tonight) does not move an election's term.
			t.Version, t.Day = cur.Version+1, cur.Day
			t.Council, t.MayorPerson = cur.Council, cur.MayorPerson // filled by hand; the figures say nothing of them
			switch {
			case cur.Source == sandik.TermByHand:
				r.Outcome, r.Term, r.Reason = FillKeptHand, cur, cur.Reason
				out = append(out, r)
				continue
			case cur.SameResult(t):
				r.Outcome, r.Term = FillUnchanged, cur
				out = append(out, r)
				continue
			}
		}
		r.Outcome, r.Term = FillWritten, t
		// A municipality added by hand before keeps its name.
		switch stored, err := c.store.Municipality(ctx, m.Code); {
		case err == nil:
			r.Municipality = stored
		case sandik.CodeOf(err) == sandik.ENotFound:
			ch.Municipalities = append(ch.Municipalities, m)
		default:
			return nil, err
		}
		ch.Terms = append(ch.Terms, t)
		out = append(out, r)
	}
	if len(ch.Terms) == 0 {
		return out, nil
	}
	if err := c.SaveMunicipalities(ctx, u, ch); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Outcome == FillWritten {
			out[i].Term.SavedBy = u.ID
		}
	}
	return out, nil
}

// MunicipalReport is the municipalities of a province (all when empty)
// at an election, judged for the organisation's party against the terms
// before, with the summary per province.
type MunicipalReport struct {
	Election  sandik.ElectionCode `json:"election"`
	Party     sandik.PartyCode    `json:"party"`
	Results   []belediye.Result   `json:"results"`
	Summaries []belediye.Summary  `json:"summaries"`
}

// Municipalities returns u's report: only municipalities whose areas u
// may read. An empty election means the latest with a term stored.
func (c *Center) Municipalities(ctx context.Context, u sandik.User, province sandik.AreaCode, election sandik.ElectionCode) (MunicipalReport, error) {
	party, _, err := c.OurParty(ctx)
	if err != nil {
		return MunicipalReport{}, err
	}
	munis, err := c.store.Municipalities(ctx, sandik.MunicipalFilter{Province: province})
	if err != nil {
		return MunicipalReport{}, err
	}
	munis = slices.DeleteFunc(munis, func(m sandik.Municipality) bool { return c.OrgAllow(u, m.Area, false) != nil })
	terms, err := c.store.MunicipalTerms(ctx, sandik.MunicipalFilter{Province: province})
	if err != nil {
		return MunicipalReport{}, err
	}
	if election == "" {
		var last sandik.Date
		for _, t := range terms {
			if t.Day > last || (t.Day == last && t.Election > election) {
				last, election = t.Day, t.Election
			}
		}
	}
	results := belediye.Compare(party, election, munis, terms)
	if results == nil {
		results = []belediye.Result{}
	}
	return MunicipalReport{Election: election, Party: party, Results: results, Summaries: belediye.Summarize(results)}, nil
}

// MunicipalityTerms returns one municipality and every version of its
// terms, for u within their areas.
func (c *Center) MunicipalityTerms(ctx context.Context, u sandik.User, code sandik.MunicipalityCode) (sandik.Municipality, []sandik.MunicipalTerm, error) {
	m, err := c.store.Municipality(ctx, code)
	if err != nil {
		return m, nil, err
	}
	if err := c.OrgAllow(u, m.Area, false); err != nil {
		return m, nil, err
	}
	terms, err := c.store.MunicipalTerms(ctx, sandik.MunicipalFilter{Municipality: code, History: true})
	return m, terms, err
}
