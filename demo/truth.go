package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/sandik-dev/sandik"
)

// BoxRace names one result sheet: one box in one race.
type BoxRace struct {
	Race sandik.RaceCode
	Box  sandik.AreaCode
}

// Results holds one sheet per box and race.
type Results map[BoxRace]sandik.Tutanak

// Total adds up a race's sheets.
func (r Results) Total(race sandik.RaceCode) sandik.Tutanak {
	var t sandik.Tutanak
	for k, s := range r {
		if k.Race != race {
			continue
		}
		t.Add(s)
	}
	return t
}

// baseShares are the province-wide vote shares the synthetic results aim
// at, roughly the shape of 31 March 2019 in İstanbul; they are not the real
// figures. Choices not listed get small shares by ballot position.
var baseShares = map[sandik.RaceCode]map[sandik.ChoiceCode]float64{
	RaceMayor:   {"CHP": 0.485, "AKP": 0.485, "SAADET": 0.022, "DIGER": 0.008},
	RaceCouncil: {"AKP": 0.405, "CHP": 0.395, "IYI": 0.06, "MHP": 0.035, "SAADET": 0.03, "HDP": 0.045, "DIGER": 0.03},
}

// TrueResults makes SYNTHETIC "true" sheets for every box of every race of
// reg: what the signed paper in each box says in the demo's story. Turnout
// is about 84% and invalid votes about 2%; each district leans towards one
// of the two leading choices (so the map has colours), and the leans are
// balanced by registered voters so that the two leaders stay close
// province-wide. Every sheet satisfies the tutanak identities and carries
// the registry's registered voters. The same seed gives the same sheets.
func TrueResults(reg *sandik.Registry, seed int64) Results {
	lean := districtLeans(reg, seed)
	out := make(Results)
	for i := range reg.Races {
		rc := &reg.Races[i]
		shares := raceShares(rc)
		a, b := leaders(rc, shares)
		for _, box := range reg.RaceBoxes(rc.Code) {
			registered, _ := reg.Registered(rc.Election, box)
			district := districtOf(reg, box)
			// Turnout is drawn per box and election, so that every race
			// of one box has the same voters.
			brng := newRand(seed, "turnout", string(rc.Election), string(box))
			drng := newRand(seed, "district-turnout", string(district))
			t := min(0.95, max(0.55, 0.84+0.025*drng.NormFloat64()+0.025*brng.NormFloat64()))
			var byLaw int64
			if brng.Float64() < 0.3 {
				byLaw = 1 + brng.Int64N(3) // box officials and police vote there (Law 298 art. 94)
			}
			rng := newRand(seed, "sheet", string(rc.Code), string(box))
			out[BoxRace{rc.Code, box}] = sheet(rng, rc, shares, a, b, lean[district], registered, int64(math.Round(float64(registered)*t))+byLaw, byLaw)
		}
	}
	return out
}

// sheet draws one box's figures around the race's shares.
func sheet(rng *rand.Rand, rc *sandik.Race, base []float64, a, b int, lean float64, registered, voted, byLaw int64) sandik.Tutanak {
	rate := min(0.06, max(0.003, 0.02+0.007*rng.NormFloat64()))
	invalid := int64(math.Round(float64(voted) * rate))
	valid := voted - invalid
	var upon int64
	if rng.Float64() < 0.15 {
		upon = min(valid, 1+rng.Int64N(3))
	}
	w := make([]float64, len(base))
	for i, s := range base {
		w[i] = s * math.Exp(0.25*rng.NormFloat64())
	}
	if a >= 0 && b >= 0 {
		// The two leaders share their combined weight; the district's lean
		// and the box's own noise move votes from one to the other.
		both := base[a] + base[b]
		split := min(0.9, max(0.1, base[a]/both+lean+0.035*rng.NormFloat64()))
		w[a], w[b] = both*split, both*(1-split)
	}
	return sandik.Tutanak{
		Registered: registered, VotedByLaw: byLaw, Voted: voted,
		ValidWithoutObjection: valid - upon, ValidUponObjection: upon,
		ValidTotal: valid, Invalid: invalid, Votes: apportion(valid, w, 0),
	}
}

// raceShares returns the base share of each choice in ballot order.
func raceShares(rc *sandik.Race) []float64 {
	known := baseShares[rc.Code]
	out := make([]float64, len(rc.Choices))
	for i, c := range rc.Choices {
		if s, ok := known[c.Code]; ok {
			out[i] = s
		} else {
			out[i] = 1 / (float64(i) + 1.5)
		}
	}
	return out
}

// leaders returns the ballot positions of the two largest shares, ordered by
// choice code, so that a district leaning one way in one race leans the same
// way for the same party in another.
func leaders(rc *sandik.Race, shares []float64) (int, int) {
	if len(shares) < 2 {
		return -1, -1
	}
	idx := make([]int, len(shares))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int { return cmp.Compare(shares[y], shares[x]) })
	a, b := idx[0], idx[1]
	if rc.Choices[b].Code < rc.Choices[a].Code {
		a, b = b, a
	}
	return a, b
}

// districtLeans draws each district's lean towards the first leader and
// removes the registered-weighted mean, so that leans cancel out across
// the province.
func districtLeans(reg *sandik.Registry, seed int64) map[sandik.AreaCode]float64 {
	lean := map[sandik.AreaCode]float64{}
	weight := map[sandik.AreaCode]float64{}
	for _, g := range reg.Registrations {
		d := districtOf(reg, g.Box)
		if _, ok := lean[d]; !ok {
			lean[d] = 0.09 * newRand(seed, "lean", string(d)).NormFloat64()
		}
		weight[d] += float64(g.Registered)
	}
	var sum, total float64
	for d, w := range weight {
		sum += lean[d] * w
		total += w
	}
	if total > 0 {
		for d := range lean {
			lean[d] -= sum / total
		}
	}
	return lean
}

// districtOf returns the ilçe above box, or its root when there is none.
func districtOf(reg *sandik.Registry, box sandik.AreaCode) sandik.AreaCode {
	anc := reg.Ancestors(box)
	for _, code := range anc {
		if a, _ := reg.Area(code); a.Level == sandik.LevelIlce {
			return code
		}
	}
	if len(anc) > 0 {
		return anc[len(anc)-1]
	}
	return box
}
