package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

func TestRaces(t *testing.T) {
	e := newEnv(t)
	var list struct{ Races []raceJSON }
	e.Do("GET", "/api/v1/races", observer1, nil).Decode(t, http.StatusOK, &list)
	if len(list.Races) != 2 {
		t.Fatalf("races = %+v", list.Races)
	}
	r := list.Races[0]
	if r.Code != raceIST || r.Election.Code != "2019-YEREL" || r.Election.Quorum != 2 || r.Scope.Code != "34" || r.Scope.Name != "İstanbul" ||
		r.Boxes != 3 || len(r.Choices) != 3 || r.Choices[0].Code != "CHP" {
		t.Errorf("race = %+v", r)
	}
	var one raceJSON
	e.Do("GET", "/api/v1/races/"+raceIlce, observer1, nil).Decode(t, http.StatusOK, &one)
	if one.Code != raceIlce || one.Boxes != 2 {
		t.Errorf("race = %+v", one)
	}
	if d := e.Do("GET", "/api/v1/races/NOPE", observer1, nil).APIError(t, http.StatusNotFound); d.Code != sandik.ENotFound {
		t.Errorf("code = %s", d.Code)
	}
}

func TestAreas(t *testing.T) {
	e := newEnv(t)
	var roots struct{ Areas []areaJSON }
	e.Do("GET", "/api/v1/areas", volunteer, nil).Decode(t, http.StatusOK, &roots)
	if len(roots.Areas) != 1 || roots.Areas[0].Code != "TR" || roots.Areas[0].Children != 1 {
		t.Fatalf("roots = %+v", roots.Areas)
	}
	var a struct {
		Area      areaJSON
		Ancestors []areaJSON
		Children  []areaJSON
		Races     []sandik.RaceCode
	}
	e.Do("GET", "/api/v1/areas/34.01", volunteer, nil).Decode(t, http.StatusOK, &a)
	codes := func(as []areaJSON) (out []sandik.AreaCode) {
		for _, x := range as {
			out = append(out, x.Code)
		}
		return out
	}
	if a.Area.Name != "Adalar" || a.Area.Level != sandik.LevelIlce ||
		!slices.Equal(codes(a.Ancestors), []sandik.AreaCode{"TR", "34"}) ||
		!slices.Equal(codes(a.Children), []sandik.AreaCode{"34.01.01"}) ||
		!slices.Equal(a.Races, []sandik.RaceCode{raceIST, raceIlce}) {
		t.Errorf("area = %+v", a)
	}
	e.Do("GET", "/api/v1/areas/34.99", volunteer, nil).APIError(t, http.StatusNotFound)
}

// Two agreeing entries from different people verify a box; every totals
// answer says it is unofficial and how many boxes are verified.
func TestTotalsVerified(t *testing.T) {
	e := newEnv(t)
	e.submit(observer1, sheet("t-1", raceIST, box1, 100, 90, 10))
	e.submit(volunteer, sheet("t-2", raceIST, box1, 100, 90, 10))
	last := e.submit(observer2, sheet("t-3", raceIST, box3, 40, 50, 5))
	e.Settle(last.Seq)

	var got totalsJSON
	e.Do("GET", "/api/v1/races/"+raceIST+"/totals/34", coordinator, nil).Decode(t, http.StatusOK, &got)
	if !got.Unofficial || !strings.Contains(got.Notice, "1 of 3 boxes verified") || got.BoxesVerified != 1 || got.BoxesExpected != 3 {
		t.Errorf("unofficial %v, notice %q, verified %d of %d", got.Unofficial, got.Notice, got.BoxesVerified, got.BoxesExpected)
	}
	if got.Seq != last.Seq || len(got.Choices) != 3 || got.Choices[1].Code != "AKP" || got.Race != raceIST {
		t.Errorf("seq %d, choices %+v", got.Seq, got.Choices)
	}
	tot := got.Totals
	if tot.BoxesReported != 2 || !slices.Equal(tot.Verified.Votes, []int64{100, 90, 10}) || !slices.Equal(tot.Provisional.Votes, []int64{140, 140, 15}) {
		t.Errorf("totals = %+v", tot)
	}
	if len(got.Children) != 2 || got.Children[0].Area != "34.01" || got.Children[0].BoxesVerified != 1 || got.Children[1].BoxesVerified != 0 {
		t.Errorf("children = %+v", got.Children)
	}
	e.Do("GET", "/api/v1/races/"+raceIlce+"/totals/34.02", coordinator, nil).APIError(t, http.StatusNotFound)
	e.Do("GET", "/api/v1/races/NOPE/totals/34", coordinator, nil).APIError(t, http.StatusNotFound)
	// Three boxes are too few for those who type: their difference over
	// an entry would be the entry (blind_test.go).
	e.Do("GET", "/api/v1/races/"+raceIST+"/totals/34", observer1, nil).APIError(t, http.StatusForbidden)
}

// Disagreeing entries are listed as a conflict, oldest first, and a
// coordinator's adjudication settles it.
func TestConflictAndAdjudication(t *testing.T) {
	e := newEnv(t)
	e.submit(observer1, sheet("c-1", raceIST, box1, 100, 90, 10))
	e.submit(observer2, sheet("c-2", raceIST, box1, 90, 100, 10))
	e.submit(observer1, sheet("c-3", raceIST, box3, 50, 50, 0))
	last := e.submit(volunteer, sheet("c-4", raceIST, box3, 50, 49, 1))
	e.Settle(last.Seq)

	var list struct {
		Race      sandik.RaceCode
		Seq       int64
		Conflicts []tally.Conflict
	}
	// Those who type have no queue: it names whom they disagree with.
	e.Do("GET", "/api/v1/races/"+raceIST+"/conflicts", observer1, nil).APIError(t, http.StatusForbidden)
	e.Do("GET", "/api/v1/races/"+raceIST+"/conflicts", coordinator, nil).Decode(t, http.StatusOK, &list)
	if len(list.Conflicts) != 2 || list.Conflicts[0].Box != box1 || list.Conflicts[1].Box != box3 || list.Seq != last.Seq {
		t.Fatalf("conflicts = %+v", list)
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/conflicts?area=34.02&limit=5", coordinator, nil).Decode(t, http.StatusOK, &list)
	if len(list.Conflicts) != 1 || list.Conflicts[0].Box != box3 {
		t.Fatalf("conflicts in 34.02 = %+v", list.Conflicts)
	}
	webtest.HasProblem(t, e.Do("GET", "/api/v1/races/"+raceIST+"/conflicts?limit=0", coordinator, nil).APIError(t, http.StatusBadRequest), "limit", "")
	webtest.HasProblem(t, e.Do("GET", "/api/v1/races/"+raceIST+"/conflicts?after=-1", coordinator, nil).APIError(t, http.StatusBadRequest), "after", "")

	// Pages of one: the first says where the next begins, the last does
	// not, and together they are the queue.
	var paged struct {
		Conflicts []tally.Conflict
		Next      *int64 `json:"next_after"`
	}
	var boxes []sandik.AreaCode
	for after, n := int64(0), 0; ; n++ {
		paged.Next = nil
		e.Do("GET", fmt.Sprintf("/api/v1/races/%s/conflicts?limit=1&after=%d", raceIST, after), coordinator, nil).Decode(t, http.StatusOK, &paged)
		for _, c := range paged.Conflicts {
			boxes = append(boxes, c.Box)
		}
		if paged.Next == nil || n > 3 {
			break
		}
		after = *paged.Next
	}
	if !slices.Equal(boxes, []sandik.AreaCode{box1, box3}) {
		t.Errorf("paged by one: %v, want [%s %s]", boxes, box1, box3)
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/conflicts?area=34.99", coordinator, nil).APIError(t, http.StatusNotFound)

	// The coordinator sees both entries and where they differ.
	var box boxView
	e.Do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box1, coordinator, nil).Decode(t, http.StatusOK, &box)
	if box.Status != "conflict" || len(box.Entries) != 2 || box.Partial || box.Entries[1].User != observer2 || box.Entries[1].Kind != "entry" {
		t.Fatalf("box = %+v", box)
	}
	var fields []string
	for _, d := range box.Diffs {
		fields = append(fields, d.Field)
	}
	if !slices.Equal(fields, []string{"votes.CHP", "votes.AKP"}) || box.Diffs[0].Values[0] != 100 || box.Diffs[0].Values[1] != 90 {
		t.Errorf("diffs = %+v", box.Diffs)
	}
	// An observer sees only their own typing: double entry is blind.
	e.Do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box1, observer2, nil).Decode(t, http.StatusOK, &box)
	if len(box.Entries) != 1 || box.Entries[0].ID != "c-2" || len(box.Diffs) != 0 || !box.Partial || box.Provisional != nil {
		t.Errorf("observer's view of the box = %+v", box)
	}

	adj := sheet("adj-1", raceIST, box1, 95, 95, 10)
	delete(adj, "race")
	delete(adj, "box")
	adj["reason"] = "recounted from the photo of the signed sheet"
	url := "/api/v1/races/" + raceIST + "/boxes/" + box1 + "/adjudication"
	if d := e.Do("POST", url, observer1, adj).APIError(t, http.StatusForbidden); d.Code != sandik.EForbidden {
		t.Errorf("observer adjudicating: %s", d.Code)
	}
	if d := e.Do("POST", url, volunteer, adj).APIError(t, http.StatusForbidden); d.Code != sandik.EForbidden {
		t.Errorf("volunteer adjudicating: %s", d.Code)
	}
	wrong := sheet("adj-1", raceIST, box3, 95, 95, 10)
	wrong["reason"] = "x"
	webtest.HasProblem(t, e.Do("POST", url, coordinator, wrong).APIError(t, http.StatusUnprocessableEntity), "box", sandik.RuleInvalidValue)
	noReason := sheet("adj-1", raceIST, box1, 95, 95, 10)
	webtest.HasProblem(t, e.Do("POST", url, coordinator, noReason).APIError(t, http.StatusUnprocessableEntity), "reason", sandik.RuleReasonRequired)

	var rec handler.Receipt
	e.Do("POST", url, coordinator, adj).Decode(t, http.StatusCreated, &rec)
	e.Do("POST", url, coordinator, adj).Decode(t, http.StatusOK, nil) // a retry
	e.Settle(rec.Seq)
	e.Do("GET", "/api/v1/races/"+raceIST+"/conflicts", coordinator, nil).Decode(t, http.StatusOK, &list)
	if len(list.Conflicts) != 1 || list.Conflicts[0].Box != box3 {
		t.Errorf("conflicts after adjudication = %+v", list.Conflicts)
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box1, observer2, nil).Decode(t, http.StatusOK, &box)
	// A box is an area of one box: an observer learns it was settled,
	// not to what (a third typist would copy it).
	if box.Status != "adjudicated" || box.Resolved != nil || len(box.Entries) != 1 {
		t.Errorf("observer's box after adjudication = %+v", box)
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box1, lawyer, nil).Decode(t, http.StatusOK, &box)
	if box.Status != "adjudicated" || box.Resolved == nil || box.Resolved.Votes["CHP"] != 95 {
		t.Errorf("box after adjudication = %+v", box)
	}
	e.Do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box1, coordinator, nil).Decode(t, http.StatusOK, &box)
	if n := len(box.Entries); n != 3 || box.Entries[2].Kind != "adjudication" || box.Entries[2].Reason == "" {
		t.Errorf("entries after adjudication = %+v", box.Entries)
	}
	e.Do("GET", "/api/v1/races/"+raceIlce+"/boxes/"+box3, coordinator, nil).APIError(t, http.StatusNotFound)
}

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	rec := e.submit(observer1, sheet("h-1", raceIST, box1, 100, 90, 10))
	e.Settle(rec.Seq)
	var h struct {
		Status string
		Seq    int64
	}
	e.Do("GET", "/healthz", "", nil).Decode(t, http.StatusOK, &h)
	if h.Status != "ok" || h.Seq != rec.Seq {
		t.Errorf("healthz = %+v", h)
	}
}

// A person who enters a box again corrects their own entry: the box lists
// both, and only the later one counts.
func TestCorrectionSupersedesOwnEntry(t *testing.T) {
	e := newEnv(t)
	e.submit(observer1, sheet("s-1", raceIST, box1, 100, 90, 10))
	last := e.submit(observer1, sheet("s-2", raceIST, box1, 101, 89, 10))
	e.Settle(last.Seq)
	for _, who := range []string{observer1, coordinator} {
		var box boxView
		e.Do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box1, who, nil).Decode(t, http.StatusOK, &box)
		if len(box.Entries) != 2 || box.Entries[0].ID != "s-1" || !box.Entries[0].Superseded || box.Entries[1].Superseded {
			t.Errorf("%s sees entries %+v, want s-1 superseded by s-2", who, box.Entries)
		}
	}
}
