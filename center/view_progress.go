package center

import (
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
)

// Progress returns how the boxes below area arrived, per child the user
// may read. When a box arrived is what an entry not yet verified makes,
// so only those who may read pending figures (AllowPending) see it: for
// those who type sheets the arrival of a box would tell another person's
// entry.
func (v *View) Progress(race sandik.RaceCode, area sandik.AreaCode) (tally.Progress, error) {
	if err := v.reg.AllowTotals(v.user, area); err != nil {
		return tally.Progress{}, err
	}
	if err := sandik.AllowPending(v.user); err != nil {
		return tally.Progress{}, err
	}
	p, err := v.eng.Progress(race, area)
	if err != nil {
		return p, err
	}
	p.Children = slices.DeleteFunc(p.Children, func(c tally.ChildProgress) bool { return v.reg.AllowTotals(v.user, c.Area) != nil })
	return p, nil
}

// Lasts returns when the latest box below each child of area that the
// user may read arrived, under the same rights as Progress: what a live
// overview shows at each update, without a walk over the boxes.
func (v *View) Lasts(race sandik.RaceCode, area sandik.AreaCode) ([]tally.ChildLast, error) {
	if err := v.reg.AllowTotals(v.user, area); err != nil {
		return nil, err
	}
	if err := sandik.AllowPending(v.user); err != nil {
		return nil, err
	}
	lasts, _, err := v.eng.Lasts(race, area)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(lasts, func(c tally.ChildLast) bool { return v.reg.AllowTotals(v.user, c.Area) != nil }), nil
}
