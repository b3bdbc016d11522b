package sandik

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
)

func tally(group string, counts map[string]int) GroupTally {
	n := 0
	for _, c := range counts {
		n += c
	}
	return GroupTally{Dimension: ByDistrict, Group: group, Answers: n, Counts: counts}
}

func groupsOf(gs []GroupTally) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Group)
	}
	return out
}

var cats = []string{"0", "1", "2"}

func TestBreakdownSmallGroupMerged(t *testing.T) {
	got := Breakdown([]GroupTally{
		tally("kadikoy", map[string]int{"0": 3, "1": 3}),
		tally("kartal", map[string]int{"0": 2, "1": 2}), // 4 < k
		tally("tuzla", map[string]int{"0": 1, "2": 1}),  // 2 < k
		tally("uskudar", map[string]int{"1": 4, "2": 3}),
	}, ByDistrict, 5, cats)
	if want := []string{"kadikoy", "uskudar", OtherGroup}; !slices.Equal(groupsOf(got), want) {
		t.Fatalf("groups %v, want %v", groupsOf(got), want)
	}
	if o := got[2]; o.Answers != 6 || o.Counts["0"] != 3 || o.Counts["1"] != 2 || o.Counts["2"] != 1 {
		t.Errorf("other = %+v, want kartal and tuzla together", o)
	}
}

func TestBreakdownUnanimousHidden(t *testing.T) {
	for _, c := range []struct {
		n    int
		show bool
	}{{6, false}, {9, false}, {10, true}} {
		got := Breakdown([]GroupTally{
			tally("kartal", map[string]int{"1": c.n}),
			tally("kadikoy", map[string]int{"0": 4, "2": 4}),
		}, ByDistrict, 5, cats)
		if slices.Contains(groupsOf(got), "kartal") != c.show {
			t.Errorf("a unanimous group of %d: shown %v, want %v (%v)", c.n, !c.show, c.show, groupsOf(got))
		}
	}
	// A multiple choice is alike when every answer chose the same set.
	alike := GroupTally{Dimension: ByKind, Group: "baskan", Answers: 6, Counts: map[string]int{"0": 6, "2": 6}}
	mixed := GroupTally{Dimension: ByKind, Group: "uye", Answers: 6, Counts: map[string]int{"0": 6, "2": 5}}
	more := GroupTally{Dimension: ByKind, Group: "yonetim", Answers: 8, Counts: map[string]int{"1": 8, "2": 3}}
	got := Breakdown([]GroupTally{alike, mixed, more}, ByKind, 5, cats)
	// baskan goes to other, which alike may not be shown: uye joins it.
	if !slices.Equal(groupsOf(got), []string{"yonetim", OtherGroup}) || got[1].Answers != 12 {
		t.Errorf("multiple choice: %+v", got)
	}
}

// TestBreakdownOtherProtected: when "other" may not be shown, the
// smallest group shown joins it, so that the total less the groups shown
// does not give it away.
func TestBreakdownOtherProtected(t *testing.T) {
	got := Breakdown([]GroupTally{
		tally("kadikoy", map[string]int{"0": 3, "1": 4}),
		tally("kartal", map[string]int{"0": 2, "1": 3}),
		tally("tuzla", map[string]int{"2": 2}),
	}, ByDistrict, 5, cats)
	if want := []string{"kadikoy", OtherGroup}; !slices.Equal(groupsOf(got), want) || got[1].Answers != 7 {
		t.Fatalf("groups %+v, want kadikoy and an other of kartal and tuzla", got)
	}
	// Nothing can be shown: one small group alone.
	if got := Breakdown([]GroupTally{tally("kartal", map[string]int{"0": 3})}, ByDistrict, 5, cats); len(got) != 0 {
		t.Errorf("a lone small group: %+v, want nothing", got)
	}
}

// TestBreakdownSuppressedLikeEmpty: the JSON of a breakdown whose small
// group was suppressed is byte for byte that of one where the group
// never answered.
func TestBreakdownSuppressedLikeEmpty(t *testing.T) {
	big := []GroupTally{
		tally("kadikoy", map[string]int{"0": 5, "1": 5}),
		tally("uskudar", map[string]int{"1": 4, "2": 4}),
	}
	with := Breakdown(append(slices.Clone(big), tally("adalar", map[string]int{"0": 0}), GroupTally{Dimension: ByDistrict, Group: "sile"}), ByDistrict, 5, cats)
	without := Breakdown(big, ByDistrict, 5, cats)
	a, _ := json.Marshal(with)
	b, _ := json.Marshal(without)
	if string(a) != string(b) {
		t.Errorf("empty groups show:\n%s\n%s", a, b)
	}
	// A suppressed group's answers go to other; with a second small group
	// other is large enough, and the JSON names neither.
	sup := Breakdown(append(slices.Clone(big), tally("adalar", map[string]int{"0": 2, "1": 1}), tally("sile", map[string]int{"2": 1, "1": 1})), ByDistrict, 5, cats)
	j, _ := json.Marshal(sup)
	if slices.Contains(groupsOf(sup), "adalar") || slices.Contains(groupsOf(sup), "sile") || !json.Valid(j) {
		t.Errorf("suppressed groups named: %s", j)
	}
	for _, g := range sup {
		if len(g.Counts) != len(cats) {
			t.Errorf("group %s counts %v, want every category, zeros too", g.Group, g.Counts)
		}
	}
}

// TestBreakdownRules checks the rules on random tallies: every group
// shown has k answers, 2k if alike; nothing is lost or counted twice;
// other is never the only thing the groups shown leave out.
func TestBreakdownRules(t *testing.T) {
	seed := rand.Uint64()
	r := rand.New(rand.NewPCG(seed, 0))
	for range 2000 {
		k := 1 + r.IntN(6)
		var in []GroupTally
		total := 0
		for g := range r.IntN(8) {
			counts := map[string]int{}
			for _, c := range cats[:1+r.IntN(3)] {
				counts[c] = r.IntN(12)
			}
			tl := tally(string(rune('a'+g)), counts)
			total += tl.Answers
			in = append(in, tl)
		}
		out := Breakdown(in, ByDistrict, k, cats)
		sum := 0
		for _, g := range out {
			sum += g.Answers
			if !showable(g, k) {
				t.Fatalf("seed %d: group %+v shown at k=%d", seed, g, k)
			}
		}
		if sum != total && sum != 0 {
			t.Fatalf("seed %d: shown groups hold %d answers of %d: the rest would be given away", seed, sum, total)
		}
	}
}
