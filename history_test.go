package sandik_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sandik-dev/sandik"
)

func sheetOf(voted, chp, akp int64) *sandik.Tutanak {
	valid := chp + akp
	return &sandik.Tutanak{Registered: 400, Voted: voted, ValidWithoutObjection: valid, ValidTotal: valid, Invalid: voted - valid, Votes: []int64{chp, akp}}
}

// A constructed pair of elections with known swings: in Moda box 3 moved
// 30 points to CHP and box 7's turnout rose 18 points while the rest
// stood still; in Yeldeğirmeni every box moved 10 points to CHP (a
// neighbourhood's swing, not a box's), box 16 was renumbered and moved
// with them, and box 17, also new, moved 40; a new neighbourhood has no
// history. Exactly the five known swings are flagged.
func TestSwingHistoryFindsKnownSwingsAndNoOthers(t *testing.T) {
	choices := []sandik.Choice{{Code: "chp", Name: "CHP"}, {Code: "ak-parti", Name: "AK PARTİ"}}
	var prev, cur []sandik.HistoryBox
	box := func(i int) sandik.AreaCode { return sandik.AreaCode(fmt.Sprintf("b%02d", i)) }
	for i := 1; i <= 10; i++ {
		prev = append(prev, sandik.HistoryBox{Box: box(i), Parent: "moda", Sheet: sheetOf(320, 150, 150)})
		s := sheetOf(320, 150, 150)
		switch i {
		case 3:
			s = sheetOf(320, 240, 60)
		case 7:
			s = sheetOf(392, 186, 186)
		}
		cur = append(cur, sandik.HistoryBox{Box: box(i), Parent: "moda", Sheet: s})
	}
	for i := 11; i <= 15; i++ {
		prev = append(prev, sandik.HistoryBox{Box: box(i), Parent: "yeldegirmeni", Sheet: sheetOf(320, 150, 150)})
		cur = append(cur, sandik.HistoryBox{Box: box(i), Parent: "yeldegirmeni", Sheet: sheetOf(320, 180, 120)})
	}
	cur = append(cur,
		sandik.HistoryBox{Box: box(16), Parent: "yeldegirmeni", Sheet: sheetOf(320, 180, 120)},
		sandik.HistoryBox{Box: box(17), Parent: "yeldegirmeni", Sheet: sheetOf(320, 270, 30)},
		sandik.HistoryBox{Box: box(18), Parent: "yeni", Sheet: sheetOf(320, 150, 150)},
		sandik.HistoryBox{Box: box(19), Parent: "moda"}) // no figures yet
	matches, flags := sandik.SwingHistory(cur, prev, choices, choices, sandik.DefaultSwingThresholds)
	var got []string
	for _, f := range flags {
		got = append(got, fmt.Sprintf("%s %s %s %+.1f/%+.1f", f.Box, f.Kind, f.Field, f.Value, f.Neighbourhood))
	}
	want := []string{
		"b03 share_swing votes.chp +30.0/+2.9",
		"b03 share_swing votes.ak-parti -30.0/-2.9",
		"b07 turnout_swing voted +18.0/+1.8",
		"b17 share_swing votes.chp +40.0/+14.3",
		"b17 share_swing votes.ak-parti -40.0/-14.3",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}
	by := map[sandik.AreaCode]sandik.HistoryMatch{}
	for _, m := range matches {
		by[m.Box] = m
	}
	if len(matches) != 18 || by["b03"].By != sandik.MatchSameBox || by["b03"].Confidence != 1 ||
		by["b16"].By != sandik.MatchNeighbourhood || by["b16"].Confidence != 0.5 || !slices.Equal(by["b16"].Previous, []sandik.AreaCode{"b11", "b12", "b13", "b14", "b15"}) ||
		by["b18"].By != sandik.MatchNone || by["b18"].Confidence != 0 {
		t.Errorf("matches %+v", matches)
	}
	if f := flags[2]; f.Threshold != 15 || f.Reason != "turnout moved +18.0 points since the previous election (matched by same_box), its neighbourhood +1.8: more than 15 points apart" {
		t.Errorf("flag %+v", f)
	}
}
