package api

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// coverageRequest is a valid body of an assignment route as user, for
// the authorisation matrix.
func coverageRequest(e *webtest.Env, p, user string) (any, bool) {
	switch p {
	case "POST /api/v1/elections/{election}/assignments":
		return map[string]any{"box": box1, "person": "m-" + user}, true
	case "PUT /api/v1/elections/{election}/silent-after":
		cur, err := e.Center.SilentAfter(context.Background(), webtest.Election)
		if err != nil {
			e.T.Fatal(err)
		}
		return map[string]any{"minutes": 45, "version": cur.Version}, true
	}
	return nil, false
}

const electionPath = "/api/v1/elections/" + webtest.Election

// TestAssignCoverageSilent: a district coordinator assigns observers in
// their district and not in the next, the coverage counts them and the
// gaps page, and the silent list names the observer with a phone.
func TestAssignCoverageSilent(t *testing.T) {
	e := newScopedEnv(t)
	orgFixture(t, e.Env)
	e.Do("POST", electionPath+"/assignments", coordAdal, map[string]any{"box": box1, "person": "k-ada", "note": "okul girişi"}).Decode(t, http.StatusCreated, nil)
	d := e.Do("POST", electionPath+"/assignments", coordAdal, map[string]any{"box": box3, "person": "k-ada"}).APIError(t, http.StatusForbidden)
	if d.Code != sandik.EForbidden {
		t.Errorf("a box of the next district: %+v", d)
	}
	d = e.Do("POST", electionPath+"/assignments", coordAdal, map[string]any{"box": "34.01.01", "person": "k-ada"}).APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) != 1 || d.Problems[0].Field != "box" {
		t.Errorf("a mahalle as a box: %+v, want a problem naming box", d)
	}
	d = e.Do("POST", electionPath+"/assignments", coordAdal, map[string]any{"box": box2, "person": "k-yok"}).APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) != 1 || d.Problems[0].Field != "person" {
		t.Errorf("an unknown person: %+v, want a problem naming person", d)
	}
	e.Do("POST", electionPath+"/assignments", coordAdal, map[string]any{"box": box1, "person": "k-ada"}).APIError(t, http.StatusConflict)

	var cov struct {
		org.Coverage
		Next string `json:"next"`
	}
	e.Do("GET", electionPath+"/coverage/34.01", coordAdal, nil).Decode(t, http.StatusOK, &cov)
	if cov.Boxes != 2 || cov.One != 1 || cov.None != 1 || len(cov.Gaps) != 1 || cov.Gaps[0].Box != box2 {
		t.Errorf("coverage of Adalar %+v", cov)
	}
	e.Do("GET", electionPath+"/coverage/34", coordAdal, nil).APIError(t, http.StatusForbidden)
	e.Do("GET", electionPath+"/coverage/34", admin, nil).Decode(t, http.StatusOK, &cov)
	if cov.Boxes != 3 || len(cov.Gaps) != 2 || len(cov.Children) != 2 {
		t.Errorf("coverage of İstanbul %+v", cov)
	}
	e.Do("GET", electionPath+"/coverage/34?limit=1", admin, nil).Decode(t, http.StatusOK, &cov)
	if len(cov.Gaps) != 1 || cov.Next == "" {
		t.Fatalf("first page of gaps %+v", cov)
	}
	first := cov.Gaps[0].Box
	next := cov.Next
	cov.Next = ""
	e.Do("GET", electionPath+"/coverage/34?limit=1&after="+next, admin, nil).Decode(t, http.StatusOK, &cov)
	if len(cov.Gaps) != 1 || cov.Gaps[0].Box == first || cov.Next != "" {
		t.Errorf("second page of gaps %+v", cov)
	}

	var list struct {
		Assignments []sandik.Assignment `json:"assignments"`
	}
	e.Do("GET", electionPath+"/assignments?area=34.01", coordAdal, nil).Decode(t, http.StatusOK, &list)
	if len(list.Assignments) != 1 || list.Assignments[0].AssignedBy != coordAdal || list.Assignments[0].Note != "okul girişi" {
		t.Errorf("assignments %+v", list)
	}
	e.Do("GET", electionPath+"/assignments?area=34.02", coordAdal, nil).APIError(t, http.StatusForbidden)

	// 2019-03-31 20:00 UTC is 23:00 in İstanbul: six hours after the close.
	var sil center.Silent
	e.Do("GET", electionPath+"/silent/34.01", coordAdal, nil).Decode(t, http.StatusOK, &sil)
	if len(sil.Boxes) != 1 || sil.Boxes[0].Box != box1 || sil.SinceClose != 360 {
		t.Fatalf("silent %+v", sil)
	}
	if o := sil.Boxes[0].Observers; len(o) != 1 || o[0].Name != "Deniz Ada" || !slices.Equal(o[0].Phones, []string{"+905321112233"}) {
		t.Errorf("observers of the silent box %+v", o)
	}
	e.Submit(observer1, sheet("cv-1", raceIST, box1, 100, 90, 10))
	e.Settle(e.LastSeq())
	e.Do("GET", electionPath+"/silent/34.01", coordAdal, nil).Decode(t, http.StatusOK, &sil)
	if len(sil.Boxes) != 0 {
		t.Errorf("a box that sent a sheet is silent: %+v", sil.Boxes)
	}
	e.Do("GET", electionPath+"/silent/34.01", volunteer, nil).APIError(t, http.StatusForbidden)

	e.Do("DELETE", electionPath+"/assignments/"+box1+"/k-ada", coordAdal, nil).Decode(t, http.StatusNoContent, nil)
	e.Do("DELETE", electionPath+"/assignments/"+box1+"/k-ada", coordAdal, nil).APIError(t, http.StatusNotFound)
}

func TestSilentAfterSetting(t *testing.T) {
	e := newScopedEnv(t)
	var s center.SilentAfter
	e.Do("GET", electionPath+"/silent-after", observer1, nil).Decode(t, http.StatusOK, &s)
	if s.Minutes != sandik.DefaultSilentAfter || s.Version != 0 {
		t.Errorf("default %+v", s)
	}
	e.Do("PUT", electionPath+"/silent-after", coordAdal, map[string]any{"minutes": 10, "version": 0}).APIError(t, http.StatusForbidden)
	d := e.Do("PUT", electionPath+"/silent-after", admin, map[string]any{"minutes": 0, "version": 0}).APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) != 1 || d.Problems[0].Field != "minutes" {
		t.Errorf("0 minutes: %+v", d)
	}
	e.Do("PUT", electionPath+"/silent-after", admin, map[string]any{"minutes": 45}).APIError(t, http.StatusUnprocessableEntity)
	e.Do("PUT", electionPath+"/silent-after", admin, map[string]any{"minutes": 45, "version": 0}).Decode(t, http.StatusOK, &s)
	e.Do("PUT", electionPath+"/silent-after", coordinator, map[string]any{"minutes": 50, "version": 0}).APIError(t, http.StatusConflict)
	e.Do("GET", electionPath+"/silent-after", volunteer, nil).Decode(t, http.StatusOK, &s)
	if s.Minutes != 45 || s.Version != 1 || s.UpdatedBy != admin {
		t.Errorf("after a save %+v", s)
	}
	e.Do("GET", "/api/v1/elections/yok/silent-after", admin, nil).APIError(t, http.StatusNotFound)
}
