package sandik

import (
	"fmt"
	"time"
)

// Rights: what a user may do comes from three places — the role and
// areas stored with the user (as before the organisation existed), the
// current positions of the person the user is linked to (through the
// table of kinds' rights), and explicit grants, each with an expiry.
// package org combines them (org.Effective); Registry.Allow decides on
// the result.

// Rank orders roles for combining rights and for delegation: admin >
// coordinator > lawyer > volunteer > observer; 0 for an unknown role.
func (r Role) Rank() int {
	switch r {
	case RoleObserver:
		return 1
	case RoleVolunteer:
		return 2
	case RoleLawyer:
		return 3
	case RoleCoordinator:
		return 4
	case RoleAdmin:
		return 5
	}
	return 0
}

// KindRight says which role a current term of a kind of position gives
// its holder, over the area of the term's unit. An empty Role gives
// nothing: stored over a default, it takes the default away.
type KindRight struct {
	Kind KindCode `json:"kind"`
	Role Role     `json:"role"`
}

// Validate checks r's fields. An administrator's rights are never given
// by a position: they work everywhere, which no unit's area is.
func (r KindRight) Validate() error {
	var ps problems
	if err := ValidateCode(string(r.Kind)); err != nil {
		ps.add("kind", RuleInvalidValue, "%v", err)
	}
	switch {
	case r.Role == "":
	case r.Role == RoleAdmin:
		ps.add("role", RuleInvalidValue, "a position does not make an administrator (want coordinator, lawyer, volunteer, observer or none)")
	case !r.Role.Valid():
		ps.add("role", RuleInvalidValue, "unknown role %q (want coordinator, lawyer, volunteer, observer or none)", r.Role)
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid right of kind %q", r.Kind), ps)
	}
	return nil
}

// DefaultKindRights are the rights positions give unless the stored table
// says otherwise: the chairs, the member responsible for elections and
// the observers' coordinator coordinate their unit's area; a lawyer is a
// lawyer there. Other kinds (board members, secretary, treasurer,
// delegates …) give nothing. Observers get their boxes from box
// assignments, not from a position.
func DefaultKindRights() []KindRight {
	return []KindRight{
		{"avukat", RoleLawyer},
		{"belde_baskani", RoleCoordinator},
		{"il_baskani", RoleCoordinator},
		{"ilce_baskani", RoleCoordinator},
		{"musahit_koordinatoru", RoleCoordinator},
		{"secim_sorumlusu", RoleCoordinator},
	}
}

// MergeKindRights lays stored over the defaults, by kind.
func MergeKindRights(defaults, stored []KindRight) map[KindCode]Role {
	out := make(map[KindCode]Role, len(defaults)+len(stored))
	for _, r := range defaults {
		out[r.Kind] = r.Role
	}
	for _, r := range stored {
		out[r.Kind] = r.Role
	}
	return out
}

// GrantID names an explicit grant.
type GrantID string

// Grant gives a user a role over areas from From until Until (the first
// instant it no longer holds). A revoked grant ends at Revoked instead,
// if that is earlier; it stays stored, as history and as a leaf.
type Grant struct {
	ID        GrantID    `json:"id"`
	User      UserID     `json:"user"`
	Role      Role       `json:"role"`
	Areas     []AreaCode `json:"areas"`
	From      time.Time  `json:"from"`
	Until     time.Time  `json:"until"`
	Reason    string     `json:"reason"`
	GrantedBy UserID     `json:"granted_by"`
	Revoked   time.Time  `json:"revoked,omitzero"`
	RevokedBy UserID     `json:"revoked_by,omitempty"`
}

// End is the first instant g no longer holds.
func (g Grant) End() time.Time {
	if !g.Revoked.IsZero() && g.Revoked.Before(g.Until) {
		return g.Revoked
	}
	return g.Until
}

// HeldAt reports whether g holds at t: From ≤ t < End.
func (g Grant) HeldAt(t time.Time) bool { return !t.Before(g.From) && t.Before(g.End()) }

// MaxGrantDays bounds a grant: a grant is for a night, a campaign or a
// term, and one of years is a position that should be recorded as one.
const MaxGrantDays = 2 * 366

// Validate checks g's own fields; whether the areas are in the registry
// and whether the granter may grant it are the centre's checks.
func (g Grant) Validate() error {
	var ps problems
	if err := ValidateCode(string(g.ID)); err != nil {
		ps.add("id", RuleInvalidValue, "%v", err)
	}
	if err := ValidateCode(string(g.User)); err != nil {
		ps.add("user", RuleInvalidValue, "%v", err)
	}
	if !g.Role.Valid() {
		ps.add("role", RuleInvalidValue, "unknown role %q (want observer, volunteer, coordinator, admin or lawyer)", g.Role)
	}
	ps = append(ps, areaCodeProblems(g.Areas)...)
	switch {
	case g.Role == RoleAdmin && len(g.Areas) > 0:
		ps.add("areas", RuleInvalidValue, "an administrator works everywhere; areas would be ignored")
	case g.Role.Valid() && g.Role != RoleAdmin && len(g.Areas) == 0:
		ps.add("areas", RuleRequired, "a grant names the areas it gives")
	}
	switch {
	case g.From.IsZero():
		ps.add("from", RuleRequired, "is required")
	case g.Until.IsZero():
		ps.add("until", RuleRequired, "a grant must expire")
	case !g.Until.After(g.From):
		ps.add("until", RuleInvalidValue, "the grant ends at %s, not after it starts at %s", g.Until.In(Istanbul()).Format(time.DateTime), g.From.In(Istanbul()).Format(time.DateTime))
	case g.Until.Sub(g.From) > MaxGrantDays*24*time.Hour:
		ps.add("until", RuleInvalidValue, "a grant holds at most %d days; record a position instead", MaxGrantDays)
	}
	nameProblems(&ps, "reason", g.Reason, true)
	if err := ValidateCode(string(g.GrantedBy)); err != nil {
		ps.add("granted_by", RuleInvalidValue, "%v", err)
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid grant %q", g.ID), ps)
	}
	return nil
}

// ParseUntil reads the end of a grant written as an İstanbul day
// (YYYY-MM-DD: until 23:59:59 of that day, so the grant ends at the next
// midnight) or an İstanbul minute (YYYY-MM-DDTHH:MM: ends at that
// minute), and returns the first instant the grant no longer holds.
func ParseUntil(s string) (time.Time, error) {
	if d, err := ParseDate(s); err == nil {
		return DayEnd(d), nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, Istanbul())
	if err != nil || t.Format("2006-01-02T15:04") != s {
		return time.Time{}, fmt.Errorf("%q is neither a day written YYYY-MM-DD nor a minute written YYYY-MM-DDTHH:MM (İstanbul time)", s)
	}
	return t, nil
}

// DayStart is the first instant of day d in İstanbul.
func DayStart(d Date) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, string(d), Istanbul())
	if err != nil {
		return time.Time{}
	}
	return t
}

// DayEnd is the first instant after day d in İstanbul: the midnight that
// ends it.
func DayEnd(d Date) time.Time {
	s := DayStart(d)
	if s.IsZero() {
		return s
	}
	return time.Date(s.Year(), s.Month(), s.Day()+1, 0, 0, 0, 0, s.Location())
}

// GrantFilter selects grants: of one user (empty: everyone's).
type GrantFilter struct {
	User UserID
}
