package org

import (
	"bytes"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
)

// Coverage is how an area's boxes of an election are watched: how many
// have no observer, one, or two and more, in the whole area and in each
// child, and which boxes have none (the gaps to fill). A box counts when
// it takes part in the election (the registry registers voters at it).
type Coverage struct {
	Election sandik.ElectionCode `json:"election"`
	Area     sandik.AreaCode     `json:"area"`
	Counts
	// Children are the area's children that hold boxes of the election,
	// by name in Turkish.
	Children []ChildCoverage `json:"children"`
	// Gaps are the boxes without an observer, in the Turkish order of
	// their place, then their name.
	Gaps []Gap `json:"gaps"`
}

// Counts are boxes by how many observers stand at them.
type Counts struct {
	Boxes int `json:"boxes"`
	None  int `json:"none"`
	One   int `json:"one"`
	Many  int `json:"many"` // two or more
}

// Covered is the number of boxes with at least one observer.
func (c Counts) Covered() int { return c.One + c.Many }

func (c *Counts) add(n int) {
	c.Boxes++
	switch {
	case n == 0:
		c.None++
	case n == 1:
		c.One++
	default:
		c.Many++
	}
}

// ChildCoverage is the coverage of one child of the area, for the map.
type ChildCoverage struct {
	Area sandik.AreaCode `json:"area"`
	Name string          `json:"name"`
	Counts
}

// Gap is a box without an observer.
type Gap struct {
	Box  sandik.AreaCode `json:"box"`
	Name string          `json:"name"`
	// Place names where the box stands below the area, from the top
	// (mahalle, school).
	Place []string `json:"place"`
}

// CoverageOf counts the coverage of area for election from as, which may
// hold assignments of other elections and areas (they are left out); a
// person given twice at a box counts once. ENotFound if the election or
// the area is not in reg.
func CoverageOf(reg *sandik.Registry, election sandik.ElectionCode, area sandik.AreaCode, as []sandik.Assignment) (Coverage, error) {
	return CoverageFrom(reg, election, area, Watchers(election, as))
}

// Watchers counts the people assigned to each box of election in as; a
// person given twice at a box counts once.
func Watchers(election sandik.ElectionCode, as []sandik.Assignment) map[sandik.AreaCode]int {
	type at struct {
		box    sandik.AreaCode
		person sandik.PersonID
	}
	seen := make(map[at]bool, len(as))
	n := make(map[sandik.AreaCode]int)
	for _, a := range as {
		if a.Election != election {
			continue
		}
		k := at{a.Box, a.Person}
		if !seen[k] {
			seen[k] = true
			n[a.Box]++
		}
	}
	return n
}

// CoverageFrom is CoverageOf over the people counted at each box
// (Watchers): a caller that keeps the counts of an election answers
// every area from them without reading the assignments again.
func CoverageFrom(reg *sandik.Registry, election sandik.ElectionCode, area sandik.AreaCode, watchers map[sandik.AreaCode]int) (Coverage, error) {
	if _, ok := reg.Election(election); !ok {
		return Coverage{}, sandik.Errorf(sandik.ENotFound, "election %q does not exist", election)
	}
	top, ok := reg.Area(area)
	if !ok {
		return Coverage{}, sandik.Errorf(sandik.ENotFound, "area %q does not exist", area)
	}
	cov := Coverage{Election: election, Area: area, Children: []ChildCoverage{}, Gaps: []Gap{}}
	var walk func(code sandik.AreaCode, place []string, child *ChildCoverage)
	walk = func(code sandik.AreaCode, place []string, child *ChildCoverage) {
		a, ok := reg.AreaRef(code)
		if !ok {
			return
		}
		if a.Level == sandik.LevelSandik {
			if _, in := reg.Registered(election, code); !in {
				return
			}
			n := watchers[code]
			cov.add(n)
			if child != nil {
				child.add(n)
			}
			if n == 0 {
				cov.Gaps = append(cov.Gaps, Gap{Box: code, Name: a.Name, Place: slices.Clone(place)})
			}
			return
		}
		if code != area {
			place = append(place, a.Name)
		}
		for _, c := range reg.Children(code) {
			walk(c, place, child)
		}
	}
	if top.Level == sandik.LevelSandik {
		walk(area, nil, nil)
	} else {
		for _, c := range reg.Children(area) {
			ca, _ := reg.Area(c)
			ch := ChildCoverage{Area: c, Name: ca.Name}
			walk(c, nil, &ch)
			if ch.Boxes > 0 {
				cov.Children = append(cov.Children, ch)
			}
		}
	}
	SortGaps(cov.Gaps)
	collation.Sort(cov.Children, func(c ChildCoverage) string { return c.Name })
	return cov, nil
}

// SortGaps orders gaps by place, name by name, then by the box's name
// and code, in Turkish. Names repeat across thousands of boxes
// ("Mahalle 3", "Sandık 1001"), so each name's collation key is made
// once, and each gap's keys before the sort.
func SortGaps(gaps []Gap) {
	keys := map[string][]byte{}
	key := func(s string) []byte {
		k, ok := keys[s]
		if !ok {
			k = collation.Key(s)
			keys[s] = k
		}
		return k
	}
	type keyed struct {
		g    Gap
		keys [][]byte // of the place's names, then the box's name
	}
	ks := make([]keyed, len(gaps))
	for i, g := range gaps {
		k := make([][]byte, 0, len(g.Place)+1)
		for _, p := range g.Place {
			k = append(k, key(p))
		}
		ks[i] = keyed{g, append(k, key(g.Name))}
	}
	// As collation.Compare: names the collation holds equal (case,
	// marks) fall back to byte order.
	name := func(ka, kb []byte, a, b string) int {
		if c := bytes.Compare(ka, kb); c != 0 || a == b {
			return c
		}
		return strings.Compare(a, b)
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		pa, pb := len(a.g.Place), len(b.g.Place)
		for i := range min(pa, pb) {
			if c := name(a.keys[i], b.keys[i], a.g.Place[i], b.g.Place[i]); c != 0 {
				return c
			}
		}
		if pa != pb {
			return pa - pb
		}
		if c := name(a.keys[pa], b.keys[pb], a.g.Name, b.g.Name); c != 0 {
			return c
		}
		return strings.Compare(string(a.g.Box), string(b.g.Box))
	})
	for i := range ks {
		gaps[i] = ks[i].g
	}
}
