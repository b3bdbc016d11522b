package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
)

// caseFixture is a case and a piece of evidence for route tests, and a
// discrepancy at box3 to draft cases from.
type caseFixture struct {
	e        *env
	id       itiraz.CaseID
	evidence string
}

func newCaseFixture(e *env) *caseFixture {
	e.t.Helper()
	// box3: two agreeing entries; YSK published other figures.
	e.submit(observer2, sheet("fx-1", raceIST, box3, 70, 60, 1))
	e.settle(e.submit(volunteer, sheet("fx-2", raceIST, box3, 70, 60, 1)).Seq)
	e.official(box3, 60, 70, 1)
	var c caseJSON
	e.do("POST", "/api/v1/cases", lawyer, map[string]any{"race": raceIST, "boxes": []string{box3}, "ground": "discrepancy",
		"remedy": "recount", "board": "ilce", "filer": "İl Başkanlığı", "title": "Beşiktaş 2001"}).decode(e.t, http.StatusCreated, &c)
	var withEv caseJSON
	e.do("POST", fmt.Sprintf("/api/v1/cases/%s/evidence?version=1&name=tutanak.jpg", c.ID), lawyer, "JPEG",
		"Content-Type", "image/jpeg").decode(e.t, http.StatusCreated, &withEv)
	return &caseFixture{e: e, id: c.ID, evidence: withEv.Evidence[0].SHA256}
}

// request returns a valid request of a case route.
func (f *caseFixture) request(pattern string) (string, any, []string) {
	_, path, _ := strings.Cut(pattern, " ")
	path = strings.NewReplacer("{id}", string(f.id), "{sha256}", f.evidence, "{race}", raceIST).Replace(path)
	version := func() int {
		c, err := f.e.center.View(operator).Case(f.e.t.Context(), f.id)
		if err != nil {
			f.e.t.Fatal(err)
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
	fx := newCaseFixture(e)
	var drafts struct {
		Cases []caseJSON `json:"cases"`
	}
	e.do("POST", "/api/v1/races/"+raceIST+"/cases/from-discrepancies", lawyer, map[string]any{"area": "34", "boxes": []string{box3}}).
		decode(t, http.StatusCreated, &drafts)
	if len(drafts.Cases) != 1 || drafts.Cases[0].Claim[0] != 10 || drafts.Cases[0].Claim[1] != -10 || drafts.Cases[0].Board != itiraz.BoardIlce {
		t.Fatalf("drafts %+v", drafts.Cases)
	}
	id := drafts.Cases[0].ID
	// The election was on 31 March 2019 (a Sunday): until Tuesday 15:00.
	if want := time.Date(2019, 4, 2, 15, 0, 0, 0, itiraz.Istanbul()); !drafts.Cases[0].Deadline.Equal(want) {
		t.Errorf("deadline %s, want %s", drafts.Cases[0].Deadline, want)
	}
	// testNow is 31 March 23:00 in İstanbul: both drafts are due within 48 hours.
	var board struct {
		Soon    []caseJSON `json:"soon"`
		Expired []caseJSON `json:"expired"`
	}
	e.do("GET", "/api/v1/deadlines?hours=48", lawyer, nil).decode(t, http.StatusOK, &board)
	if len(board.Soon) != 2 || len(board.Expired) != 0 {
		t.Errorf("deadline board: %d soon, %d expired", len(board.Soon), len(board.Expired))
	}
	e.do("GET", "/api/v1/deadlines?hours=1", lawyer, nil).decode(t, http.StatusOK, &board)
	if len(board.Soon) != 0 {
		t.Errorf("due within an hour: %d", len(board.Soon))
	}
	var c caseJSON
	e.do("POST", "/api/v1/cases/"+string(id)+"/changes", lawyer, map[string]any{"version": 1, "kind": "filed", "reference": "2019/7"}).
		decode(t, http.StatusOK, &c)
	if c.Status != itiraz.StatusFiled || c.Reference != "2019/7" || c.Late {
		t.Errorf("filed %+v", c)
	}
	d := e.do("POST", "/api/v1/cases/"+string(id)+"/changes", lawyer, map[string]any{"version": 2, "kind": "appealed"}).apiError(t, http.StatusUnprocessableEntity)
	if !strings.Contains(d.Message+fmt.Sprint(d.Problems), "only rejected or partly accepted") {
		t.Errorf("appeal of a filed case: %+v", d)
	}
	e.do("POST", "/api/v1/cases/"+string(id)+"/changes", lawyer, map[string]any{"version": 1, "kind": "withdrawn", "reason": "x"}).
		apiError(t, http.StatusConflict)
	e.do("POST", "/api/v1/cases/"+string(id)+"/changes", lawyer, map[string]any{"version": 2, "kind": "decided", "outcome": "accepted"}).
		decode(t, http.StatusOK, &c)
	var m itiraz.Margins
	e.do("GET", "/api/v1/races/"+raceIST+"/margins?a=CHP&b=AKP", lawyer, nil).decode(t, http.StatusOK, &m)
	// Official box3: CHP 60, AKP 70 → -10; the accepted case gives CHP 10 back and takes 10 from AKP.
	if m.Counted != -10 || m.AsDecided != 10 || m.IfOpenUpheld != -10 {
		t.Errorf("margins %+v", m)
	}

	// The petition names the board and the figures.
	r := e.do("GET", "/api/v1/cases/"+string(fx.id)+"/petition", lawyer, nil)
	page := string(r.body)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(page, "BEŞİKTAŞ İLÇE SEÇİM KURULU BAŞKANLIĞINA") || !strings.Contains(page, "Law 298 art. 128") ||
		!strings.Contains(page, "tutanak.jpg") || !strings.Contains(page, "yeniden sayılmasına") {
		t.Errorf("petition %d:\n%s", r.status, page)
	}
	// Evidence comes back as an attachment, byte for byte.
	r = e.do("GET", "/api/v1/evidence/"+fx.evidence, lawyer, nil)
	if r.status != http.StatusOK || string(r.body) != "JPEG" || r.header.Get("Content-Type") != "application/octet-stream" ||
		!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("evidence %d %v", r.status, r.header)
	}
	e.do("GET", "/api/v1/evidence/"+strings.Repeat("0", 64), lawyer, nil).apiError(t, http.StatusNotFound)
	e.do("GET", "/api/v1/evidence/xyz", lawyer, nil).apiError(t, http.StatusBadRequest)

	// CSV of the cases.
	r = e.do("GET", "/api/v1/cases?format=csv", lawyer, nil)
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][0] != "dosya" {
		t.Errorf("cases csv %v %v", err, rows)
	}
	var list struct {
		Cases []caseJSON `json:"cases"`
	}
	e.do("GET", "/api/v1/cases?status=accepted", lawyer, nil).decode(t, http.StatusOK, &list)
	if len(list.Cases) != 1 || list.Cases[0].ID != id {
		t.Errorf("accepted cases %+v", list.Cases)
	}
	e.do("GET", "/api/v1/cases?status=lost", lawyer, nil).apiError(t, http.StatusBadRequest)

	// Bad bodies name their field.
	d = e.do("POST", "/api/v1/cases", lawyer, map[string]any{"race": raceIST, "boxes": []string{"nope"}, "ground": "discrepancy",
		"remedy": "recount", "board": "ilce", "filer": "x", "title": "y"}).apiError(t, http.StatusUnprocessableEntity)
	hasProblem(t, d, "boxes[0]", sandik.RuleUnknownBox)
	d = e.do("POST", "/api/v1/cases", lawyer, map[string]any{"race": raceIST, "colour": "red"}).apiError(t, http.StatusBadRequest)
	if len(d.Problems) == 0 || d.Problems[0].Field != "colour" {
		t.Errorf("unknown field: %+v", d)
	}
	e.do("POST", "/api/v1/cases/"+string(fx.id)+"/evidence?name=x.jpg", lawyer, "JPEG", "Content-Type", "image/jpeg").apiError(t, http.StatusBadRequest)
	e.do("POST", "/api/v1/cases/"+string(fx.id)+"/evidence?version=2&name=x.jpg", lawyer, "", "Content-Type", "image/jpeg").
		apiError(t, http.StatusUnprocessableEntity)
}

// draft makes a new draft case about box3.
func (f *caseFixture) draft() *itiraz.Case {
	f.e.t.Helper()
	c, err := f.e.center.CreateCase(f.e.t.Context(), sandik.User{ID: lawyer, Role: sandik.RoleLawyer},
		itiraz.Draft{Race: raceIST, Boxes: []sandik.AreaCode{box3}, Ground: itiraz.GroundDiscrepancy, Remedy: itiraz.RemedyRecount,
			Board: itiraz.BoardIlce, Filer: "x", Title: "y"}, time.Time{})
	if err != nil {
		f.e.t.Fatal(err)
	}
	return c
}

// version is the fixture case's current version.
func (f *caseFixture) version() int {
	c, err := f.e.center.View(operator).Case(f.e.t.Context(), f.id)
	if err != nil {
		f.e.t.Fatal(err)
	}
	return c.Version
}

func TestTextCellDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "@a": "'@a", "Maltepe": "Maltepe", "": ""} {
		if got := textCell(in); got != want {
			t.Errorf("textCell(%q) = %q, want %q", in, got, want)
		}
	}
}
