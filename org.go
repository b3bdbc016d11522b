package sandik

import (
	"fmt"
	"sync"
	"time"
	_ "time/tzdata" // see Istanbul
)

// The organisation: units (birim), people (kişi) and the positions
// (görev) people hold in units for terms. The records and their rules
// live here beside the other contracts; the chart of a unit as of a date
// and the checks against the registry are in package org.

// Date is a calendar day in Europe/Istanbul, written YYYY-MM-DD. Terms
// are whole days: a term ending on a date holds until 23:59:59 of that
// day in İstanbul, whatever the server's zone. The written form sorts as
// the days do, so the stores compare it as text.
type Date string

// ParseDate reads a YYYY-MM-DD day between the years 1900 and 2999.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Format(time.DateOnly) != s {
		return "", fmt.Errorf("%q is not a date written YYYY-MM-DD", s)
	}
	if t.Year() < 1900 || t.Year() > 2999 {
		return "", fmt.Errorf("%q is outside the years 1900 to 2999", s)
	}
	return Date(s), nil
}

// DateOf is the day of t in İstanbul.
func DateOf(t time.Time) Date { return Date(t.In(Istanbul()).Format(time.DateOnly)) }

// Istanbul is Europe/Istanbul. The zone database is embedded
// (time/tzdata), so a binary in an image without one still tells the
// days of 2014's elections, when Türkiye kept summer time, right; read
// once, for time.LoadLocation reads and parses it at every call.
var Istanbul = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		panic(fmt.Sprintf("sandik: the embedded zone database has no Europe/Istanbul: %v", err))
	}
	return loc
})

// OrgChange is one all-or-nothing write to the organisation: new kinds,
// units, people, positions and assignments of people to boxes. Units may
// refer to units of the same change in any order; positions and
// assignments to units, people and kinds stored or given here.
type OrgChange struct {
	Kinds       []PositionKind
	Units       []Unit
	People      []Person
	Positions   []Position
	Assignments []Assignment
}

// Validate checks every record's own fields and that no id is given
// twice; fields are named by their place, as "units[3].code".
func (c OrgChange) Validate() error {
	var ps problems
	each := func(list string, n int, check func(i int) error, id func(i int) string) {
		seen := make(map[string]int, n)
		for i := range n {
			if err := check(i); err != nil {
				for _, p := range ProblemsOf(err) {
					p.Field = fmt.Sprintf("%s[%d].%s", list, i, p.Field)
					ps = append(ps, p)
				}
			}
			if j, dup := seen[id(i)]; dup {
				ps.add(fmt.Sprintf("%s[%d]", list, i), RuleDuplicate, "%q is given again, first as %s[%d]", id(i), list, j)
			} else {
				seen[id(i)] = i
			}
		}
	}
	each("kinds", len(c.Kinds), func(i int) error { return c.Kinds[i].Validate() }, func(i int) string { return string(c.Kinds[i].Code) })
	each("units", len(c.Units), func(i int) error { return c.Units[i].Validate() }, func(i int) string { return string(c.Units[i].Code) })
	each("people", len(c.People), func(i int) error { return c.People[i].Validate() }, func(i int) string { return string(c.People[i].ID) })
	each("positions", len(c.Positions), func(i int) error { return c.Positions[i].Validate() }, func(i int) string { return string(c.Positions[i].ID) })
	ps = append(ps, ProblemsOf(CheckAssignments(c.Assignments))...)
	if len(ps) > 0 {
		return Invalid("invalid change of the organisation", ps)
	}
	return nil
}

// PositionFilter selects terms: every field set must match, At keeps the
// terms held on that day, and After and Limit page by id (Limit 0: all).
type PositionFilter struct {
	Unit UnitCode
	Kind KindCode
	// Units and Kinds, when given, narrow to terms in one of these units
	// and of one of these kinds: a table of many districts reads their
	// board's terms in one statement through the (unit, kind, id) index
	// rather than scanning every term of a kind nationwide.
	Units  []UnitCode
	Kinds  []KindCode
	Person PersonID
	At     Date
	After  PositionID
	Limit  int
}

// PeopleFilter selects people by home unit (empty: all) and, when IDs
// is given, among those ids only; paged by id.
type PeopleFilter struct {
	Home  UnitCode
	IDs   []PersonID
	After PersonID
	Limit int
}
