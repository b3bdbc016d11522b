package sandik

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Congresses (kongre; the national one is the kurultay): the party's own
// elections of its chairs, boards and delegates, held on paper under
// judicial supervision (Law 2820 on Political Parties, art. 21). Sandık
// prepares the electorate, checks delegates in at the door, counts the
// paper tally sheets through the same tally as election night (a
// contest is a race of the congress's own election, its ballot boxes
// the race's boxes) and turns the approved result into positions.

// CongressID names a congress.
type CongressID string

// CongressLevel is the rung of the congress ladder: mahalle delegate
// elections feed the ilçe congress, which elects delegates to the il
// congress, which elects delegates to the kurultay.
type CongressLevel string

// The levels of congress, from the bottom.
const (
	LevelMahalleCongress CongressLevel = "mahalle"
	LevelIlceCongress    CongressLevel = "ilce"
	LevelIlCongress      CongressLevel = "il"
	LevelKurultay        CongressLevel = "kurultay"
)

// CongressLevels lists the levels from the bottom up.
func CongressLevels() []CongressLevel {
	return []CongressLevel{LevelMahalleCongress, LevelIlceCongress, LevelIlCongress, LevelKurultay}
}

// Upper returns the level whose delegates this level elects, or "" for
// the kurultay.
func (l CongressLevel) Upper() CongressLevel {
	ls := CongressLevels()
	i := slices.Index(ls, l)
	if i < 0 || i == len(ls)-1 {
		return ""
	}
	return ls[i+1]
}

// NaturalRule makes the holders of a kind of position natural (ex officio)
// members of a congress: those of the congress's unit, and with Below
// those of every unit under it too.
type NaturalRule struct {
	Kind  KindCode `json:"kind"`
	Below bool     `json:"below,omitempty"`
}

// DefaultNaturalRules is the table of natural delegates per level when a
// congress names none: the outgoing chair and board of the unit, and at
// the ilçe and il the mayors in it. Party statutes differ; the table is
// the congress's own, kept with it.
func DefaultNaturalRules(l CongressLevel) []NaturalRule {
	board := []NaturalRule{{Kind: "yonetim_kurulu_uyesi"}, {Kind: "sekreter"}, {Kind: "sayman"}, {Kind: "secim_sorumlusu"}}
	switch l {
	case LevelIlceCongress:
		return append([]NaturalRule{{Kind: "ilce_baskani"}, {Kind: "belediye_baskani", Below: true}}, board...)
	case LevelIlCongress:
		return append([]NaturalRule{{Kind: "il_baskani"}, {Kind: "belediye_baskani", Below: true}}, board...)
	case LevelKurultay:
		return append([]NaturalRule{{Kind: "genel_baskan"}}, board...)
	}
	return nil
}

// QuorumRule is when enough delegates are present to open the congress:
// present × Den ≥ electorate × Num, or > with Strict (Num 1, Den 2,
// Strict: more than half, the absolute majority — salt çoğunluk). Source
// names the law or statute article the party's lawyers take it from.
type QuorumRule struct {
	Num    int    `json:"num"`
	Den    int    `json:"den"`
	Strict bool   `json:"strict"`
	Source string `json:"source"`
}

// DefaultQuorum is the absolute majority of the full electorate.
func DefaultQuorumRule() QuorumRule {
	return QuorumRule{Num: 1, Den: 2, Strict: true, Source: "Parti tüzüğü: üye tamsayısının salt çoğunluğu (2820 s. SPK md. 21 yargı gözetimi)"}
}

// Reached reports whether present of electorate meet the rule.
func (q QuorumRule) Reached(present, electorate int) bool {
	a, b := int64(present)*int64(q.Den), int64(electorate)*int64(q.Num)
	if q.Strict {
		return a > b
	}
	return a >= b
}

// Needed is the fewest present that reach the rule.
func (q QuorumRule) Needed(electorate int) int {
	for n := 0; n <= electorate; n++ {
		if q.Reached(n, electorate) {
			return n
		}
	}
	return electorate + 1
}

// Congress is one congress of a unit on a day. Boxes is how many ballot
// boxes stand in the hall; Entries is K of the double entry of their
// sheets. Frozen is when the electorate was approved and frozen (zero
// while it is still computed from the day's mandates and positions).
type Congress struct {
	ID      CongressID    `json:"id"`
	Level   CongressLevel `json:"level"`
	Unit    UnitCode      `json:"unit"`
	Title   string        `json:"title"`
	Date    Date          `json:"date"`
	Place   string        `json:"place"`
	Natural []NaturalRule `json:"natural"`
	Quorum  QuorumRule    `json:"quorum"`
	Boxes   int           `json:"boxes"`
	Entries int           `json:"entries"`
	Frozen  time.Time     `json:"frozen,omitzero"`
	// FrozenBy is the user who approved the electorate.
	FrozenBy UserID `json:"frozen_by,omitempty"`
}

// Bounds of a congress.
const (
	MaxCongressBoxes  = 100
	MaxNaturalRules   = 50
	MaxCongressSeats  = 200
	MaxListCandidates = 300
)

// Election is the code of the congress's own election in the registry,
// and Hall the area under which its ballot boxes stand.
func (c Congress) Election() ElectionCode { return ElectionCode("kongre-" + string(c.ID)) }

// Hall is the area code of the congress's hall, the parent of its boxes.
func (c Congress) Hall() AreaCode { return AreaCode("kongre-" + string(c.ID)) }

// Box is the area code of the congress's ballot box n (from 1).
func (c Congress) Box(n int) AreaCode { return AreaCode(fmt.Sprintf("kongre-%s-s%d", c.ID, n)) }

// Validate checks c's own fields.
func (c Congress) Validate() error {
	var ps problems
	if err := ValidateCode(string(c.ID)); err != nil {
		ps.add("id", RuleInvalidValue, "%v", err)
	} else if len(c.ID) > 40 {
		ps.add("id", RuleTooLarge, "at most 40 characters, so that its boxes' codes fit")
	}
	if !slices.Contains(CongressLevels(), c.Level) {
		ps.add("level", RuleInvalidValue, "unknown level %q (want one of %s)", c.Level, joinKinds(CongressLevels()))
	}
	if err := ValidateCode(string(c.Unit)); err != nil {
		ps.add("unit", RuleInvalidValue, "%v", err)
	}
	nameProblems(&ps, "title", c.Title, true)
	nameProblems(&ps, "place", c.Place, true)
	if _, err := ParseDate(string(c.Date)); err != nil {
		ps.add("date", RuleInvalidValue, "%v", err)
	}
	if len(c.Natural) > MaxNaturalRules {
		ps.add("natural", RuleTooLarge, "at most %d rules (got %d)", MaxNaturalRules, len(c.Natural))
	}
	for i, r := range c.Natural {
		if err := ValidateCode(string(r.Kind)); err != nil {
			ps.add(fmt.Sprintf("natural[%d].kind", i), RuleInvalidValue, "%v", err)
		}
	}
	q := c.Quorum
	if q.Num < 1 || q.Den < 1 || q.Num > q.Den || q.Den > 100 {
		ps.add("quorum", RuleInvalidValue, "the quorum is a fraction num/den with 1 ≤ num ≤ den ≤ 100 (got %d/%d)", q.Num, q.Den)
	}
	nameProblems(&ps, "quorum.source", q.Source, true)
	if c.Boxes < 1 || c.Boxes > MaxCongressBoxes {
		ps.add("boxes", RuleInvalidValue, "must be between 1 and %d (got %d)", MaxCongressBoxes, c.Boxes)
	}
	if c.Entries < 1 || c.Entries > 9 {
		ps.add("entries", RuleInvalidValue, "must be between 1 and 9 (got %d)", c.Entries)
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid congress %q", c.ID), ps)
	}
	return nil
}

// WithDefaults fills what a new congress may leave out: the natural
// delegates' table of its level, the quorum, one box and double entry.
func (c Congress) WithDefaults() Congress {
	if c.Natural == nil {
		c.Natural = DefaultNaturalRules(c.Level)
	}
	if c.Quorum == (QuorumRule{}) {
		c.Quorum = DefaultQuorumRule()
	}
	if c.Boxes == 0 {
		c.Boxes = 1
	}
	if c.Entries == 0 {
		c.Entries = DefaultQuorum
	}
	return c
}

// CongressFilter selects congresses by unit (empty: all).
type CongressFilter struct {
	Unit UnitCode
}

// IsCongress reports whether e is a congress's own election (Congress.
// Election), which the election night's defaults pass over.
func (e Election) IsCongress() bool { return strings.HasPrefix(string(e.Code), "kongre-") }

// NightElections returns reg's elections that are not congresses'.
func NightElections(reg *Registry) []Election {
	var out []Election
	for _, e := range reg.Elections {
		if !e.IsCongress() {
			out = append(out, e)
		}
	}
	return out
}
