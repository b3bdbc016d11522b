package cli

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/demo"
)

// CongressSeeded is what SeedCongress stored.
type CongressSeeded struct {
	Congress   sandik.Congress
	Electorate int
}

// SeedCongress stores the demo's SYNTHETIC district congress of today
// (demo.Congress), after the organisation: its delegates and mandates
// (one resigned yesterday), the congress with its list frozen, and two
// camps' lists for the chair and the board, both opened for counting —
// ready to check in at /kongreler/<id>/giris and to count on /entry.
func SeedCongress(ctx context.Context, c *center.Center) (CongressSeeded, error) {
	var out CongressSeeded
	op := Operator()
	today := c.Now()
	s, ok := demo.Congress(c.Registry(), sandik.DateOf(today))
	if !ok {
		return out, nil
	}
	if err := c.SaveOrg(ctx, op, s.Org); err != nil {
		return out, fmt.Errorf("congress: %w", err)
	}
	if err := c.SaveMandates(ctx, op, s.Mandates); err != nil {
		return out, fmt.Errorf("congress mandates: %w", err)
	}
	if err := c.EndMandate(ctx, op, s.Resigned, sandik.DateOf(today.AddDate(0, 0, -1)), "istifa"); err != nil {
		return out, fmt.Errorf("congress: %w", err)
	}
	if _, err := c.CreateCongress(ctx, op, s.Congress); err != nil {
		return out, fmt.Errorf("congress: %w", err)
	}
	g, es, err := c.FreezeElectorate(ctx, op, s.Congress.ID)
	if err != nil {
		return out, fmt.Errorf("congress list: %w", err)
	}
	for _, k := range s.Contests {
		if _, err := c.AddContest(ctx, op, k); err != nil {
			return out, fmt.Errorf("congress contest %s: %w", k.Code, err)
		}
	}
	for _, l := range s.Lists {
		if _, err := c.AppendList(ctx, op, l); err != nil {
			return out, fmt.Errorf("congress list %s: %w", l.Code, err)
		}
	}
	for _, k := range s.Contests {
		if _, err := c.OpenCounting(ctx, op, g.ID, k.Code); err != nil {
			return out, fmt.Errorf("congress count %s: %w", k.Code, err)
		}
	}
	out.Congress, out.Electorate = g, len(es)
	return out, nil
}
