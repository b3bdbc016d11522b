package web

// Tests of user areas across the two rooms: a case, its evidence and its
// petition, the case list and drafts from discrepancies, reached through
// the API and the pages alike, must reveal nothing outside the user's
// areas. Each checks a control first, so that it fails for the reason it
// names.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/web/casefile"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// Evidence is served by checksum to anyone who may handle objections. The
// case it belongs to (about box3) is refused to an Adalar lawyer; its
// documents must be too.
func TestReviewEvidenceOfACaseOutsideAreas(t *testing.T) {
	e := newScopedEnv(t)
	fx := webtest.NewCaseFixture(e.Env)
	if r := e.Do("GET", "/api/v1/cases/"+string(fx.ID), lawyerAdal, nil); r.Status != http.StatusForbidden {
		t.Fatalf("control: the box3 case for the Adalar lawyer: %d, want 403", r.Status)
	}
	if r := e.Do("GET", "/api/v1/evidence/"+fx.Evidence, lawyerAdal, nil); r.Status == http.StatusOK {
		t.Errorf("the Adalar lawyer downloads the evidence of a Beşiktaş case (%q)", r.Body)
	}
	if r := e.Browser(coordAdal).Get("/evidence/" + fx.Evidence); r.Status == http.StatusOK {
		t.Errorf("the Adalar coordinator downloads the evidence of a Beşiktaş case from the page route (%q)", r.Body)
	}
}

// A case list must hold only cases the user may open. Cases about Adalar
// and Beşiktaş together, or about all of İstanbul, are refused to an
// Adalar lawyer by GET /cases/{id}, yet listed with all their content
// (title, body, claim, evidence checksums) by GET /cases, the deadline
// board and the CSV.
func TestReviewCaseListHoldsOnlyCasesTheUserMayOpen(t *testing.T) {
	e := newScopedEnv(t)
	fx := webtest.NewCaseFixture(e.Env) // about box3 only, with evidence
	made := map[string]itiraz.CaseID{"box3": fx.ID}
	for name, subject := range map[string]map[string]any{
		"box2+box3": {"boxes": []string{box2, box3}},
		"İstanbul":  {"areas": []string{"34"}},
	} {
		body := map[string]any{"race": raceIST, "ground": "procedure", "remedy": "recount", "board": "il", "filer": "İl", "title": "Dava " + name}
		for k, v := range subject {
			body[k] = v
		}
		var c casefile.Case
		e.Do("POST", "/api/v1/cases", lawyer, body).Decode(t, http.StatusCreated, &c)
		made[name] = c.ID
	}
	var list struct {
		Cases []casefile.Case `json:"cases"`
	}
	e.Do("GET", "/api/v1/cases", lawyerAdal, nil).Decode(t, http.StatusOK, &list)
	for _, c := range list.Cases {
		if r := e.Do("GET", "/api/v1/cases/"+string(c.ID), lawyerAdal, nil); r.Status != http.StatusOK {
			t.Errorf("GET /cases lists %s (%q, boxes %v, evidence %d) to the Adalar lawyer, but opening it answers %d",
				c.ID, c.Title, c.Boxes, len(c.Evidence), r.Status)
		}
	}
	var board struct {
		Soon    []casefile.Case `json:"soon"`
		Expired []casefile.Case `json:"expired"`
	}
	e.Do("GET", "/api/v1/deadlines?hours=720", lawyerAdal, nil).Decode(t, http.StatusOK, &board)
	for _, c := range append(board.Soon, board.Expired...) {
		if r := e.Do("GET", "/api/v1/cases/"+string(c.ID), lawyerAdal, nil); r.Status != http.StatusOK {
			t.Errorf("the deadline board shows %s to the Adalar lawyer, who may not open it (%d)", c.ID, r.Status)
		}
	}
	csv := e.Browser(lawyerAdal).Get("/itiraz.csv")
	for name, id := range made {
		if !strings.Contains(string(csv.Body), string(id)) {
			continue
		}
		if r := e.Do("GET", "/api/v1/cases/"+string(id), lawyerAdal, nil); r.Status != http.StatusOK {
			t.Errorf("/itiraz.csv lists the %s case %s, which the Adalar lawyer may not open (%d)", name, id, r.Status)
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
	e.Settle(e.submit(volunteer, sheet("dd-2", raceIST, box3, 70, 60, 1)).Seq)
	before := e.Do("POST", path, lawyerAdal, body)
	wholeBefore := e.Do("POST", path, lawyerAdal, map[string]any{"area": "34.02"})
	// The comparison page's form takes the same path.
	page := e.Browser(lawyerAdal).Post("/races/"+raceIST+"/areas/34.02.01/cases", url.Values{"box": {box3}})

	e.Official(box3, 60, 70, 1) // now it is one
	after := e.Do("POST", path, lawyerAdal, body)
	wholeAfter := e.Do("POST", path, lawyerAdal, map[string]any{"area": "34.02"})

	if before.Status != http.StatusForbidden || after.Status != http.StatusForbidden {
		t.Errorf("naming box3 (outside the user's areas): %d before YSK's figures, %d after; want 403 both times, so that the answer does not say whether box3 is a discrepancy.\nbefore: %s\nafter: %s",
			before.Status, after.Status, before.Body, after.Body)
	}
	if wholeBefore.Status != http.StatusForbidden || wholeAfter.Status != http.StatusForbidden {
		t.Errorf("drafting for Beşiktaş (outside the user's areas): %d, then %d; want 403, not \"no discrepancies\".\nafter: %s",
			wholeBefore.Status, wholeAfter.Status, wholeAfter.Body)
	}
	if page.Status != http.StatusForbidden {
		t.Errorf("the comparison page's form drafting on box3 for the Adalar lawyer: %d, want 403", page.Status)
	}
}

// A refusal of a case names the first of its subjects outside the user's
// areas. The user gave only an opaque case id, so the refusal tells them
// which box or area the case is about. It should say the case is outside
// their areas without naming what it is about.
func TestReviewCaseRefusalDoesNotNameItsSubjects(t *testing.T) {
	e := newScopedEnv(t)
	fx := webtest.NewCaseFixture(e.Env)
	for _, p := range []string{"/api/v1/cases/" + string(fx.ID), "/api/v1/cases/" + string(fx.ID) + "/petition"} {
		r := e.Do("GET", p, lawyerAdal, nil)
		if r.Status != http.StatusForbidden && r.Status != http.StatusNotFound {
			t.Fatalf("%s for the Adalar lawyer: %d", p, r.Status)
		}
		if strings.Contains(string(r.Body), box3) {
			t.Errorf("%s: the refusal names the case's box: %s", p, r.Body)
		}
	}
	r := e.Browser(lawyerAdal).Get("/itiraz/" + string(fx.ID))
	if strings.Contains(string(r.Body), box3) {
		t.Errorf("case page refusal (%d) names the case's box", r.Status)
	}
}
