package anomaly

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// Realistic clean data raises no flag with the default thresholds.
func TestNoFalseFlagsOnCleanData(t *testing.T) {
	for seed := range uint64(40) {
		boxes := synthetic(seed, 2000, 20)
		if flags := Detect(boxes, parties, DefaultThresholds()); len(flags) > 0 {
			t.Fatalf("seed %d: %d false flags, first %+v: %s", seed, len(flags), flags[0], flags[0].Message("en"))
		}
	}
}

// Errors planted in the same data are each found, on the right box, and
// nothing else is flagged.
func TestPlantedErrorsFound(t *testing.T) {
	boxes := synthetic(7, 2000, 20)
	rng := rand.New(rand.NewPCG(7, 7))
	type plant struct {
		kind  Kind
		box   int
		field string
	}
	var planted []plant
	used := map[int]bool{}
	pick := func() int {
		for {
			if i := rng.IntN(len(boxes)); !used[i] {
				used[i] = true
				return i
			}
		}
	}
	for range 20 {
		// A vote moved to the wrong party's column on one entry only:
		// the sheet still adds up, the second typing disagrees.
		i := pick()
		other := boxes[i].Sheet.Clone()
		v := other.Votes[0]
		s := []byte(strconv.FormatInt(v, 10))
		if len(s) < 2 || s[0] == s[1] || s[1] == '0' {
			continue
		}
		s[0], s[1] = s[1], s[0]
		other.Votes[0], _ = strconv.ParseInt(string(s), 10, 64)
		boxes[i].Other = &other
		planted = append(planted, plant{KindTransposed, i, "votes." + parties[0]})
	}
	for range 20 {
		i := pick()
		boxes[i].Sheet.Votes[1] += 7 // typing error: the sum breaks
		planted = append(planted, plant{KindIdentity, i, "votes"})
	}
	for range 10 {
		// Stuffed box: everyone on the list and more voted.
		i := pick()
		s := &boxes[i].Sheet
		extra := s.Registered + 15 - s.Voted
		s.Voted += extra
		s.Votes[0] += extra
		s.ValidTotal += extra
		s.ValidWithoutObjection += extra
		planted = append(planted, plant{KindTurnoutOver100, i, "voted"}, plant{KindTurnoutOutlier, i, "voted"})
	}
	for range 10 {
		// The main opposition's votes given to another column.
		i := pick()
		s := &boxes[i].Sheet
		s.Votes[2] += s.Votes[1]
		s.Votes[1] = 0
		planted = append(planted, plant{KindZeroChoice, i, "votes." + parties[1]})
	}
	flags := Detect(boxes, parties, DefaultThresholds())
	var want, got []string
	for _, p := range planted {
		want = append(want, fmt.Sprintf("%s/%s/%s", boxes[p.box].Code, p.kind, p.field))
	}
	for _, f := range flags {
		got = append(got, fmt.Sprintf("%s/%s/%s", f.Box, f.Kind, f.Field))
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("flags differ from the planted errors (-planted +flagged):\n%s", diff)
	}
}

func TestTransposedExamples(t *testing.T) {
	for _, tc := range []struct {
		a, b int64
		want bool
	}{
		{12, 21, true}, {245, 254, true}, {1234, 1324, true}, {1234, 2134, true}, {1234, 1243, true},
		{12, 12, false}, {10, 1, false}, {123, 321, false}, {1234, 2143, false}, {12, 13, false},
		{-12, -21, false}, {5, 50, false}, {100, 10, false}, {1001, 1010, true}, {1001, 101, false},
	} {
		if got := Transposed(tc.a, tc.b); got != tc.want {
			t.Errorf("Transposed(%d, %d) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestTransposedProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Int64Range(-10, 1e12).Draw(t, "a")
		b := rapid.Int64Range(-10, 1e12).Draw(t, "b")
		if Transposed(a, b) != Transposed(b, a) {
			t.Fatalf("not symmetric for %d, %d", a, b)
		}
		if Transposed(a, b) && ((a-b)%9 != 0 || a == b) {
			t.Fatalf("%d and %d are not a digit swap", a, b)
		}
	})
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Int64Range(10, 1e12).Draw(t, "a")
		s := []byte(strconv.FormatInt(a, 10))
		i := rapid.IntRange(0, len(s)-2).Draw(t, "i")
		if s[i] == s[i+1] || (i == 0 && s[1] == '0') {
			return // the same number, or a leading zero
		}
		s[i], s[i+1] = s[i+1], s[i]
		b, _ := strconv.ParseInt(string(s), 10, 64)
		if !Transposed(a, b) {
			t.Fatalf("swap %d → %d not detected", a, b)
		}
		// Any other single change is not a swap.
		c := a + rapid.Int64Range(1, 8).Draw(t, "delta")
		if Transposed(a, c) && (c-a)%9 != 0 {
			t.Fatalf("%d and %d", a, c)
		}
	})
}

// Detect does not depend on the order of its input when box codes are
// distinct: group statistics are order-free and the output is sorted.
func TestDetectOrderFree(t *testing.T) {
	base := synthetic(11, 300, 5)
	// Some errors so that there is something to compare.
	for i := 0; i < len(base); i += 17 {
		base[i].Sheet.Votes[3] += 3
	}
	th := DefaultThresholds()
	want := Detect(base, parties, th)
	if len(want) == 0 {
		t.Fatal("no flags to compare")
	}
	rapid.Check(t, func(t *rapid.T) {
		perm := rapid.Permutation(base).Draw(t, "boxes")
		if diff := cmp.Diff(want, Detect(perm, parties, th)); diff != "" {
			t.Fatalf("order changed the flags:\n%s", diff)
		}
	})
}
