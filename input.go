package sandik

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// LateAfter is how long after capture a sheet may arrive before it is
// marked late (a phone that lost its connection for a while).
const LateAfter = 30 * time.Minute

// SheetInput is a result sheet as a client sends it. Numbers are pointers so
// that a missing field is told apart from a zero.
type SheetInput struct {
	ID         SubmissionID `json:"id"`
	Race       RaceCode     `json:"race"`
	Box        AreaCode     `json:"box"`
	Source     Source       `json:"source,omitempty"`
	CapturedAt *time.Time   `json:"captured_at,omitempty"`
	Reason     string       `json:"reason,omitempty"` // adjudications only
	// Decision is the board's decision reference of a recount (source
	// recount): required for its entries, refused on any other sheet.
	Decision string `json:"decision,omitempty"`

	Registered            *int64                `json:"registered"`
	VotedByLaw            *int64                `json:"voted_by_law,omitempty"`
	Voted                 *int64                `json:"voted"`
	ValidWithoutObjection *int64                `json:"valid_without_objection"`
	ValidUponObjection    *int64                `json:"valid_upon_objection"`
	ValidTotal            *int64                `json:"valid_total"`
	Invalid               *int64                `json:"invalid_total"`
	Votes                 map[ChoiceCode]*int64 `json:"votes"`
}

// MaxReasonLength bounds an adjudication's reason.
const MaxReasonLength = 2000

// MaxDecisionLength bounds a recount's decision reference.
const MaxDecisionLength = 200

// NewSubmission checks a client's sheet against the registry and every rule
// of the tutanak and returns the submission to append, or an EInvalid error
// listing every problem, each naming its field (prefixed with prefix, for
// batch items). Warnings are set but never reject.
func (r *Registry) NewSubmission(in *SheetInput, user User, kind Kind, now time.Time, prefix string) (Submission, error) {
	var ps problems
	if err := ValidateSubmissionID(in.ID); err != nil {
		ps.add(prefix+"id", RuleRequired, "submission id %v", err)
	} else if ImportedID(in.ID) {
		ps.add(prefix+"id", RuleInvalidValue, "submission id may not begin with %q or %q: those are kept for imported files", ImportIDPrefix, OfficialIDPrefix)
	}
	src := in.Source
	switch {
	case src == "" && kind == KindAdjudication:
		src = SourceEntry
	case src == "":
		src = SourceObserver
	case src == SourceOfficial:
		ps.add(prefix+"source", RuleInvalidValue, "official figures are imported from YSK files, not submitted")
	case !src.Valid():
		ps.add(prefix+"source", RuleInvalidValue, "unknown source %q (want observer, entry, import or recount)", src)
	case src == SourceRecount && user.Role == RoleObserver:
		ps.add(prefix+"source", RuleInvalidValue, "a recount is entered at the centre from the board's decision, not by an observer")
	}
	switch {
	case src != SourceRecount && in.Decision != "":
		ps.add(prefix+"decision", RuleInvalidValue, "only a recount carries a board's decision reference")
	case src == SourceRecount && kind == KindEntry && strings.TrimSpace(in.Decision) == "":
		ps.add(prefix+"decision", RuleRequired, "a recount needs the board's decision reference (karar no)")
	case len(in.Decision) > MaxDecisionLength:
		ps.add(prefix+"decision", RuleTooLarge, "decision reference is longer than %d bytes", MaxDecisionLength)
	}
	if kind == KindAdjudication {
		switch {
		case in.Reason == "":
			ps.add(prefix+"reason", RuleReasonRequired, "an adjudication needs a reason")
		case len(in.Reason) > MaxReasonLength:
			ps.add(prefix+"reason", RuleTooLarge, "reason is longer than %d bytes", MaxReasonLength)
		}
	} else if in.Reason != "" {
		ps.add(prefix+"reason", RuleInvalidValue, "only adjudications carry a reason")
	}
	var captured time.Time
	if in.CapturedAt != nil {
		captured = in.CapturedAt.UTC()
		if captured.Year() < 2000 || captured.After(now.Add(24*time.Hour)) {
			ps.add(prefix+"captured_at", RuleInvalidValue, "capture time %s is not plausible", captured.Format(time.RFC3339))
		}
	}

	rc, ok := r.Race(in.Race)
	switch {
	case in.Race == "":
		ps.add(prefix+"race", RuleRequired, "is required")
	case !ok:
		ps.add(prefix+"race", RuleUnknownRace, "race %q does not exist", in.Race)
	}
	box, boxOK := r.Area(in.Box)
	switch {
	case in.Box == "":
		ps.add(prefix+"box", RuleRequired, "is required")
	case !boxOK || box.Level != LevelSandik:
		ps.add(prefix+"box", RuleUnknownBox, "ballot box %q does not exist", in.Box)
	case ok && !r.InRace(rc, in.Box):
		ps.add(prefix+"box", RuleBoxNotInRace, "ballot box %q does not take part in race %q", in.Box, in.Race)
	}

	sheet := Tutanak{}
	fields := []struct {
		name     string
		v        *int64
		dst      *int64
		optional bool
	}{
		{"registered", in.Registered, &sheet.Registered, false},
		{"voted_by_law", in.VotedByLaw, &sheet.VotedByLaw, true},
		{"voted", in.Voted, &sheet.Voted, false},
		{"valid_without_objection", in.ValidWithoutObjection, &sheet.ValidWithoutObjection, false},
		{"valid_upon_objection", in.ValidUponObjection, &sheet.ValidUponObjection, false},
		{"valid_total", in.ValidTotal, &sheet.ValidTotal, false},
		{"invalid_total", in.Invalid, &sheet.Invalid, false},
	}
	complete := true
	for _, f := range fields {
		if f.v == nil {
			if !f.optional {
				ps.add(prefix+f.name, RuleRequired, "is required")
				complete = false
			}
			continue
		}
		*f.dst = *f.v
	}
	if ok {
		sheet.Votes = make([]int64, len(rc.Choices))
		for i, c := range rc.Choices {
			v, given := in.Votes[c.Code]
			if !given || v == nil {
				ps.add(prefix+"votes."+string(c.Code), RuleMissingChoice, "votes of %s are missing (write 0 if none)", c.Name)
				complete = false
				continue
			}
			sheet.Votes[i] = *v
		}
		var unknown []string
		for code := range in.Votes {
			if rc.ChoiceIndex(code) < 0 {
				unknown = append(unknown, string(code))
			}
		}
		slices.Sort(unknown)
		for _, code := range unknown {
			ps.add(prefix+"votes."+code, RuleUnknownChoice, "race %q has no choice %q", in.Race, code)
			complete = false
		}
		if complete {
			if rc.MaxMarks() > 1 {
				ps = append(ps, sheet.CheckMarks(prefix, rc.Choices, rc.MaxMarks())...)
			} else {
				ps = append(ps, sheet.Check(prefix, rc.Choices)...)
			}
		}
	}
	if len(ps) > 0 {
		return Submission{}, Invalid("the result sheet is not valid", ps)
	}

	s := Submission{
		ID: in.ID, Race: in.Race, Box: in.Box, User: user.ID, Source: src, Kind: kind,
		Reason: in.Reason, CapturedAt: captured, ReceivedAt: now.UTC(), Sheet: sheet,
	}
	if src == SourceRecount && kind == KindEntry {
		// A recount entry keeps its board's decision reference where an
		// adjudication keeps its reason.
		s.Reason = strings.TrimSpace(in.Decision)
	}
	if sheet.Voted > sheet.Registered {
		s.Warnings |= WarnVotedOverRegistered
	}
	if n, ok := r.Registered(rc.Election, in.Box); ok && n != sheet.Registered {
		s.Warnings |= WarnRegisteredMismatch
	}
	if !captured.IsZero() && now.Sub(captured) > LateAfter {
		s.Warnings |= WarnLate
	}
	s.Hash = s.ContentHash()
	return s, nil
}

// String describes a submission for logs.
func (s *Submission) String() string {
	return fmt.Sprintf("%s %s race=%s box=%s user=%s seq=%d", s.Kind, s.ID, s.Race, s.Box, s.User, s.Seq)
}
