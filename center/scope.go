package center

import (
	"context"
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/verify"
)

// What a user limited to some areas may see of the figures: the boxes
// inside their areas, and aggregates made of those boxes only. A report
// about a whole province for a district coordinator is a report about
// their district: its box rows, its summary and its children are built
// from their boxes, so no outside box can be read off a small aggregate.

// overlap refuses an area that holds nothing of u's.
func overlap(reg *sandik.Registry, u sandik.User, area sandik.AreaCode) error {
	if reg.Overlaps(u, area) {
		return nil
	}
	return sandik.Errorf(sandik.EForbidden, "%s is outside the areas of user %q (%s)", area, u.ID, u.Role)
}

// CompareFor is Compare for u: on a scoped user's boxes only.
func (c *Center) CompareFor(u sandik.User, race sandik.RaceCode, area sandik.AreaCode, opts verify.Options) (verify.Report, int64, error) {
	eng := c.Engine()
	reg := eng.Registry()
	rc, ok := reg.Race(race)
	if !ok {
		return verify.Report{}, 0, sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	if area == "" {
		area = rc.Scope
	}
	if err := overlap(reg, u, area); err != nil {
		return verify.Report{}, 0, err
	}
	seq := eng.Seq()
	figs, err := eng.Figures(race, area)
	if err != nil {
		return verify.Report{}, 0, err
	}
	figs = inScope(reg, u, figs)
	rep, err := verify.Compare(reg, rc, area, figs, opts)
	return rep, seq, err
}

// AnomaliesFor is Anomalies for u. Boxes are judged against their whole
// neighbourhood, as for everyone (the same box gets the same flags
// whoever asks); a scoped user gets the flags and figures of their own
// boxes only.
func (c *Center) AnomaliesFor(u sandik.User, race sandik.RaceCode, area sandik.AreaCode, basis AnomalyBasis, th anomaly.Thresholds) ([]anomaly.Flag, []tally.BoxFigures, int64, error) {
	reg := c.Registry()
	if rc, ok := reg.Race(race); ok && area == "" {
		area = rc.Scope
	}
	if err := overlap(reg, u, area); err != nil {
		return nil, nil, 0, err
	}
	flags, figs, seq, err := c.Anomalies(race, area, basis, th)
	if err != nil || !u.Scoped() {
		return flags, figs, seq, err
	}
	flags = slices.DeleteFunc(flags, func(f anomaly.Flag) bool { return !reg.InScope(u, f.Box) })
	return flags, inScope(reg, u, figs), seq, nil
}

func inScope(reg *sandik.Registry, u sandik.User, figs []tally.BoxFigures) []tally.BoxFigures {
	if !u.Scoped() {
		return figs
	}
	return slices.DeleteFunc(figs, func(f tally.BoxFigures) bool { return !reg.InScope(u, f.Box) })
}

// EvidenceFor returns a stored document for u: one attached to a case u
// may open. Any other checksum is "not found", so that a checksum seen
// elsewhere opens nothing.
func (c *Center) EvidenceFor(ctx context.Context, u sandik.User, sum string) ([]byte, error) {
	if err := canManage(u); err != nil {
		return nil, err
	}
	if u.Scoped() {
		cases, err := c.CasesFor(ctx, u, "")
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(cases, func(cs *itiraz.Case) bool {
			return slices.ContainsFunc(cs.Evidence, func(e itiraz.Evidence) bool { return e.SHA256 == sum })
		}) {
			return nil, sandik.Errorf(sandik.ENotFound, "no evidence %s among the cases of user %q", sum, u.ID)
		}
	}
	return c.Evidence(ctx, sum)
}

// ScopedTotals returns area's totals for u, with only the children u may
// read (Registry.AllowTotals), from one engine.
func ScopedTotals(eng *tally.Engine, u sandik.User, race sandik.RaceCode, area sandik.AreaCode) (tally.AreaTotals, error) {
	reg := eng.Registry()
	if err := reg.AllowTotals(u, area); err != nil {
		return tally.AreaTotals{}, err
	}
	at, err := eng.Totals(race, area)
	if err != nil {
		return at, err
	}
	at.Children = slices.DeleteFunc(at.Children, func(t tally.Totals) bool { return reg.AllowTotals(u, t.Area) != nil })
	return at, nil
}

// TotalsFor is ScopedTotals on the current engine.
func (c *Center) TotalsFor(u sandik.User, race sandik.RaceCode, area sandik.AreaCode) (tally.AreaTotals, error) {
	return ScopedTotals(c.Engine(), u, race, area)
}
