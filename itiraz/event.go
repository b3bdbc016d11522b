package itiraz

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
)

// An Event is one change of a case and a Draft what a user writes into
// it before it is filed; the root package declares both for the store.
type (
	EventKind = sandik.CaseEventKind
	Event     = sandik.CaseEvent
	Draft     = sandik.CaseDraft
)

const (
	EventCreated  = sandik.CaseCreated
	EventEdited   = sandik.CaseEdited
	EventFiled    = sandik.CaseFiled
	EventDecided  = sandik.CaseDecided
	EventAppealed = sandik.CaseAppealed
	EventWithdraw = sandik.CaseWithdrawn
	EventEvidence = sandik.CaseEvidenceAdded
)

// Limits of the text of a case.
const (
	MaxTitle   = sandik.MaxCaseTitle
	MaxBody    = sandik.MaxCaseBody
	MaxTargets = sandik.MaxCaseTargets
	MaxClaim   = sandik.MaxCaseClaim
)

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
