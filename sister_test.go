package sandik

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestSuggestExplained(t *testing.T) {
	cards := []Scorecard{
		{Unit: "kartal", Name: "Kartal", Coverage: 98, Share: 51, Boxes: 10},
		{Unit: "sultanbeyli", Name: "Sultanbeyli", Coverage: 61, Share: 22, Boxes: 10},
		{Unit: "tuzla", Name: "Tuzla", Coverage: 90, Share: 40, Boxes: 10},
		{Unit: "konak", Name: "Konak", Coverage: 99, Share: 60, Boxes: 10},
	}
	places := map[UnitCode]SuggestPlace{
		"kartal":      {Point{40.89, 29.19}, "34"},
		"sultanbeyli": {Point{40.96, 29.27}, "34"},
		"tuzla":       {Point{40.82, 29.30}, "34"},
		"konak":       {Point{38.42, 27.13}, "35"},
	}
	got := Suggest(cards, places, DefaultSuggestOptions())
	var first *Suggestion
	for i := range got {
		if got[i].Weak == "sultanbeyli" && first == nil {
			first = &got[i]
		}
		if got[i].Partner == "konak" || got[i].Weak == "konak" && got[i].Partner != "konak" && places[got[i].Partner].Province != "35" {
			t.Errorf("across provinces: %+v", got[i])
		}
	}
	if first == nil || first.Partner != "kartal" {
		t.Fatalf("suggestions %+v", got)
	}
	if first.SentenceEN != "Kartal: coverage 98%, share 51%; Sultanbeyli: coverage 61%, share 22%; 10 km" {
		t.Errorf("sentence %q", first.SentenceEN)
	}
	if !strings.HasPrefix(first.Sentence, "Kartal: kapsama %98, oy %51; Sultanbeyli: kapsama %61") {
		t.Errorf("Turkish sentence %q", first.Sentence)
	}
	cross := Suggest(cards, places, SuggestOptions{WeakCoverage: 80, Lead: 10, PerDistrict: 5, CrossProvince: true})
	if !slices.ContainsFunc(cross, func(s Suggestion) bool { return s.Partner == "konak" }) {
		t.Error("asked across provinces, got none")
	}
}

func TestSuggestProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 15).Draw(t, "n")
		var cards []Scorecard
		places := map[UnitCode]SuggestPlace{}
		for i := range n {
			u := UnitCode(fmt.Sprint("u", i))
			cards = append(cards, Scorecard{Unit: u, Name: string(u), Boxes: 10,
				Coverage: rapid.Float64Range(0, 100).Draw(t, "cov"), Share: rapid.Float64Range(0, 100).Draw(t, "share")})
			places[u] = SuggestPlace{Point{rapid.Float64Range(40, 41).Draw(t, "lat"), rapid.Float64Range(28, 30).Draw(t, "lon")},
				AreaCode(rapid.SampledFrom([]string{"34", "35"}).Draw(t, "prov"))}
		}
		cross := rapid.Bool().Draw(t, "cross")
		opts := DefaultSuggestOptions()
		opts.CrossProvince = cross
		a := Suggest(cards, places, opts)
		rev := slices.Clone(cards)
		slices.Reverse(rev)
		b := Suggest(rev, places, opts)
		if !slices.EqualFunc(a, b, func(x, y Suggestion) bool {
			return x.Weak == y.Weak && x.Partner == y.Partner && x.Sentence == y.Sentence
		}) {
			t.Fatalf("not deterministic")
		}
		for _, s := range a {
			if s.Weak == s.Partner {
				t.Fatalf("paired with itself: %+v", s)
			}
			if !cross && places[s.Weak].Province != places[s.Partner].Province {
				t.Fatalf("across provinces: %+v", s)
			}
			if s.Sentence == "" || !strings.Contains(s.SentenceEN, " km") {
				t.Fatalf("unexplained: %+v", s)
			}
		}
	})
}

func TestGoalProgressFollowsData(t *testing.T) {
	p := SisterPair{ID: "k1", Units: []UnitCode{"kartal", "sultanbeyli"}, Start: "2020-06-20", Goals: []SisterGoal{
		{Metric: MetricCoverage, Unit: "sultanbeyli", From: 61, Target: 95, By: "2023-05-14"},
		{Metric: MetricJointVisits, From: 0, Target: 10, By: "2021-06-30"},
	}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	cards := map[UnitCode]Scorecard{"sultanbeyli": {Coverage: 78}}
	at := time.Date(2021, 1, 10, 10, 0, 0, 0, time.UTC)
	visits := []Visit{
		{ID: "v1", FromUnit: "kartal", Target: VisitTarget{Unit: "sultanbeyli"}, At: at},
		{ID: "v2", FromUnit: "kartal", Visitors: []PersonID{"ali", "ayse"}, Target: VisitTarget{Unit: "mah-1"}, At: at},
		{ID: "v3", FromUnit: "kartal", Visitors: []PersonID{"ali"}, Target: VisitTarget{Unit: "mah-2"}, At: at},
		{ID: "v4", FromUnit: "kartal", Target: VisitTarget{Unit: "sultanbeyli"}, At: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	homes := map[PersonID]UnitCode{"ali": "kartal", "ayse": "sultanbeyli"}
	joint := p.JointVisits(visits, homes)
	if len(joint) != 2 {
		t.Fatalf("joint %+v", joint)
	}
	g := p.Progress(cards, len(joint))
	if g[0].Current != 78 || g[0].Percent < 49 || g[0].Percent > 51 || g[0].Met || g[1].Current != 2 || g[1].Percent != 20 {
		t.Errorf("progress %+v", g)
	}
	cards["sultanbeyli"] = Scorecard{Coverage: 96}
	if g := p.Progress(cards, 10); !g[0].Met || g[0].Percent != 100 || !g[1].Met {
		t.Errorf("after the data changed %+v", g)
	}
	self := p
	self.Units = []UnitCode{"kartal", "kartal"}
	if self.Validate() == nil {
		t.Error("a district paired with itself passed")
	}
}
