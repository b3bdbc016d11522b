package pages

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/internal/webtest"
	"github.com/sandik-dev/sandik/web/pages/mapdraw"
)

func TestOverviewSaysUnofficialAndVerifiedCount(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(coordinator)
	body := b.Page("/races/"+raceIST+"/areas/34", http.StatusOK)
	webtest.MustContain(t, body, `lang="tr"`, "resmî olmayan", "0 / 3 sandık doğrulandı", "0 / 3 sandık geldi", "Adalar", "Beşiktaş",
		`href="/races/IST-BB/areas/34.01"`, "İlçe sınırları: © OpenStreetMap katkıcıları, ODbL")
	// Two agreeing entries verify a box; a third, big one shows grouping.
	e.Submit(observer1, sheet("ov-1", raceIST, box1, 1200, 900, 10))
	e.Settle(e.Submit(observer2, sheet("ov-2", raceIST, box1, 1200, 900, 10)).Seq)
	body = b.Page("/races/"+raceIST+"/areas/34", http.StatusOK)
	webtest.MustContain(t, body, "1 / 3 sandık doğrulandı", "1 / 3 sandık geldi", "2.110", "Ekrem İmamoğlu", "300 (%14,2)")
	// English on request, remembered by cookie.
	r := b.Get("/lang/en?next=/races/" + raceIST + "/areas/34")
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/races/"+raceIST+"/areas/34" {
		t.Fatalf("language switch: %d to %q", r.Status, r.Header.Get("Location"))
	}
	body = b.Page("/races/"+raceIST+"/areas/34", http.StatusOK)
	webtest.MustContain(t, body, `lang="en"`, "unofficial", "1 / 3 boxes verified", "2,110", "300 (14.2%)")
	// Every page forbids inline script and foreign origins.
	if csp := b.Get("/races/" + raceIST + "/areas/34").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("CSP %q", csp)
	}
	// A box in the drill-down goes to the box page.
	if r := b.Get("/races/" + raceIST + "/areas/" + box1); r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "/boxes/") {
		t.Fatalf("box as area: %d %q", r.Status, r.Header.Get("Location"))
	}
	// Drill-down to the mahalle lists boxes and links them.
	body = b.Page("/races/"+raceIST+"/areas/34.01.01", http.StatusOK)
	webtest.MustContain(t, body, `href="/races/IST-BB/boxes/34.01.01.01"`, "İstanbul", "Adalar")
	b.Page("/races/"+raceIST+"/areas/nowhere", http.StatusNotFound)
	b.Page("/races/nothing/areas/34", http.StatusNotFound)
}

func TestBoxPageBlindForObservers(t *testing.T) {
	e := newEnv(t)
	e.Submit(observer1, sheet("bx-1", raceIST, box1, 100, 90, 10))
	e.Settle(e.Submit(observer2, sheet("bx-2", raceIST, box1, 100, 91, 9)).Seq)
	coordPage := e.Browser(coordinator).Page("/races/"+raceIST+"/boxes/"+box1, http.StatusOK)
	webtest.MustContain(t, coordPage, "obs1", "obs2", "çelişki", "≠ farklı", "Binali Yıldırım", "31.03.2019 23:00:00", "Bu girişi kabul et: #")
	obs := e.Browser(observer2).Page("/races/"+raceIST+"/boxes/"+box1, http.StatusOK)
	webtest.MustContain(t, obs, "obs2", "Çift giriş kör yapılır")
	if strings.Contains(obs, ">obs1<") || strings.Contains(obs, "≠") || strings.Contains(obs, "kabul et") {
		t.Fatal("an observer sees another's entry, the differences or the adjudication form")
	}
}

func TestConflictQueueAndAdjudication(t *testing.T) {
	e := newEnv(t)
	e.Submit(observer1, sheet("cq-1", raceIST, box3, 100, 90, 10))
	r2 := e.Submit(observer2, sheet("cq-2", raceIST, box3, 100, 80, 20))
	e.Settle(r2.Seq)
	b := e.Browser(coordinator)
	body := b.Page("/races/"+raceIST+"/conflicts", http.StatusOK)
	webtest.MustContain(t, body, "Bekleyen çelişki: 1", "Sandık 2001", "Çelişki başladı", `name="entry" value="2"`)
	// A decision needs a reason; without one nothing is written.
	before := e.LastSeq()
	r := b.Post("/races/"+raceIST+"/boxes/"+box3+"/adjudicate", url.Values{"entry": {"2"}, "id": {"adj-1"}, "reason": {" "}, "back": {"/races/IST-BB/conflicts"}})
	if r.Status != http.StatusUnprocessableEntity || e.LastSeq() != before {
		t.Fatalf("adjudication without reason: %d, log %d→%d", r.Status, before, e.LastSeq())
	}
	form := url.Values{"entry": {"2"}, "id": {"adj-1"}, "reason": {"tutanak fotoğrafı"}, "back": {"/races/IST-BB/conflicts"}}
	r = b.Post("/races/"+raceIST+"/boxes/"+box3+"/adjudicate", form)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/races/IST-BB/conflicts?done="+box3 {
		t.Fatalf("adjudicate: %d to %q: %s", r.Status, r.Header.Get("Location"), r.Body)
	}
	// A double click sends the same id: counted once.
	b.Post("/races/"+raceIST+"/boxes/"+box3+"/adjudicate", form)
	e.Settle(e.LastSeq())
	if n := e.LastSeq(); n != r2.Seq+1 {
		t.Fatalf("log at %d after adjudication and its repeat, want %d", n, r2.Seq+1)
	}
	d, err := e.Center.View(operator).Box(t.Context(), raceIST, box3)
	if st := d.State; err != nil || st.Status.String() != "adjudicated" || st.Resolved.Votes[1] != 80 {
		t.Fatalf("box after adjudication: %+v, %v", st, err)
	}
	// The confirmation names the box decided, with its places.
	webtest.MustContain(t, b.Page("/races/"+raceIST+"/conflicts?done="+box3, http.StatusOK), "Bekleyen çelişki yok.",
		"Karar kaydedildi: Beşiktaş › Levent › Sandık 2001 (34.02.01.01).")
	// An entry the box does not have is refused.
	r = b.Post("/races/"+raceIST+"/boxes/"+box3+"/adjudicate", url.Values{"entry": {"99"}, "id": {"adj-2"}, "reason": {"x"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown entry: %d", r.Status)
	}
}

func TestEntryFormSubmitRetryAndTurkishProblems(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(observer1)
	body := b.Page("/entry", http.StatusOK)
	webtest.MustContain(t, body, `id="races-data"`, `"code":"CHP"`, `<label for="f-registered">Kayıtlı seçmen</label>`, "Görevli olduğunuz sandıklar aşağıda")
	// The search finds boxes by code or place name, the Turkish way.
	var found struct {
		Boxes []boxHit `json:"boxes"`
	}
	b.Get("/entry/boxes?race="+raceIST+"&q=BURGAZ").Decode(t, http.StatusOK, &found)
	if len(found.Boxes) != 2 || found.Boxes[0].Label != "Adalar › Burgazada › Sandık 1001" || found.Boxes[0].Registered != 300 {
		t.Fatalf("search: %+v", found)
	}
	// Votes 12 short of the valid total: refused, in Turkish, per field.
	bad := sheet("ef-1", raceIST, box1, 100, 90, 10)
	bad["votes"] = map[string]int64{"CHP": 100, "AKP": 78, "SP": 10}
	r := b.PostJSON("/entry", bad)
	d := r.APIError(t, http.StatusUnprocessableEntity)
	webtest.HasProblem(t, d, "votes", "choices_sum")
	webtest.MustContain(t, string(r.Body), "Geçerli oy toplamı partilerin toplamından 12 fazla.")
	// The corrected sheet may reuse the id: nothing was written with it.
	good := sheet("ef-1", raceIST, box1, 100, 90, 10)
	var rec handler.Receipt
	b.PostJSON("/entry", good).Decode(t, http.StatusCreated, &rec)
	// The phone lost the answer and sends again: the same receipt, once.
	r = b.PostJSON("/entry", good)
	var again handler.Receipt
	r.Decode(t, http.StatusOK, &again)
	if !again.Replayed || again.Seq != rec.Seq || e.LastSeq() != rec.Seq {
		t.Fatalf("retry: %+v after %+v, log at %d", again, rec, e.LastSeq())
	}
	// English problems on an English page.
	en := e.Browser(observer2)
	en.Get("/lang/en")
	bad["id"] = "ef-2"
	webtest.MustContain(t, string(en.PostJSON("/entry", bad).Body), "votes per choice add up to 188")
}

func TestProblemTextSaysByHowMuch(t *testing.T) {
	l := &lang{Code: "tr", loc: sandik.Istanbul()}
	w, g := int64(200), int64(188)
	cases := map[string]string{
		"choices_sum": "Geçerli oy toplamı partilerin toplamından 12 fazla.",
		"voted_sum":   "Geçerli ve geçersiz oyların toplamı (188) oy kullanan seçmen sayısından (200) 12 eksik.",
		"valid_sum":   "İtirazsız ve itirazlı geçerli oyların toplamı 188, ama geçerli oy toplamı 200 yazılmış (12 fazla).",
	}
	for rule, want := range cases {
		if got := problemText(l, sandikProblem(rule, &w, &g)); got != want {
			t.Errorf("%s: %q, want %q", rule, got, want)
		}
	}
}

func TestExports(t *testing.T) {
	e := newEnv(t)
	e.Submit(observer1, sheet("ex-1", raceIST, box1, 1200, 900, 10))
	e.Settle(e.Submit(observer2, sheet("ex-2", raceIST, box1, 1200, 900, 10)).Seq)
	b := e.Browser(coordinator)
	r := b.Get("/races/" + raceIST + "/areas/34/export.csv")
	if r.Status != http.StatusOK || !bytes.HasPrefix(r.Body, []byte("\uFEFF")) || !strings.Contains(r.Header.Get("Content-Disposition"), "sandik-IST-BB-34-v2.csv") {
		t.Fatalf("csv: %d %q %.20q", r.Status, r.Header.Get("Content-Disposition"), r.Body)
	}
	lines := strings.Split(strings.TrimSpace(string(r.Body[3:])), "\n")
	if len(lines) != 4 { // header, İstanbul, Adalar, Beşiktaş
		t.Fatalf("csv has %d lines: %q", len(lines), lines)
	}
	webtest.MustContain(t, lines[0], "Geçici (ilk girişler): Ekrem İmamoğlu", "Doğrulanmış (çift giriş): Binali Yıldırım")
	webtest.MustContain(t, lines[1], "34;İstanbul;il;3;1;1;0;900;2113;2110;3;1200;900;10;2113;2110;3;1200;900;10")
	webtest.MustContain(t, lines[3], "34.02;Beşiktaş;ilçe;1;0;0;0;300;0;0;0;0;0;0")

	r = b.Get("/races/" + raceIST + "/areas/34/export.xlsx")
	if r.Status != http.StatusOK {
		t.Fatalf("xlsx: %d", r.Status)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sonuçlar")
	if err != nil || len(rows) != 5 {
		t.Fatalf("xlsx rows %d, %v", len(rows), err)
	}
	webtest.MustContain(t, rows[0][0], "resmî olmayan")
	if rows[2][1] != "İstanbul" || rows[2][11] != "1200" {
		t.Fatalf("xlsx İstanbul row: %q", rows[2])
	}
	if typ, _ := f.GetCellType("Sonuçlar", "L3"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatal("votes stored as text, not numbers")
	}
	b.Page("/races/"+raceIST+"/areas/nowhere/export.csv", http.StatusNotFound)
}

func TestLiveOverviewSnapshotThenChanges(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond })
	b := e.Browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.Stream(ctx, "/races/"+raceIST+"/areas/34/live?m=turnout")
	snap := next(t, s)
	if snap.Seq != 0 || snap.K["verified.of"] != "0 / 3 sandık doğrulandı" || snap.F["34.01"] != noData {
		t.Fatalf("snapshot %+v", snap)
	}
	e.Submit(observer1, sheet("lv-1", raceIST, box1, 100, 90, 10))
	rec := e.Submit(observer2, sheet("lv-2", raceIST, box1, 100, 90, 10))
	var p livePayload
	for p.Seq < rec.Seq {
		p = next(t, s)
	}
	if p.K["verified.of"] != "1 / 3 sandık doğrulandı" || p.K["34.01.rep"] != "%50,0 (1/2)" || p.F["34.01"] != mapdraw.FewFill || !strings.HasPrefix(p.K["fresh"], "son güncelleme ") {
		t.Fatalf("after two entries: %+v", p)
	}
	// Other views stream too: the box and the conflict queue.
	bs := b.Stream(ctx, "/races/"+raceIST+"/boxes/"+box1+"/live")
	if bp := next(t, bs); bp.K["status"] != "doğrulandı" || bp.Sig == "" {
		t.Fatalf("box stream %+v", bp)
	}
	cs := b.Stream(ctx, "/races/"+raceIST+"/conflicts/live")
	if cp := next(t, cs); cp.K["count"] != "Bekleyen çelişki: 0 (en eskisi önce)" {
		t.Fatalf("conflict stream %+v", cp)
	}
	if n := e.pages.broker.Subscribers(); n != 3 {
		t.Fatalf("%d subscribers, want 3", n)
	}
	// Closing the server ends every stream, so shutdown is not held up.
	e.pages.Close()
	for range s.Events {
	}
}
