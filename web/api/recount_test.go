package api

import (
	"net/http"
	"slices"
	"testing"

	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// recountBody is a recount of box with the board's decision.
func recountBody(id, box, decision string, chp, akp, sp int64) map[string]any {
	b := sheet(id, raceIST, box, chp, akp, sp)
	b["source"] = "recount"
	if decision != "" {
		b["decision"] = decision
	}
	return b
}

// TestRecountAPI: a recount is entered twice through the API like any
// sheet; once settled the totals' "recounted" view, the box's recount and
// the margin "as_recounted" move by exactly its difference, and the
// verified view and the counted margin stay.
func TestRecountAPI(t *testing.T) {
	e := newEnv(t)
	e.submit(observer1, sheet("o1", raceIST, box1, 120, 100, 10))
	e.submit(observer2, sheet("o2", raceIST, box1, 120, 100, 10))
	e.submit(observer1, sheet("o3", raceIST, box3, 80, 90, 5))
	e.Settle(e.submit(observer2, sheet("o4", raceIST, box3, 80, 90, 5)).Seq)

	pe := e.Do("POST", "/api/v1/submissions", volunteer, recountBody("r0", box1, "", 111, 109, 10)).APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, pe, "decision", "required")
	pe = e.Do("POST", "/api/v1/submissions", observer1, recountBody("r0", box1, "K-1", 111, 109, 10)).APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, pe, "source", "")

	totals := func() tally.Totals {
		var at tally.AreaTotals
		e.Do("GET", "/api/v1/races/"+raceIST+"/totals/34", coordinator, nil).Decode(t, http.StatusOK, &at)
		return at.Totals
	}
	margins := func() (counted, recounted int64) {
		var m struct {
			Counted     int64 `json:"counted"`
			AsRecounted int64 `json:"as_recounted"`
		}
		e.Do("GET", "/api/v1/races/"+raceIST+"/margins?a=CHP&b=AKP", lawyer, nil).Decode(t, http.StatusOK, &m)
		return m.Counted, m.AsRecounted
	}
	before := totals()
	if c, r := margins(); c != 10 || r != 10 {
		t.Fatalf("margins before the recount: %d, %d; want 10, 10", c, r)
	}
	e.submit(volunteer, recountBody("r1", box1, "Adalar İSK 2019/12", 111, 109, 10))
	e.Settle(e.submit(coordinator, recountBody("r2", box1, "Adalar İSK 2019/12", 111, 109, 10)).Seq)

	after := totals()
	if !slices.Equal(after.Verified.Votes, before.Verified.Votes) {
		t.Errorf("verified moved: %v → %v", before.Verified.Votes, after.Verified.Votes)
	}
	want := []int64{before.Verified.Votes[0] - 9, before.Verified.Votes[1] + 9, before.Verified.Votes[2]}
	if !slices.Equal(after.Recounted.Votes, want) || after.BoxesRecounted != 1 {
		t.Errorf("as recounted %v (%d boxes), want %v (1)", after.Recounted.Votes, after.BoxesRecounted, want)
	}
	if c, r := margins(); c != 10 || r != -8 {
		t.Errorf("margins after the recount: counted %d, as recounted %d; want 10, −8", c, r)
	}
	var box struct {
		Recount *struct {
			Status   string         `json:"status"`
			Decision string         `json:"decision"`
			Resolved *sheetJSONView `json:"resolved"`
		} `json:"recount"`
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box1, coordinator, nil).Decode(t, http.StatusOK, &box)
	if r := box.Recount; r == nil || r.Status != "verified" || r.Decision != "Adalar İSK 2019/12" || r.Resolved == nil || r.Resolved.Votes["CHP"] != 111 {
		t.Errorf("the box's recount: %+v", box.Recount)
	}
}

type sheetJSONView struct {
	Votes map[string]int64 `json:"votes"`
}
