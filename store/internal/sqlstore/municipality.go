package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Municipalities and their terms are read beside the organisation (Org)
// and written through OrgTx, under the same turn-taking as its writes.

const (
	selectMunicipality = `SELECT code, kind, name, area_code, province FROM municipalities`
	selectTerm         = `SELECT municipality, election, version, day, mayor, COALESCE(mayor_person, ''), party, council,
		margin_votes, margin_points, source, race, reason, saved_by, saved_at FROM municipal_terms`
)

func scanMunicipality(row Row) (sandik.Municipality, error) {
	var m sandik.Municipality
	err := row.Scan(&m.Code, &m.Kind, &m.Name, &m.Area, &m.Province)
	return m, err
}

func scanTerm(row Row) (sandik.MunicipalTerm, error) {
	var t sandik.MunicipalTerm
	var council string
	var saved int64
	err := row.Scan(&t.Municipality, &t.Election, &t.Version, &t.Day, &t.Mayor, &t.MayorPerson, &t.Party, &council,
		&t.MarginVotes, &t.MarginPoints, &t.Source, &t.Race, &t.Reason, &t.SavedBy, &saved)
	if err != nil {
		return t, err
	}
	t.SavedAt = Time(saved)
	if council != "[]" {
		if err := json.Unmarshal([]byte(council), &t.Council); err != nil {
			return t, fmt.Errorf("council of %s at %s: %w", t.Municipality, t.Election, err)
		}
	}
	return t, nil
}

// Municipalities implements sandik.MunicipalStore.
func (o Org) Municipalities(ctx context.Context, f sandik.MunicipalFilter) ([]sandik.Municipality, error) {
	var w where
	w.eq("province", string(f.Province))
	w.eq("code", string(f.Municipality))
	return All(ctx, o.db, "read municipalities", scanMunicipality, o.q(selectMunicipality+w.sql()+` ORDER BY code`), w.args...)
}

// Municipality implements sandik.MunicipalStore.
func (o Org) Municipality(ctx context.Context, code sandik.MunicipalityCode) (sandik.Municipality, error) {
	m, found, err := One(ctx, o.db, "read municipality "+string(code), scanMunicipality, o.q(selectMunicipality+` WHERE code = ?`), string(code))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no municipality %q", code)
	}
	return m, err
}

// MunicipalTerms implements sandik.MunicipalStore.
func (o Org) MunicipalTerms(ctx context.Context, f sandik.MunicipalFilter) ([]sandik.MunicipalTerm, error) {
	var w where
	w.eq("municipality", string(f.Municipality))
	w.eq("election", string(f.Election))
	if f.Province != "" {
		w.add("municipality IN (SELECT code FROM municipalities WHERE province = ?)", string(f.Province))
	}
	if !f.History {
		w.add(`version = (SELECT MAX(version) FROM municipal_terms l WHERE l.municipality = municipal_terms.municipality AND l.election = municipal_terms.election)`)
	}
	return All(ctx, o.db, "read terms of municipalities", scanTerm,
		o.q(selectTerm+w.sql()+` ORDER BY municipality, day, election, version`), w.args...)
}

// SaveMunicipalities writes c and returns a leaf for every record
// written; a municipality stored already with the same fields is
// neither written nor logged again.
func (t OrgTx) SaveMunicipalities(ctx context.Context, c sandik.MunicipalChange) ([]ledger.Record, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var recs []ledger.Record
	known := make(map[string]bool, len(c.Municipalities))
	for i, m := range c.Municipalities {
		field := fmt.Sprintf("municipalities[%d]", i)
		old, err := t.Municipality(ctx, m.Code)
		switch {
		case err == nil && old != m:
			return nil, conflict(field+".code", "municipality %q exists already as %s %q of area %s", m.Code, old.Kind, old.Name, old.Area)
		case err == nil:
			known[string(m.Code)] = true
			continue
		case sandik.CodeOf(err) != sandik.ENotFound:
			return nil, err
		}
		if err := t.Exec(ctx, t.q(`INSERT INTO municipalities (code, kind, name, area_code, province) VALUES (?, ?, ?, ?, ?)`),
			string(m.Code), string(m.Kind), m.Name, string(m.Area), string(m.Province)); err != nil {
			return nil, err
		}
		known[string(m.Code)] = true
		recs = append(recs, ledger.MunicipalityRecord(m))
	}
	people := map[string]bool{}
	for i, tm := range c.Terms {
		field := fmt.Sprintf("terms[%d]", i)
		if err := t.exists(ctx, known, "municipalities", "code", string(tm.Municipality), field+".municipality", "municipality"); err != nil {
			return nil, err
		}
		if tm.MayorPerson != "" {
			if err := t.exists(ctx, people, "org_people", "id", string(tm.MayorPerson), field+".mayor_person", "person"); err != nil {
				return nil, err
			}
		}
		for j, m := range tm.Council {
			if m.Person != "" {
				if err := t.exists(ctx, people, "org_people", "id", string(m.Person), fmt.Sprintf("%s.council[%d].person", field, j), "person"); err != nil {
					return nil, err
				}
			}
		}
		stored, _, err := One(ctx, t.db, "read the version of a term", scanInt,
			t.q(`SELECT COALESCE(MAX(version), 0) FROM municipal_terms WHERE municipality = ? AND election = ?`), string(tm.Municipality), string(tm.Election))
		if err != nil {
			return nil, err
		}
		if int64(tm.Version) != stored+1 {
			return nil, &sandik.Error{Code: sandik.EConflict, Message: fmt.Sprintf("the term of %q at %q is at version %d", tm.Municipality, tm.Election, stored),
				Problems: []sandik.Problem{{Field: field + ".version", Rule: sandik.RuleConflict,
					Message: fmt.Sprintf("version %d must follow the stored version %d; read the term again", tm.Version, stored)}}}
		}
		council := []byte("[]")
		if len(tm.Council) > 0 {
			if council, err = json.Marshal(tm.Council); err != nil {
				return nil, err
			}
		}
		var person any
		if tm.MayorPerson != "" {
			person = string(tm.MayorPerson)
		}
		err = t.Exec(ctx, t.q(`INSERT INTO municipal_terms (municipality, election, version, day, mayor, mayor_person, party, council,
			margin_votes, margin_points, source, race, reason, saved_by, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			string(tm.Municipality), string(tm.Election), tm.Version, string(tm.Day), tm.Mayor, person, string(tm.Party), string(council),
			tm.MarginVotes, tm.MarginPoints, string(tm.Source), string(tm.Race), tm.Reason, string(tm.SavedBy), Nanos(tm.SavedAt))
		if t.Unique(err) {
			return nil, fmt.Errorf("%w: %w", conflict(field+".version", "version %d of the term of %q at %q exists already", tm.Version, tm.Municipality, tm.Election), err)
		}
		if err != nil {
			return nil, err
		}
		tm.SavedAt = Time(Nanos(tm.SavedAt)) // as it will be read back
		recs = append(recs, ledger.MunicipalTermRecord(tm))
	}
	return recs, nil
}
