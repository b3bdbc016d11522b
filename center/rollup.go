package center

import (
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
)

// RollupReport is a roll-up of every race of one kind over an area (or the
// whole election), with the roll-ups of the area's children.
type RollupReport struct {
	Seq      int64           `json:"seq"` // the log position the figures reflect
	Election sandik.Election `json:"election"`
	sandik.Rollup
	Children []sandik.Rollup `json:"children"`
}

// Rollup adds up, per party, every race of election whose code has kind
// (sandik.RaceKind) over area; area "" is the whole election, which only
// users of the whole centre read. Each race's part is read through the
// view's Totals, so a user limited to some areas, or one who types
// sheets, reads exactly what they would read race by race: a part they
// may not read is left out and counted in RacesHidden.
func (v *View) Rollup(election sandik.ElectionCode, kind string, area sandik.AreaCode) (RollupReport, error) {
	e, ok := v.reg.Election(election)
	if !ok {
		return RollupReport{}, sandik.Errorf(sandik.ENotFound, "election %q does not exist", election)
	}
	var races []*sandik.Race
	for i := range v.reg.Races {
		rc := &v.reg.Races[i]
		if rc.Election == election && sandik.RaceKind(rc) == kind {
			races = append(races, rc)
		}
	}
	if len(races) == 0 {
		return RollupReport{}, sandik.Errorf(sandik.ENotFound, "election %q has no races of kind %q", election, kind)
	}
	out := RollupReport{Seq: v.eng.Seq(), Election: e, Children: []sandik.Rollup{}}
	var children []sandik.AreaCode
	if area == "" {
		if v.user.Scoped() || !v.user.Role.Valid() {
			return RollupReport{}, sandik.Errorf(sandik.EForbidden, "user %q reads roll-ups of their areas only: name an area", v.user.ID)
		}
		children = v.topAreas()
	} else {
		a, ok := v.reg.Area(area)
		if !ok {
			return RollupReport{}, sandik.Errorf(sandik.ENotFound, "area %q does not exist", area)
		}
		if a.Level == sandik.LevelSandik {
			return RollupReport{}, sandik.Errorf(sandik.EInvalid, "area %q is a ballot box: a roll-up is over areas of several races", area)
		}
		if err := v.reg.AllowTotals(v.user, area); err != nil {
			return RollupReport{}, err
		}
		for _, c := range v.reg.Children(area) {
			if ca, _ := v.reg.Area(c); ca.Level != sandik.LevelSandik {
				children = append(children, c)
			}
		}
	}
	r, err := v.rollupOver(kind, area, races)
	if err != nil {
		return RollupReport{}, err
	}
	if r.Races == 0 && r.RacesHidden > 0 {
		return RollupReport{}, sandik.Errorf(sandik.EForbidden, "user %q may read none of the %d races of kind %q over %s", v.user.ID, r.RacesHidden, kind, rollupArea(area))
	}
	out.Rollup = r
	for _, c := range children {
		if v.reg.AllowTotals(v.user, c) != nil {
			continue
		}
		cr, err := v.rollupOver(kind, c, races)
		if err != nil {
			return RollupReport{}, err
		}
		if cr.Races > 0 {
			out.Children = append(out.Children, cr)
		}
	}
	return out, nil
}

// topAreas are the children a whole-election roll-up lists: the
// provinces below a country, or the registry's roots.
func (v *View) topAreas() []sandik.AreaCode {
	roots := v.reg.Roots()
	if len(roots) == 1 {
		if a, _ := v.reg.Area(roots[0]); a.Level == sandik.LevelCountry {
			return v.reg.Children(roots[0])
		}
	}
	return roots
}

// rollupOver sums races over area ("" for all of each race): a race whose
// scope holds the area contributes the area's totals, a race inside the
// area its whole scope, any other race nothing.
func (v *View) rollupOver(kind string, area sandik.AreaCode, races []*sandik.Race) (sandik.Rollup, error) {
	name := ""
	if a, ok := v.reg.Area(area); ok {
		name = a.Name
	}
	var parts []sandik.RollupPart
	hidden := 0
	for _, rc := range races {
		at := rc.Scope
		switch {
		case area == "" || v.reg.Contains(area, rc.Scope):
		case v.reg.Contains(rc.Scope, area):
			at = area
		default:
			continue
		}
		t, err := v.Totals(rc.Code, at)
		if sandik.CodeOf(err) == sandik.EForbidden {
			hidden++
			continue
		}
		if err != nil {
			return sandik.Rollup{}, fmt.Errorf("roll-up of %s over %s: %w", rc.Code, at, err)
		}
		parts = append(parts, partOf(rc, &t.Totals))
	}
	r := sandik.SumRollup(kind, area, name, parts)
	r.RacesHidden = hidden
	return r, nil
}

func partOf(rc *sandik.Race, t *tally.Totals) sandik.RollupPart {
	counts := func(c *tally.Counts) sandik.RollupCounts {
		return sandik.RollupCounts{Voted: c.Voted, ValidTotal: c.ValidTotal, Invalid: c.Invalid, Votes: c.Votes}
	}
	return sandik.RollupPart{
		Race: rc.Code, Choices: rc.Choices,
		BoxesExpected: t.BoxesExpected, BoxesVerified: t.BoxesVerified, BoxesOfficial: t.BoxesOfficial, Registered: t.Registered,
		Provisional: counts(&t.Provisional), Verified: counts(&t.Verified), Official: counts(&t.Official),
	}
}

func rollupArea(a sandik.AreaCode) string {
	if a == "" {
		return "the whole election"
	}
	return string(a)
}
