package anomaly

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sandik-dev/sandik"
)

var parties = []string{"AKP", "CHP", "MHP", "IYI", "HDP", "SP", "BTP", "DSP"}

// sheet builds a consistent sheet: registered, voted, invalid and votes;
// the valid figures follow.
func sheet(registered, voted, invalid int64, votes ...int64) sandik.Tutanak {
	var valid int64
	for _, v := range votes {
		valid += max(v, 0)
	}
	return sandik.Tutanak{Registered: registered, Voted: voted, ValidWithoutObjection: valid, ValidTotal: valid,
		Invalid: invalid, Votes: votes}
}

// turnoutBox has the given turnout in percent, with consistent figures.
// The box is large (10,000 voters) so that sampling noise stays far below
// the bounds under test.
func turnoutBox(code, grp string, pct int64) Box {
	voted := pct * 100
	return Box{Code: sandik.AreaCode(code), Group: sandik.AreaCode(grp), Sheet: sheet(10_000, voted, 1, voted-1)}
}

// synthetic generates realistic clean boxes (synthetic numbers): groups
// with their own turnout and party strengths, boxes of 150–400 voters
// drawn from them voter by voter.
func synthetic(seed uint64, nBoxes, nGroups int) []Box {
	rng := rand.New(rand.NewPCG(seed, seed^0x5a5a))
	type groupShape struct {
		turnout float64
		invalid float64
		weights []float64
	}
	shapes := make([]groupShape, nGroups)
	base := []float64{40, 28, 10, 9, 8, 2, 1.5, 1.5}
	for g := range shapes {
		w := make([]float64, len(base))
		for i, b := range base {
			w[i] = b * (0.6 + 0.8*rng.Float64())
		}
		shapes[g] = groupShape{turnout: 0.72 + 0.16*rng.Float64(), invalid: 0.01 + 0.03*rng.Float64(), weights: w}
	}
	boxes := make([]Box, nBoxes)
	for i := range boxes {
		g := i % nGroups
		s := shapes[g]
		registered := int64(150 + rng.IntN(251))
		turnout := min(0.99, s.turnout+0.025*rng.NormFloat64())
		voted := int64(math.Round(float64(registered) * turnout))
		var invalid int64
		votes := make([]int64, len(parties))
		var total float64
		for _, w := range s.weights {
			total += w
		}
		for range voted {
			if rng.Float64() < s.invalid {
				invalid++
				continue
			}
			x := rng.Float64() * total
			j := 0
			for ; j < len(votes)-1 && x >= s.weights[j]; j++ {
				x -= s.weights[j]
			}
			votes[j]++
		}
		boxes[i] = Box{
			Code:  sandik.AreaCode(fmt.Sprintf("34.%02d.%04d", g, 1000+i)),
			Group: sandik.AreaCode(fmt.Sprintf("34.%02d", g)),
			Sheet: sheet(registered, voted, invalid, votes...),
		}
	}
	return boxes
}

// only returns the flags of one kind.
func only(flags []Flag, k Kind) []Flag {
	var out []Flag
	for _, f := range flags {
		if f.Kind == k {
			out = append(out, f)
		}
	}
	return out
}

func mustOne(t *testing.T, flags []Flag, k Kind, box, field string) Flag {
	t.Helper()
	fs := only(flags, k)
	if len(fs) != 1 || string(fs[0].Box) != box || fs[0].Field != field {
		t.Fatalf("want one %s flag on %s %s, got %+v", k, box, field, flags)
	}
	return fs[0]
}
