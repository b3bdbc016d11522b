package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/synth"
)

// ImportOrg measures one import of shape into the store open makes, then
// the chart of random units as of random days, read from the store as
// the API reads it.
func ImportOrg(b *testing.B, shape synth.OrgShape, open func(testing.TB) sandik.Store) {
	ctx := context.Background()
	c := synth.Org(shape, 1)
	b.Logf("%d units, %d people, %d positions, %d assignments", len(c.Units), len(c.People), len(c.Positions), len(c.Assignments))
	s := open(b)
	start := time.Now()
	if err := s.SaveOrg(ctx, c); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	b.Logf("import of one change took %v", took)
	b.ReportMetric(took.Seconds(), "import-s")
	kinds, err := s.PositionKinds(ctx)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 17))
	var lat []time.Duration
	for b.Loop() {
		u := c.Units[rng.IntN(len(c.Units))]
		at := sandik.Date(fmt.Sprintf("%04d-06-15", 2012+rng.IntN(14)))
		t0 := time.Now()
		terms, err := s.Positions(ctx, sandik.PositionFilter{Unit: u.Code})
		if err != nil {
			b.Fatal(err)
		}
		var ids []sandik.PersonID
		for _, p := range terms {
			if p.HeldOn(at) {
				ids = append(ids, p.Person)
			}
		}
		names := map[sandik.PersonID]string{}
		if len(ids) > 0 {
			people, err := s.People(ctx, sandik.PeopleFilter{IDs: ids})
			if err != nil {
				b.Fatal(err)
			}
			for _, p := range people {
				names[p.ID] = p.Name
			}
		}
		chart := org.ChartOf(u, at, kinds, terms, func(id sandik.PersonID) string { return names[id] })
		if len(chart.Seats) == 0 {
			b.Fatalf("chart of %s has no seat", u.Code)
		}
		lat = append(lat, time.Since(t0))
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "chart-p99-µs")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "chart-p50-µs")
	}
}
