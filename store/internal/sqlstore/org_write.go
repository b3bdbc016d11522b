package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// OrgTx is a write to the organisation inside a store's transaction:
// reads and writes through the same transaction, so that what it checks
// (a parent, a holder) is what it commits over. The store serialises
// these writes (SQLite's one writer, PostgreSQL's table lock).
type OrgTx struct {
	Org
	Exec   Exec
	Unique func(error) bool // reports a unique key violated
}

// Save writes c and returns a leaf for every record written.
func (t OrgTx) Save(ctx context.Context, c sandik.OrgChange) ([]ledger.Record, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	recs := make([]ledger.Record, 0, len(c.Kinds)+len(c.Units)+len(c.People)+len(c.Positions))
	kinds, err := t.PositionKinds(ctx)
	if err != nil {
		return nil, err
	}
	oneHolder := make(map[sandik.KindCode]bool, len(kinds)+len(c.Kinds))
	for _, k := range kinds {
		oneHolder[k.Code] = k.OneHolder
	}
	for i, k := range c.Kinds {
		if _, taken := oneHolder[k.Code]; taken {
			return nil, conflict(fmt.Sprintf("kinds[%d].code", i), "kind of position %q exists already", k.Code)
		}
		if err := t.Exec(ctx, t.q(`INSERT INTO org_kinds (code, name, one_holder) VALUES (?, ?, ?)`), string(k.Code), k.Name, k.OneHolder); err != nil {
			return nil, err
		}
		oneHolder[k.Code] = k.OneHolder
		recs = append(recs, ledger.PositionKindRecord(k))
	}
	unitRecs, err := t.saveUnits(ctx, c.Units)
	if err != nil {
		return nil, err
	}
	recs = append(recs, unitRecs...)
	// Records of this change, and stored ones already looked up, need no
	// second look: an import of a whole organisation refers to the same
	// units a million times.
	units := make(map[string]bool, len(c.Units))
	for _, u := range c.Units {
		units[string(u.Code)] = true
	}
	people := make(map[string]bool, len(c.People))
	names := make(map[sandik.PersonID]string, len(c.People))
	for i, p := range c.People {
		field := fmt.Sprintf("people[%d]", i)
		if err := t.exists(ctx, units, "org_units", "code", string(p.Home), field+".home", "unit"); err != nil {
			return nil, err
		}
		err := t.Exec(ctx, t.q(`INSERT INTO org_people (id, name, phones, email, home, note, purpose, consent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
			string(p.ID), p.Name, strings.Join(p.Phones, "\n"), p.Email, string(p.Home), p.Note, p.Purpose, string(p.Consent))
		if t.Unique(err) {
			return nil, fmt.Errorf("%w: %w", conflict(field+".id", "person %q exists already", p.ID), err)
		}
		if err != nil {
			return nil, err
		}
		names[p.ID] = p.Name
		people[string(p.ID)] = true
		recs = append(recs, ledger.PersonRecord(p))
	}
	for i, p := range c.Positions {
		field := fmt.Sprintf("positions[%d]", i)
		one, known := oneHolder[p.Kind]
		if !known {
			return nil, sandik.Invalid("invalid change of the organisation", []sandik.Problem{{Field: field + ".kind",
				Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no kind of position %q", p.Kind)}})
		}
		if err := t.exists(ctx, units, "org_units", "code", string(p.Unit), field+".unit", "unit"); err != nil {
			return nil, err
		}
		if err := t.exists(ctx, people, "org_people", "id", string(p.Person), field+".person", "person"); err != nil {
			return nil, err
		}
		if one {
			if err := t.free(ctx, field, p, names); err != nil {
				return nil, err
			}
		}
		var end any
		if p.End != "" {
			end = string(p.End)
		}
		err := t.Exec(ctx, t.q(`INSERT INTO org_positions (id, kind, unit, person, start_day, end_day, source, end_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
			string(p.ID), string(p.Kind), string(p.Unit), string(p.Person), string(p.Start), end, string(p.Source), p.EndReason)
		if t.Unique(err) {
			return nil, fmt.Errorf("%w: %w", conflict(field+".id", "position %q exists already", p.ID), err)
		}
		if err != nil {
			return nil, err
		}
		recs = append(recs, ledger.PositionRecord(p))
	}
	if len(c.Assignments) > 0 {
		assigned, err := t.SaveAssignments(ctx, c.Assignments)
		if err != nil {
			return nil, err
		}
		recs = append(recs, assigned...)
	}
	return recs, nil
}

// saveUnits inserts units parents first, whatever order they came in,
// each under a parent of a kind it may hang from.
func (t OrgTx) saveUnits(ctx context.Context, units []sandik.Unit) ([]ledger.Record, error) {
	index := make(map[sandik.UnitCode]int, len(units))
	for i, u := range units {
		index[u.Code] = i
	}
	kindOf := func(code sandik.UnitCode) (sandik.UnitKind, bool, error) {
		if i, ok := index[code]; ok {
			return units[i].Kind, true, nil
		}
		u, err := t.Unit(ctx, code)
		if sandik.CodeOf(err) == sandik.ENotFound {
			return "", false, nil
		}
		return u.Kind, err == nil, err
	}
	state := make([]uint8, len(units)) // 0 new, 1 being placed, 2 placed
	order := make([]int, 0, len(units))
	var place func(i int) error
	place = func(i int) error {
		switch state[i] {
		case 2:
			return nil
		case 1:
			return invalidField(fmt.Sprintf("units[%d].parent", i), "unit %q is its own ancestor", units[i].Code)
		}
		state[i] = 1
		u := units[i]
		if u.Parent != "" {
			field := fmt.Sprintf("units[%d].parent", i)
			kind, found, err := kindOf(u.Parent)
			switch {
			case err != nil:
				return err
			case !found:
				return invalidField(field, "no unit %q", u.Parent)
			case !slices.Contains(u.Kind.ParentKinds(), kind):
				return invalidField(field, "a unit of kind %s cannot hang from %q, of kind %s", u.Kind, u.Parent, kind)
			}
			if j, ok := index[u.Parent]; ok {
				if err := place(j); err != nil {
					return err
				}
			}
		}
		state[i] = 2
		order = append(order, i)
		return nil
	}
	for i := range units {
		if err := place(i); err != nil {
			return nil, err
		}
	}
	recs := make([]ledger.Record, 0, len(units))
	for _, i := range order {
		u := units[i]
		var parent any
		if u.Parent != "" {
			parent = string(u.Parent)
		}
		err := t.Exec(ctx, t.q(`INSERT INTO org_units (code, kind, name, parent, area_code) VALUES (?, ?, ?, ?, ?)`),
			string(u.Code), string(u.Kind), u.Name, parent, string(u.Area))
		if t.Unique(err) {
			return nil, fmt.Errorf("%w: %w", conflict(fmt.Sprintf("units[%d].code", i), "unit %q exists already", u.Code), err)
		}
		if err != nil {
			return nil, err
		}
		recs = append(recs, ledger.UnitRecord(u))
	}
	return recs, nil
}

// exists fails with EInvalid naming field unless key is known or table
// holds it; a key found is known from then on.
func (t OrgTx) exists(ctx context.Context, known map[string]bool, table, col, key, field, what string) error {
	if known[key] {
		return nil
	}
	_, found, err := One(ctx, t.db, "look up "+what+" "+key, scanString, t.q(`SELECT `+col+` FROM `+table+` WHERE `+col+` = ?`), key)
	if err == nil && !found {
		err = invalidField(field, "no %s %q", what, key)
	}
	if err == nil {
		known[key] = true
	}
	return err
}

// free fails with EConflict naming the holder when a stored term of p's
// one-holder kind and unit shares a day with p. Terms of this change are
// stored before the next is checked, so they count too.
func (t OrgTx) free(ctx context.Context, field string, p sandik.Position, names map[sandik.PersonID]string) error {
	last := p.End
	if last == "" {
		last = "9999-12-31"
	}
	held, found, err := One(ctx, t.db, "look up holders of "+string(p.Kind)+" in "+string(p.Unit), scanPosition,
		t.q(selectPosition+` WHERE unit = ? AND kind = ? AND start_day <= ? AND (end_day IS NULL OR end_day >= ?) ORDER BY start_day LIMIT 1`),
		string(p.Unit), string(p.Kind), string(last), string(p.Start))
	if err != nil || !found {
		return err
	}
	name, ok := names[held.Person]
	if !ok {
		holder, err := t.Person(ctx, held.Person)
		if err != nil {
			return err
		}
		name = holder.Name
	}
	return sandik.HeldBy(field+".start", p, held, name)
}

// End closes the open term id on end for reason and returns its leaf.
func (t OrgTx) End(ctx context.Context, id sandik.PositionID, end sandik.Date, reason string) ([]ledger.Record, error) {
	p, err := t.Position(ctx, id)
	switch {
	case err != nil:
		return nil, err
	case p.End != "":
		return nil, sandik.Errorf(sandik.EConflict, "position %q ended already on %s", id, p.End)
	}
	if reason == "" {
		return nil, sandik.Invalid("invalid end of a position", []sandik.Problem{{Field: "end_reason", Rule: sandik.RuleRequired, Message: "is required"}})
	}
	p.End, p.EndReason = end, reason
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := t.Exec(ctx, t.q(`UPDATE org_positions SET end_day = ?, end_reason = ? WHERE id = ?`), string(end), reason, string(id)); err != nil {
		return nil, err
	}
	return []ledger.Record{ledger.PositionRecord(p)}, nil
}

func invalidField(field, format string, args ...any) error {
	return sandik.Invalid("invalid change of the organisation", []sandik.Problem{{Field: field, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf(format, args...)}})
}

func conflict(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &sandik.Error{Code: sandik.EConflict, Message: msg, Problems: []sandik.Problem{{Field: field, Rule: sandik.RuleDuplicate, Message: msg}}}
}
