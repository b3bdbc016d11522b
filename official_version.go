package sandik

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The official feed: the YSK publishes per-box figures through the night
// and changes some of them. Every version stays in the submission log
// (source official); what the log does not say — where a version was read
// and when it was first seen there — is its Provenance. A change of a
// box's official figures, or of their agreement with the verified sheet,
// raises one FeedAlert.

// Provenance says where and when an official figure was first seen.
type Provenance struct {
	Submission SubmissionID `json:"submission"`
	Race       RaceCode     `json:"race"`
	Box        AreaCode     `json:"box"`
	SourceURL  string       `json:"source_url"`
	FirstSeen  time.Time    `json:"first_seen"`
}

// MaxSourceURL bounds a provenance's URL.
const MaxSourceURL = 2048

// Validate checks a provenance before it is stored.
func (p *Provenance) Validate() error {
	var ps problems
	if err := ValidateSubmissionID(p.Submission); err != nil {
		ps.add("submission", RuleInvalidValue, "submission id %v", err)
	}
	if p.Race == "" {
		ps.add("race", RuleRequired, "is required")
	}
	if p.Box == "" {
		ps.add("box", RuleRequired, "is required")
	}
	if p.SourceURL == "" || len(p.SourceURL) > MaxSourceURL || !printable(p.SourceURL) {
		ps.add("source_url", RuleInvalidValue, "source URL must be 1 to %d printable characters", MaxSourceURL)
	}
	if p.FirstSeen.IsZero() {
		ps.add("first_seen", RuleRequired, "is required")
	}
	if len(ps) > 0 {
		return Invalid("invalid provenance", ps)
	}
	return nil
}

// FieldChange is one figure of a box that differs between two versions.
type FieldChange struct {
	Field string `json:"field"` // a SheetFields name, or "votes.CHOICE"
	Name  string `json:"name"`  // the choice's name for votes, else Field
	From  int64  `json:"from"`
	To    int64  `json:"to"`
}

// Delta is To − From.
func (c FieldChange) Delta() int64 { return c.To - c.From }

// DiffSheets lists the figures that differ from old to new, fixed fields
// first in paper order, then votes in ballot order. Both sheets must have
// one vote per choice of rc.
func DiffSheets(rc *Race, old, new Tutanak) []FieldChange {
	var out []FieldChange
	for _, f := range SheetFields {
		if a, b := f.Get(&old), f.Get(&new); a != b {
			out = append(out, FieldChange{Field: f.Name, Name: f.Name, From: a, To: b})
		}
	}
	for i, c := range rc.Choices {
		var a, b int64
		if i < len(old.Votes) {
			a = old.Votes[i]
		}
		if i < len(new.Votes) {
			b = new.Votes[i]
		}
		if a != b {
			out = append(out, FieldChange{Field: "votes." + string(c.Code), Name: c.Name, From: a, To: b})
		}
	}
	return out
}

// VoteSummary writes the vote changes as people read them: "CHP −20, AK
// PARTİ +20" (a true minus sign). Only votes are named; with no vote
// changed the fixed fields are.
func VoteSummary(cs []FieldChange) string {
	var parts []string
	for _, votes := range []bool{true, false} {
		for _, c := range cs {
			if strings.HasPrefix(c.Field, "votes.") != votes {
				continue
			}
			d := c.Delta()
			sign := "+"
			if d < 0 {
				sign, d = "−", -d
			}
			parts = append(parts, fmt.Sprintf("%s %s%d", c.Name, sign, d))
		}
		if len(parts) > 0 {
			break
		}
	}
	return strings.Join(parts, ", ")
}

// AlertKind says what a FeedAlert is about.
type AlertKind string

const (
	AlertChanged   AlertKind = "changed"   // the box's official figures changed
	AlertDisagrees AlertKind = "disagrees" // they began to differ from the verified sheet
	AlertAgrees    AlertKind = "agrees"    // they no longer differ from it
)

// FeedAlert is raised once per change of a box's official figures: its
// ID is derived from the kind and the new version's submission id, so the
// same change seen again (a restart, a republished page) is the same
// alert and is stored once. N orders alerts as they were stored.
type FeedAlert struct {
	N         int64         `json:"n"`
	ID        string        `json:"id"`
	Kind      AlertKind     `json:"kind"`
	Race      RaceCode      `json:"race"`
	Box       AreaCode      `json:"box"`
	At        time.Time     `json:"at"` // first seen
	From      SubmissionID  `json:"from,omitempty"`
	To        SubmissionID  `json:"to"`
	Changes   []FieldChange `json:"changes"` // official from → to; against the sheet for (dis)agreement
	SourceURL string        `json:"source_url"`
	Summary   string        `json:"summary"`
}

// AlertID derives an alert's id.
func AlertID(kind AlertKind, to SubmissionID) string { return string(kind) + ":" + string(to) }

// FeedState is what a feed follower keeps between polls and restarts:
// the validators of the last answer for conditional requests, and the
// hash of the last body stored, so a restart does not store it again.
type FeedState struct {
	Feed         string    `json:"feed"`
	ETag         string    `json:"etag"`
	LastModified string    `json:"last_modified"`
	BodyHash     string    `json:"body_hash"`
	PolledAt     time.Time `json:"polled_at"`
	Versions     int64     `json:"versions"` // official versions stored from it
}

// FeedStore keeps the official feed's provenance, alerts and state.
type FeedStore interface {
	// SaveFeed stores, in one transaction, the provenances (a submission
	// already with one keeps its first), the alerts (an id already stored
	// is left as it is) and the feed's state, and returns the alerts it
	// stored now with their N. EInvalid names a bad provenance.
	SaveFeed(ctx context.Context, ps []Provenance, as []FeedAlert, st FeedState) ([]FeedAlert, error)
	// Provenances returns the stored provenance of each of ids that has one.
	Provenances(ctx context.Context, ids []SubmissionID) (map[SubmissionID]Provenance, error)
	// FeedState returns a feed's state; ENotFound if never saved.
	FeedState(ctx context.Context, feed string) (FeedState, error)
	// FeedStates returns every feed's state, by feed (for copying a
	// database whole).
	FeedStates(ctx context.Context) ([]FeedState, error)
	// Alerts returns up to limit alerts with N > after, in N order, of
	// box (all boxes when empty).
	Alerts(ctx context.Context, after int64, box AreaCode, limit int) ([]FeedAlert, error)
}
