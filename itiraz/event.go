package itiraz

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sandik-dev/sandik"
)

// EventKind names what happened to a case.
type EventKind string

const (
	EventCreated  EventKind = "created"  // a draft with its facts
	EventEdited   EventKind = "edited"   // the draft's facts changed
	EventFiled    EventKind = "filed"    // handed to the board
	EventDecided  EventKind = "decided"  // the board's decision
	EventAppealed EventKind = "appealed" // filed with the next board
	EventWithdraw EventKind = "withdrawn"
	EventEvidence EventKind = "evidence" // a document added
)

// Event is one change of a case, recorded with who made it and when. The
// fields a kind does not use stay empty.
type Event struct {
	Case    CaseID        `json:"case"`
	Version int           `json:"version"` // 1 for created, then one more per event
	Kind    EventKind     `json:"kind"`
	User    sandik.UserID `json:"user"`
	At      time.Time     `json:"at"`

	Draft     *Draft    `json:"draft,omitempty"`     // created, edited
	When      time.Time `json:"when,omitzero"`       // filed, decided, appealed: when it happened at the board
	Reference string    `json:"reference,omitempty"` // filed, appealed
	Outcome   Status    `json:"outcome,omitempty"`   // decided: accepted, partly_accepted or rejected
	Decision  string    `json:"decision,omitempty"`  // decided: the board's reasoning, summarised
	Granted   []int64   `json:"granted,omitempty"`   // decided partly: the change granted per choice
	// Deadline is set by the centre from the rules on created and appealed.
	Trigger  time.Time `json:"trigger,omitzero"`
	Deadline time.Time `json:"deadline,omitzero"`
	Reason   string    `json:"reason,omitempty"` // withdrawn
	Evidence *Evidence `json:"evidence,omitempty"`
}

// Draft is what a user writes into a case before it is filed.
type Draft struct {
	Race   sandik.RaceCode   `json:"race"`
	Boxes  []sandik.AreaCode `json:"boxes"`
	Areas  []sandik.AreaCode `json:"areas"`
	Ground Ground            `json:"ground"`
	Remedy Remedy            `json:"remedy"`
	Board  Board             `json:"board"`
	Filer  string            `json:"filer"`
	Title  string            `json:"title"`
	Body   string            `json:"body"`
	Claim  []int64           `json:"claim"`
}

// Limits of the text of a case.
const (
	MaxTitle   = 300
	MaxBody    = 20000
	MaxTargets = 5000 // boxes and areas of one case
	// MaxClaim bounds a claim per choice: more than Türkiye's whole
	// electorate, so any real claim fits and sums of claims cannot overflow.
	MaxClaim = 100_000_000
)

// Check validates a draft against the registry, returning every problem.
func (d *Draft) Check(reg *sandik.Registry) []sandik.Problem {
	var ps []sandik.Problem
	add := func(field, rule, format string, args ...any) {
		ps = append(ps, sandik.Problem{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	rc, ok := reg.Race(d.Race)
	if !ok {
		add("race", sandik.RuleUnknownRace, "race %q does not exist", d.Race)
	}
	if len(d.Boxes)+len(d.Areas) == 0 {
		add("boxes", sandik.RuleRequired, "a case concerns at least one box or area")
	}
	if len(d.Boxes)+len(d.Areas) > MaxTargets {
		add("boxes", sandik.RuleTooLarge, "a case concerns at most %d boxes and areas", MaxTargets)
	}
	for i, b := range d.Boxes {
		a, found := reg.Area(b)
		switch {
		case !found || a.Level != sandik.LevelSandik:
			add(fmt.Sprintf("boxes[%d]", i), sandik.RuleUnknownBox, "ballot box %q does not exist", b)
		case ok && !reg.InRace(rc, b):
			add(fmt.Sprintf("boxes[%d]", i), sandik.RuleBoxNotInRace, "ballot box %q does not take part in race %q", b, d.Race)
		}
	}
	for i, a := range d.Areas {
		if _, found := reg.Area(a); !found {
			add(fmt.Sprintf("areas[%d]", i), sandik.RuleUnknownArea, "area %q does not exist", a)
		} else if ok && !reg.Contains(rc.Scope, a) {
			add(fmt.Sprintf("areas[%d]", i), sandik.RuleInvalidValue, "area %q is outside race %q", a, d.Race)
		}
	}
	if !slices.Contains(Grounds, d.Ground) {
		add("ground", sandik.RuleInvalidValue, "ground %q is not one of %s", d.Ground, join(Grounds))
	}
	if !slices.Contains(Remedies, d.Remedy) {
		add("remedy", sandik.RuleInvalidValue, "remedy %q is not one of %s", d.Remedy, join(Remedies))
	}
	if !d.Board.Valid() {
		add("board", sandik.RuleInvalidValue, "board %q is not one of %s", d.Board, join(Boards))
	}
	text := func(field, v string, max int, required bool) {
		switch {
		case required && strings.TrimSpace(v) == "":
			add(field, sandik.RuleRequired, "is required")
		case len(v) > max:
			add(field, sandik.RuleTooLarge, "is longer than %d bytes", max)
		case !utf8.ValidString(v):
			add(field, sandik.RuleInvalidValue, "is not valid UTF-8")
		}
	}
	text("filer", d.Filer, MaxTitle, true)
	text("title", d.Title, MaxTitle, true)
	text("body", d.Body, MaxBody, false)
	if ok && d.Claim != nil && len(d.Claim) != len(rc.Choices) {
		add("claim", sandik.RuleInvalidValue, "the claim has %d numbers; race %q has %d choices", len(d.Claim), d.Race, len(rc.Choices))
	}
	for i, v := range d.Claim {
		if v > MaxClaim || v < -MaxClaim {
			add(fmt.Sprintf("claim[%d]", i), sandik.RuleTooLarge, "%d votes is more than an electorate holds (at most %d either way)", v, MaxClaim)
		}
	}
	return ps
}

func join[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// Apply returns c with e applied, or an EInvalid error saying why e cannot
// follow c's status; c is not changed. Apply on a nil case accepts only
// EventCreated.
func Apply(c *Case, e Event) (*Case, error) {
	bad := func(format string, args ...any) (*Case, error) {
		return nil, sandik.Invalid("this change is not allowed", []sandik.Problem{{Field: "kind", Rule: "transition", Message: fmt.Sprintf(format, args...)}})
	}
	if c == nil {
		if e.Kind != EventCreated || e.Draft == nil {
			return bad("a case begins with %q, not %q", EventCreated, e.Kind)
		}
		d := e.Draft
		return &Case{ID: e.Case, Race: d.Race, Boxes: slices.Clone(d.Boxes), Areas: slices.Clone(d.Areas), Ground: d.Ground, Remedy: d.Remedy,
			Board: d.Board, Status: StatusDraft, Filer: d.Filer, Title: d.Title, Body: d.Body, Claim: slices.Clone(d.Claim),
			Trigger: e.Trigger, Deadline: e.Deadline, History: []Event{e}, Version: 1, CreatedBy: e.User, CreatedAt: e.At, Evidence: []Evidence{}}, nil
	}
	if e.Case != c.ID {
		return bad("event of case %s applied to case %s", e.Case, c.ID)
	}
	if e.Version != c.Version+1 {
		return nil, sandik.Errorf(sandik.EConflict, "case %s changed meanwhile (version %d, the change was made on version %d); reload it", c.ID, c.Version, e.Version-1)
	}
	n := *c
	n.History = append(slices.Clone(c.History), e)
	n.Version = e.Version
	switch e.Kind {
	case EventCreated:
		return bad("case %s already exists", c.ID)
	case EventEdited:
		if c.Status != StatusDraft {
			return bad("a %s case cannot be edited; only drafts can", c.Status)
		}
		if e.Draft == nil {
			return bad("an edit carries the draft")
		}
		d := e.Draft
		n.Race, n.Boxes, n.Areas, n.Ground, n.Remedy, n.Board = d.Race, slices.Clone(d.Boxes), slices.Clone(d.Areas), d.Ground, d.Remedy, d.Board
		n.Filer, n.Title, n.Body, n.Claim = d.Filer, d.Title, d.Body, slices.Clone(d.Claim)
		if !e.Deadline.IsZero() {
			n.Trigger, n.Deadline = e.Trigger, e.Deadline
		}
	case EventFiled:
		if c.Status != StatusDraft {
			return bad("a %s case cannot be filed; only drafts can", c.Status)
		}
		if e.When.IsZero() {
			return bad("filing needs the time it was handed to the board")
		}
		n.Status, n.FiledAt, n.Reference = StatusFiled, e.When, e.Reference
	case EventDecided:
		if c.Status != StatusFiled && c.Status != StatusAppealed {
			return bad("a %s case cannot be decided; file it first", c.Status)
		}
		if e.When.IsZero() || e.When.Before(c.FiledAt) {
			return bad("a decision needs its time, not before the filing (%s)", c.FiledAt.Format(time.RFC3339))
		}
		n.Status, n.DecidedAt, n.Decision = e.Outcome, e.When, e.Decision
		switch e.Outcome {
		case StatusAccepted:
			n.Granted = slices.Clone(c.Claim)
		case StatusRejected:
			n.Granted = make([]int64, len(c.Claim))
		case StatusPartly:
			if len(e.Granted) != len(c.Claim) {
				return bad("a partial decision gives the votes granted per choice (%d numbers)", len(c.Claim))
			}
			n.Granted = slices.Clone(e.Granted)
		default:
			return bad("a decision is accepted, partly_accepted or rejected, not %q", e.Outcome)
		}
	case EventAppealed:
		if c.Status != StatusRejected && c.Status != StatusPartly {
			return bad("a %s case cannot be appealed; only rejected or partly accepted ones can", c.Status)
		}
		next, ok := c.Board.Next()
		if !ok {
			return bad("YSK's decisions are final; there is no board above it")
		}
		if e.When.IsZero() || e.When.Before(c.DecidedAt) {
			return bad("an appeal needs its time, not before the decision (%s)", c.DecidedAt.Format(time.RFC3339))
		}
		n.Board, n.Status, n.FiledAt, n.Reference = next, StatusAppealed, e.When, e.Reference
		n.Trigger, n.Deadline = e.Trigger, e.Deadline
		// What the lower board granted stands while the appeal waits.
		n.DecidedAt, n.Decision = time.Time{}, ""
	case EventWithdraw:
		if !c.Status.Open() {
			return bad("a %s case cannot be withdrawn", c.Status)
		}
		n.Status = StatusWithdrawn
	case EventEvidence:
		if e.Evidence == nil {
			return bad("an evidence event carries the document")
		}
		if b, err := hex.DecodeString(e.Evidence.SHA256); err != nil || len(b) != 32 {
			return bad("evidence %q has no valid SHA-256", e.Evidence.Name)
		}
		n.Evidence = append(slices.Clone(c.Evidence), *e.Evidence)
	default:
		return bad("unknown change %q", e.Kind)
	}
	return &n, nil
}

// Fold builds a case from its events in version order.
func Fold(events []Event) (*Case, error) {
	var c *Case
	for _, e := range events {
		var err error
		if c, err = Apply(c, e); err != nil {
			return nil, fmt.Errorf("event %d of case %s: %w", e.Version, e.Case, err)
		}
	}
	if c == nil {
		return nil, sandik.Errorf(sandik.ENotFound, "no events")
	}
	return c, nil
}
