package demo

import (
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/belediye"
)

func TestMunicipal(t *testing.T) {
	reg, err := Istanbul(Options{Scale: 0.01, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := Municipal(reg, []int64{500, 400, 50, 50}, 1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := belediye.Place(reg, &ch); err != nil {
		t.Fatal(err)
	}
	for i := range ch.Terms {
		ch.Terms[i].SavedBy, ch.Terms[i].SavedAt = "demo", reg.Elections[0].Date
	}
	if err := ch.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(ch.Municipalities) != 40 || len(ch.Terms) != 80 {
		t.Fatalf("%d municipalities, %d terms; want 40 and 80", len(ch.Municipalities), len(ch.Terms))
	}
	bb := ch.Terms[0]
	if bb.Source != sandik.TermOfficial || bb.Party != "CHP" || bb.Mayor != "Ekrem İmamoğlu" || bb.MarginVotes != 100 || bb.MarginPoints != 10 {
		t.Errorf("the metropolitan 2019 term is not the official figures': %+v", bb)
	}
	held := map[sandik.ElectionCode]int{}
	for _, tm := range ch.Terms[2:] {
		if tm.Party == OurParty {
			held[tm.Election]++
		}
		if tm.Source != sandik.TermByHand || tm.Reason != "demo" || !strings.HasSuffix(tm.Mayor, "(sentetik)") {
			t.Errorf("a district term is not marked synthetic: %+v", tm)
		}
	}
	if held[ElectionCode] != HeldDistricts || held[Election2024] != HeldDistricts {
		t.Errorf("held districts: %v, want %d each", held, HeldDistricts)
	}
	sums := belediye.Summarize(belediye.Compare(OurParty, Election2024, ch.Municipalities, ch.Terms))
	if len(sums) != 1 || sums[0] != (belediye.Summary{Province: "34", Municipalities: 40, Won: 15, Kept: 11, Gained: 4, Lost: 4, Before: 15}) {
		t.Errorf("2024 against 2019: %+v", sums)
	}
	// The same seed, the same winners.
	again, _ := Municipal(reg, []int64{500, 400, 50, 50}, 1000, 1)
	for i := range again.Terms {
		if again.Terms[i].Party != ch.Terms[i].Party {
			t.Fatalf("seed 1 drew another winner for %s", again.Terms[i].Municipality)
		}
	}
}
