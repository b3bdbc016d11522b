package cli

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/demo"
)

// SeedMunicipalities stores the demo's SYNTHETIC municipalities (demo.
// Municipal) and sets the organisation's party, once the official
// figures are in the live totals: the metropolitan 2019 term is computed
// from them. It returns how many district municipalities our party
// holds in the latest term.
func SeedMunicipalities(ctx context.Context, c *center.Center, seed int64) (int, error) {
	at, err := c.View(Operator()).Totals(demo.RaceMayor, "34")
	if err != nil {
		return 0, fmt.Errorf("municipalities: %w", err)
	}
	ch, err := demo.Municipal(c.Registry(), at.Totals.Official.Votes, at.Totals.Official.ValidTotal, seed)
	if err != nil {
		return 0, err
	}
	if err := c.SaveMunicipalities(ctx, Operator(), ch); err != nil {
		return 0, fmt.Errorf("municipalities: %w", err)
	}
	_, version, err := c.OurParty(ctx)
	if err != nil {
		return 0, err
	}
	if err := c.SetOurParty(ctx, Operator(), demo.OurParty, version); err != nil {
		return 0, fmt.Errorf("our party: %w", err)
	}
	return demo.HeldDistricts, nil
}
