package cli

import (
	"context"
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/demo"
)

// VisitsSeeded says what SeedVisits made.
type VisitsSeeded struct {
	Visits, Commitments, Overdue, Pairs int
	Tour                                sandik.TourID
	Visit                               sandik.VisitID
	District                            sandik.UnitCode // the first visited, whose scorecard shows the visit
}

// SeedVisits adds the demo's visits (demo.Visits) to the demo's
// organisation: the provincial chair's tour in progress, visits with
// commitments (some overdue, one done), and two sister pairs. The
// visitor is whoever chairs the il unit today.
func SeedVisits(ctx context.Context, c *center.Center) (VisitsSeeded, error) {
	var out VisitsSeeded
	op := Operator()
	now := c.Now()
	terms, err := c.Org().Positions(ctx, sandik.PositionFilter{Unit: demo.OrgUnit, Kind: "il_baskani", At: sandik.DateOf(now)})
	if err != nil || len(terms) == 0 {
		return out, err
	}
	plan := demo.Visits(c.Registry(), terms[0].Person, now)
	if plan.Tour.ID == "" {
		return out, nil
	}
	if _, err := c.CreateTour(ctx, op, plan.Tour); err != nil {
		return out, fmt.Errorf("demo tour: %w", err)
	}
	out.Tour, out.District = plan.Tour.ID, plan.Tour.Stops[0].Unit
	out.Visit = plan.Visits[0].Visit.ID
	for _, pv := range plan.Visits {
		_, cs, err := c.RecordVisit(ctx, op, pv.Visit, pv.Commitments)
		if err != nil {
			return out, fmt.Errorf("demo visit %s: %w", pv.Visit.ID, err)
		}
		out.Visits++
		out.Commitments += len(cs)
		for _, cm := range cs {
			if cm.Overdue(now) {
				out.Overdue++
			}
		}
		for _, id := range pv.Done {
			if _, err := c.SetCommitmentStatus(ctx, op, id, sandik.CommitDone); err != nil {
				return out, fmt.Errorf("demo commitment %s: %w", id, err)
			}
			out.Overdue--
		}
	}
	for _, s := range plan.Tour.Stops {
		if s.Unit == plan.Postpone {
			if _, err := c.SetStop(ctx, op, plan.Tour.ID, s.Unit, sandik.StopPostponed, sandik.DateOf(now.AddDate(0, 0, 14))); err != nil {
				return out, fmt.Errorf("demo tour: %w", err)
			}
		}
	}
	for _, p := range plan.Pairs {
		if _, err := c.CreateSisterPair(ctx, op, p); err != nil {
			return out, fmt.Errorf("demo sister pair %s: %w", p.ID, err)
		}
		out.Pairs++
	}
	return out, nil
}
