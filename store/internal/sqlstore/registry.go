package sqlstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
)

// Records are registry records to store, in the registry's order.
type Records struct {
	Areas         []sandik.Area
	Elections     []sandik.Election
	Races         []sandik.Race
	Registrations []sandik.Registration
}

// Unsaved reads the stored registry with q, as ReadRegistry does, and returns the records of
// reg it lacks. A registry that stores any known record differently is
// refused with EConflict, and nothing is to be written: Merge guarantees
// there is none, and checking here means a caller that skipped Merge
// cannot rewrite history. q should hold the lock the store's writes take,
// so that what it read is still true when the records are written.
func Unsaved(ctx context.Context, q Query, order string, reg *sandik.Registry) (Records, error) {
	old, err := ReadRegistry(ctx, q, order)
	if err != nil {
		return Records{}, err
	}
	if err := contradictions(old, reg); err != nil {
		return Records{}, err
	}
	return unstored(old, reg), nil
}

func contradictions(old, reg *sandik.Registry) error {
	var ps []sandik.Problem
	differs := func(field string, i int, format string, args ...any) {
		ps = append(ps, sandik.Problem{Field: fmt.Sprintf("%s[%d]", field, i), Rule: sandik.RuleConflict,
			Message: fmt.Sprintf(format, args...)})
	}
	for i, a := range reg.Areas {
		if o, ok := old.Area(a.Code); ok && o != a {
			differs("areas", i, "area %q is stored with different data", a.Code)
		}
	}
	for i, e := range reg.Elections {
		if o, ok := old.Election(e.Code); ok && (o.Name != e.Name || !o.Date.Equal(e.Date) || o.Quorum != e.Quorum) {
			differs("elections", i, "election %q is stored with different data", e.Code)
		}
	}
	for i, rc := range reg.Races {
		o, ok := old.Race(rc.Code)
		if ok && (o.Name != rc.Name || o.Election != rc.Election || o.Scope != rc.Scope || o.MaxMarks() != rc.MaxMarks() || !slices.Equal(o.Choices, rc.Choices)) {
			differs("races", i, "race %q is stored with different data", rc.Code)
		}
	}
	for i, g := range reg.Registrations {
		if n, ok := old.Registered(g.Election, g.Box); ok && n != g.Registered {
			differs("registrations", i, "box %q is stored with %d registered voters for %q, not %d",
				g.Box, n, g.Election, g.Registered)
		}
	}
	if len(ps) > 0 {
		return &sandik.Error{Code: sandik.EConflict, Message: "the registry contradicts the stored one; nothing was saved", Problems: ps}
	}
	return nil
}

func unstored(old, reg *sandik.Registry) Records {
	var r Records
	for _, a := range reg.Areas {
		if _, ok := old.Area(a.Code); !ok {
			r.Areas = append(r.Areas, a)
		}
	}
	for _, e := range reg.Elections {
		if _, ok := old.Election(e.Code); !ok {
			r.Elections = append(r.Elections, e)
		}
	}
	for _, rc := range reg.Races {
		if _, ok := old.Race(rc.Code); !ok {
			r.Races = append(r.Races, rc)
		}
	}
	for _, g := range reg.Registrations {
		if _, ok := old.Registered(g.Election, g.Box); !ok {
			r.Registrations = append(r.Registrations, g)
		}
	}
	return r
}

// ReadRegistry reads the registry with q and checks it again with
// sandik.NewRegistry. Each table's records come in the order they were
// first stored, which the column order keeps (SQLite's rowid, an
// identity column elsewhere); q should read one snapshot, so that the
// tables agree with each other.
func ReadRegistry(ctx context.Context, q Query, order string) (*sandik.Registry, error) {
	var r registryReader
	for _, t := range []struct {
		name, query string
		row         func(Row) error
	}{
		{"areas", `SELECT code, coalesce(parent, ''), level, name, ysk_id FROM areas ORDER BY ` + order, r.area},
		{"elections", `SELECT code, name, date, quorum FROM elections ORDER BY ` + order, r.election},
		{"races", `SELECT code, election, name, scope, marks FROM races ORDER BY ` + order, r.race},
		{"race choices", `SELECT race, code, name FROM race_choices ORDER BY race, pos`, r.choice},
		{"registrations", `SELECT election, box, registered FROM registrations ORDER BY ` + order, r.registration},
	} {
		if err := Each(ctx, q, t.row, t.query); err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
	}
	reg, err := sandik.NewRegistry(r.areas, r.elections, r.races, r.regs)
	if err != nil {
		return nil, fmt.Errorf("stored registry is not valid: %w", err)
	}
	return reg, nil
}

type registryReader struct {
	areas     []sandik.Area
	elections []sandik.Election
	races     []sandik.Race
	regs      []sandik.Registration
	raceAt    map[sandik.RaceCode]int
}

func (r *registryReader) area(row Row) error {
	var a sandik.Area
	err := row.Scan(&a.Code, &a.Parent, &a.Level, &a.Name, &a.YSKID)
	r.areas = append(r.areas, a)
	return err
}

func (r *registryReader) election(row Row) error {
	var (
		e    sandik.Election
		date string
	)
	if err := row.Scan(&e.Code, &e.Name, &date, &e.Quorum); err != nil {
		return err
	}
	if err := e.Date.UnmarshalText([]byte(date)); err != nil {
		return fmt.Errorf("election %q: date: %w", e.Code, err)
	}
	r.elections = append(r.elections, e)
	return nil
}

func (r *registryReader) race(row Row) error {
	var rc sandik.Race
	if err := row.Scan(&rc.Code, &rc.Election, &rc.Name, &rc.Scope, &rc.Marks); err != nil {
		return err
	}
	if r.raceAt == nil {
		r.raceAt = map[sandik.RaceCode]int{}
	}
	r.raceAt[rc.Code] = len(r.races)
	r.races = append(r.races, rc)
	return nil
}

func (r *registryReader) choice(row Row) error {
	var (
		race sandik.RaceCode
		ch   sandik.Choice
	)
	if err := row.Scan(&race, &ch.Code, &ch.Name); err != nil {
		return err
	}
	i, ok := r.raceAt[race]
	if !ok {
		return fmt.Errorf("choice %q of unknown race %q", ch.Code, race)
	}
	r.races[i].Choices = append(r.races[i].Choices, ch)
	return nil
}

func (r *registryReader) registration(row Row) error {
	var g sandik.Registration
	err := row.Scan(&g.Election, &g.Box, &g.Registered)
	r.regs = append(r.regs, g)
	return err
}
