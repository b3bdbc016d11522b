package center

import (
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/verify"
)

// Compare compares the sheets of a race's area with the official figures,
// on one engine so the registry, the figures and their version agree. It
// returns the report and the log position it reflects.
func (c *Center) Compare(race sandik.RaceCode, area sandik.AreaCode, opts verify.Options) (verify.Report, int64, error) {
	eng := c.Engine()
	reg := eng.Registry()
	rc, ok := reg.Race(race)
	if !ok {
		return verify.Report{}, 0, sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	seq := eng.Seq()
	figs, err := eng.Figures(race, area)
	if err != nil {
		return verify.Report{}, 0, err
	}
	rep, err := verify.Compare(reg, rc, area, figs, opts)
	return rep, seq, err
}
