package verify

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
)

// Summary rolls the comparison of an area's boxes up.
type Summary struct {
	Area  sandik.AreaCode  `json:"area"`
	Name  string           `json:"name"`
	Level sandik.AreaLevel `json:"level"`
	// Boxes counts boxes per outcome.
	Boxes map[Outcome]int `json:"boxes"`
	// NetDelta sums official − sheet per choice over the boxes in
	// discrepancy; NetMarginEffect is its effect on the margin of A over B.
	NetDelta        []int64 `json:"net_delta"`
	NetMarginEffect int64   `json:"net_margin_effect"`
}

// Report is the comparison of one area of a race.
type Report struct {
	Race  sandik.RaceCode `json:"race"`
	Basis Basis           `json:"basis"`
	// A and B are the pair of choices whose margin is followed.
	A        sandik.ChoiceCode `json:"a"`
	B        sandik.ChoiceCode `json:"b"`
	Summary  Summary           `json:"summary"`
	Children []Summary         `json:"children"`
	// Boxes holds every box of the area, discrepancies first; callers
	// filter, sort and page with Select.
	Boxes []Box `json:"boxes"`
}

// Options of Compare.
type Options struct {
	Basis Basis
	// A and B choose the pair of choices; empty means the two leaders of
	// the area's figures on the basis.
	A, B sandik.ChoiceCode
}

// Compare builds the report of area for race from the boxes' figures
// (tally.Engine.Figures of the same race and area) and sheet totals used
// to choose the default pair.
func Compare(reg *sandik.Registry, rc *sandik.Race, area sandik.AreaCode, figs []tally.BoxFigures, opts Options) (Report, error) {
	if opts.Basis == "" {
		opts.Basis = BasisVerified
	}
	ai, ok := reg.AreaRef(area)
	if !ok {
		return Report{}, sandik.Errorf(sandik.ENotFound, "area %q does not exist", area)
	}
	a, b, err := pair(rc, figs, opts)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Race: rc.Code, Basis: opts.Basis, Summary: newSummary(ai, len(rc.Choices)), Boxes: make([]Box, 0, len(figs))}
	rep.A = rc.Choices[a].Code
	if b >= 0 {
		rep.B = rc.Choices[b].Code
	}
	children := map[sandik.AreaCode]int{}
	for _, c := range reg.Children(area) {
		ca, _ := reg.AreaRef(c)
		if ca.Level == sandik.LevelSandik {
			continue // boxes are listed one by one
		}
		children[c] = len(rep.Children)
		rep.Children = append(rep.Children, newSummary(ca, len(rc.Choices)))
	}
	for i := range figs {
		bc := CompareBox(&figs[i], opts.Basis, a, b)
		rep.Summary.add(&bc)
		if ci, ok := children[childOf(reg, area, bc.Box)]; ok {
			rep.Children[ci].add(&bc)
		}
		rep.Boxes = append(rep.Boxes, bc)
	}
	if rep.Children == nil {
		rep.Children = []Summary{}
	}
	Sort(rep.Boxes, SortOutcome)
	return rep, nil
}

func newSummary(a *sandik.Area, choices int) Summary {
	s := Summary{Area: a.Code, Name: a.Name, Level: a.Level, Boxes: map[Outcome]int{}, NetDelta: make([]int64, choices)}
	for _, o := range Outcomes {
		s.Boxes[o] = 0
	}
	return s
}

func (s *Summary) add(b *Box) {
	s.Boxes[b.Outcome]++
	if b.Outcome != Discrepancy {
		return
	}
	for i, d := range b.VoteDelta {
		s.NetDelta[i] += d
	}
	s.NetMarginEffect += b.MarginEffect
}

// childOf returns the direct child of area on the way down to box.
func childOf(reg *sandik.Registry, area, box sandik.AreaCode) sandik.AreaCode {
	prev := box
	for _, a := range reg.Ancestors(box) {
		if a == area {
			return prev
		}
		prev = a
	}
	return ""
}

func pair(rc *sandik.Race, figs []tally.BoxFigures, opts Options) (int, int, error) {
	var votes []int64
	if opts.A == "" || opts.B == "" {
		// The leaders are needed: add up the figures of the basis.
		votes = make([]int64, len(rc.Choices))
		for i := range figs {
			s := figs[i].Resolved
			if opts.Basis == BasisProvisional {
				s = figs[i].Provisional
			}
			if s == nil {
				s = figs[i].Official
			}
			if s == nil {
				continue
			}
			for j, v := range s.Votes {
				votes[j] += v
			}
		}
	}
	return Pair(rc, votes, opts.A, opts.B)
}

// Pair chooses the two choices a margin is of: those named, and for one
// not named the leader of votes, or the runner-up when the leader is the
// one named. It returns their indexes; b is -1 when the race has a single
// choice and none is named.
func Pair(rc *sandik.Race, votes []int64, a, b sandik.ChoiceCode) (int, int, error) {
	var ps []sandik.Problem
	find := func(field string, c sandik.ChoiceCode) int {
		if c == "" {
			return -1
		}
		i := rc.ChoiceIndex(c)
		if i < 0 {
			ps = append(ps, sandik.Problem{Field: field, Rule: sandik.RuleUnknownChoice, Message: fmt.Sprintf("race %q has no choice %q", rc.Code, c)})
		}
		return i
	}
	ia, ib := find("a", a), find("b", b)
	if len(ps) > 0 {
		return 0, 0, sandik.Invalid("unknown choice", ps)
	}
	if ia >= 0 && ia == ib {
		return 0, 0, sandik.Invalid("the pair must be two choices", []sandik.Problem{{Field: "b", Rule: sandik.RuleInvalidValue, Message: "a and b are the same choice"}})
	}
	if ia >= 0 && ib >= 0 {
		return ia, ib, nil
	}
	la, lb := Leaders(votes)
	other := func(not int) int {
		if la != not {
			return la
		}
		return lb
	}
	switch {
	case ia < 0 && ib < 0:
		ia, ib = la, lb
	case ia < 0:
		ia = other(ib)
	default:
		ib = other(ia)
	}
	return ia, ib, nil
}

// SortKey orders boxes in a report.
type SortKey string

const (
	SortOutcome SortKey = "outcome" // discrepancies first, then by size of margin effect
	SortMargin  SortKey = "margin"  // largest |margin effect| first
	SortBox     SortKey = "box"     // by box code
	SortVotes   SortKey = "votes"   // largest Σ|vote delta| first
)

// ParseSort reads a sort key; "" means SortOutcome.
func ParseSort(s string) (SortKey, error) {
	switch k := SortKey(s); k {
	case "":
		return SortOutcome, nil
	case SortOutcome, SortMargin, SortBox, SortVotes:
		return k, nil
	}
	return "", sandik.Invalid("unknown sort", []sandik.Problem{{Field: "sort", Rule: sandik.RuleInvalidValue,
		Message: fmt.Sprintf("sort %q is not one of outcome, margin, box, votes", s)}})
}

// Sort orders boxes by key, ties by box code, so output is stable.
func Sort(boxes []Box, key SortKey) {
	rank := map[Outcome]int{}
	for i, o := range Outcomes {
		rank[o] = i
	}
	slices.SortFunc(boxes, func(x, y Box) int {
		var c int
		switch key {
		case SortOutcome:
			c = cmp.Or(cmp.Compare(rank[x.Outcome], rank[y.Outcome]), cmp.Compare(abs(y.MarginEffect), abs(x.MarginEffect)))
		case SortMargin:
			c = cmp.Compare(abs(y.MarginEffect), abs(x.MarginEffect))
		case SortVotes:
			c = cmp.Compare(absSum(y.VoteDelta), absSum(x.VoteDelta))
		}
		return cmp.Or(c, cmp.Compare(x.Box, y.Box))
	})
}

// Filter keeps the boxes whose outcome is in keep (all when keep is empty).
func Filter(boxes []Box, keep ...Outcome) []Box {
	if len(keep) == 0 {
		return boxes
	}
	out := boxes[:0:0]
	for _, b := range boxes {
		if slices.Contains(keep, b.Outcome) {
			out = append(out, b)
		}
	}
	return out
}

// ParseOutcome reads an outcome name.
func ParseOutcome(s string) (Outcome, error) {
	for _, o := range Outcomes {
		if string(o) == s {
			return o, nil
		}
	}
	return "", sandik.Invalid("unknown outcome", []sandik.Problem{{Field: "outcome", Rule: sandik.RuleInvalidValue,
		Message: fmt.Sprintf("outcome %q is not one of discrepancy, sheet_missing, official_missing, equal, no_figures", s)}})
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func absSum(v []int64) int64 {
	var s int64
	for _, x := range v {
		s += abs(x)
	}
	return s
}
