package org

import (
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
)

// Sources are what gives a user rights besides their own stored role
// and areas.
type Sources struct {
	// Terms are the linked person's terms, of any day: those held now
	// give rights, those ended or to come say when the rights change.
	Terms []sandik.Position
	// UnitArea gives the area of a term's unit; a term whose unit is
	// unknown gives nothing.
	UnitArea func(sandik.UnitCode) (sandik.AreaCode, bool)
	// KindRights is the role each kind of position gives (see
	// sandik.MergeKindRights); a kind missing or mapped to "" gives none.
	KindRights map[sandik.KindCode]sandik.Role
	// Grants are the user's explicit grants, of any time.
	Grants []sandik.Grant
}

// right is one source's role over areas; all is the whole centre.
type right struct {
	role  sandik.Role
	areas []sandik.AreaCode
	all   bool
}

// Effective returns the user Registry.Allow decides on, and the instant
// at which that next changes (zero: nothing known will change it).
//
// The user's stored role and areas count as one right, as they always
// did; every term of the linked person held at now whose kind gives a
// role counts as that role over the area of the term's unit; every
// grant holding at now as its role over its areas; observerBoxes (the
// boxes the linked person is assigned to watch) as observer over them.
// The highest role among them wins — admin > coordinator > lawyer >
// volunteer > observer — over the union of the areas of every right
// that gives that role; if one of them works for the whole centre (an
// administrator, or a stored non-observer without areas), so does the
// user.
//
// Terms run in whole İstanbul days, so a term ending on a day gives its
// rights until 23:59:59.999… of that day and not at the midnight after;
// a grant holds from its From until just before its End. The next change
// is the earliest such end of a right held now, or start of one to come.
func Effective(stored sandik.User, src Sources, observerBoxes []sandik.AreaCode, now time.Time) (sandik.User, time.Time) {
	if stored.Removed {
		return stored, time.Time{}
	}
	var next time.Time
	changeAt := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	rights := []right{{role: stored.Role, areas: stored.Areas, all: !stored.Scoped()}}
	if len(observerBoxes) > 0 {
		rights = append(rights, right{role: sandik.RoleObserver, areas: observerBoxes})
	}
	for _, p := range src.Terms {
		role := src.KindRights[p.Kind]
		if role == "" || !role.Valid() || role == sandik.RoleAdmin {
			continue
		}
		var area sandik.AreaCode
		ok := false
		if src.UnitArea != nil {
			area, ok = src.UnitArea(p.Unit)
		}
		if !ok {
			continue
		}
		start := sandik.DayStart(p.Start)
		var end time.Time
		if p.End != "" {
			end = sandik.DayEnd(p.End)
		}
		switch {
		case now.Before(start):
			changeAt(start)
		case end.IsZero() || now.Before(end):
			changeAt(end)
			rights = append(rights, right{role: role, areas: []sandik.AreaCode{area}})
		}
	}
	for _, g := range src.Grants {
		switch {
		case now.Before(g.From):
			changeAt(g.From)
		case g.HeldAt(now):
			changeAt(g.End())
			rights = append(rights, right{role: g.Role, areas: g.Areas, all: g.Role == sandik.RoleAdmin})
		}
	}
	top := slices.MaxFunc(rights, func(a, b right) int { return a.role.Rank() - b.role.Rank() })
	u := stored
	u.Role = top.role
	u.Areas = nil
	all := false
	for _, r := range rights {
		if r.role != top.role {
			continue
		}
		all = all || r.all
		u.Areas = append(u.Areas, r.areas...)
	}
	if all {
		u.Areas = nil
	} else {
		u.Areas = sandik.NormalizeAreas(u.Areas)
		if len(u.Areas) == 0 {
			u.Areas = nil
		}
	}
	return u, next
}
