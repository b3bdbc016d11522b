// Package synth makes synthetic elections at national scale for benchmarks
// and load tests: a tree of the real depth (country → il → ilçe → mahalle →
// building → sandık), races with many choices, and valid result sheets.
// Every figure it makes is synthetic and says so in its names.
package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sandik-dev/sandik"
)

// Shape says how large a synthetic election is.
type Shape struct {
	Provinces        int // il
	DistrictsPerIl   int // ilçe per il
	MahallesPerIlce  int
	BuildingsPerMah  int
	BoxesPerBuilding int
	Races            int // every race covers the whole country
	Choices          int // per race
	Quorum           int
	RegisteredPerBox int64
}

// National is about the size of a Turkish local election: 81 il, about
// 200,000 boxes, 5 races.
var National = Shape{Provinces: 81, DistrictsPerIl: 12, MahallesPerIlce: 42, BuildingsPerMah: 5, BoxesPerBuilding: 1,
	Races: 5, Choices: 20, Quorum: 2, RegisteredPerBox: 350}

// Boxes returns how many ballot boxes the shape has.
func (s Shape) Boxes() int {
	return s.Provinces * s.DistrictsPerIl * s.MahallesPerIlce * s.BuildingsPerMah * s.BoxesPerBuilding
}

// Registry builds the synthetic registry of a shape.
func Registry(s Shape) (*sandik.Registry, error) {
	n := s.Boxes()
	areas := make([]sandik.Area, 0, n*6/5+1)
	regs := make([]sandik.Registration, 0, n)
	add := func(code, parent sandik.AreaCode, level sandik.AreaLevel, name string) {
		areas = append(areas, sandik.Area{Code: code, Parent: parent, Level: level, Name: name})
	}
	add("TR", "", sandik.LevelCountry, "Türkiye (sentetik)")
	for il := 1; il <= s.Provinces; il++ {
		ilc := sandik.AreaCode(fmt.Sprintf("%02d", il))
		add(ilc, "TR", sandik.LevelIl, fmt.Sprintf("Sentetik İl %d", il))
		for d := 1; d <= s.DistrictsPerIl; d++ {
			dc := sandik.AreaCode(fmt.Sprintf("%s-%02d", ilc, d))
			add(dc, ilc, sandik.LevelIlce, fmt.Sprintf("Sentetik İlçe %d", d))
			for m := 1; m <= s.MahallesPerIlce; m++ {
				mc := sandik.AreaCode(fmt.Sprintf("%s-%03d", dc, m))
				add(mc, dc, sandik.LevelMahalle, fmt.Sprintf("Sentetik Mahalle %d", m))
				for b := 1; b <= s.BuildingsPerMah; b++ {
					bc := sandik.AreaCode(fmt.Sprintf("%s-%d", mc, b))
					add(bc, mc, sandik.LevelBuilding, fmt.Sprintf("Sentetik Okul %d", b))
					for x := 1; x <= s.BoxesPerBuilding; x++ {
						xc := sandik.AreaCode(fmt.Sprintf("%s-%d", bc, x))
						add(xc, bc, sandik.LevelSandik, fmt.Sprintf("Sandık %d", x))
						regs = append(regs, sandik.Registration{Election: "synth", Box: xc, Registered: s.RegisteredPerBox})
					}
				}
			}
		}
	}
	races := make([]sandik.Race, s.Races)
	for r := range races {
		choices := make([]sandik.Choice, s.Choices)
		for c := range choices {
			choices[c] = sandik.Choice{Code: sandik.ChoiceCode(fmt.Sprintf("P%02d", c+1)), Name: fmt.Sprintf("Sentetik Parti %d", c+1)}
		}
		races[r] = sandik.Race{Code: sandik.RaceCode(fmt.Sprintf("race%d", r+1)), Election: "synth",
			Name: fmt.Sprintf("Sentetik Seçim %d", r+1), Scope: "TR", Choices: choices}
	}
	quorum := s.Quorum
	if quorum == 0 {
		quorum = sandik.DefaultQuorum
	}
	el := []sandik.Election{{Code: "synth", Name: "Sentetik seçim", Date: time.Date(2029, 3, 25, 0, 0, 0, 0, time.UTC), Quorum: quorum}}
	return sandik.NewRegistry(areas, el, races, regs)
}

// Sheet returns a valid synthetic sheet for a box with the given number of
// choices: about 85% turnout, 2% invalid, votes spread by rng.
func Sheet(rng *rand.Rand, registered int64, choices int) sandik.Tutanak {
	voted := registered * int64(80+rng.IntN(10)) / 100
	invalid := int64(rng.IntN(int(voted/25) + 1))
	valid := voted - invalid
	t := sandik.Tutanak{Registered: registered, Voted: voted, Invalid: invalid, ValidTotal: valid,
		ValidWithoutObjection: valid, Votes: make([]int64, choices)}
	left := valid
	for i := 0; i < choices-1 && left > 0; i++ {
		v := int64(rng.IntN(int(left/2) + 1))
		t.Votes[i] = v
		left -= v
	}
	t.Votes[choices-1] += left
	return t
}

// Entries returns, for every box of every race, perEntry entries by
// different users that agree, in the order an election night would bring
// them (all first entries, then all second ones): len = boxes × races ×
// perEntry. Seq is left zero for the store to set.
func Entries(reg *sandik.Registry, perBox int, seed uint64) []sandik.Submission {
	rng := rand.New(rand.NewPCG(seed, 1))
	received := time.Date(2029, 3, 25, 17, 0, 0, 0, time.UTC)
	var sheets []sandik.Submission
	for _, rc := range reg.Races {
		for _, box := range reg.RaceBoxes(rc.Code) {
			n, _ := reg.Registered(rc.Election, box)
			sheets = append(sheets, sandik.Submission{Race: rc.Code, Box: box, Sheet: Sheet(rng, n, len(rc.Choices))})
		}
	}
	out := make([]sandik.Submission, 0, len(sheets)*perBox)
	for k := 0; k < perBox; k++ {
		for i, s := range sheets {
			s.ID = sandik.SubmissionID(fmt.Sprintf("synth-%d-%d", k, i))
			s.User = sandik.UserID(fmt.Sprintf("user%d", k))
			s.Source, s.Kind = sandik.SourceEntry, sandik.KindEntry
			s.ReceivedAt = received.Add(time.Duration(len(out)) * time.Millisecond)
			s.Hash = s.ContentHash()
			out = append(out, s)
		}
	}
	return out
}
