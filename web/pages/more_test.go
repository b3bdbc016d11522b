package pages

import (
	"bytes"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/verify"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/internal/webtest"
	"github.com/sandik-dev/sandik/web/pages/mapdraw"
)

// Area and choice names come from registry files: the pages must escape
// them everywhere, the hand-built SVG included.
func TestNamesAreEscaped(t *testing.T) {
	areas := []sandik.Area{
		{Code: "34", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.1", Parent: "34", Level: sandik.LevelIlce, Name: `<script>alert(1)</script>`},
		{Code: "34.1.1", Parent: "34.1", Level: sandik.LevelSandik, Name: `"><img src=x onerror=alert(2)>`},
	}
	el := []sandik.Election{{Code: "E", Name: "E", Date: testNow, Quorum: 2}}
	races := []sandik.Race{{Code: "R", Election: "E", Name: "<b>Yarış</b>", Scope: "34",
		Choices: []sandik.Choice{{Code: "A", Name: `<svg onload=alert(3)>`}, {Code: "B", Name: "B"}}}}
	reg, err := sandik.NewRegistry(areas, el, races, []sandik.Registration{{Election: "E", Box: "34.1.1", Registered: 10}})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, reg)
	in := map[string]any{"id": "x1", "race": "R", "box": "34.1.1", "registered": 10, "voted": 5,
		"valid_without_objection": 5, "valid_upon_objection": 0, "valid_total": 5, "invalid_total": 0, "votes": map[string]int{"A": 3, "B": 2}}
	e.Settle(e.Submit(observer1, in).Seq)
	b := e.Browser(coordinator)
	for _, p := range []string{"/races/R/areas/34", "/races/R/areas/34.1", "/races/R/boxes/34.1.1", "/entry"} {
		body := b.Page(p, http.StatusOK)
		for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", "<b>Yarış"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s carries %q unescaped", p, bad)
			}
		}
	}
}

func TestTLSSessionCookieIsHostPrefixedAndSecure(t *testing.T) {
	e := newEnv(t)
	ts := httptest.NewTLSServer(e.base.Handler())
	defer ts.Close()
	c := ts.Client()
	c.Jar, _ = cookiejar.New(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.PostForm(ts.URL+"/login", url.Values{"token": {e.Tokens[coordinator]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ck := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"__Host-sandik_session=", "Secure", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(ck, want) {
			t.Fatalf("TLS cookie %q lacks %s", ck, want)
		}
	}
	if strings.Contains(ck, "Domain=") {
		t.Fatal("a __Host- cookie must not name a domain")
	}
	resp, err = c.Get(ts.URL + "/races/" + raceIST + "/areas/34")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("overview over TLS: %d", resp.StatusCode)
	}
}

func TestProblemTextForEveryRule(t *testing.T) {
	tr, en := &lang{Code: "tr"}, &lang{Code: "en"}
	for _, rule := range []string{sandik.RuleRequired, sandik.RuleMissingChoice, sandik.RuleNegative, sandik.RuleTooLarge,
		sandik.RuleUnknownBox, sandik.RuleBoxNotInRace, sandik.RuleUnknownRace, sandik.RuleDuplicate} {
		p := sandik.Problem{Rule: rule, Message: "english " + rule}
		if got := problemText(tr, p); got == p.Message || got == "" {
			t.Errorf("%s: no Turkish text", rule)
		}
		if got := problemText(en, p); got != p.Message {
			t.Errorf("%s: English changed to %q", rule, got)
		}
	}
	if got := problemText(tr, sandik.Problem{Rule: "something_new", Message: "as is"}); got != "as is" {
		t.Errorf("unknown rule: %q", got)
	}
	w, g := int64(100), int64(130)
	if got := problemText(tr, sandik.Problem{Rule: sandik.RuleChoicesSum, Want: &w, Got: &g}); got != "Geçerli oy toplamı partilerin toplamından 30 eksik." {
		t.Errorf("choices short: %q", got)
	}
	if got := problemText(tr, sandik.Problem{Rule: sandik.RuleTooLarge}); got != "1.000.000'dan büyük olamaz; yazım hatası olabilir." {
		t.Errorf("too large: %q", got)
	}
}

func TestMapColours(t *testing.T) {
	counts := func(reg, voted, valid int64, votes ...int64) tally.Counts {
		return tally.Counts{Registered: reg, Voted: voted, ValidTotal: valid, Votes: votes}
	}
	in := func(c tally.Counts) tally.Totals {
		return tally.Totals{BoxesExpected: 10, BoxesReported: 10, Provisional: c}
	}
	m := metricOf("margin")
	cases := []struct {
		metric string
		t      tally.Totals
		want   string
	}{
		{"leader", in(counts(100, 80, 80, 30, 50)), choicePalette[1]},
		{"leader", in(counts(100, 0, 0, 0, 0)), noData},
		{"margin", in(counts(100, 80, 100, 51, 49)), m.band(2)},      // 2 %
		{"margin", in(counts(1000, 800, 1000, 505, 495)), m.band(1)}, // 1 %: a band of its own
		{"margin", in(counts(100, 80, 100, 90, 10)), m.band(5)},      // 80 %
		{"margin", in(counts(100, 80, 100, 100)), noData},            // one choice
		{"turnout", in(counts(100, 59, 59, 59)), viridis[0]},
		{"turnout", in(counts(100, 95, 95, 95)), viridis[7]},
		{"turnout", tally.Totals{}, noData},
		{"reporting", tally.Totals{BoxesExpected: 10, BoxesReported: 5}, viridis[1]},
		{"reporting", tally.Totals{BoxesExpected: 10, BoxesReported: 10}, viridis[7]},
		{"reporting", tally.Totals{}, noData},
		{"nonsense", in(counts(100, 80, 80, 80, 0)), choicePalette[0]}, // falls back to leader
		// 1 box of 45 in: the leader of one box says nothing of the area.
		{"leader", tally.Totals{BoxesExpected: 45, BoxesReported: 1, Provisional: counts(100, 80, 80, 30, 50)}, mapdraw.FewFill},
		{"leader", tally.Totals{BoxesExpected: 45, BoxesReported: 4, Provisional: counts(100, 80, 80, 30, 50)}, mapdraw.FewFill},
		{"leader", tally.Totals{BoxesExpected: 45, BoxesReported: 5, Provisional: counts(100, 80, 80, 30, 50)}, choicePalette[1]},
		{"leader", tally.Totals{BoxesExpected: 2, BoxesReported: 2, Provisional: counts(100, 80, 80, 30, 50)}, choicePalette[1]},
		{"margin", tally.Totals{BoxesExpected: 45, BoxesReported: 0}, noData},
		// Reporting needs no votes: 1 of 45 is what it shows.
		{"reporting", tally.Totals{BoxesExpected: 45, BoxesReported: 1}, viridis[0]},
	}
	for _, c := range cases {
		if got := metricOf(c.metric).fill(&c.t); got != c.want {
			t.Errorf("%s fill of %d/%d %+v = %s, want %s", c.metric, c.t.BoxesReported, c.t.BoxesExpected, c.t.Provisional, got, c.want)
		}
	}
	// At 85 % reported the districts differ: 80, 86, 91, 96 and 100 %
	// fall in five different bands.
	rep := metricOf("reporting")
	seen := map[string]bool{}
	for _, n := range []int{80, 86, 91, 96, 100} {
		seen[rep.fill(&tally.Totals{BoxesExpected: 100, BoxesReported: n})] = true
	}
	if len(seen) != 5 {
		t.Errorf("reporting 80–100 %% takes %d colours, want 5", len(seen))
	}
	if f, s := verify.Leaders([]int64{5, 9, 9, 1}); f != 1 || s != 2 {
		t.Errorf("leaders of a tie: %d, %d (the earlier ballot position leads)", f, s)
	}
	if f, s := verify.Leaders(nil); f != -1 || s != -1 {
		t.Errorf("leaders of nothing: %d, %d", f, s)
	}
	rc := &sandik.Race{Choices: []sandik.Choice{{Code: "A", Name: "Ayşe"}, {Code: "B", Name: "Bora"}}}
	l := &lang{Code: "tr"}
	// Leader: one swatch per choice, too few, no data. Turnout: seven
	// bands, too few, no data. Reporting has no "too few".
	if n := len(metricOf("leader").legend(l, rc)); n != 4 {
		t.Errorf("leader legend: %d items", n)
	}
	if n := len(metricOf("turnout").legend(l, rc)); n != 9 {
		t.Errorf("turnout legend: %d items", n)
	}
	if n := len(metricOf("reporting").legend(l, rc)); n != 9 {
		t.Errorf("reporting legend: %d items", n)
	}
	ld := leadOf(l, rc, &tally.Counts{ValidTotal: 2000, Votes: []int64{800, 1200}})
	if ld.leader != "Bora" || ld.margin != "400 (%20,0)" || ld.second != "Ayşe" || ld.lshare != "%60,0" {
		t.Errorf("leadOf = %+v", ld)
	}
}

func TestBoxSearchAndEntryErrors(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(volunteer)
	var found struct {
		Boxes []boxHit `json:"boxes"`
	}
	b.Get("/entry/boxes?race="+raceIST+"&q=").Decode(t, http.StatusOK, &found)
	if len(found.Boxes) != 0 {
		t.Fatalf("empty query found %d", len(found.Boxes))
	}
	b.Get("/entry/boxes?race="+raceIST+"&q=beşiktaş%202001").Decode(t, http.StatusOK, &found)
	if len(found.Boxes) != 1 || found.Boxes[0].Code != box3 {
		t.Fatalf("two words: %+v", found.Boxes)
	}
	// The district race has only Adalar's boxes.
	b.Get("/entry/boxes?race="+raceIlce+"&q=sandık").Decode(t, http.StatusOK, &found)
	if len(found.Boxes) != 2 {
		t.Fatalf("district race: %+v", found.Boxes)
	}
	if r := b.Get("/entry/boxes?race=nope&q=1"); r.Status != http.StatusNotFound {
		t.Fatalf("unknown race: %d", r.Status)
	}
	// A box outside the race, and a missing choice, in Turkish.
	in := sheet("ee-1", raceIlce, box3, 100, 90, 10)
	delete(in["votes"].(map[string]int64), "SP")
	r := b.PostJSON("/entry", in)
	d := r.APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, d, "box", sandik.RuleBoxNotInRace)
	webtest.HasProblem(t, d, "votes.SP", sandik.RuleMissingChoice)
	webtest.MustContain(t, string(r.Body), "Bu sandık bu seçime katılmıyor.", "oy yoksa 0 yazın")
	// Not JSON at all: a JSON error the form can read.
	r = b.Post("/entry", url.Values{"x": {"1"}})
	if d := r.APIError(t, http.StatusUnsupportedMediaType); d.Code != handler.EUnsupportedMedia {
		t.Fatalf("form post to /entry: %s", d.Code)
	}
	if n := e.LastSeq(); n != 0 {
		t.Fatalf("refused sheets wrote %d submissions", n)
	}
}

func TestConflictQueueOldestFirst(t *testing.T) {
	e := newEnv(t)
	// Box 3 falls into conflict first, then box 1.
	for i, box := range []string{box3, box1} {
		e.Submit(observer1, sheet("q1-"+box, raceIST, box, 100, 90, 10))
		e.Settle(e.Submit(observer2, sheet("q2-"+box, raceIST, box, 100, 90-int64(i)-1, 11+int64(i))).Seq)
	}
	body := e.Browser(admin).Page("/races/"+raceIST+"/conflicts", http.StatusOK)
	webtest.MustContain(t, body, "Bekleyen çelişki: 2")
	if i, j := strings.Index(body, "Sandık 2001"), strings.Index(body, "Sandık 1001"); i < 0 || j < 0 || i > j {
		t.Fatalf("queue order: box 3 at %d, box 1 at %d; want the older first", i, j)
	}
	// Each box in the queue has its own reason field and id.
	if strings.Count(body, `name="reason"`) != 2 || strings.Count(body, `name="id" value="web-`) != 2 {
		t.Fatal("each conflict needs its own form")
	}
	e.Browser(admin).Page("/races/nope/conflicts", http.StatusNotFound)
}

func TestExportsInEnglish(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(coordinator)
	b.Get("/lang/en")
	r := b.Get("/races/" + raceIST + "/areas/34.01/export.csv")
	if r.Status != http.StatusOK {
		t.Fatalf("csv: %d", r.Status)
	}
	webtest.MustContain(t, string(r.Body), "Provisional (first entries): Ekrem İmamoğlu", "34.01.01;Burgazada;neighbourhood / village;2;0;0;0;600")
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
}

func TestErrorPagesAndLanguageChoice(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(coordinator)
	r := b.Get("/races/nope/areas/34")
	if r.Status != http.StatusNotFound || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("unknown race: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	// In Turkish the code's sentence, not the English detail.
	webtest.MustContain(t, string(r.Body), "Hata 404", "Aradığınız sayfa ya da kayıt bulunamadı.")
	if strings.Contains(string(r.Body), "does not exist") {
		t.Errorf("English detail on a Turkish error page")
	}
	// ?lang= wins over the cookie for one page.
	webtest.MustContain(t, b.Page("/races/nope/areas/34?lang=en", http.StatusNotFound), "Error 404", `lang="en"`, `race &#34;nope&#34; does not exist`)
	// An observer is told the page is for coordinators, in a page.
	r = e.Browser(observer1).Get("/races/" + raceIST + "/conflicts")
	if r.Status != http.StatusForbidden {
		t.Fatalf("observer on the queue: %d", r.Status)
	}
	webtest.MustContain(t, string(r.Body), "Bu sayfa ya da işlem için yetkiniz yok.")
	// An unknown metric falls back to the leader.
	webtest.MustContain(t, b.Page("/races/"+raceIST+"/areas/34?m=nonsense", http.StatusOK), `<strong aria-current="true">önde olan</strong>`, "live?m=leader")
	// A language other than tr or en is Turkish.
	r = b.Get("/lang/de?next=/entry")
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Set-Cookie"), "sandik_lang=tr") {
		t.Fatalf("lang de: %d %q", r.Status, r.Header.Get("Set-Cookie"))
	}
}

func TestExportOfABoxAndWorkbookLayout(t *testing.T) {
	e := newEnv(t)
	e.Settle(e.Submit(observer1, sheet("xb-1", raceIST, box1, 7, 8, 9)).Seq)
	b := e.Browser(admin)
	r := b.Get("/races/" + raceIST + "/areas/" + box1 + "/export.csv")
	if r.Status != http.StatusOK {
		t.Fatalf("box export: %d", r.Status)
	}
	lines := strings.Split(strings.TrimSpace(string(r.Body)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], box1+";Sandık 1001;sandık;1;1;0;0;300;27;24;3;7;8;9;0;0;0;0;0;0") {
		t.Fatalf("box export lines %q", lines)
	}
	r = b.Get("/races/" + raceIST + "/areas/34/export.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	panes, err := f.GetPanes("Sonuçlar")
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Fatalf("panes %+v, %v: the header must stay in view", panes, err)
	}
	if v, _ := f.GetCellValue("Sonuçlar", "A2"); v != "Bölge (kod)" {
		t.Fatalf("header A2 = %q", v)
	}
	if !strings.Contains(r.Header.Get("Content-Disposition"), ".xlsx") || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/vnd.openxmlformats") {
		t.Fatalf("headers %v", r.Header)
	}
}
