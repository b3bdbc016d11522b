package sandik_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sandik-dev/sandik"
)

func TestRaceKind(t *testing.T) {
	for code, want := range map[sandik.RaceCode]string{
		"2014-yerel.meclis.34-135":  "meclis",
		"2014-yerel.meclis":         "meclis",
		"2014-yerel.":               "",
		"other.meclis.34":           "",
		"2014-yerel.il-genel.34-01": "il-genel",
	} {
		rc := sandik.Race{Code: code, Election: "2014-yerel"}
		if got := sandik.RaceKind(&rc); got != want {
			t.Errorf("RaceKind(%s) = %q, want %q", code, got, want)
		}
	}
}

// The same party in two races is one choice of the roll-up; a party on
// one ballot only counts one race.
func TestSumRollupMatchesChoicesByCode(t *testing.T) {
	chp, akp, hdp := sandik.Choice{Code: "chp", Name: "CHP"}, sandik.Choice{Code: "ak-parti", Name: "AK PARTİ"}, sandik.Choice{Code: "hdp", Name: "HDP"}
	parts := []sandik.RollupPart{
		{Race: "e.m.a", Choices: []sandik.Choice{akp, chp}, BoxesExpected: 3, BoxesVerified: 2, BoxesOfficial: 3, Registered: 900,
			Verified: sandik.RollupCounts{Voted: 500, ValidTotal: 480, Invalid: 20, Votes: []int64{200, 280}},
			Official: sandik.RollupCounts{Voted: 800, ValidTotal: 780, Invalid: 20, Votes: []int64{300, 480}}},
		{Race: "e.m.b", Choices: []sandik.Choice{chp, hdp, akp}, BoxesExpected: 2, BoxesOfficial: 1, Registered: 500,
			Official: sandik.RollupCounts{Voted: 220, ValidTotal: 220, Votes: []int64{100, 20, 100}}},
	}
	r := sandik.SumRollup("m", "x", "X", parts)
	if diff := cmp.Diff([]sandik.RollupChoice{{Code: "ak-parti", Name: "AK PARTİ", Races: 2}, {Code: "chp", Name: "CHP", Races: 2}, {Code: "hdp", Name: "HDP", Races: 1}}, r.Choices); diff != "" {
		t.Errorf("choices (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sandik.RollupCounts{Voted: 1020, ValidTotal: 1000, Invalid: 20, Votes: []int64{400, 580, 20}, Shares: []float64{0.4, 0.58, 0.02}}, r.Official); diff != "" {
		t.Errorf("official (-want +got):\n%s", diff)
	}
	if r.Races != 2 || r.BoxesExpected != 5 || r.BoxesVerified != 2 || r.BoxesOfficial != 4 || r.Registered != 1400 {
		t.Errorf("counts %+v", r)
	}
	if r.Provisional.Shares[0] != 0 || len(r.Provisional.Votes) != 3 {
		t.Errorf("empty provisional %+v, want zeros for every choice", r.Provisional)
	}
}
