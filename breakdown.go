package sandik

import (
	"cmp"
	"slices"
)

// OtherGroup names the group a breakdown merges small groups into.
const OtherGroup = "other"

// Breakdown returns the groups of one dimension that may be shown, with
// k the least number of answers a group needs:
//
//   - a group of fewer than k answers is merged into OtherGroup;
//   - a group whose answers are all alike (everyone chose the same) is
//     shown only with at least 2k answers, else merged too;
//   - OtherGroup itself is shown only under the same two rules; when it
//     holds answers and may not be shown, the smallest shown group is
//     merged into it, until it may be or nothing is left, for otherwise
//     the total less the groups shown would give it away.
//
// A group suppressed and a group with no answers are both absent, and
// every group shown counts every category (zeros included), so the two
// cannot be told apart. Groups come out by name, OtherGroup last.
func Breakdown(tallies []GroupTally, dim Dimension, k int, categories []string) []GroupTally {
	if k < 1 {
		k = DefaultK
	}
	var shown []GroupTally
	other := GroupTally{Dimension: dim, Group: OtherGroup, Counts: map[string]int{}}
	merge := func(g GroupTally) {
		other.Answers += g.Answers
		for c, n := range g.Counts {
			other.Counts[c] += n
		}
	}
	for _, g := range tallies {
		if g.Dimension != dim || g.Answers == 0 {
			continue
		}
		if g.Group == OtherGroup || !showable(g, k) {
			merge(g)
			continue
		}
		shown = append(shown, g)
	}
	for other.Answers > 0 && !showable(other, k) && len(shown) > 0 {
		i := smallest(shown)
		merge(shown[i])
		shown = slices.Delete(shown, i, i+1)
	}
	slices.SortFunc(shown, func(a, b GroupTally) int { return cmp.Compare(a.Group, b.Group) })
	if other.Answers > 0 && showable(other, k) {
		shown = append(shown, other)
	}
	out := make([]GroupTally, len(shown))
	for i, g := range shown {
		counts := make(map[string]int, len(categories))
		for _, c := range categories {
			counts[c] = g.Counts[c]
		}
		out[i] = GroupTally{Dimension: dim, Group: g.Group, Answers: g.Answers, Counts: counts}
	}
	return out
}

// showable reports whether g has k answers, and 2k if they are alike:
// every category counted is counted by every answer.
func showable(g GroupTally, k int) bool {
	if g.Answers < k {
		return false
	}
	alike := true
	for _, n := range g.Counts {
		if n != 0 && n != g.Answers {
			alike = false
		}
	}
	return !alike || g.Answers >= 2*k
}

// smallest is the index of the group of fewest answers, the last by
// name among equals (so the result does not depend on the input order).
func smallest(gs []GroupTally) int {
	best := 0
	for i, g := range gs {
		if g.Answers < gs[best].Answers || g.Answers == gs[best].Answers && g.Group > gs[best].Group {
			best = i
		}
	}
	return best
}
