package synth

import (
	"math/rand/v2"
	"testing"

	"github.com/sandik-dev/sandik"
)

func TestShapeAndSheetsAreValid(t *testing.T) {
	s := Shape{Provinces: 2, DistrictsPerIl: 2, MahallesPerIlce: 3, BuildingsPerMah: 2, BoxesPerBuilding: 2, Races: 2, Choices: 7, RegisteredPerBox: 300}
	reg, err := Registry(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(reg.RaceBoxes("race1")); got != s.Boxes() || got != 48 {
		t.Fatalf("race1 has %d boxes, want %d", got, s.Boxes())
	}
	subs := Entries(reg, 2, 1)
	if len(subs) != 48*2*2 {
		t.Fatalf("%d entries", len(subs))
	}
	rc, _ := reg.Race("race2")
	ids := map[sandik.SubmissionID]bool{}
	for _, sub := range subs {
		r, _ := reg.Race(sub.Race)
		if ps := sub.Sheet.Check("", r.Choices); len(ps) > 0 {
			t.Fatalf("synthetic sheet breaks a rule: %v", ps)
		}
		if ids[sub.ID] {
			t.Fatalf("id %s twice", sub.ID)
		}
		ids[sub.ID] = true
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		sh := Sheet(rng, 5, len(rc.Choices))
		if ps := sh.Check("", rc.Choices); len(ps) > 0 {
			t.Fatalf("small box sheet breaks a rule: %v", ps)
		}
	}
}
