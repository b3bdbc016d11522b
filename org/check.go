package org

import (
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
)

// Levels are the levels of the registry a place unit of kind k may stand
// for. The registry has no level for a belde (a town with its own
// municipality inside an ilçe), so a belde stands for an ilçe-level or a
// mahalle-level area; groups take any area within their parent's.
func Levels(k sandik.UnitKind) []sandik.AreaLevel {
	switch k {
	case sandik.UnitHQ:
		return []sandik.AreaLevel{sandik.LevelCountry}
	case sandik.UnitIl:
		return []sandik.AreaLevel{sandik.LevelIl}
	case sandik.UnitIlce:
		return []sandik.AreaLevel{sandik.LevelIlce}
	case sandik.UnitBelde:
		return []sandik.AreaLevel{sandik.LevelIlce, sandik.LevelMahalle}
	case sandik.UnitMahalle:
		return []sandik.AreaLevel{sandik.LevelMahalle}
	}
	return nil
}

// CheckUnits checks units against the registry: each unit's area is in
// the registry, a place unit's area is of its kind's level, and every
// unit's area lies within its parent's. stored finds a parent that is
// not among units. Problems name "units[i].area" and the code.
func CheckUnits(reg *sandik.Registry, units []sandik.Unit, stored func(sandik.UnitCode) (sandik.Unit, bool)) error {
	given := make(map[sandik.UnitCode]sandik.Unit, len(units))
	for _, u := range units {
		given[u.Code] = u
	}
	var ps []sandik.Problem
	add := func(i int, format string, args ...any) {
		ps = append(ps, sandik.Problem{Field: fmt.Sprintf("units[%d].area", i), Rule: sandik.RuleUnknownArea, Message: fmt.Sprintf(format, args...)})
	}
	for i, u := range units {
		a, ok := reg.Area(u.Area)
		if !ok {
			add(i, "unit %q: area %q is not in the registry", u.Code, u.Area)
			continue
		}
		if levels := Levels(u.Kind); levels != nil && !slices.Contains(levels, a.Level) {
			add(i, "unit %q of kind %s: area %q is a %s, want %v", u.Code, u.Kind, u.Area, a.Level, levels)
			continue
		}
		if u.Parent == "" {
			continue
		}
		parent, ok := given[u.Parent]
		if !ok && stored != nil {
			parent, ok = stored(u.Parent)
		}
		if ok && !reg.Contains(parent.Area, u.Area) {
			add(i, "unit %q: area %q is not within %q, the area of its parent %q", u.Code, u.Area, parent.Area, u.Parent)
		}
	}
	if len(ps) > 0 {
		return sandik.Invalid("units outside the registry", ps)
	}
	return nil
}
