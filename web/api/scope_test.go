package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/web/casefile"
)

// Tests of user areas: each route that names a box or case, for each
// scoped user, with an object inside their areas and one outside; and the
// reports and lists that must leave out what lies outside. The review
// tests each check a control first, so that they fail for the reason they
// name.

// TestScopeMatrix is the authorisation matrix's second axis: each route
// that names a box or case, for each scoped user, with an object inside
// their areas and one outside.
func TestScopeMatrix(t *testing.T) {
	e := newScopedEnv(t)
	// Conflicts in box2 (Adalar) and box3 (Beşiktaş).
	for _, b := range []string{box2, box3} {
		e.submit(observer1, sheet("c1-"+b, raceIST, b, 10, 20, 1))
		e.Settle(e.submit(volunteer, sheet("c2-"+b, raceIST, b, 11, 19, 1)).Seq)
	}
	cases := map[string]string{}
	for _, b := range []string{box2, box3} {
		var c casefile.Case
		e.Do("POST", "/api/v1/cases", lawyer, map[string]any{"race": raceIST, "boxes": []string{b}, "ground": "procedure",
			"remedy": "recount", "board": "ilce", "filer": "İl Başkanlığı", "title": "Sayım " + b}).Decode(t, http.StatusCreated, &c)
		cases[b] = string(c.ID)
	}
	adjudication := func(id, b string) map[string]any {
		s := sheet(id, raceIST, b, 10, 20, 1)
		s["reason"] = "fotoğraf incelendi"
		return s
	}
	type check struct {
		user, method, path string
		body               any
		want               int
	}
	checks := []check{
		{obsBox1, "POST", "/api/v1/submissions", sheet("in", raceIST, box1, 1, 2, 3), http.StatusCreated},
		{obsBox1, "POST", "/api/v1/submissions", sheet("out", raceIST, box2, 1, 2, 3), http.StatusForbidden},
		{obsBox1, "GET", "/api/v1/races/" + raceIST + "/boxes/" + box1, nil, http.StatusOK},
		{obsBox1, "GET", "/api/v1/races/" + raceIST + "/boxes/" + box2, nil, http.StatusForbidden},
		{coordAdal, "GET", "/api/v1/races/" + raceIST + "/boxes/" + box2, nil, http.StatusOK},
		{coordAdal, "GET", "/api/v1/races/" + raceIST + "/boxes/" + box3, nil, http.StatusForbidden},
		{coordAdal, "POST", "/api/v1/races/" + raceIST + "/boxes/" + box3 + "/adjudication", adjudication("adj3", box3), http.StatusForbidden},
		{coordAdal, "POST", "/api/v1/races/" + raceIST + "/boxes/" + box2 + "/adjudication", adjudication("adj2", box2), http.StatusCreated},
		{lawyerAdal, "GET", "/api/v1/cases/" + cases[box2], nil, http.StatusOK},
		{lawyerAdal, "GET", "/api/v1/cases/" + cases[box3], nil, http.StatusForbidden},
		{lawyerAdal, "GET", "/api/v1/cases/" + cases[box3] + "/petition", nil, http.StatusForbidden},
		{lawyerAdal, "POST", "/api/v1/cases", map[string]any{"race": raceIST, "boxes": []string{box3}, "ground": "procedure",
			"remedy": "recount", "board": "ilce", "filer": "x", "title": "dışarı"}, http.StatusForbidden},
		{lawyerAdal, "POST", "/api/v1/cases/" + cases[box3] + "/changes", map[string]any{"version": 1, "kind": "filed", "reference": "1"}, http.StatusForbidden},
		{lawyerAdal, "POST", "/api/v1/cases/" + cases[box2] + "/changes", map[string]any{"version": 1, "kind": "filed", "reference": "1"}, http.StatusOK},
	}
	for _, c := range checks {
		r := e.Do(c.method, c.path, c.user, c.body, "Accept-Language", "en-GB,en;q=0.9")
		if r.Status != c.want {
			t.Errorf("%s %s %s: %d, want %d; %s", c.user, c.method, c.path, r.Status, c.want, r.Body)
		}
		if c.want == http.StatusForbidden && !strings.Contains(string(r.Body), "outside the areas") {
			t.Errorf("%s %s %s: the refusal does not say why: %s", c.user, c.method, c.path, r.Body)
		}
	}

	// Lists hold only what lies inside: the queue and the cases.
	var q struct {
		Conflicts []struct {
			Box string `json:"box"`
		} `json:"conflicts"`
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/conflicts", coordAdal, nil).Decode(t, http.StatusOK, &q)
	for _, c := range q.Conflicts {
		if c.Box != box2 {
			t.Errorf("the Adalar coordinator's queue lists %s", c.Box)
		}
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/conflicts", coordinator, nil).Decode(t, http.StatusOK, &q)
	if len(q.Conflicts) != 1 || q.Conflicts[0].Box != box3 { // box2 was adjudicated above
		t.Errorf("the centre's queue = %+v; want box3 only", q.Conflicts)
	}
	var list struct {
		Cases []casefile.Case `json:"cases"`
	}
	e.Do("GET", "/api/v1/cases", lawyerAdal, nil).Decode(t, http.StatusOK, &list)
	if len(list.Cases) != 1 || string(list.Cases[0].ID) != cases[box2] {
		t.Errorf("the Adalar lawyer's cases = %+v; want %s only", list.Cases, cases[box2])
	}

	// A coordinator of Adalar does not read another district's typing by id.
	e.Do("GET", "/api/v1/submissions/c1-"+box3, coordAdal, nil).APIError(t, http.StatusNotFound)
	e.Do("GET", "/api/v1/submissions/c1-"+box2, coordAdal, nil).Decode(t, http.StatusOK, nil)
}

// The comparison API hands out every box's sheet and official figures in
// the area asked for. GET /boxes/box3 refuses an Adalar lawyer and a box1
// observer, so the comparison of İstanbul must not give them box3's
// figures either: boxes outside the user's areas are left out of the
// report (or the request is refused).
func TestReviewComparisonAPIOmitsBoxesOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	e.DiscrepancyAtBox3()
	for _, c := range []struct{ user, query string }{
		{lawyerAdal, "basis=verified"},
		{lawyerAdal, "basis=provisional"}, // first entries, still unverified
		{obsBox1, "basis=verified"},
	} {
		// Control: the box really is refused on its own.
		if r := e.Do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box3, c.user, nil); r.Status != http.StatusForbidden {
			t.Fatalf("%s GET box3: %d, want 403", c.user, r.Status)
		}
		r := e.Do("GET", "/api/v1/races/"+raceIST+"/comparison/34?"+c.query, c.user, nil)
		if r.Status == http.StatusForbidden {
			continue
		}
		var got comparisonJSON
		r.Decode(t, http.StatusOK, &got)
		for _, b := range got.Boxes {
			if b.Box.Box == box3 {
				t.Errorf("%s comparison/34?%s gives box3 (outside their areas): sheet %+v, official %+v", c.user, c.query, b.Sheet, b.Official)
			}
		}
		if csv := e.Do("GET", "/api/v1/races/"+raceIST+"/comparison/34?format=csv&"+c.query, c.user, nil); csv.Status == http.StatusOK &&
			strings.Contains(string(csv.Body), box3) {
			t.Errorf("%s comparison CSV ?%s lists box3 (outside their areas)", c.user, c.query)
		}
	}
}

// Anomaly flags name a box and quote its figures; on the provisional
// basis they compare the typings of a box. An Adalar lawyer must get no
// flag about a Beşiktaş box.
func TestReviewAnomaliesOmitBoxesOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	// box3: two typings that differ by a digit swap (CHP 12 against 21).
	e.submit(observer2, sheet("an-1", raceIST, box3, 12, 40, 1))
	e.Settle(e.submit(volunteer, sheet("an-2", raceIST, box3, 21, 40, 1)).Seq)
	type flags struct {
		Flags []struct {
			Box string `json:"box"`
		} `json:"flags"`
	}
	has3 := func(f flags) bool {
		return slices.ContainsFunc(f.Flags, func(x struct {
			Box string `json:"box"`
		}) bool {
			return x.Box == box3
		})
	}
	path := "/api/v1/races/" + raceIST + "/anomalies/34?basis=provisional"
	var all flags
	e.Do("GET", path, lawyer, nil).Decode(t, http.StatusOK, &all)
	if !has3(all) {
		t.Fatalf("control: the centre's lawyer gets no flag on box3: %+v", all)
	}
	r := e.Do("GET", path, lawyerAdal, nil)
	if r.Status == http.StatusForbidden {
		return
	}
	var mine flags
	r.Decode(t, http.StatusOK, &mine)
	if has3(mine) {
		t.Errorf("the Adalar lawyer gets flags on box3, outside their areas: %s", r.Body)
	}
}

// The totals of a box are its figures: with one entry, that entry's
// typing. An observer of box1 is refused box3's page, and must not read
// box3's provisional figures through the totals either.
func TestReviewTotalsOfABoxOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	e.Settle(e.submit(observer2, sheet("tt-1", raceIST, box3, 77, 55, 4)).Seq)
	r := e.Do("GET", "/api/v1/races/"+raceIST+"/totals/"+box3, obsBox1, nil)
	if r.Status == http.StatusForbidden {
		return
	}
	var got totalsJSON
	r.Decode(t, http.StatusOK, &got)
	if got.Totals.Provisional.Voted != 0 || slices.Contains(got.Totals.Provisional.Votes, 77) {
		t.Errorf("an observer of box1 reads box3's first entry through its totals: %+v", got.Totals.Provisional)
	}
}
