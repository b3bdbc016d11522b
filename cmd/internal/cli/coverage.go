package cli

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/demo"
)

// SeedCoverage stores the demo's observers and their boxes
// (demo.CoverageOrg) in one change, after the registry is imported: the
// İstanbul and district units only where none is stored yet, so that it
// runs beside another seeding of the organisation, or twice.
func SeedCoverage(ctx context.Context, c *center.Center, reg *sandik.Registry, seed int64) (sandik.OrgChange, error) {
	units, err := c.Org().Units(ctx)
	if err != nil {
		return sandik.OrgChange{}, err
	}
	have := make(map[sandik.UnitCode]bool, len(units))
	for _, u := range units {
		have[u.Code] = true
	}
	ch := demo.CoverageOrg(reg, seed, func(code sandik.UnitCode) bool { return have[code] })
	if len(ch.People) > 0 {
		if _, err := c.Org().Person(ctx, ch.People[0].ID); err == nil {
			return sandik.OrgChange{}, nil // seeded before
		}
	}
	if err := c.SaveOrg(ctx, Operator(), ch); err != nil {
		return ch, fmt.Errorf("seed the demo's observers: %w", err)
	}
	return ch, nil
}
