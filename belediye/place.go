package belediye

import (
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
)

// Place checks the municipalities of c against the registry and fills
// each one's Province: its area must be in the registry, at a level its
// kind may stand for, inside an il. Problems name
// "municipalities[i].area".
func Place(reg *sandik.Registry, c *sandik.MunicipalChange) error {
	var ps []sandik.Problem
	for i := range c.Municipalities {
		m := &c.Municipalities[i]
		field := fmt.Sprintf("municipalities[%d].area", i)
		prov, err := Province(reg, m.Kind, m.Area)
		if err != nil {
			ps = append(ps, sandik.Problem{Field: field, Rule: sandik.RuleUnknownArea, Message: fmt.Sprintf("municipality %q: %v", m.Code, err)})
			continue
		}
		m.Province = prov
	}
	if len(ps) > 0 {
		return sandik.Invalid("municipalities do not fit the registry", ps)
	}
	return nil
}

// Province returns the il that area, the area of a municipality of kind
// k, lies in, or why it cannot be such an area.
func Province(reg *sandik.Registry, k sandik.MunicipalityKind, area sandik.AreaCode) (sandik.AreaCode, error) {
	a, ok := reg.Area(area)
	if !ok {
		return "", fmt.Errorf("area %q is not in the registry", area)
	}
	if levels := k.Levels(); !slices.Contains(levels, a.Level) {
		return "", fmt.Errorf("area %q is a %s; a municipality of kind %s stands for a %v", area, a.Level, k, levels)
	}
	if a.Level == sandik.LevelIl {
		return a.Code, nil
	}
	for _, up := range reg.Ancestors(area) {
		if p, _ := reg.Area(up); p.Level == sandik.LevelIl {
			return p.Code, nil
		}
	}
	return "", fmt.Errorf("area %q lies in no il", area)
}
