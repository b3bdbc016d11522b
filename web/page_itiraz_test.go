package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/itiraz"
)

func TestComparisonAndCasePages(t *testing.T) {
	e := newEnv(t)
	fx := newCaseFixture(e)
	b := e.browser(lawyer)
	page := b.page("/races/"+raceIST+"/areas/34/comparison", http.StatusOK)
	mustContain(t, page, "Resmî sonuçlarla karşılaştırma", "Beşiktaş", "−20", `name="box" value="`+box3+`"`, "Olağan dışı sandıklar")
	r := b.get("/races/" + raceIST + "/areas/34/comparison.csv")
	if r.status != http.StatusOK || !strings.Contains(string(r.body), box3) {
		t.Fatalf("csv %d %s", r.status, r.body)
	}
	// A box that is no discrepancy cannot be made a case; nothing is made.
	if r := b.post("/races/"+raceIST+"/areas/34/cases", url.Values{"box": {box1}}); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("draft from an equal box: %d", r.status)
	}
	if r := b.post("/races/"+raceIST+"/areas/34/cases", url.Values{"box": {box3}, "filer": {"İl Başkanlığı"}}); r.status != http.StatusSeeOther ||
		r.header.Get("Location") != "/itiraz?made=1" {
		t.Fatalf("draft: %d %v", r.status, r.header)
	}
	// Sorting and tuning on the page.
	mustContain(t, b.page("/races/"+raceIST+"/areas/34/comparison?sort=box&min_group_size=5", http.StatusOK),
		`<strong aria-current="true">sandık kodu</strong>`, `name="min_group_size" value="5"`)
	if r := b.get("/races/" + raceIST + "/areas/34/comparison?sort=size"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad sort: %d", r.status)
	}
	if r := b.get("/races/" + raceIST + "/areas/34/comparison?turnout_z=abc"); r.status != http.StatusBadRequest {
		t.Errorf("bad threshold: %d", r.status)
	}
	board := b.page("/itiraz?made=1", http.StatusOK)
	mustContain(t, board, "1 taslak oluşturuldu.", "Süresi yaklaşanlar", "İlçe seçim kurulu", "Sonuca etkisi", `href="/itiraz.csv"`)
	if r := b.get("/itiraz.csv"); r.status != http.StatusOK || !strings.Contains(string(r.body), "dosya") {
		t.Errorf("cases csv: %d", r.status)
	}

	// File, decide partly, appeal: the case page's forms.
	id := string(fx.id)
	steps := []url.Values{
		{"version": {"2"}, "kind": {"filed"}, "reference": {"2019/5"}, "when": {"2019-04-01T10:30"}},
		{"version": {"3"}, "kind": {"decided"}, "outcome": {"partly_accepted"}, "decision": {"kısmen"}, "when": {"2019-04-02T16:00"}, "granted0": {"4"}, "granted1": {"-4"}, "granted2": {"0"}},
		{"version": {"4"}, "kind": {"appealed"}, "when": {"2019-04-03T09:00"}},
	}
	for _, f := range steps {
		if r := b.post("/itiraz/"+id, f); r.status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", f.Get("kind"), r.status, r.body)
		}
	}
	c, err := e.center.View(operator).Case(t.Context(), fx.id)
	if err != nil || c.Status != itiraz.StatusAppealed || c.Board != itiraz.BoardIl || c.Granted[0] != 4 || c.Reference != "" ||
		c.FiledAt.IsZero() {
		t.Fatalf("case after the forms: %v %+v", err, c)
	}
	// A stale form is refused, the case unchanged.
	if r := b.post("/itiraz/"+id, url.Values{"version": {"2"}, "kind": {"withdrawn"}, "reason": {"x"}}); r.status != http.StatusConflict {
		t.Errorf("stale form: %d", r.status)
	}
	if r := b.post("/itiraz/"+id, url.Values{"version": {"5"}, "kind": {"filed"}, "when": {"dün"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad time: %d", r.status)
	}
	// The error page says why.
	r = b.post("/itiraz/"+id, url.Values{"version": {"5"}, "kind": {"decided"}, "outcome": {"accepted"}, "when": {"2019-03-01T10:00"}})
	mustContain(t, string(r.body), "not before the filing")
	if r := b.upload("/itiraz/"+id+"/evidence", 5, "karar.pdf", "application/pdf", "%PDF"); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	casePage := b.page("/itiraz/"+id, http.StatusOK)
	mustContain(t, casePage, "üst kurulda", "İl seçim kurulu", "karar.pdf", "tutanak.jpg", "&#43;4", "Kararla verilen")
	en := b.page("/lang/en?next=/itiraz/"+id, http.StatusSeeOther)
	_ = en
	mustContain(t, b.page("/itiraz/"+id, http.StatusOK), "Provincial election board", "appealed")
}

func TestLeftText(t *testing.T) {
	tr, en := &lang{Code: "tr"}, &lang{Code: "en"}
	for _, tc := range []struct {
		l    *lang
		d    time.Duration
		want string
	}{
		{tr, 23*time.Hour + 22*time.Minute, "23 sa 22 dk"},
		{tr, -(90 * time.Minute), "1 sa 30 dk önce"},
		{tr, 47*time.Hour + 59*time.Minute, "47 sa 59 dk"},
		{tr, -(2792*24*time.Hour + 5*time.Hour), "2.792 gün önce"},
		{en, 72 * time.Hour, "3 days"},
		{en, -(30 * time.Minute), "0 h 30 min ago"},
	} {
		if got := leftText(tc.l, tc.d); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.l.Code, tc.d, got, tc.want)
		}
	}
}
