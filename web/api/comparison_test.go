package api

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
)

func TestComparison(t *testing.T) {
	e := newEnv(t)
	// box1: two agreeing entries; YSK published 12 of CHP's votes for AKP.
	e.submit(observer1, sheet("c1", raceIST, box1, 150, 100, 10))
	e.submit(volunteer, sheet("c2", raceIST, box1, 150, 100, 10))
	e.Official(box1, 138, 112, 10)
	// box2: published, but only one entry so far; box3: one entry only.
	e.submit(observer1, sheet("c3", raceIST, box2, 90, 80, 5))
	e.Official(box2, 90, 80, 5)
	e.Settle(e.submit(observer2, sheet("c4", raceIST, box3, 70, 60, 1)).Seq)

	var got comparisonJSON
	e.Do("GET", "/api/v1/races/"+raceIST+"/comparison/34?a=CHP&b=AKP", lawyer, nil).Decode(t, http.StatusOK, &got)
	if got.Summary.Boxes["discrepancy"] != 1 || got.Summary.Boxes["sheet_missing"] != 1 || got.Summary.Boxes["no_figures"] != 1 {
		t.Errorf("summary %v", got.Summary.Boxes)
	}
	if got.Summary.NetMarginEffect != -24 || got.Summary.NetDelta[0] != -12 || got.Summary.NetDelta[1] != 12 {
		t.Errorf("net effect %d, delta %v; want -24, [-12 12 0]", got.Summary.NetMarginEffect, got.Summary.NetDelta)
	}
	if len(got.Boxes) != 3 || got.Boxes[0].Box.Box != box1 || got.Boxes[0].MarginEffect != -24 ||
		got.Boxes[0].Sheet.Votes["CHP"] != 150 || got.Boxes[0].Official.Votes["CHP"] != 138 {
		t.Fatalf("boxes %+v", got.Boxes)
	}
	if len(got.Children) != 2 || got.Children[0].Area != "34.01" || got.Children[0].NetMarginEffect != -24 || got.Children[1].NetMarginEffect != 0 {
		t.Errorf("children %+v", got.Children)
	}
	// The default pair is the leading two; the filter and paging work.
	e.Do("GET", "/api/v1/races/"+raceIST+"/comparison/34?outcome=discrepancy,sheet_missing&limit=1&offset=1", lawyer, nil).Decode(t, http.StatusOK, &got)
	if got.A != "CHP" || got.B != "AKP" || got.Total != 2 || len(got.Boxes) != 1 || got.Boxes[0].Box.Box != box2 {
		t.Errorf("a %s b %s total %d boxes %+v", got.A, got.B, got.Total, got.Boxes)
	}
	// Provisional figures are blind to typists; coordinators see box2 equal.
	e.Do("GET", "/api/v1/races/"+raceIST+"/comparison/34?basis=provisional", observer1, nil).APIError(t, http.StatusForbidden)
	e.Do("GET", "/api/v1/races/"+raceIST+"/comparison/34.01.01?basis=provisional", coordinator, nil).Decode(t, http.StatusOK, &got)
	if got.Summary.Boxes["equal"] != 1 || got.Summary.Boxes["discrepancy"] != 1 {
		t.Errorf("provisional summary %v", got.Summary.Boxes)
	}
	// The box page shows the official figures.
	var b boxJSON
	e.Do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box1, observer1, nil).Decode(t, http.StatusOK, &b)
	if b.Official == nil || b.Official.Votes["AKP"] != 112 {
		t.Errorf("box official %+v", b.Official)
	}

	// CSV of the discrepancies.
	r := e.Do("GET", "/api/v1/races/"+raceIST+"/comparison/34?outcome=discrepancy&format=csv&lang=en", coordinator, nil)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "comparison-IST-BB-34.csv") {
		t.Fatalf("csv: %d %v", r.Status, r.Header)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff")))
	cr.Comma = ';' // as the results export and the comparison page's CSV
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][0] != "Box (code)" || rows[1][0] != box1 || rows[1][5] != "-24" || rows[1][3] != "Discrepancy" {
		t.Errorf("csv rows %v", rows)
	}

	for _, bad := range []struct{ query, field string }{
		{"basis=official", "basis"}, {"sort=size", "sort"}, {"outcome=odd", "outcome"}, {"a=XYZ", "a"}, {"a=CHP&b=CHP", "b"},
	} {
		d := e.Do("GET", "/api/v1/races/"+raceIST+"/comparison/34?"+bad.query, coordinator, nil).APIError(t, http.StatusUnprocessableEntity)
		if len(d.Problems) == 0 || d.Problems[0].Field != bad.field {
			t.Errorf("%s: %+v", bad.query, d)
		}
	}
	for _, bad := range []string{"limit=0", "offset=-1", "format=xml", "format=csv&lang=de"} {
		e.Do("GET", "/api/v1/races/"+raceIST+"/comparison/34?"+bad, coordinator, nil).APIError(t, http.StatusBadRequest)
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/comparison/06", coordinator, nil).APIError(t, http.StatusNotFound)
	e.Do("GET", "/api/v1/races/NOPE/comparison/34", coordinator, nil).APIError(t, http.StatusNotFound)
}
