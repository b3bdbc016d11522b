package itiraz

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
)

// Trigger is the event a deadline runs from.
type Trigger string

const (
	TriggerCountEnd          Trigger = "count_end"          // the box's sheet is signed
	TriggerVotingDay         Trigger = "voting_day"         // the election's date
	TriggerIlceConsolidation Trigger = "ilce_consolidation" // the ilçe consolidation sheet is drawn up
	TriggerIlConsolidation   Trigger = "il_consolidation"   // the il consolidation sheet is drawn up
	TriggerDecision          Trigger = "decision"           // a decision is notified
)

// Triggers lists every trigger.
var Triggers = []Trigger{TriggerCountEnd, TriggerVotingDay, TriggerIlceConsolidation, TriggerIlConsolidation, TriggerDecision}

// Rule is when filing with a board closes: a number of calendar days after
// the trigger's date at a clock time (Europe/Istanbul), or a number of
// hours after the trigger. Rules are configuration: YSK publishes a
// calendar per election and may shorten periods, so lawyers confirm them.
type Rule struct {
	Board   Board   `json:"board"`
	Trigger Trigger `json:"trigger"`
	Days    int     `json:"days"`
	At      string  `json:"at"`    // "15:04"; empty means Hours after the trigger
	Hours   int     `json:"hours"` // with At empty
	// WorkingDays moves a deadline that falls on a Saturday or Sunday to
	// the Monday. Off by default: Law 298 has no such extension, and
	// published calendars show deadlines on Sundays and holidays.
	WorkingDays bool   `json:"working_days"`
	Source      string `json:"source"`
}

// DefaultRules are the filing periods of Law 298 for an election held on a
// Sunday (see docs/itiraz.md for the text each comes from).
func DefaultRules() []Rule {
	return []Rule{
		{Board: BoardSandik, Trigger: TriggerCountEnd, Hours: 0,
			Source: "Law 298 arts. 116, 127: complaints to the box board until its sheet is signed"},
		{Board: BoardIlce, Trigger: TriggerVotingDay, Days: 2, At: "15:00",
			Source: "Law 298 art. 128: to the ilçe board until 15:00 on the Tuesday after voting day"},
		{Board: BoardIl, Trigger: TriggerIlceConsolidation, Days: 1, At: "17:00",
			Source: "Law 298 art. 129: to the il board until 17:00 on the day after the ilçe consolidation sheet"},
		{Board: BoardYSK, Trigger: TriggerIlConsolidation, Days: 3, At: "17:00",
			Source: "Law 298 art. 130(5): to YSK until 17:00 on the 3rd day after the il consolidation sheet"},
	}
}

// CheckRules validates a rule set: one rule per board, each well formed.
func CheckRules(rules []Rule) error {
	var ps []sandik.Problem
	seen := map[Board]bool{}
	for i, r := range rules {
		f := fmt.Sprintf("rules[%d]", i)
		if !r.Board.Valid() {
			ps = append(ps, sandik.Problem{Field: f + ".board", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("board %q is not one of %s", r.Board, join(Boards))})
		} else if seen[r.Board] {
			ps = append(ps, sandik.Problem{Field: f + ".board", Rule: sandik.RuleDuplicate, Message: fmt.Sprintf("board %s has two rules", r.Board)})
		}
		seen[r.Board] = true
		if !slices.Contains(Triggers, r.Trigger) {
			ps = append(ps, sandik.Problem{Field: f + ".trigger", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("trigger %q is not one of %s", r.Trigger, join(Triggers))})
		}
		if r.Days < 0 || r.Days > 60 || r.Hours < 0 || r.Hours > 24*60 {
			ps = append(ps, sandik.Problem{Field: f + ".days", Rule: sandik.RuleInvalidValue, Message: "days must be 0–60 and hours 0–1440"})
		}
		if r.At != "" {
			if _, err := time.Parse("15:04", r.At); err != nil {
				ps = append(ps, sandik.Problem{Field: f + ".at", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("%q is not a clock time like 15:00", r.At)})
			}
		}
	}
	if len(ps) > 0 {
		return sandik.Invalid("invalid deadline rules", ps)
	}
	return nil
}

// Istanbul is the time zone every deadline is computed in.
func Istanbul() *time.Location { return sandik.Istanbul() }

// Deadline computes when filing under r closes for a trigger time.
func (r Rule) Deadline(trigger time.Time, loc *time.Location) time.Time {
	t := trigger.In(loc)
	var d time.Time
	if r.At != "" {
		clock, _ := time.Parse("15:04", r.At)
		d = time.Date(t.Year(), t.Month(), t.Day()+r.Days, clock.Hour(), clock.Minute(), 0, 0, loc)
	} else {
		d = t.AddDate(0, 0, r.Days).Add(time.Duration(r.Hours) * time.Hour)
	}
	if r.WorkingDays {
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			d = d.AddDate(0, 0, 1)
		}
	}
	return d
}

// RuleFor returns the rule of board.
func RuleFor(rules []Rule, board Board) (Rule, bool) {
	i := slices.IndexFunc(rules, func(r Rule) bool { return r.Board == board })
	if i < 0 {
		return Rule{}, false
	}
	return rules[i], true
}

// Due is a case on the deadline board.
type Due struct {
	Case *Case         `json:"case"`
	Left time.Duration `json:"left"` // negative once expired
}

// DeadlineBoard sorts open cases by urgency: drafts whose deadline falls
// within the next window (soonest first), and drafts whose deadline has
// passed without a filing (most recent first).
func DeadlineBoard(cases []*Case, now time.Time, window time.Duration) (soon, expired []Due) {
	soon, expired = []Due{}, []Due{}
	for _, c := range cases {
		if c.Status != StatusDraft || c.Deadline.IsZero() {
			continue
		}
		left := c.Deadline.Sub(now)
		switch {
		case left < 0:
			expired = append(expired, Due{c, left})
		case left <= window:
			soon = append(soon, Due{c, left})
		}
	}
	slices.SortFunc(soon, func(a, b Due) int { return cmp.Or(cmp.Compare(a.Left, b.Left), cmp.Compare(a.Case.ID, b.Case.ID)) })
	slices.SortFunc(expired, func(a, b Due) int { return cmp.Or(cmp.Compare(b.Left, a.Left), cmp.Compare(a.Case.ID, b.Case.ID)) })
	return soon, expired
}
