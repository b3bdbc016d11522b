package demo

import (
	"testing"
)

func TestOfficialChangesAboutRateOfBoxes(t *testing.T) {
	reg, err := Istanbul(Options{Scale: 0.05, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	truth := TrueResults(reg, 3)
	off, changed := Official(truth, reg, RaceMayor, 0.02, 3)
	boxes := len(reg.RaceBoxes(RaceMayor))
	if len(off) != boxes {
		t.Fatalf("%d official sheets for %d boxes", len(off), boxes)
	}
	if len(changed) < boxes/100 || len(changed) > boxes/25 {
		t.Errorf("%d of %d boxes changed, want about 2%%", len(changed), boxes)
	}
	isChanged := map[string]bool{}
	for _, b := range changed {
		isChanged[string(b)] = true
	}
	for box, s := range off {
		same := s.Equal(truth[BoxRace{RaceMayor, box}])
		if same == isChanged[string(box)] {
			t.Fatalf("box %s: equal to the truth %v, listed as changed %v", box, same, isChanged[string(box)])
		}
	}
	again, changed2 := Official(truth, reg, RaceMayor, 0.02, 3)
	if len(changed2) != len(changed) || !again[changed[0]].Equal(off[changed[0]]) {
		t.Error("the same seed gave another publication")
	}
}
