package demo

import (
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// TestVisitsPlan: the plan is valid by the domain's own rules, names
// districts of the registry, and has overdue, due-today and later
// commitments at the time it was made for.
func TestVisitsPlan(t *testing.T) {
	reg, err := Istanbul(Options{Scale: 0.01, Seed: 1, Day: time.Date(2024, 3, 31, 0, 0, 0, 0, sandik.Istanbul())})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC)
	plan := Visits(reg, "demo-k-0001", now)
	if err := plan.Tour.Validate(); err != nil {
		t.Fatal(err)
	}
	states := map[sandik.DueState]int{}
	for _, pv := range plan.Visits {
		if err := pv.Visit.Validate(); err != nil {
			t.Fatal(err)
		}
		if _, ok := reg.Area(sandik.AreaCode(pv.Visit.Target.Unit)); !ok {
			t.Errorf("visit to %s, not a district of the registry", pv.Visit.Target.Unit)
		}
		for _, c := range pv.Commitments {
			c.Visit = pv.Visit.ID
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			states[c.DueState(now)]++
		}
	}
	if states[sandik.DueOverdue] < 2 || states[sandik.DueToday] != 1 || states[sandik.DueLater] < 2 {
		t.Errorf("due states %v", states)
	}
	for _, p := range plan.Pairs {
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	if a, _ := reg.Area(sandik.AreaCode(plan.Tour.Stops[0].Unit)); a.Name != "Kartal" {
		t.Errorf("tour starts at %q", a.Name)
	}
}
