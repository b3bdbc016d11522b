package sandik

import (
	"context"
	"fmt"
	"slices"
)

// FindingKind is what a round table found.
type FindingKind string

// The kinds of finding.
const (
	FindingStrength FindingKind = "strength" // artı
	FindingWeakness FindingKind = "weakness" // eksi
	FindingProposal FindingKind = "proposal" // öneri
)

// FindingKinds lists every kind of finding.
func FindingKinds() []FindingKind {
	return []FindingKind{FindingStrength, FindingWeakness, FindingProposal}
}

// Finding is an item a table's moderator records: a strength, a
// weakness or a proposal, and the districts it concerns.
type Finding struct {
	ID        string      `json:"id"`
	Meeting   MeetingID   `json:"meeting"`
	Table     int         `json:"table"`
	Kind      FindingKind `json:"kind"`
	Text      string      `json:"text"`
	Districts []UnitCode  `json:"districts,omitempty"`
}

// MaxFindingText bounds a finding.
const MaxFindingText = 1000

// Validate checks f's own fields.
func (f Finding) Validate() error {
	var ps problems
	if err := ValidateCode(f.ID); err != nil {
		ps.add("id", RuleInvalidValue, "%v", err)
	}
	if err := ValidateCode(string(f.Meeting)); err != nil {
		ps.add("meeting", RuleInvalidValue, "%v", err)
	}
	if f.Table < 1 || f.Table > MaxTables {
		ps.add("table", RuleInvalidValue, "is a table's number from 1 (got %d)", f.Table)
	}
	if !slices.Contains(FindingKinds(), f.Kind) {
		ps.add("kind", RuleInvalidValue, "unknown kind %q (want strength, weakness or proposal)", f.Kind)
	}
	textProblems(&ps, "text", f.Text, MaxFindingText)
	for i, d := range f.Districts {
		if err := ValidateCode(string(d)); err != nil {
			ps.add(fmt.Sprintf("districts[%d]", i), RuleInvalidValue, "%v", err)
		}
	}
	if len(ps) > 0 {
		return Invalid("invalid finding", ps)
	}
	return nil
}

// FindingStore keeps the findings of round tables; each is a leaf.
type FindingStore interface {
	// AddFinding stores f; EInvalid if it fails Validate, names a table
	// the meeting lacks or a unit not stored.
	AddFinding(ctx context.Context, f Finding) error
	// Findings returns a meeting's findings by table, kind and id.
	Findings(ctx context.Context, id MeetingID) ([]Finding, error)
}
