package web

// Review of user areas (commits 5c10f44, 5265d9a): each test shows a route
// that reveals a box, a case or its evidence outside the user's areas, a
// live stream that outlives a change of areas, or a refusal that says
// more than it should. Each fails until its route is fixed; each checks a
// control first, so that it fails for the reason it names.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
)

// reviewDiscrepancyAtBox3 gives box3 (Beşiktaş, outside every scoped user
// of newScopedEnv) a verified sheet and official figures that differ from
// it, and box2 (Adalar) a pending first entry.
func reviewDiscrepancyAtBox3(e *env) {
	e.t.Helper()
	e.submit(observer2, sheet("rv-3a", raceIST, box3, 70, 60, 1))
	e.settle(e.submit(volunteer, sheet("rv-3b", raceIST, box3, 70, 60, 1)).Seq)
	e.official(box3, 60, 70, 1)
	e.settle(e.submit(observer1, sheet("rv-2a", raceIST, box2, 40, 30, 2)).Seq)
}

// The comparison API hands out every box's sheet and official figures in
// the area asked for. GET /boxes/box3 refuses an Adalar lawyer and a box1
// observer, so the comparison of İstanbul must not give them box3's
// figures either: boxes outside the user's areas are left out of the
// report (or the request is refused).
func TestReviewComparisonAPIOmitsBoxesOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	reviewDiscrepancyAtBox3(e)
	for _, c := range []struct{ user, query string }{
		{lawyerAdal, "basis=verified"},
		{lawyerAdal, "basis=provisional"}, // first entries, still unverified
		{obsBox1, "basis=verified"},
	} {
		// Control: the box really is refused on its own.
		if r := e.do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box3, c.user, nil); r.status != http.StatusForbidden {
			t.Fatalf("%s GET box3: %d, want 403", c.user, r.status)
		}
		r := e.do("GET", "/api/v1/races/"+raceIST+"/comparison/34?"+c.query, c.user, nil)
		if r.status == http.StatusForbidden {
			continue
		}
		var got comparisonJSON
		r.decode(t, http.StatusOK, &got)
		for _, b := range got.Boxes {
			if b.Box.Box == box3 {
				t.Errorf("%s comparison/34?%s gives box3 (outside their areas): sheet %+v, official %+v", c.user, c.query, b.Sheet, b.Official)
			}
		}
		if csv := e.do("GET", "/api/v1/races/"+raceIST+"/comparison/34?format=csv&"+c.query, c.user, nil); csv.status == http.StatusOK &&
			strings.Contains(string(csv.body), box3) {
			t.Errorf("%s comparison CSV ?%s lists box3 (outside their areas)", c.user, c.query)
		}
	}
}

// The comparison page and its CSV (for those who see every entry) show
// the same figures and offer to draft cases on them: a district
// coordinator must see only their district's boxes.
func TestReviewComparisonPagesOmitBoxesOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	reviewDiscrepancyAtBox3(e)
	b := e.browser(coordAdal)
	for _, p := range []string{
		"/races/" + raceIST + "/areas/34/comparison",
		"/races/" + raceIST + "/areas/34/comparison.csv",
		"/races/" + raceIST + "/areas/34.02/comparison",
	} {
		r := b.get(p)
		if r.status == http.StatusForbidden {
			continue
		}
		if strings.Contains(string(r.body), box3) {
			t.Errorf("%s for the Adalar coordinator (%d) shows box3, outside their areas", p, r.status)
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
	e.settle(e.submit(volunteer, sheet("an-2", raceIST, box3, 21, 40, 1)).Seq)
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
	e.do("GET", path, lawyer, nil).decode(t, http.StatusOK, &all)
	if !has3(all) {
		t.Fatalf("control: the centre's lawyer gets no flag on box3: %+v", all)
	}
	r := e.do("GET", path, lawyerAdal, nil)
	if r.status == http.StatusForbidden {
		return
	}
	var mine flags
	r.decode(t, http.StatusOK, &mine)
	if has3(mine) {
		t.Errorf("the Adalar lawyer gets flags on box3, outside their areas: %s", r.body)
	}
}

// The totals of a box are its figures: with one entry, that entry's
// typing. An observer of box1 is refused box3's page, and must not read
// box3's provisional figures through the totals either.
func TestReviewTotalsOfABoxOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	e.settle(e.submit(observer2, sheet("tt-1", raceIST, box3, 77, 55, 4)).Seq)
	r := e.do("GET", "/api/v1/races/"+raceIST+"/totals/"+box3, obsBox1, nil)
	if r.status == http.StatusForbidden {
		return
	}
	var got totalsJSON
	r.decode(t, http.StatusOK, &got)
	if got.Totals.Provisional.Voted != 0 || slices.Contains(got.Totals.Provisional.Votes, 77) {
		t.Errorf("an observer of box1 reads box3's first entry through its totals: %+v", got.Totals.Provisional)
	}
}

// Evidence is served by checksum to anyone who may handle objections. The
// case it belongs to (about box3) is refused to an Adalar lawyer; its
// documents must be too.
func TestReviewEvidenceOfACaseOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	fx := newCaseFixture(e)
	if r := e.do("GET", "/api/v1/cases/"+string(fx.id), lawyerAdal, nil); r.status != http.StatusForbidden {
		t.Fatalf("control: the box3 case for the Adalar lawyer: %d, want 403", r.status)
	}
	if r := e.do("GET", "/api/v1/evidence/"+fx.evidence, lawyerAdal, nil); r.status == http.StatusOK {
		t.Errorf("the Adalar lawyer downloads the evidence of a Beşiktaş case (%q)", r.body)
	}
	if r := e.browser(coordAdal).get("/evidence/" + fx.evidence); r.status == http.StatusOK {
		t.Errorf("the Adalar coordinator downloads the evidence of a Beşiktaş case from the page route (%q)", r.body)
	}
}

// A case list must hold only cases the user may open. Cases about Adalar
// and Beşiktaş together, or about all of İstanbul, are refused to an
// Adalar lawyer by GET /cases/{id}, yet listed with all their content
// (title, body, claim, evidence checksums) by GET /cases, the deadline
// board and the CSV.
func TestReviewCaseListHoldsOnlyCasesTheUserMayOpen(t *testing.T) {
	e := newScopedEnv(t)
	fx := newCaseFixture(e) // about box3 only, with evidence
	made := map[string]itiraz.CaseID{"box3": fx.id}
	for name, subject := range map[string]map[string]any{
		"box2+box3": {"boxes": []string{box2, box3}},
		"İstanbul":  {"areas": []string{"34"}},
	} {
		body := map[string]any{"race": raceIST, "ground": "procedure", "remedy": "recount", "board": "il", "filer": "İl", "title": "Dava " + name}
		for k, v := range subject {
			body[k] = v
		}
		var c caseJSON
		e.do("POST", "/api/v1/cases", lawyer, body).decode(t, http.StatusCreated, &c)
		made[name] = c.ID
	}
	var list struct {
		Cases []caseJSON `json:"cases"`
	}
	e.do("GET", "/api/v1/cases", lawyerAdal, nil).decode(t, http.StatusOK, &list)
	for _, c := range list.Cases {
		if r := e.do("GET", "/api/v1/cases/"+string(c.ID), lawyerAdal, nil); r.status != http.StatusOK {
			t.Errorf("GET /cases lists %s (%q, boxes %v, evidence %d) to the Adalar lawyer, but opening it answers %d",
				c.ID, c.Title, c.Boxes, len(c.Evidence), r.status)
		}
	}
	var board struct {
		Soon    []caseJSON `json:"soon"`
		Expired []caseJSON `json:"expired"`
	}
	e.do("GET", "/api/v1/deadlines?hours=720", lawyerAdal, nil).decode(t, http.StatusOK, &board)
	for _, c := range append(board.Soon, board.Expired...) {
		if r := e.do("GET", "/api/v1/cases/"+string(c.ID), lawyerAdal, nil); r.status != http.StatusOK {
			t.Errorf("the deadline board shows %s to the Adalar lawyer, who may not open it (%d)", c.ID, r.status)
		}
	}
	csv := e.browser(lawyerAdal).get("/itiraz.csv")
	for name, id := range made {
		if !strings.Contains(string(csv.body), string(id)) {
			continue
		}
		if r := e.do("GET", "/api/v1/cases/"+string(id), lawyerAdal, nil); r.status != http.StatusOK {
			t.Errorf("/itiraz.csv lists the %s case %s, which the Adalar lawyer may not open (%d)", name, id, r.status)
		}
	}
}

// Drafting from discrepancies checks whether a named box is a discrepancy
// before it checks the user's areas, so the answer for a box outside them
// says whether its official figures differ from its sheet: 422 "not a
// discrepancy" before YSK publishes a different figure, 403 after. Both
// must be the same refusal, and an area wholly outside the user's must be
// refused rather than reported as having no discrepancy.
func TestReviewDraftFromDiscrepanciesRevealsNothingOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	path := "/api/v1/races/" + raceIST + "/cases/from-discrepancies"
	body := map[string]any{"area": "34", "boxes": []string{box3}}

	// box3 verified, no official figures yet: not a discrepancy.
	e.submit(observer2, sheet("dd-1", raceIST, box3, 70, 60, 1))
	e.settle(e.submit(volunteer, sheet("dd-2", raceIST, box3, 70, 60, 1)).Seq)
	before := e.do("POST", path, lawyerAdal, body)
	wholeBefore := e.do("POST", path, lawyerAdal, map[string]any{"area": "34.02"})
	// The comparison page's form takes the same path.
	page := e.browser(lawyerAdal).post("/races/"+raceIST+"/areas/34.02.01/cases", url.Values{"box": {box3}})

	e.official(box3, 60, 70, 1) // now it is one
	after := e.do("POST", path, lawyerAdal, body)
	wholeAfter := e.do("POST", path, lawyerAdal, map[string]any{"area": "34.02"})

	if before.status != http.StatusForbidden || after.status != http.StatusForbidden {
		t.Errorf("naming box3 (outside the user's areas): %d before YSK's figures, %d after; want 403 both times, so that the answer does not say whether box3 is a discrepancy.\nbefore: %s\nafter: %s",
			before.status, after.status, before.body, after.body)
	}
	if wholeBefore.status != http.StatusForbidden || wholeAfter.status != http.StatusForbidden {
		t.Errorf("drafting for Beşiktaş (outside the user's areas): %d, then %d; want 403, not \"no discrepancies\".\nafter: %s",
			wholeBefore.status, wholeAfter.status, wholeAfter.body)
	}
	if page.status != http.StatusForbidden {
		t.Errorf("the comparison page's form drafting on box3 for the Adalar lawyer: %d, want 403", page.status)
	}
}

// A live box stream checks the user's right to the box once, when it
// opens. When an administrator withdraws the area, the user's next
// request is refused, but the open stream keeps delivering the box's
// changes: it must end (as it does when the session ends), or at least
// send nothing more.
func TestReviewLiveBoxEndsWhenTheAreaIsWithdrawn(t *testing.T) {
	e := newScopedEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond; c.keepAlive = 20 * time.Millisecond })
	b := e.browser(coordAdal)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.stream(ctx, "/races/"+raceIST+"/boxes/"+box2+"/live")
	s.next(t)
	if _, err := e.center.AssignAreas(t.Context(), coordAdal, []sandik.AreaCode{"34.02"}); err != nil {
		t.Fatal(err)
	}
	if r := b.get("/races/" + raceIST + "/boxes/" + box2); r.status != http.StatusForbidden {
		t.Fatalf("control: box2 page after the area was withdrawn: %d, want 403", r.status)
	}
	rec := e.submit(observer1, sheet("lw-1", raceIST, box2, 10, 20, 1))
	deadline := time.NewTimer(5 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return // ended: as wanted
			}
			if ev.event != "totals" {
				continue
			}
			var p livePayload
			if err := json.Unmarshal(ev.data, &p); err != nil {
				t.Fatal(err)
			}
			if p.Seq >= rec.Seq {
				t.Fatalf("after box2 left the coordinator's areas, their open stream still sends box2's changes: %+v", p)
			}
		case <-deadline.C:
			return // open but silent about box2: acceptable too
		}
	}
}

// A refusal of a case names the first of its subjects outside the user's
// areas. The user gave only an opaque case id, so the refusal tells them
// which box or area the case is about. It should say the case is outside
// their areas without naming what it is about.
func TestReviewCaseRefusalDoesNotNameItsSubjects(t *testing.T) {
	e := newScopedEnv(t)
	fx := newCaseFixture(e)
	for _, p := range []string{"/api/v1/cases/" + string(fx.id), "/api/v1/cases/" + string(fx.id) + "/petition"} {
		r := e.do("GET", p, lawyerAdal, nil)
		if r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Fatalf("%s for the Adalar lawyer: %d", p, r.status)
		}
		if strings.Contains(string(r.body), box3) {
			t.Errorf("%s: the refusal names the case's box: %s", p, r.body)
		}
	}
	r := e.browser(lawyerAdal).get("/itiraz/" + string(fx.id))
	if strings.Contains(string(r.body), box3) {
		t.Errorf("case page refusal (%d) names the case's box", r.status)
	}
}

// The overview and the exports are for coordinators, who see every
// entry; but a district coordinator sees entries only in their district.
// Below a mahalle the children are boxes, so the overview, its live
// stream and the exports of Levent give each Beşiktaş box's own figures
// (a pending box's first entry) to the Adalar coordinator, who is refused
// the same box's page. Boxes outside the user's areas should be left out
// (or the area refused).
func TestReviewOverviewAndExportsOmitBoxesOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	e.settle(e.submit(observer2, sheet("ov-1", raceIST, box3, 77, 55, 4)).Seq)
	b := e.browser(coordAdal)
	if r := b.get("/races/" + raceIST + "/boxes/" + box3); r.status != http.StatusForbidden {
		t.Fatalf("control: box3's page for the Adalar coordinator: %d, want 403", r.status)
	}
	// The overview's row of box3 shows its valid votes (77+55+4 = 136).
	page := b.get("/races/" + raceIST + "/areas/34.02.01")
	if page.status == http.StatusOK && strings.Contains(string(page.body), `data-k="`+box3+`.valid">136<`) {
		t.Errorf("the Levent overview gives the Adalar coordinator box3's figures")
	}
	for _, p := range []string{
		"/races/" + raceIST + "/areas/34.02.01/export.csv",
		"/races/" + raceIST + "/areas/" + box3 + "/export.csv",
	} {
		r := b.get(p)
		if r.status != http.StatusOK {
			continue
		}
		for _, line := range strings.Split(string(r.body), "\n") {
			if f := strings.Split(line, ";"); len(f) > 11 && f[0] == box3 && f[11] == "77" {
				t.Errorf("%s gives the Adalar coordinator box3's first entry: %s", p, line)
			}
		}
	}
}

// The conflict queue's stream is shared by every unscoped coordinator
// under one key, and the key is chosen when the stream opens. A
// coordinator who is given areas while watching keeps receiving the
// rendering made for the whole centre: the count of Beşiktaş conflicts
// included. The stream must end, switch to the user's own queue, or at
// least fall silent.
func TestReviewLiveConflictsFollowANewAssignment(t *testing.T) {
	e := newScopedEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond; c.keepAlive = 20 * time.Millisecond })
	b := e.browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.stream(ctx, "/races/"+raceIST+"/conflicts/live")
	s.next(t)
	if _, err := e.center.AssignAreas(t.Context(), coordinator, []sandik.AreaCode{"34.01"}); err != nil {
		t.Fatal(err)
	}
	// A conflict in Beşiktaş, outside the coordinator's new area.
	e.submit(observer2, sheet("lc-1", raceIST, box3, 10, 20, 1))
	rec := e.submit(volunteer, sheet("lc-2", raceIST, box3, 11, 19, 1))
	e.settle(rec.Seq)
	if r := b.get("/races/" + raceIST + "/conflicts"); r.status != http.StatusOK || strings.Contains(string(r.body), box3) {
		t.Fatalf("control: the reloaded queue (%d) should hold no Beşiktaş box", r.status)
	}
	deadline := time.NewTimer(5 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return // ended: as wanted
			}
			if ev.event != "totals" {
				continue
			}
			var p livePayload
			if err := json.Unmarshal(ev.data, &p); err != nil {
				t.Fatal(err)
			}
			// Adalar has no conflict; the one counted is Beşiktaş's.
			if p.Seq >= rec.Seq && strings.Contains(p.K["count"], "1") {
				t.Fatalf("the coordinator, now of Adalar only, still receives the whole centre's queue: %q", p.K["count"])
			}
		case <-deadline.C:
			return // open but silent: acceptable too
		}
	}
}
