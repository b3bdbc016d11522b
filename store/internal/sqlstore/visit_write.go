package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// The writes of sandik.VisitStore. They return no ledger leaves: visits
// and their follow-ups are the organisation's notes, not what rights or
// counts rest on (see docs/visits.md).

func invalidVisit(field, format string, args ...any) error {
	return sandik.Invalid("invalid visit", []sandik.Problem{{Field: field, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf(format, args...)}})
}

func visitField(err error, field string) error {
	if sandik.CodeOf(err) == sandik.ENotFound {
		return invalidVisit(field, "%s", sandik.MessageOf(err))
	}
	return err
}

// SaveVisit writes a new visit and its commitments, with the area taken
// from what was visited.
func (t OrgTx) SaveVisit(ctx context.Context, v sandik.Visit, cs []sandik.Commitment) (sandik.Visit, []ledger.Record, error) {
	if err := v.Validate(); err != nil {
		return v, nil, err
	}
	if len(cs) > sandik.MaxCommitments {
		return v, nil, invalidVisit("commitments", "at most %d commitments (got %d)", sandik.MaxCommitments, len(cs))
	}
	if _, err := t.Unit(ctx, v.FromUnit); err != nil {
		return v, nil, visitField(err, "from_unit")
	}
	for i, p := range v.Visitors {
		if _, err := t.Person(ctx, p); err != nil {
			return v, nil, visitField(err, fmt.Sprintf("visitors[%d]", i))
		}
	}
	for i, p := range v.Attendees {
		if _, err := t.Person(ctx, p); err != nil {
			return v, nil, visitField(err, fmt.Sprintf("attendees[%d]", i))
		}
	}
	switch {
	case v.Target.Unit != "":
		u, err := t.Unit(ctx, v.Target.Unit)
		if err != nil {
			return v, nil, visitField(err, "target.unit")
		}
		v.Area = u.Area
	case v.Target.Municipality != "":
		m, err := t.Municipality(ctx, v.Target.Municipality)
		if err != nil {
			return v, nil, visitField(err, "target.municipality")
		}
		v.Area = m.Area
	case v.Target.Person != "":
		p, err := t.Person(ctx, v.Target.Person)
		if err != nil {
			return v, nil, visitField(err, "target.person")
		}
		u, err := t.Unit(ctx, p.Home)
		if err != nil {
			return v, nil, visitField(err, "target.person")
		}
		v.Area = u.Area
	}
	if v.Tour != "" {
		tour, err := t.Tour(ctx, v.Tour)
		if err != nil {
			return v, nil, visitField(err, "tour")
		}
		if v.Target.Unit != "" && !slices.ContainsFunc(tour.Stops, func(s sandik.TourStop) bool { return s.Unit == v.Target.Unit }) {
			return v, nil, invalidVisit("tour", "tour %q does not plan a visit to %q", v.Tour, v.Target.Unit)
		}
	}
	if v.Meeting != "" {
		if _, err := t.Meeting(ctx, v.Meeting); err != nil {
			return v, nil, visitField(err, "meeting")
		}
	}
	if _, err := t.Visit(ctx, v.ID); err == nil {
		return v, nil, conflict("id", "visit %q exists already", v.ID)
	} else if sandik.CodeOf(err) != sandik.ENotFound {
		return v, nil, err
	}
	visitors, _ := json.Marshal(orEmpty(v.Visitors))
	attendees, _ := json.Marshal(orEmpty(v.Attendees))
	photos, _ := json.Marshal(orEmpty(v.Photos))
	if err := t.Exec(ctx, t.q(`INSERT INTO visits (id, from_unit, target_unit, target_muni, target_person, institution, area, kind, at, place, notes, visitors, attendees, photos, tour, meeting, by_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		string(v.ID), string(v.FromUnit), string(v.Target.Unit), string(v.Target.Municipality), string(v.Target.Person), v.Target.Institution,
		string(v.Area), string(v.Kind), Nanos(v.At), v.Place, v.Notes, string(visitors), string(attendees), string(photos), string(v.Tour), string(v.Meeting), string(v.By)); err != nil {
		return v, nil, err
	}
	for i, c := range cs {
		c.Visit = v.ID
		if _, err := t.saveCommitment(ctx, c); err != nil {
			return v, nil, prefixProblems(err, fmt.Sprintf("commitments[%d].", i))
		}
	}
	stored, err := t.Visit(ctx, v.ID)
	return stored, nil, err
}

// prefixProblems names the fields of err's problems under prefix.
func prefixProblems(err error, prefix string) error {
	e, ok := err.(*sandik.Error)
	if !ok {
		return err
	}
	out := *e
	out.Problems = slices.Clone(e.Problems)
	for i := range out.Problems {
		out.Problems[i].Field = prefix + out.Problems[i].Field
	}
	return &out
}

// SaveCommitment writes a new commitment (a follow-up) of a stored
// visit.
func (t OrgTx) SaveCommitment(ctx context.Context, c sandik.Commitment) (sandik.Commitment, []ledger.Record, error) {
	out, err := t.saveCommitment(ctx, c)
	return out, nil, err
}

func (t OrgTx) saveCommitment(ctx context.Context, c sandik.Commitment) (sandik.Commitment, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	v, err := t.Visit(ctx, c.Visit)
	if err != nil {
		return c, visitField(err, "visit")
	}
	c.Area = v.Area
	if c.OwnerPerson != "" {
		if _, err := t.Person(ctx, c.OwnerPerson); err != nil {
			return c, visitField(err, "owner_person")
		}
	}
	if c.OwnerUnit != "" {
		if _, err := t.Unit(ctx, c.OwnerUnit); err != nil {
			return c, visitField(err, "owner_unit")
		}
	}
	if c.Follows != "" {
		// A follow-up continues a stored commitment, so no chain can
		// close into a cycle.
		if _, err := t.Commitment(ctx, c.Follows); err != nil {
			return c, visitField(err, "follows")
		}
	}
	if _, err := t.Commitment(ctx, c.ID); err == nil {
		return c, conflict("id", "commitment %q exists already", c.ID)
	} else if sandik.CodeOf(err) != sandik.ENotFound {
		return c, err
	}
	err = t.Exec(ctx, t.q(`INSERT INTO commitments (id, visit_id, text, owner_person, owner_unit, due, status, follows, area) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		string(c.ID), string(c.Visit), c.Text, string(c.OwnerPerson), string(c.OwnerUnit), string(c.Due), string(c.Status), string(c.Follows), string(c.Area))
	return c, err
}

// SetCommitmentStatus changes a commitment's status.
func (t OrgTx) SetCommitmentStatus(ctx context.Context, id sandik.CommitmentID, s sandik.CommitmentStatus) ([]ledger.Record, error) {
	if !s.Valid() {
		return nil, sandik.Invalid("invalid status", []sandik.Problem{{Field: "status", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("unknown status %q (want open, done or dropped)", s)}})
	}
	if _, err := t.Commitment(ctx, id); err != nil {
		return nil, err
	}
	return nil, t.Exec(ctx, t.q(`UPDATE commitments SET status = ? WHERE id = ?`), string(s), string(id))
}

// SaveTour writes a new tour and its stops.
func (t OrgTx) SaveTour(ctx context.Context, tour sandik.Tour) ([]ledger.Record, error) {
	if err := tour.Validate(); err != nil {
		return nil, err
	}
	bad := func(field string, err error) error {
		if sandik.CodeOf(err) == sandik.ENotFound {
			return sandik.Invalid("invalid tour", []sandik.Problem{{Field: field, Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
		}
		return err
	}
	if _, err := t.Unit(ctx, tour.Unit); err != nil {
		return nil, bad("unit", err)
	}
	for i, s := range tour.Stops {
		if _, err := t.Unit(ctx, s.Unit); err != nil {
			return nil, bad(fmt.Sprintf("stops[%d].unit", i), err)
		}
	}
	if _, err := t.Tour(ctx, tour.ID); err == nil {
		return nil, conflict("id", "tour %q exists already", tour.ID)
	} else if sandik.CodeOf(err) != sandik.ENotFound {
		return nil, err
	}
	if err := t.Exec(ctx, t.q(`INSERT INTO tours (id, title, unit, by_user) VALUES (?, ?, ?, ?)`), string(tour.ID), tour.Title, string(tour.Unit), string(tour.By)); err != nil {
		return nil, err
	}
	for i, s := range tour.Stops {
		if err := t.Exec(ctx, t.q(`INSERT INTO tour_stops (tour_id, unit, n, planned, status) VALUES (?, ?, ?, ?, ?)`),
			string(tour.ID), string(s.Unit), i, string(s.Planned), string(s.Status)); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// SetStopStatus marks a stop pending or postponed, and moves its day.
func (t OrgTx) SetStopStatus(ctx context.Context, id sandik.TourID, unit sandik.UnitCode, s sandik.StopStatus, planned sandik.Date) ([]ledger.Record, error) {
	var ps []sandik.Problem
	if s != sandik.StopPending && s != sandik.StopPostponed {
		ps = append(ps, sandik.Problem{Field: "status", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("a stop is set pending or postponed (visited follows from a visit), not %q", s)})
	}
	if _, err := sandik.ParseDate(string(planned)); err != nil {
		ps = append(ps, sandik.Problem{Field: "planned", Rule: sandik.RuleInvalidValue, Message: err.Error()})
	}
	if len(ps) > 0 {
		return nil, sandik.Invalid("invalid stop", ps)
	}
	tour, err := t.Tour(ctx, id)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(tour.Stops, func(st sandik.TourStop) bool { return st.Unit == unit }) {
		return nil, sandik.Errorf(sandik.ENotFound, "tour %q plans no visit to %q", id, unit)
	}
	return nil, t.Exec(ctx, t.q(`UPDATE tour_stops SET status = ?, planned = ? WHERE tour_id = ? AND unit = ?`), string(s), string(planned), string(id), string(unit))
}

// SaveSisterPair writes a new pair with its goals.
func (t OrgTx) SaveSisterPair(ctx context.Context, p sandik.SisterPair) ([]ledger.Record, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	bad := func(field string, err error) error {
		if sandik.CodeOf(err) == sandik.ENotFound {
			return sandik.Invalid("invalid sister pair", []sandik.Problem{{Field: field, Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
		}
		return err
	}
	for i, u := range p.Units {
		un, err := t.Unit(ctx, u)
		if err != nil {
			return nil, bad(fmt.Sprintf("units[%d]", i), err)
		}
		if un.Kind != sandik.UnitIlce {
			return nil, sandik.Invalid("invalid sister pair", []sandik.Problem{{Field: fmt.Sprintf("units[%d]", i), Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("%q is a %s, not a district (ilçe)", u, un.Kind)}})
		}
	}
	if p.Meeting != "" {
		if _, err := t.Meeting(ctx, p.Meeting); err != nil {
			return nil, bad("meeting", err)
		}
	}
	pairs, err := t.SisterPairs(ctx)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(pairs, func(q sandik.SisterPair) bool { return q.ID == p.ID }) {
		return nil, conflict("id", "sister pair %q exists already", p.ID)
	}
	units, _ := json.Marshal(p.Units)
	goals, _ := json.Marshal(orEmpty(p.Goals))
	return nil, t.Exec(ctx, t.q(`INSERT INTO sister_pairs (id, units, start_day, end_day, meeting, goals) VALUES (?, ?, ?, ?, ?, ?)`),
		string(p.ID), string(units), string(p.Start), string(p.End), string(p.Meeting), string(goals))
}

// RollVisitCounts moves the day the counts of overdue commitments are
// kept at (migration 0018) to today: each area's count takes the open
// commitments that fell due since (or gives back those not yet due, if
// the clock went back). Called before each write of visits and
// commitments, it keeps what a read must add to the counts to a day or
// so of commitments.
func (t OrgTx) RollVisitCounts(ctx context.Context, today sandik.Date) error {
	asOf, _, err := One(ctx, t.db, "read the day of the visit counts", func(row Row) (sandik.Date, error) {
		var d sandik.Date
		return d, row.Scan(&d)
	}, `SELECT as_of FROM visit_counts_day`)
	if err != nil || asOf == today {
		return err
	}
	lo, hi, sign := asOf, today, 1
	if today < asOf {
		lo, hi, sign = today, asOf, -1
	}
	if err := t.Exec(ctx, t.q(`UPDATE visit_area_counts SET n_overdue = n_overdue + ? * (SELECT COUNT(*) FROM commitments c WHERE c.status = 'open' AND c.area = visit_area_counts.area AND c.due >= ? AND c.due < ?)
WHERE area IN (SELECT area FROM commitments WHERE status = 'open' AND due >= ? AND due < ?)`), sign, string(lo), string(hi), string(lo), string(hi)); err != nil {
		return fmt.Errorf("count the commitments overdue on %s: %w", today, err)
	}
	if err := t.Exec(ctx, t.q(`UPDATE visit_counts_day SET as_of = ?`), string(today)); err != nil {
		return fmt.Errorf("count the commitments overdue on %s: %w", today, err)
	}
	return nil
}
