package api

import (
	"net/http"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

const rollupKind = webtest.RollupKind

func TestRollupOverHTTP(t *testing.T) {
	e := newScopedEnv(t)
	webtest.RollupFixture(t, e.Env)
	type rollup struct {
		Unofficial    bool `json:"unofficial"`
		Races         int  `json:"races"`
		RacesHidden   int  `json:"races_hidden"`
		BoxesOfficial int  `json:"boxes_official"`
		Choices       []struct{ Code, Name string }
		Official      sandik.RollupCounts `json:"official"`
		Children      []struct {
			Area     sandik.AreaCode     `json:"area"`
			Official sandik.RollupCounts `json:"official"`
		} `json:"children"`
	}
	var whole rollup
	e.Do("GET", "/api/v1/elections/"+webtest.Election+"/rollups/meclis", coordinator, nil).Decode(t, http.StatusOK, &whole)
	// AK PARTİ 100+90+70, CHP 120+60+150, HDP 30 over 620 valid votes.
	if !whole.Unofficial || whole.Races != 2 || whole.BoxesOfficial != 3 || whole.Official.ValidTotal != 620 || len(whole.Choices) != 3 ||
		whole.Official.Votes[0] != 260 || whole.Official.Votes[1] != 330 || whole.Official.Votes[2] != 30 {
		t.Errorf("whole election: %+v", whole)
	}
	if len(whole.Children) != 1 || whole.Children[0].Area != "34" || whole.Children[0].Official.ValidTotal != 620 {
		t.Errorf("children of the whole election: %+v, want İstanbul", whole.Children)
	}
	var il rollup
	e.Do("GET", "/api/v1/elections/"+webtest.Election+"/rollups/meclis/34", coordinator, nil).Decode(t, http.StatusOK, &il)
	if len(il.Children) != 2 || il.Children[0].Official.ValidTotal != 370 || il.Children[1].Official.ValidTotal != 250 {
		t.Errorf("districts of İstanbul: %+v", il.Children)
	}
	// Adalar's coordinator reads İstanbul's roll-up made of Adalar only.
	var scoped rollup
	e.Do("GET", "/api/v1/elections/"+webtest.Election+"/rollups/meclis/34", webtest.CoordAdal, nil).Decode(t, http.StatusOK, &scoped)
	if scoped.Races != 1 || scoped.RacesHidden != 1 || scoped.Official.ValidTotal != 370 || len(scoped.Children) != 1 {
		t.Errorf("İstanbul for Adalar's coordinator: %+v", scoped)
	}
	for path, want := range map[string]int{
		"/api/v1/elections/" + webtest.Election + "/rollups/meclis":                 http.StatusForbidden,
		"/api/v1/elections/" + webtest.Election + "/rollups/meclis/34.02":           http.StatusForbidden,
		"/api/v1/elections/" + webtest.Election + "/rollups/baskan/34":              http.StatusNotFound,
		"/api/v1/elections/nope/rollups/meclis/34":                                  http.StatusNotFound,
		"/api/v1/elections/" + webtest.Election + "/rollups/meclis/" + webtest.Box1: http.StatusUnprocessableEntity,
	} {
		if r := e.Do("GET", path, webtest.CoordAdal, nil); r.Status != want {
			t.Errorf("%s as Adalar's coordinator: %d, want %d: %s", path, r.Status, want, r.Body)
		}
	}
}
