package demo

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
)

// The election and races of the demo, named as on 31 March 2019.
const (
	ElectionCode sandik.ElectionCode = "2019-03-31"
	RaceMayor    sandik.RaceCode     = "ibb"    // İstanbul Büyükşehir Belediye Başkanı
	RaceCouncil  sandik.RaceCode     = "meclis" // Belediye Meclisi
)

// Options shape the demo registry.
type Options struct {
	// Scale in (0, 1] multiplies every district's number of boxes (at least
	// one box is kept per district) for quick runs and tests. Registered
	// voters shrink with the boxes, so a box keeps its real size (a few
	// hundred voters) at any scale. Zero means 1.
	Scale float64
	// Seed chooses the synthetic split of boxes and voters.
	Seed int64
	// Day is the election day (its date in İstanbul counts). Zero means
	// 31 March 2019; a live demo passes LiveDay(now), so that the night
	// and the objection deadlines are running while it plays.
	Day time.Time
}

func (o Options) scale() (float64, error) {
	switch {
	case o.Scale == 0:
		return 1, nil
	case math.IsNaN(o.Scale) || o.Scale < 0 || o.Scale > 1:
		return 0, fmt.Errorf("demo: scale must be in (0, 1], got %v", o.Scale)
	}
	return o.Scale, nil
}

// Istanbul builds the demo registry: country "TR" → il "34" İstanbul → the
// 39 real districts ("34-963", real names, YSK ids) → as many mahalle/köy as
// each really has ("34-963-07", named "Mahalle 7": the source file has no
// names) → a few schools each ("34-963-07-2") → ballot boxes numbered from
// 1001 in each district ("34-963-07-2-1043"). At scale 1 every district
// has its real number of boxes, and its boxes' registered voters add up to
// its real registered voters exactly; the split among mahalle, schools and
// boxes is synthetic and fixed by the seed.
//
// One election, "2019-03-31", with quorum 2 and two races over the whole
// province: "ibb" (metropolitan mayor) and "meclis" (council).
func Istanbul(opts Options) (*sandik.Registry, error) {
	scale, err := opts.scale()
	if err != nil {
		return nil, err
	}
	districts, err := Districts()
	if err != nil {
		return nil, err
	}
	areas := []sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul", YSKID: "34"},
	}
	var regs []sandik.Registration
	for _, d := range districts {
		rng := newRand(opts.Seed, "district", d.YSKID)
		dc := sandik.AreaCode("34-" + d.YSKID)
		areas = append(areas, sandik.Area{Code: dc, Parent: "34", Level: sandik.LevelIlce, Name: d.Name, YSKID: d.YSKID})

		boxes := max(1, int(math.Round(float64(d.Boxes)*scale)))
		mahalle := min(d.Mahalle, boxes) // a scaled-down district keeps no empty mahalle
		perMahalle := apportion(int64(boxes), weights(rng, mahalle, 0.6), 1)
		total := d.Registered
		if boxes != d.Boxes {
			total = int64(math.Round(float64(d.Registered) * float64(boxes) / float64(d.Boxes)))
		}
		voters := apportion(total, uniformWeights(rng, boxes, 0.8, 1.2), 0)
		width := len(fmt.Sprint(mahalle))
		next := 0 // index of the district's next box
		for m, nb := range perMahalle {
			mc := sandik.AreaCode(fmt.Sprintf("%s-%0*d", dc, width, m+1))
			areas = append(areas, sandik.Area{Code: mc, Parent: dc, Level: sandik.LevelMahalle, Name: fmt.Sprintf("Mahalle %d", m+1)})
			perSchool := 6 + rng.IntN(9) // a school holds 6–14 boxes
			schools := int((nb + int64(perSchool) - 1) / int64(perSchool))
			for s, sb := range apportion(nb, uniformWeights(rng, schools, 0.7, 1.3), 1) {
				bc := sandik.AreaCode(fmt.Sprintf("%s-%d", mc, s+1))
				areas = append(areas, sandik.Area{Code: bc, Parent: mc, Level: sandik.LevelBuilding, Name: fmt.Sprintf("Mahalle %d / Okul %d", m+1, s+1)})
				for range sb {
					num := 1001 + next
					box := sandik.AreaCode(fmt.Sprintf("%s-%d", bc, num))
					areas = append(areas, sandik.Area{Code: box, Parent: bc, Level: sandik.LevelSandik, Name: fmt.Sprintf("Sandık %d", num)})
					regs = append(regs, sandik.Registration{Election: ElectionCode, Box: box, Registered: voters[next]})
					next++
				}
			}
		}
	}
	elections := []sandik.Election{electionOn(opts.Day)}
	races := []sandik.Race{
		{Code: RaceMayor, Election: ElectionCode, Name: "İstanbul Büyükşehir Belediye Başkanı", Scope: "34", Choices: []sandik.Choice{
			{Code: "CHP", Name: "Ekrem İmamoğlu (CHP)"},
			{Code: "AKP", Name: "Binali Yıldırım (AK PARTİ)"},
			{Code: "SAADET", Name: "Necdet Gökçınar (SAADET)"},
			{Code: "DIGER", Name: "Diğer"},
		}},
		{Code: RaceCouncil, Election: ElectionCode, Name: "İstanbul Belediye Meclisi", Scope: "34", Choices: []sandik.Choice{
			{Code: "AKP", Name: "AK PARTİ"},
			{Code: "CHP", Name: "CHP"},
			{Code: "IYI", Name: "İYİ PARTİ"},
			{Code: "MHP", Name: "MHP"},
			{Code: "SAADET", Name: "SAADET"},
			{Code: "HDP", Name: "HDP"},
			{Code: "DIGER", Name: "Diğer"},
		}},
	}
	return sandik.NewRegistry(areas, elections, races, regs)
}

// newRand returns a generator that depends only on the seed and the keys,
// so that every district, box and race draws the same numbers whatever
// order they are visited in.
func newRand(seed int64, keys ...string) *rand.Rand {
	h := fnv.New64a()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// weights draws n log-normal weights: a few large parts, many small.
func weights(rng *rand.Rand, n int, sigma float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Exp(rng.NormFloat64() * sigma)
	}
	return w
}

// uniformWeights draws n weights in [lo, hi).
func uniformWeights(rng *rand.Rand, n int, lo, hi float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = lo + (hi-lo)*rng.Float64()
	}
	return w
}

// apportion splits total into len(w) whole parts proportional to w, each at
// least least, by largest remainder, so that the parts add up to total
// exactly. total must be at least least×len(w).
func apportion(total int64, w []float64, least int64) []int64 {
	n := len(w)
	out := make([]int64, n)
	if n == 0 {
		return out
	}
	rest := total - least*int64(n)
	var sum float64
	for _, v := range w {
		sum += v
	}
	frac := make([]float64, n)
	var given int64
	for i, v := range w {
		share := float64(rest) * v / sum
		out[i] = least + int64(share)
		frac[i] = share - math.Floor(share)
		given += int64(share)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(frac[b], frac[a]) })
	for k := int64(0); k < rest-given; k++ {
		out[order[k%int64(n)]]++
	}
	// Rounding can only overshoot by a unit or two; take them back from
	// the parts with the smallest remainders.
	for k := 0; given > rest; k++ {
		if i := order[n-1-k%n]; out[i] > least {
			out[i]--
			given--
		}
	}
	return out
}
