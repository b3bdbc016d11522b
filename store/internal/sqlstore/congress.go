package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sandik-dev/sandik"
)

// Congresses' reads. Each record is kept whole as JSON in doc beside
// the key columns the reads select by (migration 0015).

func jsonScan[T any](row Row) (T, error) {
	var (
		v   T
		doc string
	)
	if err := row.Scan(&doc); err != nil {
		return v, err
	}
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return v, fmt.Errorf("decode stored record: %w", err)
	}
	return v, nil
}

func docOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the domain's records always marshal
	}
	return string(b)
}

// Congress implements sandik.CongressStore.
func (o Org) Congress(ctx context.Context, id sandik.CongressID) (sandik.Congress, error) {
	c, found, err := One(ctx, o.db, "congress", jsonScan[sandik.Congress], o.q(`SELECT doc FROM congresses WHERE id = ?`), string(id))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no congress %q", id)
	}
	return c, err
}

// Congresses implements sandik.CongressStore.
func (o Org) Congresses(ctx context.Context, f sandik.CongressFilter) ([]sandik.Congress, error) {
	if f.Unit != "" {
		return All(ctx, o.db, "congresses", jsonScan[sandik.Congress], o.q(`SELECT doc FROM congresses WHERE unit = ? ORDER BY id`), string(f.Unit))
	}
	return All(ctx, o.db, "congresses", jsonScan[sandik.Congress], `SELECT doc FROM congresses ORDER BY id`)
}

// Electorate implements sandik.CongressStore.
func (o Org) Electorate(ctx context.Context, id sandik.CongressID) ([]sandik.Elector, error) {
	if _, err := o.Congress(ctx, id); err != nil {
		return nil, err
	}
	return All(ctx, o.db, "electorate", jsonScan[sandik.Elector], o.q(`SELECT doc FROM congress_electors WHERE congress = ? ORDER BY pos`), string(id))
}

// Mandates implements sandik.CongressStore.
func (o Org) Mandates(ctx context.Context, f sandik.MandateFilter) ([]sandik.Mandate, error) {
	var w where
	w.eq("level", string(f.Level))
	w.eq("unit", string(f.Unit))
	w.eq("person", string(f.Person))
	w.eq("from_id", string(f.From))
	return All(ctx, o.db, "mandates", jsonScan[sandik.Mandate], o.q(`SELECT doc FROM congress_mandates`+w.sql()+` ORDER BY id`), w.args...)
}

// Mandate returns one mandate; ENotFound if none has the id.
func (o Org) Mandate(ctx context.Context, id sandik.MandateID) (sandik.Mandate, error) {
	m, found, err := One(ctx, o.db, "mandate", jsonScan[sandik.Mandate], o.q(`SELECT doc FROM congress_mandates WHERE id = ?`), string(id))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no mandate %q", id)
	}
	return m, err
}

// Contests implements sandik.CongressStore.
func (o Org) Contests(ctx context.Context, id sandik.CongressID) ([]sandik.Contest, error) {
	return All(ctx, o.db, "contests", jsonScan[sandik.Contest], o.q(`SELECT doc FROM congress_contests WHERE congress = ? ORDER BY pos`), string(id))
}

func (o Org) contest(ctx context.Context, id sandik.CongressID, code string) (sandik.Contest, error) {
	c, found, err := One(ctx, o.db, "contest", jsonScan[sandik.Contest], o.q(`SELECT doc FROM congress_contests WHERE congress = ? AND code = ?`), string(id), code)
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "congress %q has no contest %q", id, code)
	}
	return c, err
}

// Lists implements sandik.CongressStore.
func (o Org) Lists(ctx context.Context, id sandik.CongressID) ([]sandik.CandidateList, error) {
	return All(ctx, o.db, "lists", jsonScan[sandik.CandidateList], o.q(`SELECT doc FROM congress_lists WHERE congress = ? ORDER BY seq`), string(id))
}

// Checkins implements sandik.CongressStore.
func (o Org) Checkins(ctx context.Context, id sandik.CongressID) ([]sandik.Checkin, error) {
	return All(ctx, o.db, "check-ins", jsonScan[sandik.Checkin], o.q(`SELECT doc FROM congress_checkins WHERE congress = ? ORDER BY at, person`), string(id))
}

// Results implements sandik.CongressStore.
func (o Org) Results(ctx context.Context, id sandik.CongressID) ([]sandik.ContestResult, error) {
	return All(ctx, o.db, "results", jsonScan[sandik.ContestResult], o.q(`SELECT doc FROM congress_results WHERE congress = ? ORDER BY contest`), string(id))
}

// CheckinCount implements sandik.CongressStore.
func (o Org) CheckinCount(ctx context.Context, id sandik.CongressID) (int, error) {
	n, _, err := One(ctx, o.db, "check-ins", func(r Row) (int, error) {
		var n int
		return n, r.Scan(&n)
	}, o.q(`SELECT COUNT(*) FROM congress_checkins WHERE congress = ?`), string(id))
	return n, err
}
