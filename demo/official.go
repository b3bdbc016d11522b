package demo

import (
	"slices"

	"github.com/sandik-dev/sandik"
)

// Official makes the SYNTHETIC official publication of the demo night for
// one race: every box's true sheet, except about rate of the boxes, where
// the published figures differ from the signed paper the way real
// publications have — votes of the leading choice moved to the second, or
// a choice left at 0 with its votes undistributed (in 2019 one public scrape
// of İstanbul's official figures found 2,245 boxes like that). It returns
// the figures and the boxes changed, sorted. The same seed gives the same
// publication.
func Official(truth Results, reg *sandik.Registry, race sandik.RaceCode, rate float64, seed int64) (map[sandik.AreaCode]sandik.Tutanak, []sandik.AreaCode) {
	out := map[sandik.AreaCode]sandik.Tutanak{}
	var changed []sandik.AreaCode
	for _, box := range reg.RaceBoxes(race) {
		t, ok := truth[BoxRace{race, box}]
		if !ok {
			continue
		}
		t = t.Clone()
		rng := newRand(seed, "official", string(race), string(box))
		if rng.Float64() < rate && len(t.Votes) >= 2 {
			a, b := 0, 1
			if t.Votes[b] > t.Votes[a] {
				a, b = b, a
			}
			if rng.IntN(2) == 0 {
				// Votes of the leader written down for the runner-up.
				k := 1 + rng.Int64N(max(t.Votes[a]/10, 1))
				k = min(k, t.Votes[a])
				t.Votes[a] -= k
				t.Votes[b] += k
			} else {
				// The runner-up left at 0, its votes in no column.
				t.Votes[b] = 0
			}
			if !t.Equal(truth[BoxRace{race, box}]) {
				changed = append(changed, box)
			}
		}
		out[box] = t
	}
	slices.Sort(changed)
	return out, changed
}
