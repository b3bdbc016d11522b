package sandik

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

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
