package sandik

import (
	"fmt"
	"slices"
)

// MaxChoices bounds the choices of one race (a Turkish council ballot has
// a few dozen parties and independents).
const MaxChoices = 200

// Registry is what the centre knows before the night: the area tree, the
// elections with their races and choices, and the registered voters of
// every box. It is immutable once built; Merge returns a new one.
type Registry struct {
	Areas         []Area
	Elections     []Election
	Races         []Race
	Registrations []Registration

	area map[AreaCode]int
	// kids holds every area's children grouped by parent, in registry
	// order: those of Areas[i] are kids[kidsAt[i]:kidsAt[i+1]]. One array
	// rather than a map of slices: on a national registry the map was
	// about 32 MiB, most of it a building's slice of one box.
	kids       []AreaCode
	kidsAt     []int32
	election   map[ElectionCode]int
	race       map[RaceCode]int
	registered map[ElectionCode]map[AreaCode]int64
	raceBoxes  map[RaceCode][]AreaCode
}

// NewRegistry validates every record and every reference between records,
// returning all problems at once (fields named like "areas[3].parent").
// Areas may come in any order; a parent need not precede its children.
func NewRegistry(areas []Area, elections []Election, races []Race, regs []Registration) (*Registry, error) {
	r := &Registry{
		Areas: areas, Elections: elections, Races: races, Registrations: regs,
		area:       make(map[AreaCode]int, len(areas)),
		election:   make(map[ElectionCode]int, len(elections)),
		race:       make(map[RaceCode]int, len(races)),
		registered: make(map[ElectionCode]map[AreaCode]int64),
		raceBoxes:  make(map[RaceCode][]AreaCode),
	}
	var ps problems
	for i := range areas {
		a := &areas[i]
		f := fmt.Sprintf("areas[%d]", i)
		if err := ValidateCode(string(a.Code)); err != nil {
			ps.add(f+".code", RuleInvalidValue, "area code %q %v", a.Code, err)
			continue
		}
		if _, dup := r.area[a.Code]; dup {
			ps.add(f+".code", RuleDuplicate, "area %q appears twice", a.Code)
			continue
		}
		if a.Level < LevelCountry || a.Level > LevelSandik {
			ps.add(f+".level", RuleInvalidValue, "area %q has no valid level", a.Code)
		}
		if a.Name == "" {
			ps.add(f+".name", RuleRequired, "area %q has no name", a.Code)
		}
		r.area[a.Code] = i
	}
	parents := make([]int32, len(areas)) // index of each area's parent, -1 for none
	for i := range areas {
		parents[i] = -1
		a := &areas[i]
		if a.Parent == "" {
			continue
		}
		pi, ok := r.area[a.Parent]
		if !ok {
			ps.add(fmt.Sprintf("areas[%d].parent", i), RuleUnknownArea, "parent %q of area %q does not exist", a.Parent, a.Code)
			continue
		}
		p := &areas[pi]
		if p.Level >= a.Level {
			ps.add(fmt.Sprintf("areas[%d].parent", i), RuleInvalidValue, "parent %q is a %s, which cannot contain %q, a %s", p.Code, p.Level, a.Code, a.Level)
			continue
		}
		// The parent's own code: equal, and its memory is then held
		// once (a store reads each row's parent as a string of its own).
		a.Parent = p.Code
		parents[i] = int32(pi)
	}
	r.kids, r.kidsAt = groupChildren(areas, parents)
	for i, e := range elections {
		f := fmt.Sprintf("elections[%d]", i)
		if err := ValidateCode(string(e.Code)); err != nil {
			ps.add(f+".code", RuleInvalidValue, "election code %q %v", e.Code, err)
			continue
		}
		if _, dup := r.election[e.Code]; dup {
			ps.add(f+".code", RuleDuplicate, "election %q appears twice", e.Code)
			continue
		}
		if e.Name == "" {
			ps.add(f+".name", RuleRequired, "election %q has no name", e.Code)
		}
		if e.Quorum < 1 || e.Quorum > 9 {
			ps.add(f+".quorum", RuleInvalidValue, "election %q: quorum must be between 1 and 9 (got %d)", e.Code, e.Quorum)
		}
		r.election[e.Code] = i
		r.registered[e.Code] = make(map[AreaCode]int64)
	}
	for i, g := range regs {
		f := fmt.Sprintf("registrations[%d]", i)
		m, ok := r.registered[g.Election]
		if !ok {
			ps.add(f+".election", RuleUnknownElection, "election %q does not exist", g.Election)
			continue
		}
		ai, ok := r.area[g.Box]
		if !ok {
			ps.add(f+".box", RuleUnknownBox, "box %q does not exist", g.Box)
			continue
		}
		if areas[ai].Level != LevelSandik {
			ps.add(f+".box", RuleInvalidValue, "%q is a %s, not a sandık", g.Box, areas[ai].Level)
			continue
		}
		if g.Registered < 0 || g.Registered > MaxSheetNumber {
			ps.add(f+".registered", RuleInvalidValue, "registered voters of box %q must be between 0 and %d (got %d)", g.Box, MaxSheetNumber, g.Registered)
			continue
		}
		if _, dup := m[g.Box]; dup {
			ps.add(f+".box", RuleDuplicate, "box %q is registered twice for election %q", g.Box, g.Election)
			continue
		}
		m[g.Box] = g.Registered
	}
	for i := range races {
		rc := &races[i]
		f := fmt.Sprintf("races[%d]", i)
		if err := ValidateCode(string(rc.Code)); err != nil {
			ps.add(f+".code", RuleInvalidValue, "race code %q %v", rc.Code, err)
			continue
		}
		if _, dup := r.race[rc.Code]; dup {
			ps.add(f+".code", RuleDuplicate, "race %q appears twice", rc.Code)
			continue
		}
		r.race[rc.Code] = i
		if rc.Name == "" {
			ps.add(f+".name", RuleRequired, "race %q has no name", rc.Code)
		}
		if _, ok := r.election[rc.Election]; !ok {
			ps.add(f+".election", RuleUnknownElection, "race %q: election %q does not exist", rc.Code, rc.Election)
		}
		if ai, ok := r.area[rc.Scope]; !ok {
			ps.add(f+".scope", RuleUnknownArea, "race %q: scope area %q does not exist", rc.Code, rc.Scope)
		} else if areas[ai].Level == LevelSandik {
			ps.add(f+".scope", RuleInvalidValue, "race %q: scope %q is a ballot box; a race covers an area above the boxes", rc.Code, rc.Scope)
		}
		if rc.Marks < 0 || rc.Marks > len(rc.Choices) && rc.Marks > 1 {
			ps.add(f+".marks", RuleInvalidValue, "race %q: marks must be between 0 and its %d choices (got %d)", rc.Code, len(rc.Choices), rc.Marks)
		}
		if len(rc.Choices) == 0 || len(rc.Choices) > MaxChoices {
			ps.add(f+".choices", RuleInvalidValue, "race %q must have between 1 and %d choices (got %d)", rc.Code, MaxChoices, len(rc.Choices))
		}
		seen := map[ChoiceCode]bool{}
		for j, c := range rc.Choices {
			cf := fmt.Sprintf("%s.choices[%d]", f, j)
			if err := ValidateCode(string(c.Code)); err != nil {
				ps.add(cf+".code", RuleInvalidValue, "choice code %q %v", c.Code, err)
			} else if seen[c.Code] {
				ps.add(cf+".code", RuleDuplicate, "race %q: choice %q appears twice", rc.Code, c.Code)
			}
			seen[c.Code] = true
			if c.Name == "" {
				ps.add(cf+".name", RuleRequired, "race %q: choice %q has no name", rc.Code, c.Code)
			}
		}
	}
	if len(ps) > 0 {
		return nil, Invalid("invalid registry", ps)
	}
	for _, rc := range races {
		reg := r.registered[rc.Election]
		r.walk(rc.Scope, func(a *Area) {
			if _, ok := reg[a.Code]; ok && a.Level == LevelSandik {
				r.raceBoxes[rc.Code] = append(r.raceBoxes[rc.Code], a.Code)
			}
		})
	}
	return r, nil
}

// EmptyRegistry returns a registry with nothing in it.
func EmptyRegistry() *Registry {
	r, _ := NewRegistry(nil, nil, nil, nil)
	return r
}

// Merge returns a registry holding r and o together. A record present in
// both must be identical in both, so that importing the same file twice
// changes nothing and a conflicting file changes nothing either.
func (r *Registry) Merge(o *Registry) (*Registry, error) {
	var ps problems
	areas := slices.Clone(r.Areas)
	for i, a := range o.Areas {
		if old, ok := r.Area(a.Code); ok {
			if old != a {
				ps.add(fmt.Sprintf("areas[%d]", i), RuleConflict, "area %q already exists with different data (%s %q under %q)", a.Code, old.Level, old.Name, old.Parent)
			}
			continue
		}
		areas = append(areas, a)
	}
	elections := slices.Clone(r.Elections)
	for i, e := range o.Elections {
		if old, ok := r.Election(e.Code); ok {
			if !old.Date.Equal(e.Date) || old.Name != e.Name || old.Quorum != e.Quorum {
				ps.add(fmt.Sprintf("elections[%d]", i), RuleConflict, "election %q already exists with different data", e.Code)
			}
			continue
		}
		elections = append(elections, e)
	}
	races := slices.Clone(r.Races)
	for i, rc := range o.Races {
		if old, ok := r.Race(rc.Code); ok {
			if old.Name != rc.Name || old.Election != rc.Election || old.Scope != rc.Scope || old.MaxMarks() != rc.MaxMarks() || !slices.Equal(old.Choices, rc.Choices) {
				ps.add(fmt.Sprintf("races[%d]", i), RuleConflict, "race %q already exists with different data", rc.Code)
			}
			continue
		}
		races = append(races, rc)
	}
	regs := slices.Clone(r.Registrations)
	for i, g := range o.Registrations {
		if n, ok := r.Registered(g.Election, g.Box); ok {
			if n != g.Registered {
				ps.add(fmt.Sprintf("registrations[%d]", i), RuleConflict, "box %q already has %d registered voters for %q, not %d", g.Box, n, g.Election, g.Registered)
			}
			continue
		}
		regs = append(regs, g)
	}
	if len(ps) > 0 {
		return nil, Invalid("registry conflicts with the stored one", ps)
	}
	return NewRegistry(areas, elections, races, regs)
}

// RuleConflict marks a record that contradicts one already stored.
const RuleConflict = "conflict"

// Area returns the area with the given code.
func (r *Registry) Area(code AreaCode) (Area, bool) {
	i, ok := r.area[code]
	if !ok {
		return Area{}, false
	}
	return r.Areas[i], true
}

// AreaRef returns a pointer to the registry's own record of an area, for
// callers that keep many references (the registry never changes it).
func (r *Registry) AreaRef(code AreaCode) (*Area, bool) {
	i, ok := r.area[code]
	if !ok {
		return nil, false
	}
	return &r.Areas[i], true
}

// groupChildren lays out the children of every area in one array,
// grouped by parent in registry order, with each parent's start.
func groupChildren(areas []Area, parents []int32) (kids []AreaCode, at []int32) {
	at = make([]int32, len(areas)+1)
	for _, p := range parents {
		if p >= 0 {
			at[p+1]++
		}
	}
	for i := range areas {
		at[i+1] += at[i]
	}
	kids = make([]AreaCode, at[len(areas)])
	next := slices.Clone(at[:len(areas)])
	for i, p := range parents {
		if p >= 0 {
			kids[next[p]] = areas[i].Code
			next[p]++
		}
	}
	return kids, at
}

// Children returns the codes of an area's direct children in registry
// order, nil for none. The caller must not change them.
func (r *Registry) Children(code AreaCode) []AreaCode {
	i, ok := r.area[code]
	if !ok {
		return nil
	}
	lo, hi := r.kidsAt[i], r.kidsAt[i+1]
	if lo == hi {
		return nil
	}
	return r.kids[lo:hi:hi]
}

// Roots returns the areas without a parent.
func (r *Registry) Roots() []AreaCode {
	var roots []AreaCode
	for _, a := range r.Areas {
		if a.Parent == "" {
			roots = append(roots, a.Code)
		}
	}
	return roots
}

// Ancestors returns code's ancestors from its parent up to the root.
func (r *Registry) Ancestors(code AreaCode) []AreaCode {
	var out []AreaCode
	for a, ok := r.Area(code); ok && a.Parent != ""; a, ok = r.Area(a.Parent) {
		out = append(out, a.Parent)
	}
	return out
}

// Contains reports whether area lies in the subtree of scope (or is it).
func (r *Registry) Contains(scope, area AreaCode) bool {
	if scope == area {
		return true
	}
	// Up the parents in place: every submission and every scoped read
	// asks, and a list of the ancestors was an allocation each time.
	for i, ok := r.area[area]; ok; i, ok = r.area[r.Areas[i].Parent] {
		switch r.Areas[i].Parent {
		case "":
			return false
		case scope:
			return true
		}
	}
	return false
}

func (r *Registry) walk(code AreaCode, fn func(*Area)) {
	i, ok := r.area[code]
	if !ok {
		return
	}
	fn(&r.Areas[i])
	for _, c := range r.Children(code) {
		r.walk(c, fn)
	}
}

// Election returns the election with the given code.
func (r *Registry) Election(code ElectionCode) (Election, bool) {
	i, ok := r.election[code]
	if !ok {
		return Election{}, false
	}
	return r.Elections[i], true
}

// Race returns the race with the given code.
func (r *Registry) Race(code RaceCode) (*Race, bool) {
	i, ok := r.race[code]
	if !ok {
		return nil, false
	}
	return &r.Races[i], true
}

// Registered returns the registered voters of a box for an election.
func (r *Registry) Registered(e ElectionCode, box AreaCode) (int64, bool) {
	n, ok := r.registered[e][box]
	return n, ok
}

// RaceBoxes returns the boxes that take part in a race: the boxes under its
// scope registered for its election, in tree order.
func (r *Registry) RaceBoxes(race RaceCode) []AreaCode { return r.raceBoxes[race] }

// InRace reports whether box takes part in race.
func (r *Registry) InRace(rc *Race, box AreaCode) bool {
	if _, ok := r.registered[rc.Election][box]; !ok {
		return false
	}
	return r.Contains(rc.Scope, box)
}
