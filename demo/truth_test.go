package demo

import (
	"math"
	"testing"

	"github.com/sandik-dev/sandik"
)

func TestTrueResultsAreValidSheets(t *testing.T) {
	reg, err := Istanbul(Options{Scale: 0.2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	res := TrueResults(reg, 1)
	for _, rc := range reg.Races {
		boxes := reg.RaceBoxes(rc.Code)
		for _, box := range boxes {
			s, ok := res[BoxRace{rc.Code, box}]
			if !ok {
				t.Fatalf("no sheet for %s %s", rc.Code, box)
			}
			if ps := s.Check("", rc.Choices); len(ps) > 0 {
				t.Fatalf("%s %s breaks the tutanak: %v", rc.Code, box, ps)
			}
			if n, _ := reg.Registered(rc.Election, box); s.Registered != n {
				t.Fatalf("%s %s: registered %d, registry says %d", rc.Code, box, s.Registered, n)
			}
			if s.Voted > s.Registered+s.VotedByLaw {
				t.Fatalf("%s %s: %d voted of %d registered + %d by law", rc.Code, box, s.Voted, s.Registered, s.VotedByLaw)
			}
		}
		// The same voters vote in every race of a box.
		if other := reg.Races[0].Code; other != rc.Code {
			for _, box := range boxes[:50] {
				if res[BoxRace{rc.Code, box}].Voted != res[BoxRace{other, box}].Voted {
					t.Fatalf("box %s: voters differ between races", box)
				}
			}
		}
	}
}

func TestTrueResultsShape(t *testing.T) {
	reg, err := Istanbul(Options{Scale: 0.2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	mayor, _ := reg.Race(RaceMayor)
	chp, akp := mayor.ChoiceIndex("CHP"), mayor.ChoiceIndex("AKP")
	for seed := int64(1); seed <= 4; seed++ {
		res := TrueResults(reg, seed)
		tot := res.Total(RaceMayor)
		turnout := float64(tot.Voted) / float64(tot.Registered)
		invalid := float64(tot.Invalid) / float64(tot.Voted)
		gap := math.Abs(float64(tot.Votes[chp]-tot.Votes[akp])) / float64(tot.ValidTotal)
		if turnout < 0.82 || turnout > 0.86 || invalid < 0.015 || invalid > 0.025 || gap > 0.015 {
			t.Errorf("seed %d: turnout %.3f invalid %.3f gap %.4f", seed, turnout, invalid, gap)
		}
		// Districts lean both ways, so that the map has two colours.
		won := map[int]int{}
		perDistrict := map[sandik.AreaCode][]int64{}
		for k, s := range res {
			if k.Race != RaceMayor {
				continue
			}
			d := districtOf(reg, k.Box)
			if perDistrict[d] == nil {
				perDistrict[d] = make([]int64, 2)
			}
			perDistrict[d][0] += s.Votes[chp]
			perDistrict[d][1] += s.Votes[akp]
		}
		for _, v := range perDistrict {
			if v[0] > v[1] {
				won[chp]++
			} else {
				won[akp]++
			}
		}
		if won[chp] < 5 || won[akp] < 5 {
			t.Errorf("seed %d: districts won %v; the map is one colour", seed, won)
		}
	}
	a, b := TrueResults(reg, 9), TrueResults(reg, 9)
	for k, s := range a {
		if !s.Equal(b[k]) {
			t.Fatalf("seed 9 gives two results for %v", k)
		}
	}
}

func TestTypoKeepsSheetValid(t *testing.T) {
	reg, _ := Istanbul(Options{Scale: 0.05, Seed: 2})
	res := TrueResults(reg, 2)
	n := 0
	for k, s := range res {
		rc, _ := reg.Race(k.Race)
		wrong, ok := typo(newRand(int64(n), "typo"), s)
		n++
		if !ok {
			t.Fatalf("no typo possible in %v", k)
		}
		if wrong.Equal(s) {
			t.Fatalf("typo left %v unchanged", k)
		}
		if ps := wrong.Check("", rc.Choices); len(ps) > 0 {
			t.Fatalf("typo breaks %v: %v", k, ps)
		}
		changed := 0
		for i := range s.Votes {
			if s.Votes[i] != wrong.Votes[i] {
				changed++
			}
		}
		if changed != 1 {
			t.Fatalf("typo changed %d choices", changed)
		}
	}
	if _, ok := typo(newRand(1), sandik.Tutanak{Votes: []int64{3, 0}, ValidTotal: 3, ValidWithoutObjection: 3, Voted: 3}); ok {
		t.Error("a typo in a sheet of one-digit counts")
	}
	if got, ok := swapDigits(newRand(1), 120); !ok || got != 210 && got != 102 {
		t.Errorf("swapDigits(120) = %d", got)
	}
	if _, ok := swapDigits(newRand(1), 111); ok {
		t.Error("swapped equal digits")
	}
}
