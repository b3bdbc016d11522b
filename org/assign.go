package org

import (
	"fmt"

	"github.com/sandik-dev/sandik"
)

// CheckAssignments checks assignments against the registry: each names
// an election of it and a box registered for that election. Problems
// name "assignments[i].election" or "assignments[i].box".
func CheckAssignments(reg *sandik.Registry, as []sandik.Assignment) error {
	var ps []sandik.Problem
	for i, a := range as {
		if _, ok := reg.Election(a.Election); !ok {
			ps = append(ps, sandik.Problem{Field: fmt.Sprintf("assignments[%d].election", i), Rule: sandik.RuleUnknownElection,
				Message: fmt.Sprintf("election %q is not in the registry", a.Election)})
			continue
		}
		area, ok := reg.Area(a.Box)
		switch {
		case !ok:
			ps = append(ps, sandik.Problem{Field: fmt.Sprintf("assignments[%d].box", i), Rule: sandik.RuleUnknownBox,
				Message: fmt.Sprintf("box %q is not in the registry", a.Box)})
		case area.Level != sandik.LevelSandik:
			ps = append(ps, sandik.Problem{Field: fmt.Sprintf("assignments[%d].box", i), Rule: sandik.RuleInvalidValue,
				Message: fmt.Sprintf("%q (%s) is a %s, not a sandık", a.Box, area.Name, area.Level)})
		default:
			if _, in := reg.Registered(a.Election, a.Box); !in {
				ps = append(ps, sandik.Problem{Field: fmt.Sprintf("assignments[%d].box", i), Rule: sandik.RuleBoxNotInRace,
					Message: fmt.Sprintf("box %q (%s) does not take part in election %q", a.Box, area.Name, a.Election)})
			}
		}
	}
	if len(ps) > 0 {
		return sandik.Invalid("assignments outside the registry", ps)
	}
	return nil
}
