package sandik

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Assignment puts a person (a müşahit) at a box for an election. A box
// may have several observers; a person stands at a few boxes at most
// (MaxBoxesPerPerson), since a müşahit stands at one school. That the box
// takes part in the election is the registry's check (package org); that
// the person exists is the store's.
type Assignment struct {
	Election   ElectionCode `json:"election"`
	Box        AreaCode     `json:"box"`
	Person     PersonID     `json:"person"`
	AssignedAt time.Time    `json:"assigned_at"`
	AssignedBy UserID       `json:"assigned_by"`
	Note       string       `json:"note,omitempty"`
}

// MaxBoxesPerPerson bounds the boxes one person is assigned to in one
// election: the boxes of a large school, not a district.
const MaxBoxesPerPerson = 20

// RuleTooManyBoxes is the rule an assignment breaks when its person would
// stand at more than MaxBoxesPerPerson boxes of the election.
const RuleTooManyBoxes = "too_many_boxes"

// Validate checks a's own fields.
func (a Assignment) Validate() error {
	var ps problems
	for _, f := range []struct{ field, v string }{{"election", string(a.Election)}, {"box", string(a.Box)}, {"person", string(a.Person)}} {
		if err := ValidateCode(f.v); err != nil {
			ps.add(f.field, RuleInvalidValue, "%v", err)
		}
	}
	if a.AssignedAt.IsZero() {
		ps.add("assigned_at", RuleRequired, "is required")
	}
	if err := ValidateCode(string(a.AssignedBy)); err != nil {
		ps.add("assigned_by", RuleInvalidValue, "user %v", err)
	}
	switch {
	case !utf8.ValidString(a.Note) || utf8.RuneCountInString(a.Note) > MaxOrgName:
		ps.add("note", RuleTooLarge, "must be UTF-8 of at most %d characters", MaxOrgName)
	case a.Note != strings.TrimSpace(a.Note):
		ps.add("note", RuleInvalidValue, "begins or ends with a space")
	case strings.ContainsFunc(a.Note, func(r rune) bool { return r < ' ' || r == 0x7f }):
		ps.add("note", RuleInvalidValue, "holds a control character")
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid assignment of %q to box %q", a.Person, a.Box), ps)
	}
	return nil
}

// CheckAssignments validates every assignment and that none is given
// twice; fields are named "assignments[i].box".
func CheckAssignments(as []Assignment) error {
	var ps problems
	type key struct {
		e ElectionCode
		b AreaCode
		p PersonID
	}
	seen := make(map[key]int, len(as))
	for i, a := range as {
		for _, p := range ProblemsOf(a.Validate()) {
			p.Field = fmt.Sprintf("assignments[%d].%s", i, p.Field)
			ps = append(ps, p)
		}
		k := key{a.Election, a.Box, a.Person}
		if j, dup := seen[k]; dup {
			ps.add(fmt.Sprintf("assignments[%d]", i), RuleDuplicate, "%s is assigned to box %s of %s again, first as assignments[%d]", a.Person, a.Box, a.Election, j)
		} else {
			seen[k] = i
		}
	}
	if len(ps) > 0 {
		return Invalid("invalid assignments", ps)
	}
	return nil
}

// AssignmentFilter selects assignments: every field set must match.
// Under keeps the boxes whose code begins with Under: where the
// registry's codes nest ("34-3" holds "34-3-1-1001"), a superset of the
// boxes below the area Under, which callers narrow with
// Registry.Contains. Limit 0 is all.
type AssignmentFilter struct {
	Election ElectionCode
	Under    AreaCode
	Box      AreaCode
	Person   PersonID
	Limit    int
}

// AssignmentStore keeps who stands at which box for which election.
// Every write is a leaf of the ledger.
type AssignmentStore interface {
	// SaveAssignments stores as all or nothing: EInvalid naming the field
	// of any assignment that fails CheckAssignments or names a person not
	// stored, or whose person would stand at more than MaxBoxesPerPerson
	// boxes of the election (RuleTooManyBoxes); EConflict if the person is
	// assigned to the box for the election already.
	SaveAssignments(ctx context.Context, as []Assignment) error
	// RemoveAssignment removes one assignment; ENotFound if there is none.
	RemoveAssignment(ctx context.Context, election ElectionCode, box AreaCode, person PersonID) error
	// Assignments returns those f selects, by election, box and person.
	Assignments(ctx context.Context, f AssignmentFilter) ([]Assignment, error)
}
