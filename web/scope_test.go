package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

// Scoped users of the fixture: an observer at box1, a coordinator and a
// lawyer of Adalar (box1, box2). box3 (Beşiktaş) is outside all three.
const (
	obsBox1    = "obs-box1"
	coordAdal  = "coord-adalar"
	lawyerAdal = "lawyer-adalar"
)

func newScopedEnv(t *testing.T, adjust ...func(*Config)) *env {
	t.Helper()
	e := newEnv(t, adjust...)
	for _, u := range []sandik.User{
		{ID: obsBox1, Name: "Müşahit 1001", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{box1}},
		{ID: coordAdal, Name: "Adalar koordinatörü", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.01"}},
		{ID: lawyerAdal, Name: "Adalar avukatı", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34.01"}},
	} {
		tok, err := e.center.CreateUser(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[string(u.ID)] = tok
	}
	return e
}

// TestScopeMatrix is the authorisation matrix's second axis: each route
// that names a box or case, for each scoped user, with an object inside
// their areas and one outside.
func TestScopeMatrix(t *testing.T) {
	e := newScopedEnv(t)
	// Conflicts in box2 (Adalar) and box3 (Beşiktaş).
	for _, b := range []string{box2, box3} {
		e.submit(observer1, sheet("c1-"+b, raceIST, b, 10, 20, 1))
		e.settle(e.submit(volunteer, sheet("c2-"+b, raceIST, b, 11, 19, 1)).Seq)
	}
	cases := map[string]string{}
	for _, b := range []string{box2, box3} {
		var c caseJSON
		e.do("POST", "/api/v1/cases", lawyer, map[string]any{"race": raceIST, "boxes": []string{b}, "ground": "procedure",
			"remedy": "recount", "board": "ilce", "filer": "İl Başkanlığı", "title": "Sayım " + b}).decode(t, http.StatusCreated, &c)
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
		r := e.do(c.method, c.path, c.user, c.body)
		if r.status != c.want {
			t.Errorf("%s %s %s: %d, want %d; %s", c.user, c.method, c.path, r.status, c.want, r.body)
		}
		if c.want == http.StatusForbidden && !strings.Contains(string(r.body), "outside the areas") {
			t.Errorf("%s %s %s: the refusal does not say why: %s", c.user, c.method, c.path, r.body)
		}
	}

	// Lists hold only what lies inside: the queue and the cases.
	var q struct {
		Conflicts []struct {
			Box string `json:"box"`
		} `json:"conflicts"`
	}
	e.do("GET", "/api/v1/races/"+raceIST+"/conflicts", coordAdal, nil).decode(t, http.StatusOK, &q)
	for _, c := range q.Conflicts {
		if c.Box != box2 {
			t.Errorf("the Adalar coordinator's queue lists %s", c.Box)
		}
	}
	e.do("GET", "/api/v1/races/"+raceIST+"/conflicts", coordinator, nil).decode(t, http.StatusOK, &q)
	if len(q.Conflicts) != 1 || q.Conflicts[0].Box != box3 { // box2 was adjudicated above
		t.Errorf("the centre's queue = %+v; want box3 only", q.Conflicts)
	}
	var list struct {
		Cases []caseJSON `json:"cases"`
	}
	e.do("GET", "/api/v1/cases", lawyerAdal, nil).decode(t, http.StatusOK, &list)
	if len(list.Cases) != 1 || string(list.Cases[0].ID) != cases[box2] {
		t.Errorf("the Adalar lawyer's cases = %+v; want %s only", list.Cases, cases[box2])
	}

	// A coordinator of Adalar does not read another district's typing by id.
	e.do("GET", "/api/v1/submissions/c1-"+box3, coordAdal, nil).apiError(t, http.StatusNotFound)
	e.do("GET", "/api/v1/submissions/c1-"+box2, coordAdal, nil).decode(t, http.StatusOK, nil)
}

// TestEntryFormOffersAssignedBoxes: the observer's form lists their own
// boxes and only the races those boxes take part in; the box search finds
// nothing outside; an observer without boxes is told to ask for them.
func TestEntryFormOffersAssignedBoxes(t *testing.T) {
	e := newScopedEnv(t)
	page := e.browser(obsBox1).get("/entry")
	if page.status != http.StatusOK {
		t.Fatalf("entry page: %d", page.status)
	}
	body := string(page.body)
	start := strings.Index(body, `id="races-data">`)
	end := strings.Index(body[start:], "</script>")
	if start < 0 || end < 0 {
		t.Fatalf("no races data in the page:\n%s", body)
	}
	var races []entryRace
	if err := json.Unmarshal([]byte(body[start+len(`id="races-data">`):start+end]), &races); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rc := range races {
		for _, b := range rc.Assigned {
			got = append(got, string(rc.Code)+"/"+string(b.Code))
		}
	}
	slices.Sort(got)
	if want := []string{raceIlce + "/" + box1, raceIST + "/" + box1}; !slices.Equal(got, want) {
		t.Errorf("assigned boxes on the form = %v; want %v", got, want)
	}
	if !strings.Contains(body, "Görevli olduğunuz sandıklar") {
		t.Error("the form does not say the boxes are the observer's own")
	}

	var hits struct {
		Boxes []boxHit `json:"boxes"`
	}
	r := e.browser(obsBox1).get("/entry/boxes?race=" + raceIST + "&q=34")
	if err := json.Unmarshal(r.body, &hits); err != nil || len(hits.Boxes) != 1 || hits.Boxes[0].Code != box1 {
		t.Errorf("box search of a scoped observer = %s (%v); want box1 only", r.body, err)
	}

	tok, err := e.center.CreateUser(t.Context(), sandik.User{ID: "yeni", Name: "Yeni müşahit", Role: sandik.RoleObserver})
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["yeni"] = tok
	page = e.browser("yeni").get("/entry")
	if !strings.Contains(string(page.body), "Size henüz sandık atanmadı") || strings.Contains(string(page.body), `id="sheet"`) {
		t.Errorf("an observer without boxes gets a form or no explanation:\n%s", page.body)
	}
}

// TestScopedPages: the box page and the live box stream refuse a box
// outside, and the conflict page lists only the district's boxes.
func TestScopedPages(t *testing.T) {
	e := newScopedEnv(t)
	for _, b := range []string{box2, box3} {
		e.submit(observer1, sheet("c1-"+b, raceIST, b, 10, 20, 1))
		e.settle(e.submit(volunteer, sheet("c2-"+b, raceIST, b, 11, 19, 1)).Seq)
	}
	br := e.browser(coordAdal)
	if r := br.get("/races/" + raceIST + "/boxes/" + box2); r.status != http.StatusOK {
		t.Errorf("box page inside: %d", r.status)
	}
	for _, p := range []string{"/races/" + raceIST + "/boxes/" + box3, "/races/" + raceIST + "/boxes/" + box3 + "/live"} {
		if r := br.get(p); r.status != http.StatusForbidden {
			t.Errorf("%s outside: %d, want 403", p, r.status)
		}
	}
	r := br.get("/races/" + raceIST + "/conflicts")
	if r.status != http.StatusOK || !strings.Contains(string(r.body), box2) || strings.Contains(string(r.body), box3) {
		t.Errorf("conflict page of the Adalar coordinator (%d) should list box2 and not box3:\n%s", r.status, r.body)
	}
}
