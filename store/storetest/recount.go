package storetest

import (
	"slices"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
)

var recountTests = []test{
	{"RecountMovesTheRecountedViewByItsDifference", testRecountView},
}

// recountSub is a recount entry (or adjudication) of the fixture race with
// the board's decision reference.
func recountSub(id string, user sandik.UserID, box sandik.AreaCode, decision string, votes ...int64) sandik.Submission {
	s := Sub(id, box, votes...)
	s.User, s.Source, s.Reason = user, sandik.SourceRecount, decision
	s.Hash = s.ContentHash()
	return s
}

// testRecountView stores the night's sheets and a recount of one box,
// reopens the store and rebuilds the tally from its log: the recount
// comes back with its source and decision, and the "as recounted" totals
// differ from the verified ones by exactly the recount's difference, in
// the box and every area above it.
func testRecountView(t *testing.T, o Opener) {
	s := o.Open(t)
	night := func(id string, user sandik.UserID, box sandik.AreaCode, votes ...int64) sandik.Submission {
		x := Sub(id, box, votes...)
		x.User = user
		x.Hash = x.ContentHash()
		return x
	}
	mustAppend(t, s,
		night("n1a", "ayse", Box1, 10, 200, 100), night("n1b", "mehmet", Box1, 10, 200, 100),
		night("n2a", "ayse", Box2, 5, 100, 150), night("n2b", "mehmet", Box2, 5, 100, 150),
		// The board recounted box 1: CHP lost 13 votes, AKP gained 9.
		recountSub("r1a", "zeynep", Box1, "Üsküdar İSK 2024/57", 10, 187, 109),
		recountSub("r1b", "kemal", Box1, "Üsküdar İSK 2024/57", 10, 187, 109),
		// A recount of box 2 entered once: not settled, moves nothing.
		recountSub("r2a", "zeynep", Box2, "Üsküdar İSK 2024/58", 5, 90, 160),
	)
	s2 := o.Reopen(t, s)
	all := All(t, s2)
	i := slices.IndexFunc(all, func(x sandik.Submission) bool { return x.ID == "r1b" })
	if i < 0 || all[i].Source != sandik.SourceRecount || all[i].Reason != "Üsküdar İSK 2024/57" || all[i].Hash != all[i].ContentHash() {
		t.Fatalf("the recount entry did not come back as stored: %+v", all[i])
	}
	eng := tally.New(Registry(t))
	eng.Apply(all)
	for _, area := range []sandik.AreaCode{Box1, "34.0135.144920", "34.0135", "34"} {
		at, err := eng.Totals(Race, area)
		if err != nil {
			t.Fatal(err)
		}
		tt := at.Totals
		if tt.BoxesRecounted != 1 {
			t.Errorf("%s: %d boxes recounted, want 1", area, tt.BoxesRecounted)
		}
		want := slices.Clone(tt.Verified.Votes)
		want[1] -= 13
		want[2] += 9
		if !slices.Equal(tt.Recounted.Votes, want) {
			t.Errorf("%s: as recounted %v, want verified %v moved by (0, −13, +9)", area, tt.Recounted.Votes, tt.Verified.Votes)
		}
		if tt.Recounted.ValidTotal != tt.Verified.ValidTotal-4 {
			t.Errorf("%s: as recounted valid %d, verified %d: want 4 fewer", area, tt.Recounted.ValidTotal, tt.Verified.ValidTotal)
		}
	}
	st, err := eng.Box(Race, Box1)
	if err != nil {
		t.Fatal(err)
	}
	if st.Recount == nil || st.Recount.Status != sandik.StatusVerified || st.Recount.Decision != "Üsküdar İSK 2024/57" {
		t.Errorf("box 1's recount: %+v", st.Recount)
	}
	if st.Status != sandik.StatusVerified || st.Resolved == nil || st.Resolved.Votes[1] != 200 {
		t.Errorf("the recount touched the night's sheet: %+v", st)
	}
}
