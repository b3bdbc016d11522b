package sandik

import (
	"fmt"
	"slices"
)

// MaxSheetNumber bounds every number on a sheet. A ballot box has a few
// hundred voters; a number this large is a typing error, and the bound
// keeps sums far from overflow.
const MaxSheetNumber = 1_000_000

// Tutanak is the figures of one box's result sheet (sandık sonuç tutanağı)
// for one race, in the order of the paper (Law 298 art. 105).
type Tutanak struct {
	Registered            int64   // kayıtlı seçmen
	VotedByLaw            int64   // kanunen oy kullanan; 0 when the sheet has no such line
	Voted                 int64   // oy kullanan seçmen
	ValidWithoutObjection int64   // itirazsız geçerli oy
	ValidUponObjection    int64   // itirazlı geçerli oy
	ValidTotal            int64   // geçerli oy toplamı
	Invalid               int64   // geçersiz oy
	Votes                 []int64 // per choice, in ballot order
}

// Equal reports whether two sheets carry the same figures.
func (t Tutanak) Equal(o Tutanak) bool {
	return t.Registered == o.Registered && t.VotedByLaw == o.VotedByLaw && t.Voted == o.Voted &&
		t.ValidWithoutObjection == o.ValidWithoutObjection && t.ValidUponObjection == o.ValidUponObjection &&
		t.ValidTotal == o.ValidTotal && t.Invalid == o.Invalid && slices.Equal(t.Votes, o.Votes)
}

// Add adds o's figures to t, field by field and choice by choice; t's
// votes grow to o's length when shorter (a zero Tutanak is a valid sum).
func (t *Tutanak) Add(o Tutanak) {
	t.Registered += o.Registered
	t.VotedByLaw += o.VotedByLaw
	t.Voted += o.Voted
	t.ValidWithoutObjection += o.ValidWithoutObjection
	t.ValidUponObjection += o.ValidUponObjection
	t.ValidTotal += o.ValidTotal
	t.Invalid += o.Invalid
	for len(t.Votes) < len(o.Votes) {
		t.Votes = append(t.Votes, 0)
	}
	for i, v := range o.Votes {
		t.Votes[i] += v
	}
}

// Clone returns a copy that shares no memory with t.
func (t Tutanak) Clone() Tutanak {
	t.Votes = slices.Clone(t.Votes)
	return t
}

// SheetField names a numeric field of the sheet as it appears in the API and
// in messages.
type SheetField struct {
	Name string
	Get  func(*Tutanak) int64
}

// SheetFields lists the fixed fields of a sheet in paper order.
var SheetFields = []SheetField{
	{"registered", func(t *Tutanak) int64 { return t.Registered }},
	{"voted_by_law", func(t *Tutanak) int64 { return t.VotedByLaw }},
	{"voted", func(t *Tutanak) int64 { return t.Voted }},
	{"valid_without_objection", func(t *Tutanak) int64 { return t.ValidWithoutObjection }},
	{"valid_upon_objection", func(t *Tutanak) int64 { return t.ValidUponObjection }},
	{"valid_total", func(t *Tutanak) int64 { return t.ValidTotal }},
	{"invalid_total", func(t *Tutanak) int64 { return t.Invalid }},
}

// Rules of a sheet, as stable keys for translation.
const (
	RuleRequired        = "required"
	RuleNegative        = "negative"
	RuleTooLarge        = "too_large"
	RuleValidSum        = "valid_sum"   // without + upon objection ≠ valid total
	RuleChoicesSum      = "choices_sum" // Σ choices ≠ valid total
	RuleVotedSum        = "voted_sum"   // valid + invalid ≠ voted
	RuleUnknownChoice   = "unknown_choice"
	RuleMissingChoice   = "missing_choice"
	RuleUnknownRace     = "unknown_race"
	RuleUnknownBox      = "unknown_box"
	RuleBoxNotInRace    = "box_not_in_race"
	RuleInvalidValue    = "invalid_value"
	RuleReasonRequired  = "reason_required"
	RuleDuplicate       = "duplicate"
	RuleUnknownArea     = "unknown_area"
	RuleUnknownElection = "unknown_election"
)

// Check returns every broken identity of the sheet, each naming its field.
// prefix is prepended to field names (for batch items). choices names the
// vote fields; it must have one entry per vote.
func (t *Tutanak) Check(prefix string, choices []Choice) []Problem {
	var ps problems
	for _, f := range SheetFields {
		v := f.Get(t)
		switch {
		case v < 0:
			ps.add(prefix+f.Name, RuleNegative, "must not be negative (got %d)", v)
		case v > MaxSheetNumber:
			ps.add(prefix+f.Name, RuleTooLarge, "is larger than %d (got %d); check for a typing error", MaxSheetNumber, v)
		}
	}
	var sum int64
	for i, v := range t.Votes {
		// The field's name is made only for a problem: every sheet of the
		// night comes here, and nearly every one is clean.
		switch {
		case v < 0:
			ps.add(prefix+"votes."+string(choices[i].Code), RuleNegative, "must not be negative (got %d)", v)
		case v > MaxSheetNumber:
			ps.add(prefix+"votes."+string(choices[i].Code), RuleTooLarge, "is larger than %d (got %d); check for a typing error", MaxSheetNumber, v)
		}
		sum += v
	}
	if len(ps) > 0 {
		// The identities below would only repeat the same typing error.
		return ps
	}
	if got := t.ValidWithoutObjection + t.ValidUponObjection; got != t.ValidTotal {
		ps.addSum(prefix+"valid_total", RuleValidSum, t.ValidTotal, got,
			"valid without objection (%d) + valid upon objection (%d) = %d, but valid total is %d",
			t.ValidWithoutObjection, t.ValidUponObjection, got, t.ValidTotal)
	}
	if sum != t.ValidTotal {
		ps.addSum(prefix+"votes", RuleChoicesSum, t.ValidTotal, sum,
			"votes per choice add up to %d, but valid total is %d (%s)", sum, t.ValidTotal, diffWords(sum-t.ValidTotal))
	}
	if got := t.ValidTotal + t.Invalid; got != t.Voted {
		ps.addSum(prefix+"voted", RuleVotedSum, t.Voted, got,
			"valid total (%d) + invalid (%d) = %d, but voters who voted is %d (%s)",
			t.ValidTotal, t.Invalid, got, t.Voted, diffWords(got-t.Voted))
	}
	return ps
}

func diffWords(d int64) string {
	if d > 0 {
		return fmt.Sprintf("%d more", d)
	}
	return fmt.Sprintf("%d fewer", -d)
}

// Warnings flags what is suspicious on a sheet but allowed by law.
type Warnings uint32

const (
	// WarnVotedOverRegistered: more voted than are on the list. Allowed,
	// because box officials and police vote there by law (Law 298 art. 94).
	WarnVotedOverRegistered Warnings = 1 << iota
	// WarnRegisteredMismatch: the sheet's registered count differs from the
	// registry's for this box.
	WarnRegisteredMismatch
	// WarnLate: the sheet was captured on the phone long before it reached
	// the server (a flaky connection); accepted once, marked late.
	WarnLate
	// WarnValidSum, WarnChoicesSum and WarnVotedSum: an imported sheet
	// breaks an identity of the tutanak. Typed sheets are refused for it;
	// official and imported files are kept as they are and flagged, because
	// real published figures contain such rows and hiding them would hide
	// the evidence.
	WarnValidSum
	WarnChoicesSum
	WarnVotedSum
	// WarnPartial: the source carried only some fields (observer networks
	// publish votes and their total, not registered or invalid counts);
	// the missing fields are 0 and must not be read as figures.
	WarnPartial
)

// WarnIdentity is every identity warning.
const WarnIdentity = WarnValidSum | WarnChoicesSum | WarnVotedSum

var warningNames = []struct {
	w    Warnings
	name string
}{
	{WarnVotedOverRegistered, "voted_over_registered"},
	{WarnRegisteredMismatch, "registered_mismatch"},
	{WarnLate, "late"},
	{WarnValidSum, RuleValidSum},
	{WarnChoicesSum, RuleChoicesSum},
	{WarnVotedSum, RuleVotedSum},
	{WarnPartial, "partial"},
}

// Names lists the set warnings by stable key.
func (w Warnings) Names() []string {
	names := []string{}
	for _, n := range warningNames {
		if w&n.w != 0 {
			names = append(names, n.name)
		}
	}
	return names
}
