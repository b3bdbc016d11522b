package sqlstore

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
)

// The reads of sandik.VisitStore, which a store gets by embedding Org.

const (
	selectVisit      = `SELECT id, from_unit, target_unit, target_muni, target_person, institution, area, kind, at, place, notes, visitors, attendees, photos, tour, meeting, by_user FROM visits`
	selectCommitment = `SELECT id, visit_id, text, owner_person, owner_unit, due, status, follows, area FROM commitments`
	selectTour       = `SELECT id, title, unit, by_user FROM tours`
	selectStop       = `SELECT unit, planned, status FROM tour_stops`
	selectPair       = `SELECT id, units, start_day, end_day, meeting, goals FROM sister_pairs`
)

func scanVisit(row Row) (sandik.Visit, error) {
	var v sandik.Visit
	var at int64
	var visitors, attendees, photos string
	if err := row.Scan(&v.ID, &v.FromUnit, &v.Target.Unit, &v.Target.Municipality, &v.Target.Person, &v.Target.Institution,
		&v.Area, &v.Kind, &at, &v.Place, &v.Notes, &visitors, &attendees, &photos, &v.Tour, &v.Meeting, &v.By); err != nil {
		return v, err
	}
	v.At = Time(at)
	for _, l := range []struct {
		s    string
		into any
	}{{visitors, &v.Visitors}, {attendees, &v.Attendees}, {photos, &v.Photos}} {
		if err := json.Unmarshal([]byte(l.s), l.into); err != nil {
			return v, fmt.Errorf("lists of visit %q: %w", v.ID, err)
		}
	}
	return v, nil
}

func scanCommitment(row Row) (sandik.Commitment, error) {
	var c sandik.Commitment
	err := row.Scan(&c.ID, &c.Visit, &c.Text, &c.OwnerPerson, &c.OwnerUnit, &c.Due, &c.Status, &c.Follows, &c.Area)
	return c, err
}

func scanTour(row Row) (sandik.Tour, error) {
	var t sandik.Tour
	err := row.Scan(&t.ID, &t.Title, &t.Unit, &t.By)
	return t, err
}

func scanStop(row Row) (sandik.TourStop, error) {
	var s sandik.TourStop
	err := row.Scan(&s.Unit, &s.Planned, &s.Status)
	return s, err
}

func scanPair(row Row) (sandik.SisterPair, error) {
	var p sandik.SisterPair
	var units, goals string
	if err := row.Scan(&p.ID, &units, &p.Start, &p.End, &p.Meeting, &goals); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(units), &p.Units); err != nil {
		return p, fmt.Errorf("units of pair %q: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(goals), &p.Goals); err != nil {
		return p, fmt.Errorf("goals of pair %q: %w", p.ID, err)
	}
	return p, nil
}

// Visit implements sandik.VisitStore.
func (o Org) Visit(ctx context.Context, id sandik.VisitID) (sandik.Visit, error) {
	v, found, err := One(ctx, o.db, "read visit "+string(id), scanVisit, o.q(selectVisit+` WHERE id = ?`), string(id))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no visit %q", id)
	}
	return v, err
}

// Visits implements sandik.VisitStore.
func (o Org) Visits(ctx context.Context, f sandik.VisitFilter) ([]sandik.Visit, error) {
	var w where
	w.eq("from_unit", string(f.FromUnit))
	w.eq("tour", string(f.Tour))
	if f.Photo != "" {
		// A sum is 64 hex digits: no LIKE wildcard can be in it.
		w.add("photos LIKE ?", `%"`+f.Photo+`"%`)
	}
	if !f.Since.IsZero() {
		w.add("at >= ?", Nanos(f.Since))
	}
	w.after("id", string(f.After))
	return All(ctx, o.db, "read visits", scanVisit, o.q(selectVisit+w.sql()+` ORDER BY id`+limit(f.Limit)), w.args...)
}

// Commitment implements sandik.VisitStore.
func (o Org) Commitment(ctx context.Context, id sandik.CommitmentID) (sandik.Commitment, error) {
	c, found, err := One(ctx, o.db, "read commitment "+string(id), scanCommitment, o.q(selectCommitment+` WHERE id = ?`), string(id))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no commitment %q", id)
	}
	return c, err
}

// Commitments implements sandik.VisitStore.
func (o Org) Commitments(ctx context.Context, f sandik.CommitmentFilter) ([]sandik.Commitment, error) {
	var w where
	w.eq("visit_id", string(f.Visit))
	w.eq("owner_person", string(f.Person))
	w.eq("owner_unit", string(f.Unit))
	if f.Open {
		w.add("status = ?", string(sandik.CommitOpen))
	}
	return All(ctx, o.db, "read commitments", scanCommitment, o.q(selectCommitment+w.sql()+` ORDER BY due, id`), w.args...)
}

// Tour implements sandik.VisitStore.
func (o Org) Tour(ctx context.Context, id sandik.TourID) (sandik.Tour, error) {
	t, found, err := One(ctx, o.db, "read tour "+string(id), scanTour, o.q(selectTour+` WHERE id = ?`), string(id))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no tour %q", id)
	}
	if err != nil {
		return t, err
	}
	t.Stops, err = All(ctx, o.db, "read stops of "+string(id), scanStop, o.q(selectStop+` WHERE tour_id = ? ORDER BY n`), string(id))
	return t, err
}

// Tours implements sandik.VisitStore.
func (o Org) Tours(ctx context.Context) ([]sandik.Tour, error) {
	ts, err := All(ctx, o.db, "read tours", scanTour, selectTour+` ORDER BY id`)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		if ts[i], err = o.Tour(ctx, ts[i].ID); err != nil {
			return nil, err
		}
	}
	return ts, nil
}

// SisterPairs implements sandik.VisitStore.
func (o Org) SisterPairs(ctx context.Context) ([]sandik.SisterPair, error) {
	return All(ctx, o.db, "read sister pairs", scanPair, selectPair+` ORDER BY id`)
}

// VisitCounts implements sandik.VisitStore. The counts are kept by
// area as visits and commitments are written (migration 0018); one
// statement, so one snapshot, reads them with what differs at instant
// at: less the visits made after it (none, unless one was dated ahead),
// plus the open commitments due between the day the overdue were
// counted on and at's day (minus, for a day before it), each through
// its index. The province table thus reads one row an area, not every
// visit and commitment.
func (o Org) VisitCounts(ctx context.Context, at time.Time, areas []sandik.AreaCode) ([]sandik.AreaVisitCounts, error) {
	in, inArgs := "", []any{}
	if len(areas) > 0 {
		in = " AND area IN (?" + strings.Repeat(", ?", len(areas)-1) + ")"
		for _, a := range areas {
			inArgs = append(inArgs, string(a))
		}
	}
	day := string(sandik.DateOf(at))
	args := slices.Concat(inArgs, []any{Nanos(at)}, inArgs, []any{day, day, day, day, day}, inArgs)
	// An area comes once with its counts, then maybe again with what
	// differs at the instant: rows are summed by index, and come in
	// order of area from SQLite's table, so most reads need no sort.
	var all []sandik.AreaVisitCounts
	index := map[sandik.AreaCode]int{}
	err := Each(ctx, o.db.Query, func(row Row) error {
		var a sandik.AreaCode
		var visits, open, overdue int
		if err := row.Scan(&a, &visits, &open, &overdue); err != nil {
			return err
		}
		i, ok := index[a]
		if !ok {
			i = len(all)
			index[a] = i
			all = append(all, sandik.AreaVisitCounts{Area: a})
		}
		c := &all[i]
		c.Visits += visits
		c.OpenCommitments += open
		c.OverdueCommitments += overdue
		return nil
	}, o.q(`SELECT area, n_visits, n_open, n_overdue FROM visit_area_counts WHERE n_visits + n_open > 0`+in+`
UNION ALL SELECT area, -1, 0, 0 FROM visits WHERE at > ?`+in+`
UNION ALL SELECT c.area, 0, 0, CASE WHEN c.due < ? THEN 1 ELSE -1 END FROM commitments c
 WHERE c.status = 'open' AND c.due >= (SELECT CASE WHEN as_of < ? THEN as_of ELSE ? END FROM visit_counts_day)
 AND c.due < (SELECT CASE WHEN as_of < ? THEN ? ELSE as_of END FROM visit_counts_day)`+strings.ReplaceAll(in, "area", "c.area")), args...)
	if err != nil {
		return nil, fmt.Errorf("count visits and commitments: %w", err)
	}
	out := make([]sandik.AreaVisitCounts, 0, len(all))
	for _, c := range all {
		if c.Visits+c.OpenCommitments > 0 {
			out = append(out, c)
		}
	}
	byArea := func(a, b sandik.AreaVisitCounts) int { return cmp.Compare(a.Area, b.Area) }
	if !slices.IsSortedFunc(out, byArea) {
		slices.SortFunc(out, byArea)
	}
	return out, nil
}
