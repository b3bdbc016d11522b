package sandik

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Municipalities (belediye) and their terms: who won each one at each
// local election, with what margin, and where that came from. A term is
// never changed in place: a correction is a new version of it with a
// reason, so that what the organisation once believed stays readable.
// Names of elected mayors and council members are public; no phone or
// other personal data is kept here.

// MunicipalityCode names a municipality; usually its area's code.
type MunicipalityCode string

// MunicipalityKind is what a municipality is.
type MunicipalityKind string

// The kinds of municipality. A büyükşehir and an il municipality govern a
// province, an ilçe municipality a district, a belde a town inside one.
const (
	MuniBuyuksehir MunicipalityKind = "buyuksehir"
	MuniIl         MunicipalityKind = "il"
	MuniIlce       MunicipalityKind = "ilce"
	MuniBelde      MunicipalityKind = "belde"
)

// MunicipalityKinds lists the kinds, the largest first.
func MunicipalityKinds() []MunicipalityKind {
	return []MunicipalityKind{MuniBuyuksehir, MuniIl, MuniIlce, MuniBelde}
}

// Valid reports whether k is a known kind.
func (k MunicipalityKind) Valid() bool {
	switch k {
	case MuniBuyuksehir, MuniIl, MuniIlce, MuniBelde:
		return true
	}
	return false
}

// Levels are the levels of the registry an area of a municipality of
// kind k may be at.
func (k MunicipalityKind) Levels() []AreaLevel {
	switch k {
	case MuniBuyuksehir, MuniIl:
		return []AreaLevel{LevelIl}
	case MuniIlce:
		return []AreaLevel{LevelIlce}
	case MuniBelde:
		return []AreaLevel{LevelIlce, LevelMahalle}
	}
	return nil
}

// Municipality is a municipality tied to an area of the registry.
// Province is the il its area lies in, filled from the registry when it
// is saved (package belediye), so that listings by province need no walk.
type Municipality struct {
	Code     MunicipalityCode `json:"code"`
	Kind     MunicipalityKind `json:"kind"`
	Name     string           `json:"name"`
	Area     AreaCode         `json:"area"`
	Province AreaCode         `json:"province"`
}

// Validate checks m's own fields; its area is checked against the
// registry by package belediye.
func (m Municipality) Validate() error {
	var ps problems
	if err := ValidateCode(string(m.Code)); err != nil {
		ps.add("code", RuleInvalidValue, "%v", err)
	}
	if !m.Kind.Valid() {
		ps.add("kind", RuleInvalidValue, "unknown kind of municipality %q (want one of %s)", m.Kind, joinKinds(MunicipalityKinds()))
	}
	nameProblems(&ps, "name", m.Name, true)
	if err := ValidateCode(string(m.Area)); err != nil {
		ps.add("area", RuleInvalidValue, "area code %v", err)
	}
	if err := ValidateCode(string(m.Province)); err != nil {
		ps.add("province", RuleInvalidValue, "province code %v", err)
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid municipality %q", m.Code), ps)
	}
	return nil
}

// PartyCode names a party as the ballots do ("CHP", "AKP"), or
// PartyIndependent.
type PartyCode string

// PartyIndependent is the party of a winner who stood as an independent.
const PartyIndependent PartyCode = "BAGIMSIZ"

// TermSource is where a term's figures come from.
type TermSource string

// The sources of a term.
const (
	TermOfficial TermSource = "resmi_sonuc" // computed from imported official results
	TermByHand   TermSource = "elle"        // entered or corrected by hand, with a reason
)

// CouncilMember is a member of a municipal council for a term: a name
// and, when they are of the organisation, their person id.
type CouncilMember struct {
	Name   string    `json:"name"`
	Person PersonID  `json:"person,omitempty"`
	Party  PartyCode `json:"party"`
}

// MaxCouncil bounds a council (İstanbul's has a few hundred members).
const MaxCouncil = 1000

// MunicipalTerm is one version of the result of a municipality at an
// election: the mayor, their party, the council and the margin of the
// win. Version is 1 for the first and one more for each correction;
// the latest version is the term as it stands.
type MunicipalTerm struct {
	Municipality MunicipalityCode `json:"municipality"`
	Election     ElectionCode     `json:"election"`
	// Day is the election day; terms of a municipality follow each other
	// in its order.
	Day         Date            `json:"day"`
	Version     int             `json:"version"`
	Mayor       string          `json:"mayor"`
	MayorPerson PersonID        `json:"mayor_person,omitempty"`
	Party       PartyCode       `json:"party"`
	Council     []CouncilMember `json:"council,omitempty"`
	// MarginVotes is the winner's votes less the runner-up's; MarginPoints
	// the same in percentage points of the valid votes.
	MarginVotes  int64      `json:"margin_votes"`
	MarginPoints float64    `json:"margin_points"`
	Source       TermSource `json:"source"`
	Race         RaceCode   `json:"race,omitempty"`   // the race it was computed from
	Reason       string     `json:"reason,omitempty"` // why it was entered by hand
	SavedBy      UserID     `json:"saved_by"`
	SavedAt      time.Time  `json:"saved_at"`
}

// Validate checks t's own fields.
func (t MunicipalTerm) Validate() error {
	var ps problems
	if err := ValidateCode(string(t.Municipality)); err != nil {
		ps.add("municipality", RuleInvalidValue, "%v", err)
	}
	if err := ValidateCode(string(t.Election)); err != nil {
		ps.add("election", RuleInvalidValue, "%v", err)
	}
	if _, err := ParseDate(string(t.Day)); err != nil {
		ps.add("day", RuleInvalidValue, "the election day: %v", err)
	}
	if t.Version < 1 {
		ps.add("version", RuleInvalidValue, "must be 1 or more (got %d)", t.Version)
	}
	nameProblems(&ps, "mayor", t.Mayor, true)
	if t.MayorPerson != "" {
		if err := ValidateCode(string(t.MayorPerson)); err != nil {
			ps.add("mayor_person", RuleInvalidValue, "%v", err)
		}
	}
	if err := ValidateCode(string(t.Party)); err != nil {
		ps.add("party", RuleInvalidValue, "party code %v", err)
	}
	if len(t.Council) > MaxCouncil {
		ps.add("council", RuleTooLarge, "at most %d members (got %d)", MaxCouncil, len(t.Council))
	}
	for i, c := range t.Council {
		f := fmt.Sprintf("council[%d]", i)
		nameProblems(&ps, f+".name", c.Name, true)
		if c.Person != "" {
			if err := ValidateCode(string(c.Person)); err != nil {
				ps.add(f+".person", RuleInvalidValue, "%v", err)
			}
		}
		if err := ValidateCode(string(c.Party)); err != nil {
			ps.add(f+".party", RuleInvalidValue, "party code %v", err)
		}
	}
	if t.MarginVotes < 0 || t.MarginVotes > MaxSheetNumber*1000 {
		ps.add("margin_votes", RuleInvalidValue, "must be between 0 and %d (got %d)", MaxSheetNumber*1000, t.MarginVotes)
	}
	if math.IsNaN(t.MarginPoints) || t.MarginPoints < 0 || t.MarginPoints > 100 {
		ps.add("margin_points", RuleInvalidValue, "must be between 0 and 100 (got %v)", t.MarginPoints)
	}
	nameProblems(&ps, "reason", t.Reason, false)
	switch t.Source {
	case TermOfficial:
		if err := ValidateCode(string(t.Race)); err != nil {
			ps.add("race", RuleRequired, "a term from official results names its race: %v", err)
		}
	case TermByHand:
		if t.Reason == "" {
			ps.add("reason", RuleRequired, "a term entered by hand says why")
		}
	default:
		ps.add("source", RuleInvalidValue, "unknown source %q (want %s or %s)", t.Source, TermOfficial, TermByHand)
	}
	if err := ValidateCode(string(t.SavedBy)); err != nil {
		ps.add("saved_by", RuleInvalidValue, "%v", err)
	}
	if t.SavedAt.IsZero() {
		ps.add("saved_at", RuleRequired, "is required")
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid term of %q at %q", t.Municipality, t.Election), ps)
	}
	return nil
}

// SameResult reports whether t and u say the same about the election:
// everything but the version and who saved it when.
func (t MunicipalTerm) SameResult(u MunicipalTerm) bool {
	if len(t.Council) != len(u.Council) {
		return false
	}
	for i := range t.Council {
		if t.Council[i] != u.Council[i] {
			return false
		}
	}
	return t.Municipality == u.Municipality && t.Election == u.Election && t.Day == u.Day && t.Mayor == u.Mayor &&
		t.MayorPerson == u.MayorPerson && t.Party == u.Party && t.MarginVotes == u.MarginVotes &&
		t.MarginPoints == u.MarginPoints && t.Source == u.Source && t.Race == u.Race && t.Reason == u.Reason
}

// MunicipalChange is one all-or-nothing write: municipalities to add
// (one already stored with the same fields is left as it is) and term
// versions to append, each the version after the one stored.
type MunicipalChange struct {
	Municipalities []Municipality
	Terms          []MunicipalTerm
}

// Validate checks every record and that none is given twice.
func (c MunicipalChange) Validate() error {
	var ps problems
	seen := map[MunicipalityCode]int{}
	for i, m := range c.Municipalities {
		for _, p := range ProblemsOf(m.Validate()) {
			p.Field = fmt.Sprintf("municipalities[%d].%s", i, p.Field)
			ps = append(ps, p)
		}
		if j, dup := seen[m.Code]; dup {
			ps.add(fmt.Sprintf("municipalities[%d]", i), RuleDuplicate, "%q is given again, first as municipalities[%d]", m.Code, j)
		}
		seen[m.Code] = i
	}
	type key struct {
		m MunicipalityCode
		e ElectionCode
	}
	terms := map[key]int{}
	for i, t := range c.Terms {
		for _, p := range ProblemsOf(t.Validate()) {
			p.Field = fmt.Sprintf("terms[%d].%s", i, p.Field)
			ps = append(ps, p)
		}
		k := key{t.Municipality, t.Election}
		if j, dup := terms[k]; dup {
			ps.add(fmt.Sprintf("terms[%d]", i), RuleDuplicate, "the term of %q at %q is given again, first as terms[%d]", t.Municipality, t.Election, j)
		}
		terms[k] = i
	}
	if len(ps) > 0 {
		return Invalid("invalid change of municipalities", ps)
	}
	return nil
}

// MunicipalFilter selects municipalities and terms: every field set must
// match. History keeps every version of a term, not only the latest.
type MunicipalFilter struct {
	Province     AreaCode
	Municipality MunicipalityCode
	Election     ElectionCode
	History      bool
}

// MunicipalStore keeps municipalities and the versions of their terms.
// Every write is a leaf of the ledger.
type MunicipalStore interface {
	// SaveMunicipalities stores c all or nothing: EInvalid naming the
	// field of any record that fails Validate, or whose municipality or
	// person is neither stored nor in c; EConflict when a municipality is
	// stored with other fields, or a term's version is not one more than
	// the version stored (someone changed it meanwhile).
	SaveMunicipalities(ctx context.Context, c MunicipalChange) error
	// Municipalities returns those f selects (Province, Municipality), by
	// code.
	Municipalities(ctx context.Context, f MunicipalFilter) ([]Municipality, error)
	// Municipality returns one; ENotFound if none has the code.
	Municipality(ctx context.Context, code MunicipalityCode) (Municipality, error)
	// MunicipalTerms returns the terms f selects, by municipality, day,
	// election and version: only the latest version of each unless
	// f.History.
	MunicipalTerms(ctx context.Context, f MunicipalFilter) ([]MunicipalTerm, error)
}
