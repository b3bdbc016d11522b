package sandik

import (
	"cmp"
	"fmt"
	"slices"
)

// MandateID names a delegate's mandate.
type MandateID string

// Mandate is a delegate's mandate (delegelik): elected at one congress
// (From, in unit Group) to sit in the congresses of Level of unit Unit
// until End. Rank is the elected seat (1…) and 0 for a substitute
// (yedek), whose place in the order is Substitute (1…). Whether a
// substitute sits is never stored: it follows from the mandates that
// ended (Status), so that when an elected delegate's mandate ends the
// first substitute moves up the same day.
type Mandate struct {
	ID         MandateID     `json:"id"`
	Person     PersonID      `json:"person"`
	Level      CongressLevel `json:"level"`
	Unit       UnitCode      `json:"unit"`
	Group      UnitCode      `json:"group"`
	From       CongressID    `json:"from,omitempty"`
	Camp       string        `json:"camp,omitempty"`
	Rank       int           `json:"rank"`
	Substitute int           `json:"substitute"`
	Start      Date          `json:"start"`
	End        Date          `json:"end,omitempty"`
	EndReason  string        `json:"end_reason,omitempty"`
}

// Validate checks m's own fields.
func (m Mandate) Validate() error {
	var ps problems
	for _, f := range []struct{ field, v string }{{"id", string(m.ID)}, {"person", string(m.Person)}, {"unit", string(m.Unit)}, {"group", string(m.Group)}} {
		if err := ValidateCode(f.v); err != nil {
			ps.add(f.field, RuleInvalidValue, "%v", err)
		}
	}
	if !slices.Contains(CongressLevels(), m.Level) {
		ps.add("level", RuleInvalidValue, "unknown level %q", m.Level)
	}
	switch {
	case m.Rank < 0 || m.Substitute < 0:
		ps.add("rank", RuleNegative, "rank and substitute order are not negative")
	case (m.Rank == 0) == (m.Substitute == 0):
		ps.add("rank", RuleInvalidValue, "a mandate has either a rank (elected) or a substitute order (yedek), not both or neither")
	}
	if _, err := ParseDate(string(m.Start)); err != nil {
		ps.add("start", RuleInvalidValue, "%v", err)
	}
	if m.End != "" {
		if _, err := ParseDate(string(m.End)); err != nil {
			ps.add("end", RuleInvalidValue, "%v", err)
		} else if m.End < m.Start {
			ps.add("end", RuleInvalidValue, "the mandate ends on %s, before it starts on %s", m.End, m.Start)
		}
	}
	nameProblems(&ps, "camp", m.Camp, false)
	nameProblems(&ps, "end_reason", m.EndReason, false)
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid mandate %q", m.ID), ps)
	}
	return nil
}

// HeldOn reports whether the mandate's dates cover day d.
func (m Mandate) HeldOn(d Date) bool { return m.Start <= d && (m.End == "" || d <= m.End) }

// MandateStatus is where a mandate stands on a day.
type MandateStatus string

// The statuses of a mandate.
const (
	MandateElected    MandateStatus = "elected"    // an elected delegate, sitting
	MandateSubstitute MandateStatus = "substitute" // a substitute, waiting
	MandateActivated  MandateStatus = "activated"  // a substitute sitting for one whose mandate ended
	MandateWithdrawn  MandateStatus = "withdrawn"  // ended (or not begun) on the day
)

// MandateState is a mandate with its status on a day and, for an
// activated substitute, the elected mandate whose seat it took.
type MandateState struct {
	Mandate
	Status   MandateStatus `json:"status"`
	Replaces MandateID     `json:"replaces,omitempty"`
}

// MandateStates gives every mandate its status on day d. Mandates are
// grouped by (Level, Unit, Group): each group has as many seats as it
// has elected ranks; the seats of elected delegates whose mandate is not
// held on d pass to the held substitutes in their order, the lowest
// vacated rank to the first substitute. The result is in the order of
// ms.
func MandateStates(ms []Mandate, d Date) []MandateState {
	type key struct {
		l    CongressLevel
		u, g UnitCode
	}
	groups := map[key][]int{}
	for i, m := range ms {
		k := key{m.Level, m.Unit, m.Group}
		groups[k] = append(groups[k], i)
	}
	out := make([]MandateState, len(ms))
	for i, m := range ms {
		out[i] = MandateState{Mandate: m, Status: MandateWithdrawn}
	}
	for _, idx := range groups {
		var vacated []int // indexes of elected mandates not held, by rank
		var subs []int    // indexes of held substitutes, by order
		for _, i := range idx {
			m := ms[i]
			switch {
			case m.Rank > 0 && m.HeldOn(d):
				out[i].Status = MandateElected
			case m.Rank > 0:
				vacated = append(vacated, i)
			case m.HeldOn(d):
				subs = append(subs, i)
			}
		}
		slices.SortFunc(vacated, func(a, b int) int { return cmp.Compare(ms[a].Rank, ms[b].Rank) })
		slices.SortFunc(subs, func(a, b int) int { return cmp.Compare(ms[a].Substitute, ms[b].Substitute) })
		for j, i := range subs {
			if j < len(vacated) {
				out[i].Status = MandateActivated
				out[i].Replaces = ms[vacated[j]].ID
			} else {
				out[i].Status = MandateSubstitute
			}
		}
	}
	return out
}

// Sitting reports whether the mandate gives a vote on its day.
func (s MandateState) Sitting() bool {
	return s.Status == MandateElected || s.Status == MandateActivated
}

// MandateFilter selects mandates: every field set must match.
type MandateFilter struct {
	Level  CongressLevel
	Unit   UnitCode
	Person PersonID
	From   CongressID
}
