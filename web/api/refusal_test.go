package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// A refused sheet or box answers in the reader's language, Turkish unless
// the request asks for English, with the same codes, fields and rules.
func TestRefusalsFollowTheReadersLanguage(t *testing.T) {
	e := newScopedEnv(t)
	bad := sheet("rf-1", raceIST, box1, 100, 90, 10)
	bad["valid_total"] = 212 // the votes add up to 200
	bad["valid_without_objection"] = 212
	bad["voted"] = 215

	tr := e.Do("POST", "/api/v1/submissions", observer1, bad).APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, tr, "votes", sandik.RuleChoicesSum)
	if tr.Code != sandik.EInvalid || tr.Message != "Gönderilen veri geçerli değil; sorunlar alanlarıyla birlikte listelendi." {
		t.Errorf("Turkish refusal: %+v", tr)
	}
	if p := tr.Problems[0]; p.Message != "Geçerli oy toplamı partilerin toplamından 12 fazla." || p.Want == nil || *p.Want != 212 {
		t.Errorf("Turkish problem: %+v", p)
	}
	for _, asked := range [][]string{{"Accept-Language", "en-GB,en;q=0.8,tr;q=0.5"}, {}} {
		path := "/api/v1/submissions"
		if len(asked) == 0 {
			path += "?lang=en"
		}
		en := e.Do("POST", path, observer1, bad, asked...).APIError(t, http.StatusUnprocessableEntity)
		webtest.HasProblem(t, en, "votes", sandik.RuleChoicesSum)
		if !strings.Contains(en.Problems[0].Message, "votes per choice add up to 200") {
			t.Errorf("English asked by %v: %+v", asked, en)
		}
	}
	// Turkish first in the header, or a language the catalogue lacks, is
	// Turkish.
	for _, header := range []string{"tr-TR,en;q=0.5", "de-DE"} {
		d := e.Do("POST", "/api/v1/submissions", observer1, bad, "Accept-Language", header).APIError(t, http.StatusUnprocessableEntity)
		if !strings.Contains(d.Problems[0].Message, "12 fazla") {
			t.Errorf("%s: %+v", header, d)
		}
	}

	// A box outside the observer's areas: read and written.
	for _, r := range []webtest.Response{
		e.Do("GET", "/api/v1/races/"+raceIST+"/boxes/"+box2, obsBox1, nil),
		e.Do("POST", "/api/v1/submissions", obsBox1, sheet("rf-2", raceIST, box2, 1, 2, 3)),
	} {
		d := r.APIError(t, http.StatusForbidden)
		if d.Code != sandik.EForbidden || d.Message != "Bu sandık ya da bölge yetki alanınızın dışında." {
			t.Errorf("refused box: %+v", d)
		}
	}
	// A box that does not exist, named in the problem's field.
	d := e.Do("POST", "/api/v1/submissions", observer1, sheet("rf-3", raceIST, "34.99", 1, 2, 3)).APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, d, "box", sandik.RuleUnknownBox)
	if !strings.Contains(string(e.Do("POST", "/api/v1/submissions", observer1, sheet("rf-3", raceIST, "34.99", 1, 2, 3)).Body), "Böyle bir sandık yok.") {
		t.Error("unknown box not said in Turkish")
	}
	if e.LastSeq() != 0 {
		t.Fatalf("a refused sheet was written: log at %d", e.LastSeq())
	}
}
