package org

import (
	"github.com/sandik-dev/sandik"
)

// MayGive decides whether actor (as Effective made them) may give role
// over areas — by creating or removing a user, granting, or recording a
// term whose kind gives that role. It is the rule of delegation:
//
//   - an administrator gives anything;
//   - only a coordinator delegates, and never the administrator's role;
//   - a role below the actor's, within the actor's areas;
//   - the actor's own role only over areas strictly inside theirs (a
//     provincial coordinator makes a district coordinator; a district
//     coordinator cannot make another coordinator of their district);
//   - nothing above the actor's role;
//   - every role but an observer's needs areas, for one without would
//     work for the whole centre: only an unlimited coordinator gives that,
//     and only below their role.
//
// A refusal is EForbidden naming the role or the area.
func MayGive(reg *sandik.Registry, actor sandik.User, role sandik.Role, areas []sandik.AreaCode) error {
	if actor.Role == sandik.RoleAdmin {
		return nil
	}
	if !actor.Role.CanAdjudicate() {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not give rights to others; coordinators and administrators may", actor.ID, actor.Role)
	}
	if role.Rank() > actor.Role.Rank() || role == sandik.RoleAdmin {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not give the role %s, above their own", actor.ID, actor.Role, role)
	}
	same := role == actor.Role
	if len(areas) == 0 && role != sandik.RoleObserver {
		if actor.Scoped() || same {
			return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not give the role %s without areas: it would work for the whole centre", actor.ID, actor.Role, role)
		}
		return nil
	}
	for _, a := range areas {
		if !reg.InScope(actor, a) {
			return sandik.Errorf(sandik.EForbidden, "%s is outside the areas of user %q (%s); they give rights only within their own", a, actor.ID, actor.Role)
		}
		if same && !strictlyInside(reg, actor, a) {
			return sandik.Errorf(sandik.EForbidden, "user %q (%s) may give their own role only over an area inside theirs, not over %s itself", actor.ID, actor.Role, a)
		}
	}
	return nil
}

// strictlyInside reports whether area lies inside one of u's areas and is
// not that area; inside anything for a user of the whole centre.
func strictlyInside(reg *sandik.Registry, u sandik.User, area sandik.AreaCode) bool {
	if !u.Scoped() {
		return true
	}
	for _, a := range u.Areas {
		if a != area && reg.Contains(a, area) {
			return true
		}
	}
	return false
}
