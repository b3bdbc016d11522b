package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/belediye"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// municipalRequest is a valid request of a municipalities route as
// user, for the authorisation matrix; ok is false for other routes.
func municipalRequest(e *webtest.Env, p, user string) (body any, ok bool) {
	switch p {
	case "POST /api/v1/municipalities/fill":
		return map[string]any{"election": webtest.Election}, true
	case "PUT /api/v1/municipalities/{code}/terms/{election}":
		return map[string]any{"mayor": "Başkan " + user, "party": "CHP", "reason": "matris", "day": "2009-03-29", "replaces": 0}, true
	case "PUT /api/v1/org/party":
		_, v, _ := e.Center.OurParty(e.T.Context())
		return map[string]any{"party": "CHP", "version": v}, true
	}
	return nil, false
}

type municipalList struct {
	Election  sandik.ElectionCode `json:"election"`
	Party     sandik.PartyCode    `json:"party"`
	Results   []belediye.Result   `json:"results"`
	Summaries []belediye.Summary  `json:"summaries"`
}

func TestMunicipalitiesList(t *testing.T) {
	e := newScopedEnv(t)
	e.MunicipalFixture()
	var l municipalList
	e.Do("GET", "/api/v1/municipalities?il=34", observer1, nil).Decode(t, http.StatusOK, &l)
	if l.Election != webtest.Election || l.Party != "CHP" || len(l.Results) != 3 {
		t.Fatalf("list: %+v", l)
	}
	want := map[sandik.MunicipalityCode]belediye.Outcome{"34": belediye.Gained, "34.01": belediye.Kept, "34.02": belediye.Lost}
	for _, r := range l.Results {
		if r.Outcome != want[r.Municipality.Code] || r.Previous == nil || r.Previous.Election != "2014-YEREL" {
			t.Errorf("%s: %q, previous %+v", r.Municipality.Code, r.Outcome, r.Previous)
		}
	}
	if len(l.Summaries) != 1 || l.Summaries[0] != (belediye.Summary{Province: "34", Municipalities: 3, Won: 2, Kept: 1, Gained: 1, Lost: 1, Before: 2}) {
		t.Errorf("summary: %+v", l.Summaries)
	}
	// The earlier election, where there is nothing to compare with.
	e.Do("GET", "/api/v1/municipalities?election=2014-YEREL", observer1, nil).Decode(t, http.StatusOK, &l)
	if len(l.Results) != 3 || l.Summaries[0].Won != 2 || l.Summaries[0].Kept != 0 {
		t.Errorf("2014: %+v", l.Summaries)
	}
	e.Do("GET", "/api/v1/municipalities?il=35", observer1, nil).Decode(t, http.StatusOK, &l)
	if len(l.Results) != 0 || len(l.Summaries) != 0 {
		t.Errorf("another province: %+v", l)
	}
	// A coordinator of Adalar reads Adalar only.
	e.Do("GET", "/api/v1/municipalities", webtest.CoordAdal, nil).Decode(t, http.StatusOK, &l)
	if len(l.Results) != 1 || l.Results[0].Municipality.Code != "34.01" {
		t.Errorf("coordinator of Adalar: %+v", l.Results)
	}
	e.Do("GET", "/api/v1/municipalities/34.02", webtest.CoordAdal, nil).APIError(t, http.StatusForbidden)
	var s struct {
		Summaries []belediye.Summary `json:"summaries"`
	}
	e.Do("GET", "/api/v1/municipalities/summary", admin, nil).Decode(t, http.StatusOK, &s)
	if len(s.Summaries) != 1 || s.Summaries[0].Lost != 1 {
		t.Errorf("summary route: %+v", s)
	}
}

func TestMunicipalTermEdit(t *testing.T) {
	e := newScopedEnv(t)
	e.MunicipalFixture()
	path := "/api/v1/municipalities/34.02/terms/" + webtest.Election
	body := map[string]any{"mayor": "Başkan Yeni (sentetik)", "party": "CHP", "margin_votes": 12, "margin_points": 0.02, "replaces": 1}
	d := e.Do("PUT", path, coordinator, body).APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) != 1 || d.Problems[0].Field != "reason" {
		t.Errorf("no reason: %+v", d)
	}
	body["reason"] = "seçim kurulu kararı"
	e.Do("PUT", path, webtest.CoordAdal, body).APIError(t, http.StatusForbidden)
	body["extra"] = 1
	e.Do("PUT", path, coordinator, body).APIError(t, http.StatusBadRequest)
	delete(body, "extra")
	var term sandik.MunicipalTerm
	e.Do("PUT", path, coordinator, body).Decode(t, http.StatusOK, &term)
	if term.Version != 2 || term.Party != "CHP" || term.SavedBy != coordinator || term.Day != "2019-03-31" || term.Source != sandik.TermByHand {
		t.Errorf("edited: %+v", term)
	}
	// The same edit again is stale: someone (this one) changed it.
	d = e.Do("PUT", path, coordinator, body).APIError(t, http.StatusConflict)
	if d.Code != sandik.EConflict || !strings.Contains(d.Problems[0].Message, "version 2") {
		t.Errorf("stale: %+v", d)
	}
	var got struct {
		Municipality sandik.Municipality    `json:"municipality"`
		Terms        []sandik.MunicipalTerm `json:"terms"`
	}
	e.Do("GET", "/api/v1/municipalities/34.02", observer1, nil).Decode(t, http.StatusOK, &got)
	if got.Municipality.Name != "Beşiktaş Belediyesi" || len(got.Terms) != 3 || got.Terms[1].Party != "AKP" || got.Terms[2].Party != "CHP" {
		t.Errorf("history: %+v", got)
	}
	var l municipalList
	e.Do("GET", "/api/v1/municipalities", observer1, nil).Decode(t, http.StatusOK, &l)
	if l.Summaries[0].Lost != 0 || l.Summaries[0].Kept != 2 {
		t.Errorf("after the edit: %+v", l.Summaries)
	}
	e.Do("GET", "/api/v1/municipalities/yok", observer1, nil).APIError(t, http.StatusNotFound)
}

func TestMunicipalFillAndParty(t *testing.T) {
	e := newEnv(t)
	for _, b := range []string{webtest.Box1, webtest.Box2, webtest.Box3} {
		e.Official(b, 100, 60, 10)
	}
	var out struct {
		Results []center.FillResult `json:"results"`
	}
	e.Do("POST", "/api/v1/municipalities/fill", coordinator, map[string]any{"election": webtest.Election}).Decode(t, http.StatusOK, &out)
	if len(out.Results) != 2 {
		t.Fatalf("fill: %+v", out)
	}
	for _, r := range out.Results {
		switch r.Race {
		case webtest.RaceIST:
			if r.Outcome != center.FillWritten || r.Term.Party != "CHP" || r.Term.MarginVotes != 120 || r.Term.MarginPoints != 23.53 || r.Term.Mayor != "Ekrem İmamoğlu" {
				t.Errorf("metropolitan: %+v", r)
			}
		case webtest.RaceIlce:
			if r.Outcome != center.FillSkipped || r.BoxesOfficial != 0 || r.BoxesExpected != 2 {
				t.Errorf("Adalar without figures: %+v", r)
			}
		}
	}
	e.Do("POST", "/api/v1/municipalities/fill", coordinator, map[string]any{}).APIError(t, http.StatusUnprocessableEntity)
	e.Do("POST", "/api/v1/municipalities/fill", coordinator, map[string]any{"election": "yok"}).APIError(t, http.StatusNotFound)

	var p struct {
		Party   string `json:"party"`
		Version int    `json:"version"`
	}
	e.Do("GET", "/api/v1/org/party", observer1, nil).Decode(t, http.StatusOK, &p)
	if p.Party != "" || p.Version != 0 {
		t.Errorf("no party yet: %+v", p)
	}
	e.Do("PUT", "/api/v1/org/party", coordinator, map[string]any{"party": "CHP", "version": 0}).APIError(t, http.StatusForbidden)
	e.Do("PUT", "/api/v1/org/party", admin, map[string]any{"party": "CHP"}).APIError(t, http.StatusUnprocessableEntity)
	e.Do("PUT", "/api/v1/org/party", admin, map[string]any{"party": "CHP", "version": 0}).Decode(t, http.StatusOK, &p)
	e.Do("PUT", "/api/v1/org/party", admin, map[string]any{"party": "AKP", "version": 0}).APIError(t, http.StatusConflict)
	e.Do("GET", "/api/v1/org/party", observer1, nil).Decode(t, http.StatusOK, &p)
	if p.Party != "CHP" || p.Version != 1 {
		t.Errorf("party: %+v", p)
	}
	var l municipalList
	e.Do("GET", "/api/v1/municipalities", observer1, nil).Decode(t, http.StatusOK, &l)
	if len(l.Results) != 1 || l.Results[0].Outcome != belediye.Won {
		t.Errorf("after the fill: %+v", l)
	}
}
