package pages

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

func TestComparisonAndCasePages(t *testing.T) {
	e := newEnv(t)
	fx := webtest.NewCaseFixture(e.Env)
	b := e.Browser(lawyer)
	page := b.Page("/races/"+raceIST+"/areas/34/comparison", http.StatusOK)
	webtest.MustContain(t, page, "Resmî sonuçlarla karşılaştırma", "Beşiktaş", "−20", `name="box" value="`+box3+`"`, "Olağan dışı sandıklar")
	r := b.Get("/races/" + raceIST + "/areas/34/comparison.csv")
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), box3) {
		t.Fatalf("csv %d %s", r.Status, r.Body)
	}
	// A box that is no discrepancy cannot be made a case; nothing is made.
	if r := b.Post("/races/"+raceIST+"/areas/34/cases", url.Values{"box": {box1}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("draft from an equal box: %d", r.Status)
	}
	// Box3 is already in the fixture's case: no second case holds it, and
	// the board says which case does.
	r = b.Post("/races/"+raceIST+"/areas/34/cases", url.Values{"box": {box3}, "filer": {"İl Başkanlığı"}})
	want := "/itiraz?" + (url.Values{"made": {"0"}, "held": {box3}, "nheld": {"1"}, "race": {raceIST}}).Encode()
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != want {
		t.Fatalf("draft: %d %v, want %s", r.Status, r.Header, want)
	}
	webtest.MustContain(t, b.Page(r.Header.Get("Location"), http.StatusOK), "Yeni dosya oluşturulmadı.",
		"1 sandık yeni dosyaya alınmadı", "Levent, 2001 No.lu Sandık — "+string(fx.ID)+" dosyasında")
	// Sorting and tuning on the page.
	webtest.MustContain(t, b.Page("/races/"+raceIST+"/areas/34/comparison?sort=box&min_group_size=5", http.StatusOK),
		`<strong aria-current="true">sandık kodu</strong>`, `name="min_group_size" value="5"`)
	if r := b.Get("/races/" + raceIST + "/areas/34/comparison?sort=size"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad sort: %d", r.Status)
	}
	if r := b.Get("/races/" + raceIST + "/areas/34/comparison?turnout_z=abc"); r.Status != http.StatusBadRequest {
		t.Errorf("bad threshold: %d", r.Status)
	}
	board := b.Page("/itiraz?made=1", http.StatusOK)
	webtest.MustContain(t, board, "1 taslak oluşturuldu.", "Süresi yaklaşanlar", "Beşiktaş İlçe Seçim Kurulu", "Sonuca etkisi", `href="/itiraz.csv"`)
	if r := b.Get("/itiraz.csv"); r.Status != http.StatusOK || !strings.Contains(string(r.Body), "Dosya;Seçim;Kurul") {
		t.Errorf("cases csv: %d", r.Status)
	}

	// File, decide partly, appeal: the case page's forms.
	id := string(fx.ID)
	steps := []url.Values{
		{"version": {"2"}, "kind": {"filed"}, "reference": {"2019/5"}, "when": {"2019-04-01T10:30"}},
		{"version": {"3"}, "kind": {"decided"}, "outcome": {"partly_accepted"}, "decision": {"kısmen"}, "when": {"2019-04-02T16:00"}, "granted0": {"4"}, "granted1": {"-4"}, "granted2": {"0"}},
		{"version": {"4"}, "kind": {"appealed"}, "when": {"2019-04-03T09:00"}},
	}
	for _, f := range steps {
		if r := b.Post("/itiraz/"+id, f); r.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", f.Get("kind"), r.Status, r.Body)
		}
	}
	c, err := e.Center.View(operator).Case(t.Context(), fx.ID)
	if err != nil || c.Status != itiraz.StatusAppealed || c.Board != itiraz.BoardIl || c.Granted[0] != 4 || c.Reference != "" ||
		c.FiledAt.IsZero() {
		t.Fatalf("case after the forms: %v %+v", err, c)
	}
	// A stale form is refused, the case unchanged.
	if r := b.Post("/itiraz/"+id, url.Values{"version": {"2"}, "kind": {"withdrawn"}, "reason": {"x"}}); r.Status != http.StatusConflict {
		t.Errorf("stale form: %d", r.Status)
	}
	if r := b.Post("/itiraz/"+id, url.Values{"version": {"5"}, "kind": {"filed"}, "when": {"dün"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad time: %d", r.Status)
	}
	// The error page says why.
	r = b.Post("/itiraz/"+id, url.Values{"version": {"5"}, "kind": {"decided"}, "outcome": {"accepted"}, "when": {"2019-03-01T10:00"}})
	webtest.MustContain(t, string(r.Body), "not before the filing")
	if r := b.Upload("/itiraz/"+id+"/evidence", 5, "karar.pdf", "application/pdf", "%PDF"); r.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	casePage := b.Page("/itiraz/"+id, http.StatusOK)
	webtest.MustContain(t, casePage, "üst kurulda", "İstanbul İl Seçim Kurulu", "karar.pdf", "tutanak.jpg", "&#43;4", "Kararla verilen")
	en := b.Page("/lang/en?next=/itiraz/"+id, http.StatusSeeOther)
	_ = en
	webtest.MustContain(t, b.Page("/itiraz/"+id, http.StatusOK), "İstanbul Provincial Election Board", "appealed")
}

func TestLeftText(t *testing.T) {
	tr, en := &lang{Code: "tr"}, &lang{Code: "en"}
	for _, tc := range []struct {
		l    *lang
		d    time.Duration
		want string
	}{
		{tr, 23*time.Hour + 22*time.Minute + 5*time.Second, "23 sa 22 dk 05 sn"},
		{tr, -(90 * time.Minute), "1 sa 30 dk önce"},
		{tr, 47*time.Hour + 59*time.Minute, "47 sa 59 dk 00 sn"},
		{en, 3*time.Hour + 59*time.Second, "3 h 0 min 59 s"},
		{tr, -(2792*24*time.Hour + 5*time.Hour), "2.792 gün önce"},
		{en, 72 * time.Hour, "3 days"},
		{en, -(30 * time.Minute), "0 h 30 min ago"},
	} {
		if got := leftText(tc.l, tc.d); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.l.Code, tc.d, got, tc.want)
		}
	}
}
