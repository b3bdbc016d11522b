package sandik

import (
	"fmt"
	"time"
)

// KindCode names a kind of position.
type KindCode string

// PositionKind is a kind of position. OneHolder kinds (a chair) are
// held by one person at a time in a unit; others (a board member) by
// many.
type PositionKind struct {
	Code      KindCode `json:"code"`
	Name      string   `json:"name"`
	OneHolder bool     `json:"one_holder"`
}

// Validate checks k's fields.
func (k PositionKind) Validate() error {
	var ps problems
	if err := ValidateCode(string(k.Code)); err != nil {
		ps.add("code", RuleInvalidValue, "%v", err)
	}
	nameProblems(&ps, "name", k.Name, true)
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid kind of position %q", k.Code), ps)
	}
	return nil
}

// DefaultPositionKinds are the kinds every organisation has; stores keep
// only the kinds added to them. Names are Turkish: they are the party's
// own words, shown as they are.
func DefaultPositionKinds() []PositionKind {
	return []PositionKind{
		{"genel_baskan", "Genel Başkan", true},
		{"il_baskani", "İl Başkanı", true},
		{"ilce_baskani", "İlçe Başkanı", true},
		{"belde_baskani", "Belde Başkanı", true},
		{"mahalle_baskani", "Mahalle Başkanı", true},
		{"yonetim_kurulu_uyesi", "Yönetim Kurulu Üyesi", false},
		{"sekreter", "Sekreter", true},
		{"sayman", "Sayman", true},
		{"secim_sorumlusu", "Seçim İşlerinden Sorumlu", true},
		{"kadin_kolu_baskani", "Kadın Kolu Başkanı", true},
		{"genclik_kolu_baskani", "Gençlik Kolu Başkanı", true},
		{"delege", "Delege", false},
		{"musahit_koordinatoru", "Müşahit Koordinatörü", false},
		{"avukat", "Avukat", false},
		{"belediye_baskani", "Belediye Başkanı", true},
		{"meclis_uyesi", "Meclis Üyesi", false},
		{"muhtar", "Muhtar", true},
	}
}

// PositionID names a term of a position.
type PositionID string

// PositionSource is how a term began.
type PositionSource string

// The sources of a term.
const (
	SourceCongress    PositionSource = "kongre" // a congress result
	SourceAppointment PositionSource = "atama"  // an appointment
	SourceElection    PositionSource = "secim"  // a public election
)

// Valid reports whether s is a known source.
func (s PositionSource) Valid() bool {
	return s == SourceCongress || s == SourceAppointment || s == SourceElection
}

// Position is a term: a person holding a kind of position in a unit from
// Start to End, both days included; an empty End is a term still open.
// Whether it is held is computed from the days at the moment of asking
// (HeldOn), never kept as a flag.
type Position struct {
	ID        PositionID     `json:"id"`
	Kind      KindCode       `json:"kind"`
	Unit      UnitCode       `json:"unit"`
	Person    PersonID       `json:"person"`
	Start     Date           `json:"start"`
	End       Date           `json:"end,omitempty"`
	Source    PositionSource `json:"source"`
	EndReason string         `json:"end_reason,omitempty"`
}

// HeldOn reports whether the term covers day d.
func (p Position) HeldOn(d Date) bool { return p.Start <= d && (p.End == "" || d <= p.End) }

// HeldAt reports whether the term is held at instant t: until 23:59:59
// and the nanoseconds after of its last day in İstanbul.
func (p Position) HeldAt(t time.Time) bool { return p.HeldOn(DateOf(t)) }

// Overlaps reports whether two terms share a day.
func (p Position) Overlaps(q Position) bool { return p.Start <= q.last() && q.Start <= p.last() }

// last is the last day of the term; an open term runs past every date.
func (p Position) last() Date {
	if p.End == "" {
		return "9999-12-31"
	}
	return p.End
}

// Validate checks p's own fields.
func (p Position) Validate() error {
	var ps problems
	for _, f := range []struct{ field, v string }{{"id", string(p.ID)}, {"kind", string(p.Kind)}, {"unit", string(p.Unit)}, {"person", string(p.Person)}} {
		if err := ValidateCode(f.v); err != nil {
			ps.add(f.field, RuleInvalidValue, "%v", err)
		}
	}
	if _, err := ParseDate(string(p.Start)); err != nil {
		ps.add("start", RuleInvalidValue, "%v", err)
	}
	if p.End != "" {
		if _, err := ParseDate(string(p.End)); err != nil {
			ps.add("end", RuleInvalidValue, "%v", err)
		} else if p.End < p.Start {
			ps.add("end", RuleInvalidValue, "the term ends on %s, before it starts on %s", p.End, p.Start)
		}
	}
	if !p.Source.Valid() {
		ps.add("source", RuleInvalidValue, "unknown source %q (want kongre, atama or secim)", p.Source)
	}
	if p.EndReason != "" && p.End == "" {
		ps.add("end_reason", RuleInvalidValue, "an open term has no reason it ended")
	}
	nameProblems(&ps, "end_reason", p.EndReason, false)
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid position %q", p.ID), ps)
	}
	return nil
}

// RuleHeld is the rule a term of a one-holder kind breaks when another
// person holds the position on one of its days.
const RuleHeld = "held"

// HeldBy is the answer to a term of a one-holder kind that overlaps one
// stored or given before it: EConflict naming the holder.
func HeldBy(field string, p Position, holder Position, holderName string) *Error {
	until := "with no end"
	if holder.End != "" {
		until = "until " + string(holder.End)
	}
	return &Error{Code: EConflict, Message: fmt.Sprintf("position %q overlaps a term held by %s", p.ID, holderName),
		Problems: []Problem{{Field: field, Rule: RuleHeld, Message: fmt.Sprintf(
			"%s of unit %s is held by %s (%s, term %s) from %s %s", p.Kind, p.Unit, holderName, holder.Person, holder.ID, holder.Start, until)}}}
}
