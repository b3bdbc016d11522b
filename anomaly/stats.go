package anomaly

import (
	"math"
	"slices"

	"github.com/sandik-dev/sandik"
)

// distribution is the sorted values of one measure over a group's boxes,
// with its median and median absolute deviation: robust figures, which a
// few wrong boxes cannot drag the way they drag a mean.
type distribution struct {
	sorted []float64
	median float64
	mad    float64
}

func newDistribution(values []float64) distribution {
	slices.Sort(values)
	d := distribution{sorted: values}
	if len(values) == 0 {
		return d
	}
	d.median = median(values)
	dev := make([]float64, len(values))
	for i, v := range values {
		dev[i] = math.Abs(v - d.median)
	}
	slices.Sort(dev)
	d.mad = median(dev)
	return d
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

// outlier judges v, a percentage of n, against the distribution: it is
// flagged when it lies further from the median than z robust standard
// deviations of the group, further than z standard deviations of a count
// of n drawn at the median rate (a box of 120 voters cannot show a share
// more precisely than that, and small counts have long tails), and
// further than minPoints. The flag's Threshold is that distance's edge on
// v's side.
func (d *distribution) outlier(v float64, n int64, z, minPoints float64, minSize int) (Flag, bool) {
	if d == nil || len(d.sorted) < minSize || n <= 0 {
		return Flag{}, false
	}
	rate := min(max(d.median/100, 0), 1)
	sampling := 100 * math.Sqrt(rate*(1-rate)/float64(n))
	reach := max(z*robustScale*d.mad, z*sampling, minPoints)
	dist := math.Abs(v - d.median)
	if dist <= reach {
		return Flag{}, false
	}
	edge := d.median + reach
	if v < d.median {
		edge = d.median - reach
	}
	score := math.Inf(1)
	if d.mad > 0 {
		score = dist / (robustScale * d.mad)
	}
	params := map[string]any{"median": d.median, "mad": d.mad, "sampling_sd": sampling, "group_size": len(d.sorted), "reach": reach}
	if !math.IsInf(score, 0) {
		params["z"] = score
	}
	return Flag{Value: v, Threshold: edge, Params: params}, true
}

// group holds the distributions of one group's boxes.
type group struct {
	turnout *distribution
	invalid *distribution
	shares  []distribution // per choice: share of the valid votes
}

// groupStats computes each group's distributions in one pass over the
// boxes. Boxes without a group are compared with nothing.
func groupStats(boxes []Box, th Thresholds) map[sandik.AreaCode]*group {
	type acc struct {
		turnout, invalid []float64
		shares           [][]float64
	}
	accs := map[sandik.AreaCode]*acc{}
	for i := range boxes {
		b := &boxes[i]
		if b.Group == "" {
			continue
		}
		a := accs[b.Group]
		if a == nil {
			a = &acc{}
			accs[b.Group] = a
		}
		if v, ok := b.turnout(); ok {
			a.turnout = append(a.turnout, v)
		}
		if v, ok := b.invalidShare(); ok {
			a.invalid = append(a.invalid, v)
		}
		for j := range b.Sheet.Votes {
			if v, ok := b.share(j); ok {
				for len(a.shares) <= j {
					a.shares = append(a.shares, nil)
				}
				a.shares[j] = append(a.shares[j], v)
			}
		}
	}
	out := make(map[sandik.AreaCode]*group, len(accs))
	for code, a := range accs {
		if len(a.turnout) < th.MinGroupSize && len(a.invalid) < th.MinGroupSize && len(a.shares) == 0 {
			continue
		}
		t, inv := newDistribution(a.turnout), newDistribution(a.invalid)
		g := &group{turnout: &t, invalid: &inv, shares: make([]distribution, len(a.shares))}
		for j, s := range a.shares {
			g.shares[j] = newDistribution(s)
		}
		out[code] = g
	}
	return out
}
