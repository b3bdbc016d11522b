package tally

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/sandik-dev/sandik"
)

// SameOfficial answers what comparing Box's official figures answers, for
// every box of every race after random logs (official figures published,
// corrected, and past 16 bits), and for sheets that differ in one figure,
// have a vote more or less, or name a box or race that does not exist.
func TestSameOfficialAsBox(t *testing.T) {
	reg := testRegistry()
	rapid.Check(t, func(t *rapid.T) {
		log := genLog(t, reg, rapid.IntRange(1, 60).Draw(t, "n"))
		e := New(reg)
		e.Apply(log)
		var logged []sandik.Tutanak
		for _, s := range log {
			logged = append(logged, s.Sheet)
		}
		base := log[0].Sheet
		for _, rc := range reg.Races {
			for _, box := range reg.RaceBoxes(rc.Code) {
				st, err := e.Box(rc.Code, box)
				if err != nil {
					t.Fatal(err)
				}
				candidates := append([]sandik.Tutanak(nil), logged...)
				if st.Official != nil {
					candidates = append(candidates, *st.Official)
					candidates = append(candidates, oneOff(*st.Official)...)
				}
				for i := range candidates {
					want := st.Official != nil && st.Official.Equal(candidates[i])
					if got := e.SameOfficial(rc.Code, box, &candidates[i]); got != want {
						t.Fatalf("race %s box %s sheet %+v: SameOfficial %t, Box's official %+v", rc.Code, box, candidates[i], got, st.Official)
					}
				}
			}
			if e.SameOfficial(rc.Code, "no-such-box", &base) {
				t.Fatal("an unknown box has official figures")
			}
		}
		if e.SameOfficial("no-such-race", log[0].Box, &base) {
			t.Fatal("an unknown race has official figures")
		}
	})
}

// oneOff returns t changed in one figure at a time, each field and each
// vote, and with a vote more and a vote less.
func oneOff(t sandik.Tutanak) []sandik.Tutanak {
	var out []sandik.Tutanak
	fields := []func(*sandik.Tutanak) *int64{
		func(x *sandik.Tutanak) *int64 { return &x.Registered }, func(x *sandik.Tutanak) *int64 { return &x.VotedByLaw },
		func(x *sandik.Tutanak) *int64 { return &x.Voted }, func(x *sandik.Tutanak) *int64 { return &x.ValidWithoutObjection },
		func(x *sandik.Tutanak) *int64 { return &x.ValidUponObjection }, func(x *sandik.Tutanak) *int64 { return &x.ValidTotal },
		func(x *sandik.Tutanak) *int64 { return &x.Invalid },
	}
	for i := range t.Votes {
		fields = append(fields, func(x *sandik.Tutanak) *int64 { return &x.Votes[i] })
	}
	for _, f := range fields {
		c := t
		c.Votes = append([]int64(nil), t.Votes...)
		*f(&c)++
		out = append(out, c)
	}
	longer := t
	longer.Votes = append(append([]int64(nil), t.Votes...), 0)
	out = append(out, longer)
	if len(t.Votes) > 0 {
		shorter := t
		shorter.Votes = t.Votes[:len(t.Votes)-1]
		out = append(out, shorter)
	}
	return out
}
