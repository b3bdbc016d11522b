package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// A corrected official figure of Adalar's box 1 reads as two versions
// with their provenance and diff, and one alert; Adalar's coordinator
// reads them, Beşiktaş's box stays out of reach.
func TestOfficialVersionsAndAlertsOverHTTP(t *testing.T) {
	e := newScopedEnv(t)
	webtest.RollupFixture(t, e.Env)
	race := sandik.RaceCode(webtest.Election + ".meclis.adalar")
	seen := time.Date(2019, 3, 31, 23, 12, 0, 0, time.UTC)
	res, err := e.Center.RecordOfficial(context.Background(), center.FeedBatch{SourceURL: "https://ysk.example/34.json", SeenAt: seen,
		Sheets: []sandik.ImportedSheet{{Race: race, Box: webtest.Box1, User: "ysk", Source: sandik.SourceOfficial,
			Sheet: sandik.Tutanak{Registered: 300, Voted: 230, ValidWithoutObjection: 220, ValidTotal: 220, Invalid: 10, Votes: []int64{120, 100}}}}})
	if err != nil || len(res.Alerts) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	var vs struct {
		Versions []struct {
			SourceURL string           `json:"source_url"`
			FirstSeen time.Time        `json:"first_seen"`
			Summary   string           `json:"summary"`
			Votes     map[string]int64 `json:"votes"`
		} `json:"versions"`
	}
	e.Do("GET", "/api/v1/races/"+string(race)+"/boxes/"+webtest.Box1+"/official-versions", webtest.CoordAdal, nil).Decode(t, http.StatusOK, &vs)
	if len(vs.Versions) != 2 || vs.Versions[0].SourceURL != "" || vs.Versions[1].SourceURL != "https://ysk.example/34.json" ||
		!vs.Versions[1].FirstSeen.Equal(seen) || vs.Versions[1].Summary != "AK PARTİ +20, CHP −20" || vs.Versions[1].Votes["ak-parti"] != 120 {
		t.Errorf("versions %+v", vs)
	}
	var as struct {
		Alerts []sandik.FeedAlert `json:"alerts"`
		Next   int64              `json:"next"`
	}
	e.Do("GET", "/api/v1/feed/alerts", webtest.CoordAdal, nil).Decode(t, http.StatusOK, &as)
	if len(as.Alerts) != 1 || as.Alerts[0].Box != webtest.Box1 || as.Next != as.Alerts[0].N {
		t.Errorf("alerts %+v", as)
	}
	for path, want := range map[string]int{
		"/api/v1/races/" + webtest.Election + ".meclis.besiktas/boxes/" + webtest.Box3 + "/official-versions": http.StatusForbidden,
		"/api/v1/feed/alerts?box=" + webtest.Box3:                                                             http.StatusForbidden,
		"/api/v1/feed/alerts?after=-1":                                                                        http.StatusBadRequest,
	} {
		if r := e.Do("GET", path, webtest.CoordAdal, nil); r.Status != want {
			t.Errorf("%s as Adalar's coordinator: %d, want %d", path, r.Status, want)
		}
	}
	if r := e.Do("GET", "/api/v1/feed/alerts", webtest.ObsBox1, nil); r.Status != http.StatusForbidden {
		t.Errorf("observer read alerts: %d", r.Status)
	}
}

// Adalar's boxes against 2014: box 1 stood still, box 2 moved 40 points
// to AK PARTİ, the neighbourhood 16.2: with a bound of 20 points only box
// 2 is flagged.
func TestHistoryOverHTTP(t *testing.T) {
	e := newScopedEnv(t)
	webtest.RollupFixture(t, e.Env)
	webtest.HistoryFixture(t, e.Env)
	var h struct {
		Matches []sandik.HistoryMatch `json:"matches"`
		Flags   []sandik.SwingFlag    `json:"flags"`
	}
	e.Do("GET", "/api/v1/races/"+webtest.Election+".meclis.adalar/history/34.01?share_points=20&previous="+webtest.HistoryPrevious, webtest.CoordAdal, nil).Decode(t, http.StatusOK, &h)
	if len(h.Matches) != 2 || h.Matches[0].By != sandik.MatchSameBox {
		t.Errorf("matches %+v", h.Matches)
	}
	var got []string
	for _, f := range h.Flags {
		got = append(got, fmt.Sprintf("%s %s %+.1f/%+.1f", f.Box, f.Field, f.Value, f.Neighbourhood))
	}
	if strings.Join(got, "; ") != "34.01.01.02 votes.ak-parti +40.0/+16.2; 34.01.01.02 votes.chp -40.0/-16.2" {
		t.Errorf("flags %v", got)
	}
	for path, want := range map[string]int{
		"/api/v1/races/" + webtest.Election + ".meclis.adalar/history/34.01":                                                         http.StatusUnprocessableEntity,
		"/api/v1/races/" + webtest.Election + ".meclis.besiktas/history/34.02?previous=" + webtest.HistoryPrevious:                   http.StatusForbidden,
		"/api/v1/races/" + webtest.Election + ".meclis.adalar/history/34.01?previous=" + webtest.HistoryPrevious + "&share_points=0": http.StatusUnprocessableEntity,
	} {
		if r := e.Do("GET", path, webtest.CoordAdal, nil); r.Status != want {
			t.Errorf("%s: %d, want %d: %s", path, r.Status, want, r.Body)
		}
	}
}
