package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

const rollupKind = "meclis"

// rollupFixture adds a council race per district of the fixture, coded as
// the import codes them (ELECTION.KIND.CONSTITUENCY), with official
// figures: Adalar's two boxes and Beşiktaş's one.
func rollupFixture(t testing.TB, e *webtest.Env) {
	t.Helper()
	ctx := context.Background()
	chp, akp, hdp := sandik.Choice{Code: "chp", Name: "CHP"}, sandik.Choice{Code: "ak-parti", Name: "AK PARTİ"}, sandik.Choice{Code: "hdp", Name: "HDP"}
	races := []sandik.Race{
		{Code: webtest.Election + ".meclis.adalar", Election: webtest.Election, Name: "Adalar Belediye Meclisi", Scope: "34.01", Choices: []sandik.Choice{akp, chp}},
		{Code: webtest.Election + ".meclis.besiktas", Election: webtest.Election, Name: "Beşiktaş Belediye Meclisi", Scope: "34.02", Choices: []sandik.Choice{chp, hdp, akp}},
	}
	reg := e.Center.Registry()
	merged, err := sandik.NewRegistry(reg.Areas, reg.Elections, append(append([]sandik.Race{}, reg.Races...), races...), reg.Registrations)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Center.ImportRegistry(ctx, merged); err != nil {
		t.Fatal(err)
	}
	sheet := func(race sandik.RaceCode, box sandik.AreaCode, votes ...int64) sandik.ImportedSheet {
		var valid int64
		for _, v := range votes {
			valid += v
		}
		return sandik.ImportedSheet{Race: race, Box: box, User: "ysk", Source: sandik.SourceOfficial,
			Sheet: sandik.Tutanak{Registered: 300, Voted: valid + 10, ValidWithoutObjection: valid, ValidTotal: valid, Invalid: 10, Votes: votes}}
	}
	rs, err := e.Center.AppendImported(ctx, []sandik.ImportedSheet{
		sheet(races[0].Code, webtest.Box1, 100, 120),
		sheet(races[0].Code, webtest.Box2, 90, 60),
		sheet(races[1].Code, webtest.Box3, 150, 30, 70),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Center.WaitFor(ctx, rs[len(rs)-1].Seq); err != nil {
		t.Fatal(err)
	}
}

func TestRollupOverHTTP(t *testing.T) {
	e := newScopedEnv(t)
	rollupFixture(t, e.Env)
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
