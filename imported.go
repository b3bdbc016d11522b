package sandik

import (
	"encoding/hex"
	"fmt"
	"time"
)

// ImportedSheet is one box's figures read from a file: YSK's official
// per-box table or an observer network's export. Unlike a typed sheet it
// is kept when it breaks an identity of the tutanak, with the break as a
// warning, because published data has such rows and they are evidence.
type ImportedSheet struct {
	// ID is the submission id; empty means ImportID, so importing the same
	// row again is recognised as a retry and changes nothing.
	ID     SubmissionID
	Race   RaceCode
	Box    AreaCode
	User   UserID // who the figures are from: "ysk" for official files
	Source Source // SourceOfficial or SourceImport
	Sheet  Tutanak
	// Partial marks a source without registered, voted and invalid counts;
	// only Σ votes = valid total can then be checked.
	Partial    bool
	CapturedAt time.Time
}

// ImportID derives a stable submission id from everything that makes the
// row what it is, so the same row always gets the same id and a changed
// row a new one (which then supersedes the old figures). The id begins
// with the race and box, so a file's rows, which come grouped by place,
// get neighbouring ids and the log's id index grows at a few places
// rather than at random ones; the content hash follows.
func ImportID(in *ImportedSheet) SubmissionID {
	s := Submission{Race: in.Race, Box: in.Box, User: in.User, Source: in.Source, Kind: KindEntry, Sheet: in.Sheet, CapturedAt: in.CapturedAt}
	h := s.ContentHash()
	if in.Partial {
		h[0] ^= 1 // a partial row differs from a full one with zeros
	}
	prefix := ImportIDPrefix
	if in.Source == SourceOfficial {
		prefix = OfficialIDPrefix
	}
	sum := hex.EncodeToString(h[:12])
	if id := prefix + string(in.Race) + ":" + string(in.Box) + ":" + sum; len(id) <= 128 && printable(id) {
		return SubmissionID(id)
	}
	return SubmissionID(prefix + sum)
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// NewImported checks an imported row against the registry and returns the
// submission to append, or EInvalid listing what cannot be stored at all
// (unknown race or box, a wrong number of votes, negative or absurd
// numbers). Broken identities only set warnings.
func (r *Registry) NewImported(in *ImportedSheet, now time.Time, prefix string) (Submission, error) {
	var ps problems
	switch in.Source {
	case SourceOfficial, SourceImport:
	default:
		ps.add(prefix+"source", RuleInvalidValue, "an imported sheet comes from an official or an import source, not %q", in.Source)
	}
	if err := ValidateCode(string(in.User)); err != nil {
		ps.add(prefix+"user", RuleInvalidValue, "user %q %v", in.User, err)
	}
	rc, ok := r.Race(in.Race)
	if !ok {
		ps.add(prefix+"race", RuleUnknownRace, "race %q does not exist", in.Race)
	}
	box, boxOK := r.Area(in.Box)
	switch {
	case !boxOK || box.Level != LevelSandik:
		ps.add(prefix+"box", RuleUnknownBox, "ballot box %q does not exist", in.Box)
	case ok && !r.InRace(rc, in.Box):
		ps.add(prefix+"box", RuleBoxNotInRace, "ballot box %q does not take part in race %q", in.Box, in.Race)
	}
	if ok && len(in.Sheet.Votes) != len(rc.Choices) {
		ps.add(prefix+"votes", RuleInvalidValue, "race %q has %d choices but the row has %d vote columns", in.Race, len(rc.Choices), len(in.Sheet.Votes))
	}
	if len(ps) > 0 {
		return Submission{}, Invalid("the imported row cannot be stored", ps)
	}
	var w Warnings
	for _, p := range in.Sheet.Check(prefix, rc.Choices) {
		switch p.Rule {
		case RuleValidSum:
			if !in.Partial {
				w |= WarnValidSum
			}
		case RuleVotedSum:
			if !in.Partial {
				w |= WarnVotedSum
			}
		case RuleChoicesSum:
			w |= WarnChoicesSum
		default: // negative or too large: not a figure at all
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		return Submission{}, Invalid("the imported row cannot be stored", ps)
	}
	id := in.ID
	if id == "" {
		id = ImportID(in)
	}
	if err := ValidateSubmissionID(id); err != nil {
		return Submission{}, Invalid("the imported row cannot be stored", []Problem{{Field: prefix + "id", Rule: RuleInvalidValue, Message: "submission id " + err.Error()}})
	}
	if !ImportedID(id) {
		// An import id outside the kept namespace could be taken first by a
		// client, and the import would then stop on it forever.
		return Submission{}, Invalid("the imported row cannot be stored", []Problem{{Field: prefix + "id", Rule: RuleInvalidValue,
			Message: fmt.Sprintf("an imported row's id must begin with %q or %q (got %q)", ImportIDPrefix, OfficialIDPrefix, id)}})
	}
	s := Submission{
		ID: id, Race: in.Race, Box: in.Box, User: in.User, Source: in.Source, Kind: KindEntry,
		CapturedAt: in.CapturedAt.UTC(), ReceivedAt: now.UTC(), Sheet: in.Sheet, Warnings: w,
	}
	if in.CapturedAt.IsZero() {
		s.CapturedAt = time.Time{}
	}
	if in.Partial {
		s.Warnings |= WarnPartial
	} else {
		if in.Sheet.Voted > in.Sheet.Registered {
			s.Warnings |= WarnVotedOverRegistered
		}
		if n, ok := r.Registered(rc.Election, in.Box); ok && n != in.Sheet.Registered {
			s.Warnings |= WarnRegisteredMismatch
		}
	}
	s.Hash = s.ContentHash()
	return s, nil
}
