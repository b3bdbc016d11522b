// Package rehearse replays a synthetic national election night through a
// real Sandık server's HTTP API (`sandik rehearse`, docs/rehearse.md): the
// registry's shape, the sheets and their arrival times are made here, the
// load, the readers and the final checks in the package's other files.
package rehearse

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
)

// NationalBoxes is about the number of ballot boxes of a Turkish local
// election (194,390 in March 2019; the rebuild benchmark's shape has
// 204,120).
const NationalBoxes = 200_000

// Election is the rehearsal's election code: its races are coded
// ELECTION.KIND.TR, so that roll-ups and the feed follower know their kind.
const Election sandik.ElectionCode = "prova"

//go:embed data/tr-districts.csv
var districtsCSV []byte

//go:embed data/yerel2014-boxes.csv
var boxesCSV []byte

// raceKinds are the five ballots of a local election. A real night has
// one race per constituency (a council race per district); the rehearsal
// folds each kind into one race over the whole country, so that the tally
// holds five trees of every box, the rebuild benchmark's shape.
var raceKinds = []struct {
	kind, name string
	choices    int
}{
	{"buyuksehir", "Büyükşehir / il belediye başkanı (sentetik)", 12},
	{"ilce-baskan", "İlçe belediye başkanı (sentetik)", 12},
	{"meclis", "Belediye meclisi (sentetik)", 12},
	{"il-genel-meclisi", "İl genel meclisi (sentetik)", 12},
	{"muhtar", "Muhtar (sentetik)", 5},
}

// partyShares are the synthetic parties' national shares of the valid
// votes, roughly a recent local election's spread: two large parties, a
// few middle ones and a long tail.
var partyShares = []float64{0.37, 0.33, 0.08, 0.06, 0.05, 0.04, 0.025, 0.015, 0.01, 0.008, 0.007, 0.005}

// Night is a synthetic election night: the registry, each box's true
// sheets, which second entries disagree, and when each entry is sent.
type Night struct {
	Registry             *sandik.Registry
	Races                []*sandik.Race
	Boxes                []sandik.AreaCode
	Provinces, Districts int

	seed     uint64
	disagree float64
	// registered, voted and invalid of each box, drawn from real boxes.
	figures []boxFigures
	// ilShare is each box's province's swing, so provinces differ.
	swing []float32
}

type boxFigures struct{ registered, voted, invalid int64 }

// Pairs is the number of box×race sheets; each is entered twice.
func (n *Night) Pairs() int { return len(n.Boxes) * len(n.Races) }

// pair returns the race and box of sheet p.
func (n *Night) pair(p int) (*sandik.Race, int) { return n.Races[p%len(n.Races)], p / len(n.Races) }

// NewNight builds a night of about scale × NationalBoxes boxes over the
// real provinces and districts; a district whose share rounds to no box
// is left out. seed makes every figure repeatable; disagree is the share
// of sheets whose second entry differs from the first.
func NewNight(scale float64, seed uint64, disagree float64) (*Night, error) {
	if scale <= 0 || scale > 4 {
		return nil, fmt.Errorf("scale %g: want more than 0 and at most 4", scale)
	}
	if disagree < 0 || disagree > 1 {
		return nil, fmt.Errorf("disagree %g: want a share between 0 and 1", disagree)
	}
	districts, err := readDistricts()
	if err != nil {
		return nil, err
	}
	sample, err := readBoxes()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	total := max(1, int(math.Round(scale*NationalBoxes)))
	// Districts differ in size by two orders of magnitude (Adalar 45
	// boxes, Esenyurt over 1,500): a log-normal weight with σ 1.1 gives
	// about that spread around a median of about 110 boxes.
	weights := make([]float64, len(districts))
	sum := 0.0
	for i := range weights {
		weights[i] = math.Exp(1.1 * rng.NormFloat64())
		sum += weights[i]
	}
	counts := apportion(weights, sum, total)

	n := &Night{seed: seed, disagree: disagree}
	areas := []sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye (sentetik prova)"}}
	var regs []sandik.Registration
	provSwing := map[string]float32{}
	seenIl := map[string]bool{}
	ilceNo := map[string]int{}
	for i, d := range districts {
		if counts[i] == 0 {
			continue
		}
		if !seenIl[d.plate] {
			seenIl[d.plate] = true
			n.Provinces++
			provSwing[d.plate] = float32(rng.NormFloat64() * 0.25)
			areas = append(areas, sandik.Area{Code: sandik.AreaCode(d.plate), Parent: "TR", Level: sandik.LevelIl, Name: d.province})
		}
		n.Districts++
		ilceNo[d.plate]++
		ilce := sandik.AreaCode(fmt.Sprintf("%s-%03d", d.plate, ilceNo[d.plate]))
		areas = append(areas, sandik.Area{Code: ilce, Parent: sandik.AreaCode(d.plate), Level: sandik.LevelIlce, Name: d.name})
		// A mahalle or köy has 1 to 12 boxes (about 4), a school up to 8.
		left, m := counts[i], 0
		for left > 0 {
			m++
			mah := sandik.AreaCode(fmt.Sprintf("%s-%03d", ilce, m))
			areas = append(areas, sandik.Area{Code: mah, Parent: ilce, Level: sandik.LevelMahalle, Name: fmt.Sprintf("Sentetik Mahalle %d", m)})
			inMah := min(left, 1+rng.IntN(7))
			left -= inMah
			for b := 1; inMah > 0; b++ {
				bld := sandik.AreaCode(fmt.Sprintf("%s-%d", mah, b))
				areas = append(areas, sandik.Area{Code: bld, Parent: mah, Level: sandik.LevelBuilding, Name: fmt.Sprintf("Sentetik Okul %d", b)})
				inBld := min(inMah, 8)
				inMah -= inBld
				for x := 1; x <= inBld; x++ {
					box := sandik.AreaCode(fmt.Sprintf("%s-%d", bld, x))
					areas = append(areas, sandik.Area{Code: box, Parent: bld, Level: sandik.LevelSandik, Name: fmt.Sprintf("Sandık %d", x)})
					f := sample[rng.IntN(len(sample))]
					n.Boxes = append(n.Boxes, box)
					n.figures = append(n.figures, f)
					n.swing = append(n.swing, provSwing[d.plate])
					regs = append(regs, sandik.Registration{Election: Election, Box: box, Registered: f.registered})
				}
			}
		}
	}
	races := make([]sandik.Race, len(raceKinds))
	for r, k := range raceKinds {
		choices := make([]sandik.Choice, k.choices)
		for c := range choices {
			if k.kind == "muhtar" {
				choices[c] = sandik.Choice{Code: sandik.ChoiceCode(fmt.Sprintf("A%d", c+1)), Name: fmt.Sprintf("Sentetik Aday %d", c+1)}
			} else {
				choices[c] = sandik.Choice{Code: sandik.ChoiceCode(fmt.Sprintf("P%02d", c+1)), Name: fmt.Sprintf("Sentetik Parti %d", c+1)}
			}
		}
		races[r] = sandik.Race{Code: sandik.RaceCode(fmt.Sprintf("%s.%s.TR", Election, k.kind)), Election: Election,
			Name: k.name, Scope: "TR", Choices: choices}
	}
	el := []sandik.Election{{Code: Election, Name: "Prova: sentetik yerel seçim gecesi",
		Date: time.Date(2029, 3, 25, 0, 0, 0, 0, time.UTC), Quorum: sandik.DefaultQuorum}}
	if n.Registry, err = sandik.NewRegistry(areas, el, races, regs); err != nil {
		return nil, fmt.Errorf("synthetic registry: %w", err)
	}
	for i := range n.Registry.Races {
		n.Races = append(n.Races, &n.Registry.Races[i])
	}
	return n, nil
}

// apportion splits total over weights by largest remainder.
func apportion(weights []float64, sum float64, total int) []int {
	counts := make([]int, len(weights))
	rem := make([]int, len(weights))
	given := 0
	fracs := make([]float64, len(weights))
	for i, w := range weights {
		exact := w / sum * float64(total)
		counts[i] = int(exact)
		fracs[i] = exact - float64(counts[i])
		given += counts[i]
		rem[i] = i
	}
	slices.SortStableFunc(rem, func(a, b int) int {
		if fracs[a] > fracs[b] {
			return -1
		}
		if fracs[a] < fracs[b] {
			return 1
		}
		return 0
	})
	for _, i := range rem[:total-given] {
		counts[i]++
	}
	return counts
}

// Sheet returns the true sheet of pair p: what the box's board signed.
func (n *Night) Sheet(p int) sandik.Tutanak {
	rc, b := n.pair(p)
	f := n.figures[b]
	rng := rand.New(rand.NewPCG(n.seed, uint64(p)))
	valid := f.voted - f.invalid
	t := sandik.Tutanak{Registered: f.registered, Voted: f.voted, Invalid: f.invalid, ValidTotal: valid,
		ValidWithoutObjection: valid, Votes: make([]int64, len(rc.Choices))}
	shares := make([]float64, len(rc.Choices))
	sum := 0.0
	for c := range shares {
		base := 1.0 / float64(len(shares))
		if len(shares) == len(partyShares) {
			base = partyShares[c]
		}
		// The two large parties swing with the province; every party
		// with the box.
		swing := 0.0
		switch c {
		case 0:
			swing = float64(n.swing[b])
		case 1:
			swing = -float64(n.swing[b])
		}
		shares[c] = base * math.Exp(swing+0.35*rng.NormFloat64())
		sum += shares[c]
	}
	left := valid
	for c := range shares {
		v := int64(float64(valid) * shares[c] / sum)
		t.Votes[c] = v
		left -= v
	}
	t.Votes[0] += left
	return t
}

// Disagrees reports whether the second entry of pair p differs from the
// first: a typing slip, such as volunteers make.
func (n *Night) Disagrees(p int) bool {
	if n.disagree == 0 {
		return false
	}
	rng := rand.New(rand.NewPCG(n.seed^0xd15a, uint64(p)))
	return rng.Float64() < n.disagree
}

// Entry returns entry k (0 or 1) of pair p as it is typed: the second
// entry of a disagreeing pair moves a few votes between two choices, so it
// is still a valid sheet that the server accepts and puts in conflict.
func (n *Night) Entry(p, k int) sandik.Tutanak {
	t := n.Sheet(p)
	if k == 0 || !n.Disagrees(p) {
		return t
	}
	from := 0
	for c, v := range t.Votes {
		if v > t.Votes[from] {
			from = c
		}
	}
	to := (from + 1) % len(t.Votes)
	d := min(t.Votes[from], 1+int64(p%9))
	if d == 0 {
		// An empty box: the slip is in the invalid votes instead.
		t.Invalid++
		t.Voted++
		return t
	}
	t.Votes[from] -= d
	t.Votes[to] += d
	return t
}

// EntryID is the client id of entry k of pair p.
func EntryID(p, k int) sandik.SubmissionID {
	return sandik.SubmissionID("prova-" + strconv.Itoa(p) + "-" + strconv.Itoa(k))
}

// ParseEntryID is EntryID backwards; ok is false for another id.
func ParseEntryID(id sandik.SubmissionID) (p, k int, ok bool) {
	rest, found := strings.CutPrefix(string(id), "prova-")
	if !found {
		return 0, 0, false
	}
	ps, ks, found := strings.Cut(rest, "-")
	if !found {
		return 0, 0, false
	}
	p, err1 := strconv.Atoi(ps)
	k, err2 := strconv.Atoi(ks)
	return p, k, err1 == nil && err2 == nil && (k == 0 || k == 1)
}

// JSON writes entry k of pair p as the API's submission body, by hand: the
// generator shares the server's cores.
func (n *Night) JSON(w *bytes.Buffer, p, k int) {
	rc, b := n.pair(p)
	t := n.Entry(p, k)
	buf := w.AvailableBuffer()
	buf = append(buf, `{"id":"`...)
	buf = append(buf, EntryID(p, k)...)
	buf = append(buf, `","race":"`...)
	buf = append(buf, rc.Code...)
	buf = append(buf, `","box":"`...)
	buf = append(buf, n.Boxes[b]...)
	buf = append(buf, `","source":"entry","registered":`...)
	buf = strconv.AppendInt(buf, t.Registered, 10)
	buf = append(buf, `,"voted":`...)
	buf = strconv.AppendInt(buf, t.Voted, 10)
	buf = append(buf, `,"valid_without_objection":`...)
	buf = strconv.AppendInt(buf, t.ValidWithoutObjection, 10)
	buf = append(buf, `,"valid_upon_objection":0,"valid_total":`...)
	buf = strconv.AppendInt(buf, t.ValidTotal, 10)
	buf = append(buf, `,"invalid_total":`...)
	buf = strconv.AppendInt(buf, t.Invalid, 10)
	buf = append(buf, `,"votes":{`...)
	for j, ch := range rc.Choices {
		if j > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = append(buf, ch.Code...)
		buf = append(buf, `":`...)
		buf = strconv.AppendInt(buf, t.Votes[j], 10)
	}
	buf = append(buf, "}}"...)
	w.Write(buf)
}

// Expected is what a race's national totals must be once every entry is
// in: boxes verified (the two entries agree) and in conflict, and the
// verified votes per choice.
type Expected struct {
	Race     sandik.RaceCode
	Verified int
	Conflict int
	Votes    []int64
}

// Expect adds up the expected totals of every race.
func (n *Night) Expect() []Expected {
	out := make([]Expected, len(n.Races))
	for r, rc := range n.Races {
		out[r] = Expected{Race: rc.Code, Votes: make([]int64, len(rc.Choices))}
	}
	for p := range n.Pairs() {
		e := &out[p%len(n.Races)]
		if n.Disagrees(p) {
			e.Conflict++
			continue
		}
		e.Verified++
		for c, v := range n.Sheet(p).Votes {
			e.Votes[c] += v
		}
	}
	return out
}

type district struct{ plate, province, name string }

func readDistricts() ([]district, error) {
	rows, err := csv.NewReader(bytes.NewReader(districtsCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("embedded tr-districts.csv: %w", err)
	}
	out := make([]district, 0, len(rows))
	for _, r := range rows[1:] {
		out = append(out, district{r[0], r[1], r[2]})
	}
	return out, nil
}

func readBoxes() ([]boxFigures, error) {
	rows, err := csv.NewReader(bytes.NewReader(boxesCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("embedded yerel2014-boxes.csv: %w", err)
	}
	out := make([]boxFigures, 0, len(rows))
	for i, r := range rows[1:] {
		var f [3]int64
		for j := range f {
			if f[j], err = strconv.ParseInt(r[j], 10, 64); err != nil {
				return nil, fmt.Errorf("embedded yerel2014-boxes.csv line %d: %w", i+2, err)
			}
		}
		if f[2] > f[1] {
			return nil, fmt.Errorf("embedded yerel2014-boxes.csv line %d: more invalid than voted", i+2)
		}
		out = append(out, boxFigures{f[0], f[1], f[2]})
	}
	return out, nil
}
