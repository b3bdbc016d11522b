package tally

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
)

// testRegistry builds a small tree: TR → 2 il → 2 ilçe → 2 mahalle →
// buildings → boxes, with one race over the country and one over the
// first il, three choices each.
func testRegistry() *sandik.Registry {
	var areas []sandik.Area
	var regs []sandik.Registration
	add := func(code, parent string, level sandik.AreaLevel) {
		areas = append(areas, sandik.Area{Code: sandik.AreaCode(code), Parent: sandik.AreaCode(parent), Level: level, Name: "Area " + code})
	}
	add("TR", "", sandik.LevelCountry)
	n := 0
	for il := 1; il <= 2; il++ {
		ilc := fmt.Sprintf("%d", il)
		add(ilc, "TR", sandik.LevelIl)
		for ilce := 1; ilce <= 2; ilce++ {
			ilcec := fmt.Sprintf("%s.%d", ilc, ilce)
			add(ilcec, ilc, sandik.LevelIlce)
			for m := 1; m <= 2; m++ {
				mc := fmt.Sprintf("%s.%d", ilcec, m)
				add(mc, ilcec, sandik.LevelMahalle)
				bc := mc + ".b"
				add(bc, mc, sandik.LevelBuilding)
				for b := 1; b <= 1+(il+ilce+m)%3; b++ {
					n++
					code := fmt.Sprintf("%s.%d", bc, b)
					add(code, bc, sandik.LevelSandik)
					regs = append(regs, sandik.Registration{Election: "e", Box: sandik.AreaCode(code), Registered: int64(200 + n)})
				}
			}
		}
	}
	// One box that exists but is not registered for the election.
	add("1.1.1.b.99", "1.1.1.b", sandik.LevelSandik)
	choices := []sandik.Choice{{Code: "A", Name: "A"}, {Code: "B", Name: "B"}, {Code: "C", Name: "C"}}
	reg, err := sandik.NewRegistry(areas,
		[]sandik.Election{{Code: "e", Name: "Test", Date: time.Date(2019, 3, 31, 0, 0, 0, 0, time.UTC), Quorum: 2}},
		[]sandik.Race{
			{Code: "all", Election: "e", Name: "Country", Scope: "TR", Choices: choices},
			{Code: "one", Election: "e", Name: "Il 1", Scope: "1", Choices: choices},
			// Shares the tree of "all"; its counters must stay its own.
			{Code: "council", Election: "e", Name: "Council", Scope: "TR", Choices: choices[:2]},
		}, regs)
	if err != nil {
		panic(err)
	}
	return reg
}

// sheet makes a valid sheet from votes per choice and an invalid count.
func sheet(registered, invalid int64, votes ...int64) sandik.Tutanak {
	var valid int64
	for _, v := range votes {
		valid += v
	}
	return sandik.Tutanak{Registered: registered, Voted: valid + invalid, ValidWithoutObjection: valid,
		ValidTotal: valid, Invalid: invalid, Votes: slices.Clone(votes)}
}

// recount is the naive model: for every box of every race it decides the
// status from scratch, then adds boxes up by walking the registry.
func recount(reg *sandik.Registry, log []sandik.Submission) map[sandik.RaceCode]map[sandik.AreaCode]Totals {
	out := map[sandik.RaceCode]map[sandik.AreaCode]Totals{}
	for i := range reg.Races {
		rc := &reg.Races[i]
		el, _ := reg.Election(rc.Election)
		byArea := map[sandik.AreaCode]Totals{}
		for _, box := range reg.RaceBoxes(rc.Code) {
			var subs, recounts []sandik.Submission
			var official *sandik.Tutanak // the latest published figures win
			for _, s := range log {
				if s.Race != rc.Code || s.Box != box {
					continue
				}
				if s.Source == sandik.SourceOfficial {
					official = &s.Sheet
					continue
				}
				if s.Source == sandik.SourceRecount {
					recounts = append(recounts, s)
					continue
				}
				subs = append(subs, s)
			}
			status, prov, res := naiveDecide(subs, el.Quorum)
			// As recounted: a settled recount in place of the box's figures.
			_, _, recounted := naiveDecide(recounts, el.Quorum)
			boxRecounted := recounted != nil
			if !boxRecounted {
				recounted = res
			}
			n, _ := reg.Registered(rc.Election, box)
			chain := append([]sandik.AreaCode{box}, reg.Ancestors(box)...)
			for _, a := range chain {
				if !reg.Contains(rc.Scope, a) {
					break
				}
				t, ok := byArea[a]
				if !ok {
					area, _ := reg.Area(a)
					t = Totals{Race: rc.Code, Area: a, Level: area.Level, Name: area.Name,
						Provisional: zero(len(rc.Choices)), Verified: zero(len(rc.Choices)), Official: zero(len(rc.Choices)), Recounted: zero(len(rc.Choices))}
				}
				t.BoxesExpected++
				t.Registered += n
				if status != sandik.StatusMissing {
					t.BoxesReported++
				}
				switch status {
				case sandik.StatusPending:
					t.BoxesPending++
				case sandik.StatusConflict:
					t.BoxesConflict++
				case sandik.StatusVerified:
					t.BoxesVerified++
				case sandik.StatusAdjudicated:
					t.BoxesVerified++
					t.BoxesAdjudicated++
				}
				addSheet(&t.Provisional, prov)
				addSheet(&t.Verified, res)
				addSheet(&t.Official, official)
				if official != nil {
					t.BoxesOfficial++
				}
				addSheet(&t.Recounted, recounted)
				if boxRecounted {
					t.BoxesRecounted++
				}
				byArea[a] = t
			}
		}
		out[rc.Code] = byArea
	}
	return out
}

func naiveDecide(subs []sandik.Submission, quorum int) (sandik.BoxStatus, *sandik.Tutanak, *sandik.Tutanak) {
	for i := len(subs) - 1; i >= 0; i-- {
		if subs[i].Kind == sandik.KindAdjudication {
			return sandik.StatusAdjudicated, &subs[i].Sheet, &subs[i].Sheet
		}
	}
	latest := map[sandik.UserID]int{}
	for i, s := range subs {
		latest[s.User] = i
	}
	idx := slices.Sorted(maps.Values(latest))
	if len(idx) == 0 {
		return sandik.StatusMissing, nil, nil
	}
	first := &subs[idx[0]].Sheet
	var groups []int // size per distinct sheet
	var reps []*sandik.Tutanak
	for _, i := range idx {
		found := false
		for g, r := range reps {
			if r.Equal(subs[i].Sheet) {
				groups[g]++
				found = true
			}
		}
		if !found {
			reps = append(reps, &subs[i].Sheet)
			groups = append(groups, 1)
		}
	}
	best, ties := 0, 0
	var bestSheet *sandik.Tutanak
	for g, n := range groups {
		switch {
		case n > best:
			best, ties, bestSheet = n, 1, reps[g]
		case n == best:
			ties++
		}
	}
	switch {
	case best >= quorum && ties == 1:
		return sandik.StatusVerified, bestSheet, bestSheet
	case len(groups) == 1:
		return sandik.StatusPending, first, nil
	}
	return sandik.StatusConflict, first, nil
}

func zero(choices int) Counts { return Counts{Votes: make([]int64, choices)} }

func addSheet(c *Counts, t *sandik.Tutanak) {
	if t == nil {
		return
	}
	c.Registered += t.Registered
	c.VotedByLaw += t.VotedByLaw
	c.Voted += t.Voted
	c.ValidWithoutObjection += t.ValidWithoutObjection
	c.ValidUponObjection += t.ValidUponObjection
	c.ValidTotal += t.ValidTotal
	c.Invalid += t.Invalid
	for i, v := range t.Votes {
		c.Votes[i] += v
	}
}

// engineTotals reads every area of every race from the engine, walking
// down from each race's scope through the children lists.
func engineTotals(e *Engine) (map[sandik.RaceCode]map[sandik.AreaCode]Totals, error) {
	out := map[sandik.RaceCode]map[sandik.AreaCode]Totals{}
	for _, rc := range e.Registry().Races {
		byArea := map[sandik.AreaCode]Totals{}
		queue := []sandik.AreaCode{rc.Scope}
		for len(queue) > 0 {
			a := queue[0]
			queue = queue[1:]
			at, err := e.Totals(rc.Code, a)
			if err != nil {
				return nil, err
			}
			byArea[a] = at.Totals
			for _, c := range at.Children {
				queue = append(queue, c.Area)
			}
		}
		out[rc.Code] = byArea
	}
	return out, nil
}
