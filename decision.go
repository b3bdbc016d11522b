package sandik

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Decisions taken at meetings and the minutes a meeting is closed with.
// A decision has an owner, a person or a unit, a due day and a status;
// the follow-up list runs across meetings, overdue first.

// DecisionID names a decision.
type DecisionID string

// DecisionStatus is where a decision stands.
type DecisionStatus string

// The statuses of a decision.
const (
	DecisionOpen    DecisionStatus = "open"
	DecisionDone    DecisionStatus = "done"
	DecisionDropped DecisionStatus = "dropped"
)

// Valid reports whether s is a known status.
func (s DecisionStatus) Valid() bool {
	return s == DecisionOpen || s == DecisionDone || s == DecisionDropped
}

// Decision is a decision of a meeting, owned by a person or a unit (one
// of them).
type Decision struct {
	ID          DecisionID     `json:"id"`
	Meeting     MeetingID      `json:"meeting"`
	Text        string         `json:"text"`
	OwnerPerson PersonID       `json:"owner_person,omitempty"`
	OwnerUnit   UnitCode       `json:"owner_unit,omitempty"`
	Due         Date           `json:"due"`
	Status      DecisionStatus `json:"status"`
}

// MaxDecisionText bounds a decision's text.
const MaxDecisionText = 2000

// Validate checks d's own fields.
func (d Decision) Validate() error {
	var ps problems
	if err := ValidateCode(string(d.ID)); err != nil {
		ps.add("id", RuleInvalidValue, "%v", err)
	}
	if err := ValidateCode(string(d.Meeting)); err != nil {
		ps.add("meeting", RuleInvalidValue, "%v", err)
	}
	textProblems(&ps, "text", d.Text, MaxDecisionText)
	switch {
	case (d.OwnerPerson == "") == (d.OwnerUnit == ""):
		ps.add("owner_person", RuleRequired, "a decision has one owner: a person or a unit")
	case d.OwnerPerson != "":
		if err := ValidateCode(string(d.OwnerPerson)); err != nil {
			ps.add("owner_person", RuleInvalidValue, "%v", err)
		}
	default:
		if err := ValidateCode(string(d.OwnerUnit)); err != nil {
			ps.add("owner_unit", RuleInvalidValue, "%v", err)
		}
	}
	if _, err := ParseDate(string(d.Due)); err != nil {
		ps.add("due", RuleInvalidValue, "%v", err)
	}
	if !d.Status.Valid() {
		ps.add("status", RuleInvalidValue, "unknown status %q (want open, done or dropped)", d.Status)
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid decision %q", d.ID), ps)
	}
	return nil
}

// Overdue reports whether d is open past its due day on day.
func (d Decision) Overdue(day Date) bool { return d.Status == DecisionOpen && d.Due < day }

// Minutes are the minutes a meeting is closed with: text, and
// attachments kept by their SHA-256 in the evidence store.
type Minutes struct {
	Meeting     MeetingID `json:"meeting"`
	Text        string    `json:"text"`
	Attachments []string  `json:"attachments,omitempty"`
	ClosedAt    time.Time `json:"closed_at"`
	ClosedBy    UserID    `json:"closed_by"`
}

// Bounds of minutes.
const (
	MaxMinutesText  = 100_000
	MaxAttachments  = 20
	sha256HexLength = 64
)

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Validate checks m's own fields.
func (m Minutes) Validate() error {
	var ps problems
	if err := ValidateCode(string(m.Meeting)); err != nil {
		ps.add("meeting", RuleInvalidValue, "%v", err)
	}
	textProblems(&ps, "minutes", m.Text, MaxMinutesText)
	if len(m.Attachments) > MaxAttachments {
		ps.add("attachments", RuleTooLarge, "at most %d attachments (got %d)", MaxAttachments, len(m.Attachments))
	}
	for i, a := range m.Attachments {
		if !sha256Hex.MatchString(a) {
			ps.add(fmt.Sprintf("attachments[%d]", i), RuleInvalidValue, "is not a SHA-256 in %d lower-case hex digits", sha256HexLength)
		}
	}
	if m.ClosedAt.IsZero() || m.ClosedBy == "" {
		ps.add("closed_at", RuleRequired, "minutes say when and by whom the meeting was closed")
	}
	if len(ps) > 0 {
		return Invalid("invalid minutes", ps)
	}
	return nil
}

// textProblems checks a required text of several lines.
func textProblems(ps *problems, field, s string, most int) {
	switch {
	case strings.TrimSpace(s) == "":
		ps.add(field, RuleRequired, "is required")
	case !utf8.ValidString(s) || utf8.RuneCountInString(s) > most:
		ps.add(field, RuleTooLarge, "must be UTF-8 of at most %d characters", most)
	case strings.ContainsFunc(s, func(r rune) bool { return r < ' ' && r != '\n' && r != '\t' || r == 0x7f }):
		ps.add(field, RuleInvalidValue, "holds a control character other than a line break or a tab")
	}
}

// DecisionFilter selects decisions: of a meeting, owned by a person, or
// owned by a unit or a person at home in it; Open keeps the open ones.
type DecisionFilter struct {
	Meeting MeetingID
	Person  PersonID
	Unit    UnitCode
	Open    bool
}

// DecisionStore keeps decisions and minutes; each write is a leaf.
type DecisionStore interface {
	// CloseMeeting stores the minutes of meeting m.Meeting and its new
	// decisions all or nothing; EConflict if it is closed already,
	// EInvalid if a decision names a person or unit not stored or
	// another meeting.
	CloseMeeting(ctx context.Context, m Minutes, ds []Decision) error
	// Minutes returns a meeting's minutes; ENotFound while it is open.
	Minutes(ctx context.Context, id MeetingID) (Minutes, error)
	// SaveDecision stores a new decision of a meeting; EConflict if the
	// id is taken.
	SaveDecision(ctx context.Context, d Decision) error
	// SetDecisionStatus changes a decision's status; ENotFound if none.
	SetDecisionStatus(ctx context.Context, id DecisionID, s DecisionStatus) error
	// Decisions returns the decisions f selects, by due day then id.
	Decisions(ctx context.Context, f DecisionFilter) ([]Decision, error)
}
