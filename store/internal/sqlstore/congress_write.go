package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Congresses' writes, on the organisation's transaction: each check and
// write runs one at a time (SQLite's writer, PostgreSQL's lock on the
// organisation), and the keys refuse what two racing writers could
// both have passed.

func congressField(err error, field string) error {
	if sandik.CodeOf(err) == sandik.ENotFound {
		return sandik.Invalid("invalid congress record", []sandik.Problem{{Field: field, Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
	}
	return err
}

// SaveCongress implements sandik.CongressStore.
func (t OrgTx) SaveCongress(ctx context.Context, c sandik.Congress) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if _, err := t.Unit(ctx, c.Unit); err != nil {
		return congressField(err, "unit")
	}
	if _, err := t.Congress(ctx, c.ID); err == nil {
		return conflict("id", "congress %q exists already", c.ID)
	} else if sandik.CodeOf(err) != sandik.ENotFound {
		return err
	}
	return t.Exec(ctx, t.q(`INSERT INTO congresses (id, unit, frozen_at, doc) VALUES (?, ?, 0, ?)`), string(c.ID), string(c.Unit), docOf(c))
}

// FreezeElectorate implements sandik.CongressStore.
func (t OrgTx) FreezeElectorate(ctx context.Context, id sandik.CongressID, es []sandik.Elector, at time.Time, by sandik.UserID) error {
	c, err := t.Congress(ctx, id)
	if err != nil {
		return err
	}
	if !c.Frozen.IsZero() {
		return &sandik.Error{Code: sandik.EConflict, Message: fmt.Sprintf("the electorate of congress %q was frozen at %s", id, c.Frozen.Format(time.RFC3339)),
			Problems: []sandik.Problem{{Field: "electorate", Rule: sandik.RuleFrozen, Message: "is frozen already"}}}
	}
	c.Frozen, c.FrozenBy = at.UTC(), by
	for i, e := range es {
		e.Congress = id
		if err := t.Exec(ctx, t.q(`INSERT INTO congress_electors (congress, person, pos, doc) VALUES (?, ?, ?, ?)`), string(id), string(e.Person), i, docOf(e)); err != nil {
			if t.Unique(err) {
				return conflict(fmt.Sprintf("electorate[%d]", i), "%s is on the list twice", e.Person)
			}
			return err
		}
	}
	return t.Exec(ctx, t.q(`UPDATE congresses SET frozen_at = ?, doc = ? WHERE id = ?`), Nanos(c.Frozen), docOf(c), string(id))
}

// SaveMandates implements sandik.CongressStore.
func (t OrgTx) SaveMandates(ctx context.Context, ms []sandik.Mandate) error {
	seen := make(map[sandik.MandateID]int, len(ms))
	for i, m := range ms {
		f := fmt.Sprintf("mandates[%d]", i)
		if err := m.Validate(); err != nil {
			ps := sandik.ProblemsOf(err)
			for j := range ps {
				ps[j].Field = f + "." + ps[j].Field
			}
			return sandik.Invalid("invalid mandate", ps)
		}
		if j, dup := seen[m.ID]; dup {
			return conflict(f+".id", "mandate %q is given twice, first as mandates[%d]", m.ID, j)
		}
		seen[m.ID] = i
		if _, err := t.Unit(ctx, m.Unit); err != nil {
			return congressField(err, f+".unit")
		}
		if _, err := t.Person(ctx, m.Person); err != nil {
			return congressField(err, f+".person")
		}
		if _, err := t.Mandate(ctx, m.ID); err == nil {
			return conflict(f+".id", "mandate %q exists already", m.ID)
		} else if sandik.CodeOf(err) != sandik.ENotFound {
			return err
		}
		if err := t.Exec(ctx, t.q(`INSERT INTO congress_mandates (id, level, unit, person, from_id, doc) VALUES (?, ?, ?, ?, ?, ?)`),
			string(m.ID), string(m.Level), string(m.Unit), string(m.Person), string(m.From), docOf(m)); err != nil {
			return err
		}
	}
	return nil
}

// EndMandate implements sandik.CongressStore.
func (t OrgTx) EndMandate(ctx context.Context, id sandik.MandateID, end sandik.Date, reason string) error {
	m, err := t.Mandate(ctx, id)
	if err != nil {
		return err
	}
	if m.End != "" {
		return &sandik.Error{Code: sandik.EConflict, Message: fmt.Sprintf("mandate %q ended on %s", id, m.End)}
	}
	m.End, m.EndReason = end, reason
	if err := m.Validate(); err != nil {
		return err
	}
	return t.Exec(ctx, t.q(`UPDATE congress_mandates SET doc = ? WHERE id = ?`), docOf(m), string(id))
}

// SaveContest implements sandik.CongressStore.
func (t OrgTx) SaveContest(ctx context.Context, c sandik.Contest) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if _, err := t.Congress(ctx, c.Congress); err != nil {
		return err
	}
	if _, err := t.contest(ctx, c.Congress, c.Code); err == nil {
		return conflict("code", "congress %q has a contest %q already", c.Congress, c.Code)
	} else if sandik.CodeOf(err) != sandik.ENotFound {
		return err
	}
	c.Race = ""
	return t.Exec(ctx, t.q(`INSERT INTO congress_contests (congress, code, pos, race, doc) VALUES (?, ?, (SELECT COUNT(*) FROM congress_contests WHERE congress = ?), '', ?)`),
		string(c.Congress), c.Code, string(c.Congress), docOf(c))
}

// OpenContest implements sandik.CongressStore.
func (t OrgTx) OpenContest(ctx context.Context, id sandik.CongressID, code string, race sandik.RaceCode) error {
	c, err := t.contest(ctx, id, code)
	if err != nil {
		return err
	}
	if c.Race != "" {
		return &sandik.Error{Code: sandik.EConflict, Message: fmt.Sprintf("the counting of contest %q is open already (race %s)", code, c.Race)}
	}
	c.Race = race
	return t.Exec(ctx, t.q(`UPDATE congress_contests SET race = ?, doc = ? WHERE congress = ? AND code = ?`), string(race), docOf(c), string(id), code)
}

// AppendList implements sandik.CongressStore.
func (t OrgTx) AppendList(ctx context.Context, l sandik.CandidateList) error {
	if err := l.Validate(); err != nil {
		return err
	}
	c, err := t.contest(ctx, l.Congress, l.Contest)
	if err != nil {
		return err
	}
	if c.Race != "" {
		return &sandik.Error{Code: sandik.EConflict, Message: fmt.Sprintf("the counting of contest %q has opened: its ballot is fixed", l.Contest),
			Problems: []sandik.Problem{{Field: "contest", Rule: sandik.RuleFrozen, Message: "the ballot is printed; lists no longer change"}}}
	}
	latest, _, err := One(ctx, t.db, "list version", func(r Row) (int, error) {
		var n int
		return n, r.Scan(&n)
	}, t.q(`SELECT COALESCE(MAX(version), 0) FROM congress_lists WHERE congress = ? AND contest = ? AND code = ?`), string(l.Congress), l.Contest, l.Code)
	if err != nil {
		return err
	}
	if l.Version != latest+1 {
		return &sandik.Error{Code: sandik.EConflict, Message: fmt.Sprintf("list %q is at version %d; the next is %d, not %d", l.Code, latest, latest+1, l.Version),
			Problems: []sandik.Problem{{Field: "version", Rule: sandik.RuleConflict, Message: fmt.Sprintf("the latest version is %d", latest)}}}
	}
	for i, cand := range l.Candidates {
		if _, err := t.Person(ctx, cand.Person); err != nil {
			return congressField(err, fmt.Sprintf("candidates[%d].person", i))
		}
	}
	err = t.Exec(ctx, t.q(`INSERT INTO congress_lists (congress, contest, code, version, seq, doc) VALUES (?, ?, ?, ?, (SELECT COUNT(*) FROM congress_lists WHERE congress = ?), ?)`),
		string(l.Congress), l.Contest, l.Code, l.Version, string(l.Congress), docOf(l))
	if err != nil && t.Unique(err) {
		return conflict("version", "version %d of list %q was stored meanwhile", l.Version, l.Code)
	}
	return err
}

// CheckInDelegate implements sandik.CongressStore.
func (t OrgTx) CheckInDelegate(ctx context.Context, c sandik.Checkin) error {
	first, found, err := One(ctx, t.db, "check-in", jsonScan[sandik.Checkin], t.q(`SELECT doc FROM congress_checkins WHERE congress = ? AND person = ?`), string(c.Congress), string(c.Person))
	if err != nil {
		return err
	}
	twice := func(first sandik.Checkin) error {
		msg := fmt.Sprintf("%s was checked in at %s, desk %s", c.Person, first.At.In(sandik.Istanbul()).Format("15:04:05"), first.Desk)
		return &sandik.Error{Code: sandik.EConflict, Message: msg, Problems: []sandik.Problem{{Field: "person", Rule: sandik.RuleCheckedIn, Message: msg}}}
	}
	if found {
		return twice(first)
	}
	err = t.Exec(ctx, t.q(`INSERT INTO congress_checkins (congress, person, at, doc) VALUES (?, ?, ?, ?)`), string(c.Congress), string(c.Person), Nanos(c.At), docOf(c))
	if err != nil && t.Unique(err) {
		return twice(c)
	}
	return err
}

// ApproveResult implements sandik.CongressStore: the result, the terms
// (through Save, so a one-holder seat held by another is refused as
// everywhere) and the mandates for the upper congress, all or nothing.
func (t OrgTx) ApproveResult(ctx context.Context, a sandik.Approval) ([]ledger.Record, error) {
	r := a.Result
	if _, err := t.contest(ctx, r.Congress, r.Contest); err != nil {
		return nil, err
	}
	_, found, err := One(ctx, t.db, "result", scanString, t.q(`SELECT contest FROM congress_results WHERE congress = ? AND contest = ?`), string(r.Congress), r.Contest)
	if err != nil {
		return nil, err
	}
	if found {
		return nil, &sandik.Error{Code: sandik.EConflict, Message: fmt.Sprintf("the result of contest %q is approved already and does not change", r.Contest),
			Problems: []sandik.Problem{{Field: "contest", Rule: sandik.RuleApproved, Message: "is approved"}}}
	}
	if err := t.Exec(ctx, t.q(`INSERT INTO congress_results (congress, contest, doc) VALUES (?, ?, ?)`), string(r.Congress), r.Contest, docOf(r)); err != nil {
		return nil, err
	}
	var recs []ledger.Record
	for i, id := range a.End {
		rs, err := t.End(ctx, id, a.EndOn, a.Reason)
		if err != nil {
			return nil, fmt.Errorf("end[%d]: %w", i, err)
		}
		recs = append(recs, rs...)
	}
	for i, id := range a.EndMandates {
		if err := t.EndMandate(ctx, id, a.EndOn, a.Reason); err != nil {
			return nil, fmt.Errorf("end_mandates[%d]: %w", i, err)
		}
	}
	if len(a.Terms) > 0 {
		rs, err := t.Save(ctx, sandik.OrgChange{Positions: a.Terms})
		if err != nil {
			return nil, err
		}
		recs = append(recs, rs...)
	}
	return recs, t.SaveMandates(ctx, a.Mandates)
}
