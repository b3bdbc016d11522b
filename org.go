package sandik

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// The organisation: units (birim), people (kişi) and the positions
// (görev) people hold in units for terms. The records and their rules
// live here beside the other contracts; the chart of a unit as of a date
// and the checks against the registry are in package org.

// Date is a calendar day in Europe/Istanbul, written YYYY-MM-DD. Terms
// are whole days: a term ending on a date holds until 23:59:59 of that
// day in İstanbul, whatever the server's zone. The written form sorts as
// the days do, so the stores compare it as text.
type Date string

// ParseDate reads a YYYY-MM-DD day between the years 1900 and 2999.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Format(time.DateOnly) != s {
		return "", fmt.Errorf("%q is not a date written YYYY-MM-DD", s)
	}
	if t.Year() < 1900 || t.Year() > 2999 {
		return "", fmt.Errorf("%q is outside the years 1900 to 2999", s)
	}
	return Date(s), nil
}

// DateOf is the day of t in İstanbul.
func DateOf(t time.Time) Date { return Date(t.In(Istanbul()).Format(time.DateOnly)) }

// Istanbul is Europe/Istanbul, or UTC+3 where the system has no time
// zone database (Türkiye has kept UTC+3 all year since 2016).
func Istanbul() *time.Location {
	if loc, err := time.LoadLocation("Europe/Istanbul"); err == nil {
		return loc
	}
	return time.FixedZone("+03", 3*60*60)
}

// UnitCode names a unit. A place unit is usually coded as its area.
type UnitCode string

// UnitKind is what a unit is: a place of the party's tree or a group
// inside one.
type UnitKind string

// The kinds of unit. Places follow the registry's tree; groups (a
// women's or youth branch, a municipal council group) hang from a place.
const (
	UnitHQ           UnitKind = "genel_merkez"
	UnitIl           UnitKind = "il"
	UnitIlce         UnitKind = "ilce"
	UnitBelde        UnitKind = "belde"
	UnitMahalle      UnitKind = "mahalle"
	UnitWomen        UnitKind = "kadin_kolu"
	UnitYouth        UnitKind = "genclik_kolu"
	UnitCouncilGroup UnitKind = "meclis_grubu"
)

// UnitKinds lists every kind of unit, places first from the top.
func UnitKinds() []UnitKind {
	return []UnitKind{UnitHQ, UnitIl, UnitIlce, UnitBelde, UnitMahalle, UnitWomen, UnitYouth, UnitCouncilGroup}
}

// Valid reports whether k is a known kind.
func (k UnitKind) Valid() bool {
	for _, v := range UnitKinds() {
		if k == v {
			return true
		}
	}
	return false
}

// IsPlace reports whether units of k stand for a place of the registry.
func (k UnitKind) IsPlace() bool {
	switch k {
	case UnitHQ, UnitIl, UnitIlce, UnitBelde, UnitMahalle:
		return true
	}
	return false
}

// ParentKinds are the kinds a unit of k may hang from; nil for a kind
// with no parent. An il may also stand alone, for an organisation that
// starts at the province.
func (k UnitKind) ParentKinds() []UnitKind {
	switch k {
	case UnitIl:
		return []UnitKind{UnitHQ}
	case UnitIlce:
		return []UnitKind{UnitIl}
	case UnitBelde:
		return []UnitKind{UnitIlce}
	case UnitMahalle:
		return []UnitKind{UnitIlce, UnitBelde}
	case UnitWomen, UnitYouth, UnitCouncilGroup:
		return []UnitKind{UnitHQ, UnitIl, UnitIlce, UnitBelde}
	}
	return nil
}

// Unit is a unit of the organisation. Every unit works in an area of the
// registry, which scopes who may read and change it: a place unit is
// that area, a group works in its parent's area or inside it.
type Unit struct {
	Code   UnitCode `json:"code"`
	Kind   UnitKind `json:"kind"`
	Name   string   `json:"name"`
	Parent UnitCode `json:"parent,omitempty"`
	Area   AreaCode `json:"area"`
}

// Bounds of the organisation's texts.
const (
	MaxOrgName  = 200
	MaxOrgNote  = 2000
	MaxPhones   = 5
	MaxEmailLen = 254
)

// Validate checks u's own fields; where it sits in the tree and the
// registry is checked by package org.
func (u Unit) Validate() error {
	var ps problems
	if err := ValidateCode(string(u.Code)); err != nil {
		ps.add("code", RuleInvalidValue, "%v", err)
	}
	if !u.Kind.Valid() {
		ps.add("kind", RuleInvalidValue, "unknown kind of unit %q (want one of %s)", u.Kind, joinKinds(UnitKinds()))
	}
	nameProblems(&ps, "name", u.Name, true)
	if u.Parent != "" {
		if err := ValidateCode(string(u.Parent)); err != nil {
			ps.add("parent", RuleInvalidValue, "%v", err)
		} else if u.Parent == u.Code {
			ps.add("parent", RuleInvalidValue, "a unit cannot be its own parent")
		}
	}
	if u.Kind.Valid() && u.Parent == "" && u.Kind != UnitHQ && u.Kind != UnitIl {
		ps.add("parent", RuleRequired, "a unit of kind %s needs a parent unit", u.Kind)
	}
	if u.Kind == UnitHQ && u.Parent != "" {
		ps.add("parent", RuleInvalidValue, "the genel merkez has no parent")
	}
	if err := ValidateCode(string(u.Area)); err != nil {
		ps.add("area", RuleInvalidValue, "area code %v", err)
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid unit %q", u.Code), ps)
	}
	return nil
}

func joinKinds[K ~string](ks []K) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func nameProblems(ps *problems, field, s string, required bool) {
	switch {
	case s == "" && required:
		ps.add(field, RuleRequired, "is required")
	case !utf8.ValidString(s):
		ps.add(field, RuleInvalidValue, "is not UTF-8")
	case utf8.RuneCountInString(s) > MaxOrgName:
		ps.add(field, RuleTooLarge, "is longer than %d characters", MaxOrgName)
	case s != strings.TrimSpace(s):
		ps.add(field, RuleInvalidValue, "begins or ends with a space")
	case strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }):
		ps.add(field, RuleInvalidValue, "holds a control character")
	}
}

// PersonID names a person.
type PersonID string

// Person is someone of the organisation. A person is not a user: a user
// may later be linked to one person. Under KVKK (Law 6698) each record
// carries the purpose its data is processed for and the day consent was
// recorded.
type Person struct {
	ID      PersonID `json:"id"`
	Name    string   `json:"name"`
	Phones  []string `json:"phones,omitempty"`
	Email   string   `json:"email,omitempty"`
	Home    UnitCode `json:"home"`
	Note    string   `json:"note,omitempty"`
	Purpose string   `json:"purpose"`
	Consent Date     `json:"consent"`
}

// NormalPhone returns a phone number without the spaces, dashes, dots
// and brackets people write in it: a leading + and 7 to 15 digits.
func NormalPhone(s string) (string, error) {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", fmt.Errorf("%q holds %q; a phone number has digits, a leading + and spaces", s, r)
		}
	}
	digits := strings.TrimPrefix(b.String(), "+")
	if len(digits) < 7 || len(digits) > 15 {
		return "", fmt.Errorf("%q has %d digits, want 7 to 15", s, len(digits))
	}
	return b.String(), nil
}

// Validate checks p's own fields. Phones must be written as NormalPhone
// returns them, so that what is stored is what is compared.
func (p Person) Validate() error {
	var ps problems
	if err := ValidateCode(string(p.ID)); err != nil {
		ps.add("id", RuleInvalidValue, "%v", err)
	}
	nameProblems(&ps, "name", p.Name, true)
	if len(p.Phones) > MaxPhones {
		ps.add("phones", RuleTooLarge, "at most %d phone numbers (got %d)", MaxPhones, len(p.Phones))
	}
	for i, ph := range p.Phones {
		n, err := NormalPhone(ph)
		switch {
		case err != nil:
			ps.add(fmt.Sprintf("phones[%d]", i), RuleInvalidValue, "%v", err)
		case n != ph:
			ps.add(fmt.Sprintf("phones[%d]", i), RuleInvalidValue, "%q is to be written %q", ph, n)
		}
	}
	if p.Email != "" {
		a, err := mail.ParseAddress(p.Email)
		if err != nil || a.Address != p.Email || a.Name != "" || len(p.Email) > MaxEmailLen {
			ps.add("email", RuleInvalidValue, "%q is not a plain e-mail address of at most %d bytes", p.Email, MaxEmailLen)
		}
	}
	if err := ValidateCode(string(p.Home)); err != nil {
		ps.add("home", RuleInvalidValue, "home unit %v", err)
	}
	switch {
	case !utf8.ValidString(p.Note) || utf8.RuneCountInString(p.Note) > MaxOrgNote:
		ps.add("note", RuleTooLarge, "must be UTF-8 of at most %d characters", MaxOrgNote)
	case p.Note != strings.TrimSpace(p.Note):
		ps.add("note", RuleInvalidValue, "begins or ends with a space")
	case strings.ContainsFunc(p.Note, func(r rune) bool { return r < ' ' && r != '\n' || r == 0x7f }):
		ps.add("note", RuleInvalidValue, "holds a control character other than a line break")
	}
	nameProblems(&ps, "purpose", p.Purpose, true)
	if _, err := ParseDate(string(p.Consent)); err != nil {
		ps.add("consent", RuleInvalidValue, "the day consent was recorded: %v", err)
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid person %q", p.ID), ps)
	}
	return nil
}

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

// OrgChange is one all-or-nothing write to the organisation: new kinds,
// units, people and positions. Units may refer to units of the same
// change in any order; positions to units, people and kinds stored or
// given here.
type OrgChange struct {
	Kinds     []PositionKind
	Units     []Unit
	People    []Person
	Positions []Position
}

// Validate checks every record's own fields and that no id is given
// twice; fields are named by their place, as "units[3].code".
func (c OrgChange) Validate() error {
	var ps problems
	each := func(list string, n int, check func(i int) error, id func(i int) string) {
		seen := make(map[string]int, n)
		for i := range n {
			if err := check(i); err != nil {
				for _, p := range ProblemsOf(err) {
					p.Field = fmt.Sprintf("%s[%d].%s", list, i, p.Field)
					ps = append(ps, p)
				}
			}
			if j, dup := seen[id(i)]; dup {
				ps.add(fmt.Sprintf("%s[%d]", list, i), RuleDuplicate, "%q is given again, first as %s[%d]", id(i), list, j)
			} else {
				seen[id(i)] = i
			}
		}
	}
	each("kinds", len(c.Kinds), func(i int) error { return c.Kinds[i].Validate() }, func(i int) string { return string(c.Kinds[i].Code) })
	each("units", len(c.Units), func(i int) error { return c.Units[i].Validate() }, func(i int) string { return string(c.Units[i].Code) })
	each("people", len(c.People), func(i int) error { return c.People[i].Validate() }, func(i int) string { return string(c.People[i].ID) })
	each("positions", len(c.Positions), func(i int) error { return c.Positions[i].Validate() }, func(i int) string { return string(c.Positions[i].ID) })
	if len(ps) > 0 {
		return Invalid("invalid change of the organisation", ps)
	}
	return nil
}

// PositionFilter selects terms: every field set must match, At keeps the
// terms held on that day, and After and Limit page by id (Limit 0: all).
type PositionFilter struct {
	Unit   UnitCode
	Kind   KindCode
	Person PersonID
	At     Date
	After  PositionID
	Limit  int
}

// PeopleFilter selects people by home unit (empty: all) and, when IDs
// is given, among those ids only; paged by id.
type PeopleFilter struct {
	Home  UnitCode
	IDs   []PersonID
	After PersonID
	Limit int
}
