package tally

import (
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

func TestFigures(t *testing.T) {
	reg := testRegistry()
	rc := &reg.Races[0]
	boxes := reg.RaceBoxes(rc.Code)
	e := New(reg)
	s := sheet(300, 5, []int64{100, 50, 20}[:len(rc.Choices)]...)
	other := sheet(300, 5, []int64{101, 49, 20}[:len(rc.Choices)]...)
	e.Apply([]sandik.Submission{
		{Seq: 1, ID: "1", Race: rc.Code, Box: boxes[0], User: "ayse", Source: sandik.SourceObserver, Kind: sandik.KindEntry, ReceivedAt: t0, Sheet: s},
		{Seq: 2, ID: "2", Race: rc.Code, Box: boxes[0], User: "ali", Source: sandik.SourceObserver, Kind: sandik.KindEntry, ReceivedAt: t0, Sheet: s},
		{Seq: 3, ID: "3", Race: rc.Code, Box: boxes[1], User: "ayse", Source: sandik.SourceObserver, Kind: sandik.KindEntry, ReceivedAt: t0, Sheet: s},
		{Seq: 4, ID: "4", Race: rc.Code, Box: boxes[1], User: "ali", Source: sandik.SourceObserver, Kind: sandik.KindEntry, ReceivedAt: t0.Add(time.Minute), Sheet: other},
		{Seq: 5, ID: "5", Race: rc.Code, Box: boxes[0], User: "ysk", Source: sandik.SourceOfficial, Kind: sandik.KindEntry, ReceivedAt: t0, Sheet: other,
			Warnings: sandik.WarnChoicesSum},
	})
	all, err := e.Figures(rc.Code, rc.Scope)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(boxes) {
		t.Fatalf("%d figures for %d boxes", len(all), len(boxes))
	}
	byBox := map[sandik.AreaCode]BoxFigures{}
	for _, f := range all {
		byBox[f.Box] = f
	}
	b0, b1 := byBox[boxes[0]], byBox[boxes[1]]
	if b0.Status != sandik.StatusVerified || b0.Resolved == nil || !b0.Resolved.Equal(s) || len(b0.Entries) != 2 ||
		b0.Official == nil || !b0.Official.Equal(other) || b0.OfficialWarnings != sandik.WarnChoicesSum {
		t.Errorf("verified box: %+v", b0)
	}
	if b1.Status != sandik.StatusConflict || b1.Resolved != nil || b1.Provisional == nil || len(b1.Entries) != 2 || b1.Official != nil {
		t.Errorf("conflict box: %+v", b1)
	}
	if a, _ := reg.Area(boxes[0]); b0.Parent != a.Parent || b0.Name != a.Name {
		t.Errorf("box names: %+v", b0)
	}
	one, err := e.Figures(rc.Code, boxes[1])
	if err != nil || len(one) != 1 || one[0].Box != boxes[1] {
		t.Errorf("one box: %v %+v", err, one)
	}
	if _, err := e.Figures(rc.Code, "nowhere"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("unknown area: %v", err)
	}
	if _, err := e.Figures("nope", rc.Scope); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("unknown race: %v", err)
	}
	// A box's totals carry its official figures; an area's sum them.
	bt, _ := e.Totals(rc.Code, boxes[0])
	at, _ := e.Totals(rc.Code, rc.Scope)
	if bt.Totals.BoxesOfficial != 1 || bt.Totals.Official.Votes[0] != 101 || at.Totals.BoxesOfficial != 1 || at.Totals.Official.Votes[0] != 101 {
		t.Errorf("official totals: box %+v area %+v", bt.Totals.Official, at.Totals.Official)
	}
}
