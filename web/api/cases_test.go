package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/web/casefile"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// caseRequest returns a valid request of a case route about f's case.
func caseRequest(f *webtest.CaseFixture, pattern string) (string, any, []string) {
	_, path, _ := strings.Cut(pattern, " ")
	path = strings.NewReplacer("{id}", string(f.ID), "{sha256}", f.Evidence, "{race}", raceIST).Replace(path)
	version := func() int {
		c, err := f.Env.Center.View(operator).Case(f.Env.T.Context(), f.ID)
		if err != nil {
			f.Env.T.Fatal(err)
		}
		return c.Version
	}
	switch pattern {
	case "POST /api/v1/cases":
		return path, map[string]any{"race": raceIST, "areas": []string{"34.02"}, "ground": "procedure", "remedy": "annulment",
			"board": "il", "filer": "x", "title": "y"}, nil
	case "POST /api/v1/cases/{id}/changes":
		return path, map[string]any{"version": version(), "kind": "edited", "draft": map[string]any{"race": raceIST, "boxes": []string{box3},
			"ground": "discrepancy", "remedy": "recount", "board": "ilce", "filer": "İl Başkanlığı", "title": "Beşiktaş 2001"}}, nil
	case "POST /api/v1/cases/{id}/evidence":
		return fmt.Sprintf("%s?version=%d&name=ek.pdf", path, version()), "PDF", []string{"Content-Type", "application/pdf"}
	case "POST /api/v1/races/{race}/cases/from-discrepancies":
		return path, map[string]any{"area": "34"}, nil
	}
	return path, nil, nil
}

func TestObjectionsAPI(t *testing.T) {
	e := newEnv(t)
	fx := webtest.NewCaseFixture(e.Env)
	var drafts struct {
		Cases []casefile.Case `json:"cases"`
		Held  []center.Held   `json:"held"`
	}
	// Box3 is in the fixture's open case: no second case is made, and
	// the answer names the case that holds it.
	e.Do("POST", "/api/v1/races/"+raceIST+"/cases/from-discrepancies", lawyer, map[string]any{"area": "34", "boxes": []string{box3}}).
		Decode(t, http.StatusOK, &drafts)
	if len(drafts.Cases) != 0 || len(drafts.Held) != 1 || drafts.Held[0].Box != box3 || drafts.Held[0].Case != fx.ID {
		t.Fatalf("drafting a held box: %+v", drafts)
	}
	// Withdrawn, the fixture's case frees the box.
	e.Do("POST", "/api/v1/cases/"+string(fx.ID)+"/changes", lawyer, map[string]any{"version": fx.Version(), "kind": "withdrawn", "reason": "yeni dosya"}).
		Decode(t, http.StatusOK, new(casefile.Case))
	e.Do("POST", "/api/v1/races/"+raceIST+"/cases/from-discrepancies", lawyer, map[string]any{"area": "34", "boxes": []string{box3}}).
		Decode(t, http.StatusCreated, &drafts)
	if len(drafts.Cases) != 1 || drafts.Cases[0].Claim[0] != 10 || drafts.Cases[0].Claim[1] != -10 || drafts.Cases[0].Board != itiraz.BoardIlce {
		t.Fatalf("drafts %+v", drafts.Cases)
	}
	id := drafts.Cases[0].ID
	// The election was on 31 March 2019 (a Sunday): until Tuesday 15:00.
	if want := time.Date(2019, 4, 2, 15, 0, 0, 0, itiraz.Istanbul()); !drafts.Cases[0].Deadline.Equal(want) {
		t.Errorf("deadline %s, want %s", drafts.Cases[0].Deadline, want)
	}
	// testNow is 31 March 23:00 in İstanbul: the draft is due within 48 hours.
	var board struct {
		Soon    []casefile.Case `json:"soon"`
		Expired []casefile.Case `json:"expired"`
	}
	e.Do("GET", "/api/v1/deadlines?hours=48", lawyer, nil).Decode(t, http.StatusOK, &board)
	if len(board.Soon) != 1 || len(board.Expired) != 0 {
		t.Errorf("deadline board: %d soon, %d expired", len(board.Soon), len(board.Expired))
	}
	e.Do("GET", "/api/v1/deadlines?hours=1", lawyer, nil).Decode(t, http.StatusOK, &board)
	if len(board.Soon) != 0 {
		t.Errorf("due within an hour: %d", len(board.Soon))
	}
	var c casefile.Case
	e.Do("POST", "/api/v1/cases/"+string(id)+"/changes", lawyer, map[string]any{"version": 1, "kind": "filed", "reference": "2019/7"}).
		Decode(t, http.StatusOK, &c)
	if c.Status != itiraz.StatusFiled || c.Reference != "2019/7" || c.Late {
		t.Errorf("filed %+v", c)
	}
	d := e.Do("POST", "/api/v1/cases/"+string(id)+"/changes", lawyer, map[string]any{"version": 2, "kind": "appealed"}).APIError(t, http.StatusUnprocessableEntity)
	if !strings.Contains(d.Message+fmt.Sprint(d.Problems), "only rejected or partly accepted") {
		t.Errorf("appeal of a filed case: %+v", d)
	}
	e.Do("POST", "/api/v1/cases/"+string(id)+"/changes", lawyer, map[string]any{"version": 1, "kind": "withdrawn", "reason": "x"}).
		APIError(t, http.StatusConflict)
	e.Do("POST", "/api/v1/cases/"+string(id)+"/changes", lawyer, map[string]any{"version": 2, "kind": "decided", "outcome": "accepted"}).
		Decode(t, http.StatusOK, &c)
	var m itiraz.Margins
	e.Do("GET", "/api/v1/races/"+raceIST+"/margins?a=CHP&b=AKP", lawyer, nil).Decode(t, http.StatusOK, &m)
	// Official box3: CHP 60, AKP 70 → -10; the accepted case gives CHP 10 back and takes 10 from AKP.
	if m.Counted != -10 || m.AsDecided != 10 || m.IfOpenUpheld != -10 {
		t.Errorf("margins %+v", m)
	}

	// The petition names the board and the figures.
	r := e.Do("GET", "/api/v1/cases/"+string(fx.ID)+"/petition", lawyer, nil)
	page := string(r.Body)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(page, "Beşiktaş İlçe Seçim Kurulu Başkanlığına") || !strings.Contains(page, "298 sayılı Kanun m. 128") ||
		!strings.Contains(page, "tutanak.jpg") || !strings.Contains(page, "yeniden sayılmasına") {
		t.Errorf("petition %d:\n%s", r.Status, page)
	}
	// Evidence comes back as an attachment, byte for byte.
	r = e.Do("GET", "/api/v1/evidence/"+fx.Evidence, lawyer, nil)
	if r.Status != http.StatusOK || string(r.Body) != "JPEG" || r.Header.Get("Content-Type") != "application/octet-stream" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("evidence %d %v", r.Status, r.Header)
	}
	e.Do("GET", "/api/v1/evidence/"+strings.Repeat("0", 64), lawyer, nil).APIError(t, http.StatusNotFound)
	e.Do("GET", "/api/v1/evidence/xyz", lawyer, nil).APIError(t, http.StatusBadRequest)

	// CSV of the cases.
	r = e.Do("GET", "/api/v1/cases?format=csv", lawyer, nil)
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.Body), "\ufeff")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil || len(rows) != 3 || rows[0][0] != "Dosya" || !strings.Contains(rows[1][2]+rows[2][2], "Beşiktaş İlçe Seçim Kurulu") {
		t.Errorf("cases csv %v %v", err, rows)
	}
	if r := e.Do("GET", "/api/v1/cases?format=csv&lang=en", lawyer, nil); !strings.Contains(string(r.Body), "Beşiktaş District Election Board") {
		t.Errorf("cases csv in English:\n%s", r.Body)
	}
	e.Do("GET", "/api/v1/cases?format=csv&lang=de", lawyer, nil).APIError(t, http.StatusBadRequest)
	var list struct {
		Cases []casefile.Case `json:"cases"`
	}
	e.Do("GET", "/api/v1/cases?status=accepted", lawyer, nil).Decode(t, http.StatusOK, &list)
	if len(list.Cases) != 1 || list.Cases[0].ID != id {
		t.Errorf("accepted cases %+v", list.Cases)
	}
	e.Do("GET", "/api/v1/cases?status=lost", lawyer, nil).APIError(t, http.StatusBadRequest)

	// Bad bodies name their field.
	d = e.Do("POST", "/api/v1/cases", lawyer, map[string]any{"race": raceIST, "boxes": []string{"nope"}, "ground": "discrepancy",
		"remedy": "recount", "board": "ilce", "filer": "x", "title": "y"}).APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, d, "boxes[0]", sandik.RuleUnknownBox)
	d = e.Do("POST", "/api/v1/cases", lawyer, map[string]any{"race": raceIST, "colour": "red"}).APIError(t, http.StatusBadRequest)
	if len(d.Problems) == 0 || d.Problems[0].Field != "colour" {
		t.Errorf("unknown field: %+v", d)
	}
	e.Do("POST", "/api/v1/cases/"+string(fx.ID)+"/evidence?name=x.jpg", lawyer, "JPEG", "Content-Type", "image/jpeg").APIError(t, http.StatusBadRequest)
	e.Do("POST", "/api/v1/cases/"+string(fx.ID)+"/evidence?version=3&name=x.jpg", lawyer, "", "Content-Type", "image/jpeg").
		APIError(t, http.StatusUnprocessableEntity)
}
