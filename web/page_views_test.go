package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestOverviewSaysUnofficialAndVerifiedCount(t *testing.T) {
	e := newEnv(t)
	b := e.browser(coordinator)
	body := b.page("/races/"+raceIST+"/areas/34", http.StatusOK)
	mustContain(t, body, `lang="tr"`, "resmî olmayan", "0 / 3 sandık doğrulandı", "0 / 3 sandık geldi", "Adalar", "Beşiktaş",
		`href="/races/IST-BB/areas/34.01"`, "Bu düzey için sınır verisi yok")
	// Two agreeing entries verify a box; a third, big one shows grouping.
	e.submit(observer1, sheet("ov-1", raceIST, box1, 1200, 900, 10))
	e.settle(e.submit(observer2, sheet("ov-2", raceIST, box1, 1200, 900, 10)).Seq)
	body = b.page("/races/"+raceIST+"/areas/34", http.StatusOK)
	mustContain(t, body, "1 / 3 sandık doğrulandı", "1 / 3 sandık geldi", "2.110", "Ekrem İmamoğlu", "300 (%14,2)")
	// English on request, remembered by cookie.
	r := b.get("/lang/en?next=/races/" + raceIST + "/areas/34")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/races/"+raceIST+"/areas/34" {
		t.Fatalf("language switch: %d to %q", r.status, r.header.Get("Location"))
	}
	body = b.page("/races/"+raceIST+"/areas/34", http.StatusOK)
	mustContain(t, body, `lang="en"`, "unofficial", "1 / 3 boxes verified", "2,110", "300 (14.2%)")
	// Every page forbids inline script and foreign origins.
	if csp := b.get("/races/" + raceIST + "/areas/34").header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("CSP %q", csp)
	}
	// A box in the drill-down goes to the box page.
	if r := b.get("/races/" + raceIST + "/areas/" + box1); r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "/boxes/") {
		t.Fatalf("box as area: %d %q", r.status, r.header.Get("Location"))
	}
	// Drill-down to the mahalle lists boxes and links them.
	body = b.page("/races/"+raceIST+"/areas/34.01.01", http.StatusOK)
	mustContain(t, body, `href="/races/IST-BB/boxes/34.01.01.01"`, "İstanbul", "Adalar")
	b.page("/races/"+raceIST+"/areas/nowhere", http.StatusNotFound)
	b.page("/races/nothing/areas/34", http.StatusNotFound)
}

func TestBoxPageBlindForObservers(t *testing.T) {
	e := newEnv(t)
	e.submit(observer1, sheet("bx-1", raceIST, box1, 100, 90, 10))
	e.settle(e.submit(observer2, sheet("bx-2", raceIST, box1, 100, 91, 9)).Seq)
	coordPage := e.browser(coordinator).page("/races/"+raceIST+"/boxes/"+box1, http.StatusOK)
	mustContain(t, coordPage, "obs1", "obs2", "çelişki", "≠ farklı", "Binali Yıldırım", "31.03.2019 23:00:00", "Bu girişi kabul et: #")
	obs := e.browser(observer2).page("/races/"+raceIST+"/boxes/"+box1, http.StatusOK)
	mustContain(t, obs, "obs2", "Çift giriş kör yapılır")
	if strings.Contains(obs, ">obs1<") || strings.Contains(obs, "≠") || strings.Contains(obs, "kabul et") {
		t.Fatal("an observer sees another's entry, the differences or the adjudication form")
	}
}

func TestConflictQueueAndAdjudication(t *testing.T) {
	e := newEnv(t)
	e.submit(observer1, sheet("cq-1", raceIST, box3, 100, 90, 10))
	r2 := e.submit(observer2, sheet("cq-2", raceIST, box3, 100, 80, 20))
	e.settle(r2.Seq)
	b := e.browser(coordinator)
	body := b.page("/races/"+raceIST+"/conflicts", http.StatusOK)
	mustContain(t, body, "Bekleyen çelişki: 1", "Sandık 2001", "Çelişki başladı", `name="entry" value="2"`)
	// A decision needs a reason; without one nothing is written.
	before := e.lastSeq()
	r := b.post("/races/"+raceIST+"/boxes/"+box3+"/adjudicate", url.Values{"entry": {"2"}, "id": {"adj-1"}, "reason": {" "}, "back": {"/races/IST-BB/conflicts"}})
	if r.status != http.StatusUnprocessableEntity || e.lastSeq() != before {
		t.Fatalf("adjudication without reason: %d, log %d→%d", r.status, before, e.lastSeq())
	}
	form := url.Values{"entry": {"2"}, "id": {"adj-1"}, "reason": {"tutanak fotoğrafı"}, "back": {"/races/IST-BB/conflicts"}}
	r = b.post("/races/"+raceIST+"/boxes/"+box3+"/adjudicate", form)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/races/IST-BB/conflicts?done=1" {
		t.Fatalf("adjudicate: %d to %q: %s", r.status, r.header.Get("Location"), r.body)
	}
	// A double click sends the same id: counted once.
	b.post("/races/"+raceIST+"/boxes/"+box3+"/adjudicate", form)
	e.settle(e.lastSeq())
	if n := e.lastSeq(); n != r2.Seq+1 {
		t.Fatalf("log at %d after adjudication and its repeat, want %d", n, r2.Seq+1)
	}
	d, err := e.center.View(operator).Box(t.Context(), raceIST, box3)
	if st := d.State; err != nil || st.Status.String() != "adjudicated" || st.Resolved.Votes[1] != 80 {
		t.Fatalf("box after adjudication: %+v, %v", st, err)
	}
	mustContain(t, b.page("/races/"+raceIST+"/conflicts?done=1", http.StatusOK), "Bekleyen çelişki yok.", "Karar kaydedildi.")
	// An entry the box does not have is refused.
	r = b.post("/races/"+raceIST+"/boxes/"+box3+"/adjudicate", url.Values{"entry": {"99"}, "id": {"adj-2"}, "reason": {"x"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown entry: %d", r.status)
	}
}

func TestEntryFormSubmitRetryAndTurkishProblems(t *testing.T) {
	e := newEnv(t)
	b := e.browser(observer1)
	body := b.page("/entry", http.StatusOK)
	mustContain(t, body, `id="races-data"`, `"code":"CHP"`, `<label for="f-registered">Kayıtlı seçmen</label>`, "Görevli olduğunuz sandıklar aşağıda")
	// The search finds boxes by code or place name, the Turkish way.
	var found struct {
		Boxes []boxHit `json:"boxes"`
	}
	b.get("/entry/boxes?race="+raceIST+"&q=BURGAZ").decode(t, http.StatusOK, &found)
	if len(found.Boxes) != 2 || found.Boxes[0].Label != "Adalar › Burgazada › Sandık 1001" || found.Boxes[0].Registered != 300 {
		t.Fatalf("search: %+v", found)
	}
	// Votes 12 short of the valid total: refused, in Turkish, per field.
	bad := sheet("ef-1", raceIST, box1, 100, 90, 10)
	bad["votes"] = map[string]int64{"CHP": 100, "AKP": 78, "SP": 10}
	r := b.postJSON("/entry", bad)
	d := r.apiError(t, http.StatusUnprocessableEntity)
	hasProblem(t, d, "votes", "choices_sum")
	mustContain(t, string(r.body), "Geçerli oy toplamı partilerin toplamından 12 fazla.")
	// The corrected sheet may reuse the id: nothing was written with it.
	good := sheet("ef-1", raceIST, box1, 100, 90, 10)
	var rec receiptJSON
	b.postJSON("/entry", good).decode(t, http.StatusCreated, &rec)
	// The phone lost the answer and sends again: the same receipt, once.
	r = b.postJSON("/entry", good)
	var again receiptJSON
	r.decode(t, http.StatusOK, &again)
	if !again.Replayed || again.Seq != rec.Seq || e.lastSeq() != rec.Seq {
		t.Fatalf("retry: %+v after %+v, log at %d", again, rec, e.lastSeq())
	}
	// English problems on an English page.
	en := e.browser(observer2)
	en.get("/lang/en")
	bad["id"] = "ef-2"
	mustContain(t, string(en.postJSON("/entry", bad).body), "votes per choice add up to 188")
}

func TestProblemTextSaysByHowMuch(t *testing.T) {
	l := &lang{Code: "tr", loc: istanbul()}
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
	e.submit(observer1, sheet("ex-1", raceIST, box1, 1200, 900, 10))
	e.settle(e.submit(observer2, sheet("ex-2", raceIST, box1, 1200, 900, 10)).Seq)
	b := e.browser(coordinator)
	r := b.get("/races/" + raceIST + "/areas/34/export.csv")
	if r.status != http.StatusOK || !bytes.HasPrefix(r.body, []byte("\uFEFF")) || !strings.Contains(r.header.Get("Content-Disposition"), "sandik-IST-BB-34-v2.csv") {
		t.Fatalf("csv: %d %q %.20q", r.status, r.header.Get("Content-Disposition"), r.body)
	}
	lines := strings.Split(strings.TrimSpace(string(r.body[3:])), "\n")
	if len(lines) != 4 { // header, İstanbul, Adalar, Beşiktaş
		t.Fatalf("csv has %d lines: %q", len(lines), lines)
	}
	mustContain(t, lines[0], "Geçici (ilk girişler): Ekrem İmamoğlu", "Doğrulanmış (çift giriş): Binali Yıldırım")
	mustContain(t, lines[1], "34;İstanbul;il;3;1;1;0;900;2113;2110;3;1200;900;10;2113;2110;3;1200;900;10")
	mustContain(t, lines[3], "34.02;Beşiktaş;ilce;1;0;0;0;300;0;0;0;0;0;0")

	r = b.get("/races/" + raceIST + "/areas/34/export.xlsx")
	if r.status != http.StatusOK {
		t.Fatalf("xlsx: %d", r.status)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Sheet1")
	if err != nil || len(rows) != 5 {
		t.Fatalf("xlsx rows %d, %v", len(rows), err)
	}
	mustContain(t, rows[0][0], "resmî olmayan")
	if rows[2][1] != "İstanbul" || rows[2][11] != "1200" {
		t.Fatalf("xlsx İstanbul row: %q", rows[2])
	}
	if typ, _ := f.GetCellType("Sheet1", "L3"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatal("votes stored as text, not numbers")
	}
	b.page("/races/"+raceIST+"/areas/nowhere/export.csv", http.StatusNotFound)
}

// sseEvent is one server-sent event.
type sseEvent struct {
	id, event string
	data      []byte
}

// sseStream reads events from a live page's stream.
type sseStream struct {
	events chan sseEvent
	resp   *http.Response
}

func (b *browser) stream(ctx context.Context, path string) *sseStream {
	b.t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", b.e.http.URL+path, nil)
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b.t.Fatalf("stream %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &sseStream{events: make(chan sseEvent, 16), resp: resp}
	go func() {
		defer close(s.events)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.event != "" {
					s.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = []byte(line[6:])
			}
		}
	}()
	return s
}

// next returns the next totals event, failing after a deadline.
func (s *sseStream) next(t testing.TB) livePayload {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatal("stream ended")
			}
			if ev.event != "totals" {
				continue
			}
			var p livePayload
			if err := json.Unmarshal(ev.data, &p); err != nil {
				t.Fatalf("event %q: %v", ev.data, err)
			}
			if ev.id == "" {
				t.Fatal("event without id")
			}
			return p
		case <-deadline.C:
			t.Fatal("no event within 10 s")
		}
	}
}

func TestLiveOverviewSnapshotThenChanges(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.LiveInterval = 10 * time.Millisecond })
	b := e.browser(coordinator)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	s := b.stream(ctx, "/races/"+raceIST+"/areas/34/live?m=turnout")
	snap := s.next(t)
	if snap.Seq != 0 || snap.K["verified.of"] != "0 / 3 sandık doğrulandı" || snap.F["34.01"] != noData {
		t.Fatalf("snapshot %+v", snap)
	}
	e.submit(observer1, sheet("lv-1", raceIST, box1, 100, 90, 10))
	rec := e.submit(observer2, sheet("lv-2", raceIST, box1, 100, 90, 10))
	var p livePayload
	for p.Seq < rec.Seq {
		p = s.next(t)
	}
	if p.K["verified.of"] != "1 / 3 sandık doğrulandı" || p.K["34.01.rep"] != "1 / 2" || p.F["34.01"] != ramp[1] || !strings.Contains(p.K["fresh"], "#2") {
		t.Fatalf("after two entries: %+v", p)
	}
	// Other views stream too: the box and the conflict queue.
	bs := b.stream(ctx, "/races/"+raceIST+"/boxes/"+box1+"/live")
	if bp := bs.next(t); bp.K["status"] != "doğrulandı" || bp.Sig == "" {
		t.Fatalf("box stream %+v", bp)
	}
	cs := b.stream(ctx, "/races/"+raceIST+"/conflicts/live")
	if cp := cs.next(t); cp.K["count"] != "Bekleyen çelişki: 0 (en eskisi önce)" {
		t.Fatalf("conflict stream %+v", cp)
	}
	if n := e.srv.broker.Subscribers(); n != 3 {
		t.Fatalf("%d subscribers, want 3", n)
	}
	// Closing the server ends every stream, so shutdown is not held up.
	e.srv.Close()
	for range s.events {
	}
}
