package org_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/org"
)

// randomRegistry draws a tree country → il → ilçe → mahalle → (building)
// → sandık whose boxes are registered for election "e" or "f" or both,
// with names drawn from Turkish letters so that the order of the gaps
// is a Turkish one.
func randomRegistry(t *rapid.T) *sandik.Registry {
	areas := []sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"}}
	var regs []sandik.Registration
	name := rapid.StringMatching(`[ÇçĞğIıİiÖöŞşÜüAaBbZz]{1,3}( [0-9]{1,2})?`)
	var grow func(parent sandik.AreaCode, level sandik.AreaLevel)
	grow = func(parent sandik.AreaCode, level sandik.AreaLevel) {
		n := rapid.IntRange(0, 3).Draw(t, "children")
		for i := range n {
			code := sandik.AreaCode(fmt.Sprintf("%s.%d", parent, i))
			lv := level
			if level == sandik.LevelBuilding && rapid.Bool().Draw(t, "skip building") {
				lv = sandik.LevelSandik
			}
			areas = append(areas, sandik.Area{Code: code, Parent: parent, Level: lv, Name: name.Draw(t, "name")})
			if lv == sandik.LevelSandik {
				for _, e := range []sandik.ElectionCode{"e", "f"} {
					if rapid.IntRange(0, 3).Draw(t, "registered") > 0 {
						regs = append(regs, sandik.Registration{Election: e, Box: code, Registered: 100})
					}
				}
				continue
			}
			grow(code, lv+1)
		}
	}
	grow("TR", sandik.LevelIl)
	elections := []sandik.Election{{Code: "e", Name: "E", Quorum: 2}, {Code: "f", Name: "F", Quorum: 2}}
	reg, err := sandik.NewRegistry(areas, elections, nil, regs)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func TestCoverageMatchesBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		reg := randomRegistry(t)
		var boxes []sandik.AreaCode
		for _, a := range reg.Areas {
			if a.Level == sandik.LevelSandik {
				boxes = append(boxes, a.Code)
			}
		}
		boxes = append(boxes, "TR.yok") // not in the registry
		var as []sandik.Assignment
		if len(boxes) > 0 {
			as = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) sandik.Assignment {
				return sandik.Assignment{
					Election:   rapid.SampledFrom([]sandik.ElectionCode{"e", "e", "f", "g"}).Draw(t, "election"),
					Box:        rapid.SampledFrom(boxes).Draw(t, "box"),
					Person:     sandik.PersonID(fmt.Sprintf("k-%d", rapid.IntRange(0, 6).Draw(t, "person"))),
					AssignedAt: time.Unix(1, 0), AssignedBy: "a",
				}
			}), 0, 40).Draw(t, "assignments")
		}
		area := rapid.SampledFrom(reg.Areas).Draw(t, "area").Code
		got, err := org.CoverageOf(reg, "e", area, as)
		if err != nil {
			t.Fatal(err)
		}

		// The brute force: every box of the registry, every assignment.
		var want org.Counts
		var gaps []sandik.AreaCode
		child := map[sandik.AreaCode]*org.Counts{}
		for _, a := range reg.Areas {
			if a.Level != sandik.LevelSandik || !reg.Contains(area, a.Code) {
				continue
			}
			if _, ok := reg.Registered("e", a.Code); !ok {
				continue
			}
			people := map[sandik.PersonID]bool{}
			for _, x := range as {
				if x.Election == "e" && x.Box == a.Code {
					people[x.Person] = true
				}
			}
			bump := func(c *org.Counts) {
				c.Boxes++
				switch len(people) {
				case 0:
					c.None++
				case 1:
					c.One++
				default:
					c.Many++
				}
			}
			bump(&want)
			if len(people) == 0 {
				gaps = append(gaps, a.Code)
			}
			for _, c := range reg.Children(area) {
				if reg.Contains(c, a.Code) {
					if child[c] == nil {
						child[c] = &org.Counts{}
					}
					bump(child[c])
				}
			}
		}
		if got.Counts != want {
			t.Fatalf("counts %+v, brute force %+v", got.Counts, want)
		}
		if want.None+want.One+want.Many != want.Boxes {
			t.Fatalf("brute force does not add up: %+v", want)
		}
		for _, c := range got.Children {
			if w := child[c.Area]; w == nil || *w != c.Counts {
				t.Fatalf("child %s: %+v, brute force %+v", c.Area, c.Counts, w)
			}
			delete(child, c.Area)
		}
		if len(child) > 0 {
			t.Fatalf("children with boxes left out: %v", child)
		}
		var gotGaps []sandik.AreaCode
		for _, g := range got.Gaps {
			gotGaps = append(gotGaps, g.Box)
		}
		slices.Sort(gotGaps)
		slices.Sort(gaps)
		if !slices.Equal(gotGaps, gaps) {
			t.Fatalf("gaps %v, brute force %v", gotGaps, gaps)
		}
		// Gaps come in the Turkish order of their place, then name.
		for i := 1; i < len(got.Gaps); i++ {
			a, b := got.Gaps[i-1], got.Gaps[i]
			ka := append(slices.Clone(a.Place), a.Name)
			kb := append(slices.Clone(b.Place), b.Name)
			if len(ka) == len(kb) && slices.CompareFunc(ka, kb, collation.Compare) > 0 {
				t.Fatalf("gap %v %v before %v %v", a.Place, a.Name, b.Place, b.Name)
			}
		}
		// Each gap's place is the names of its ancestors below the area.
		for _, g := range got.Gaps {
			var want []string
			for _, anc := range reg.Ancestors(g.Box) {
				if anc == area || g.Box == area {
					break
				}
				an, _ := reg.Area(anc)
				want = append([]string{an.Name}, want...)
			}
			if !slices.Equal(g.Place, want) {
				t.Fatalf("gap %s: place %v, want %v", g.Box, g.Place, want)
			}
		}
	})
}

func TestCoverageUnknown(t *testing.T) {
	reg, err := sandik.NewRegistry([]sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"}},
		[]sandik.Election{{Code: "e", Name: "E", Quorum: 2}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.CoverageOf(reg, "x", "TR", nil); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("unknown election: %v", err)
	}
	if _, err := org.CoverageOf(reg, "e", "34", nil); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("unknown area: %v", err)
	}
}

func TestCheckAssignmentsAgainstRegistry(t *testing.T) {
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "TR.1", Parent: "TR", Level: sandik.LevelSandik, Name: "Sandık 1"},
		{Code: "TR.2", Parent: "TR", Level: sandik.LevelSandik, Name: "Sandık 2"},
	}, []sandik.Election{{Code: "e", Name: "E", Quorum: 2}}, nil, []sandik.Registration{{Election: "e", Box: "TR.1", Registered: 10}})
	if err != nil {
		t.Fatal(err)
	}
	a := func(e sandik.ElectionCode, box sandik.AreaCode) sandik.Assignment {
		return sandik.Assignment{Election: e, Box: box, Person: "k"}
	}
	if err := org.CheckAssignments(reg, []sandik.Assignment{a("e", "TR.1")}); err != nil {
		t.Fatalf("a registered box: %v", err)
	}
	err = org.CheckAssignments(reg, []sandik.Assignment{a("e", "TR.1"), a("x", "TR.1"), a("e", "TR.9"), a("e", "TR"), a("e", "TR.2")})
	want := []string{"assignments[1].election", "assignments[2].box", "assignments[3].box", "assignments[4].box"}
	var got []string
	for _, p := range sandik.ProblemsOf(err) {
		got = append(got, p.Field)
	}
	if sandik.CodeOf(err) != sandik.EInvalid || !slices.Equal(got, want) {
		t.Errorf("problems %v (%v), want %v", got, err, want)
	}
}
