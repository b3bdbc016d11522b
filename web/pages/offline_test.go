package pages

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// The worker is served to anyone as a script, from the root so that it
// may control /entry, with a policy that lets it fetch from this origin
// only, and revalidated at every visit so that a new binary's replaces it.
func TestServiceWorkerServed(t *testing.T) {
	e := newEnv(t)
	r := e.Do("GET", "/sw.js", "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /sw.js: %d", r.Status)
	}
	for name, want := range map[string]string{
		"Content-Type":            "text/javascript; charset=utf-8",
		"Cache-Control":           "no-cache",
		"Content-Security-Policy": "default-src 'none'; connect-src 'self'",
		"X-Content-Type-Options":  "nosniff",
	} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	body := string(r.Body)
	// It keeps the form and its two assets, and nothing else: no JSON, no
	// other page.
	webtest.MustContain(t, body, `const PAGE = "/entry";`, `const ASSETS = ["/static/app.js", "/static/app.css"];`, `req.method !== "GET"`)
	if strings.Contains(body, "/api/") || strings.Contains(body, "/entry/boxes") {
		t.Error("the worker mentions a JSON route")
	}
	if r := e.Do("POST", "/sw.js", "", "x"); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("POST /sw.js: %d", r.Status)
	}
}

// The form tells its script who the sheets are kept for, where photos
// go and which worker to register; the outbox is there, empty and
// hidden, in both languages. Without a session there is no form to keep.
func TestEntryPageCarriesTheOutbox(t *testing.T) {
	e := newScopedEnv(t)
	b := e.Browser(obsBox1)
	page := b.Page("/entry", http.StatusOK)
	webtest.MustContain(t, page, `data-user="`+obsBox1+`"`, `data-photos="/api/v1/races/{race}/boxes/{box}/photos"`, `data-sw="/sw.js"`,
		`<input id="photos" name="photos" type="file" accept="image/jpeg,image/png" multiple`,
		`<section id="outbox" class="card narrow" aria-labelledby="outbox-title" hidden>`, "Bu telefondaki tutanaklar",
		`"outbox.waiting":"%s · %s: gönderilmeyi bekliyor"`, `"form.offline":"Bağlantı yok.`)
	// The observer's one box is drawn chosen, with what they sent of it,
	// as the script would draw it: nothing below moves when it runs.
	webtest.MustContain(t, page, `aria-describedby="box-help box-msg" value="`+box1+`">`,
		`<p id="box-msg" class="problem" aria-live="polite">Adalar › Burgazada › Sandık 1001</p>`,
		`<section id="sent" class="sent" aria-labelledby="sent-title"><h2`,
		`<li class="notsent">İstanbul Büyükşehir Belediye Başkanı: henüz gönderilmedi</li><li class="notsent">Adalar Belediye Başkanı: henüz gönderilmedi</li>`)
	b.Get("/lang/en?next=/entry")
	webtest.MustContain(t, b.Page("/entry", http.StatusOK), "Sheets on this phone", `"outbox.waiting":"%s · %s: waiting to send"`,
		`"outbox.acked":"%s · %s: the centre acknowledged it (record #%s, %s)"`)
	if r := e.Browser("").Get("/entry"); r.Status != http.StatusSeeOther {
		t.Errorf("GET /entry signed out: %d, want the sign-in page", r.Status)
	}
}

// A sheet sent twice through the form with the same id, as the outbox
// does after a lost answer, is one submission: the second answer is the
// first receipt, marked replayed. The same id with other figures is
// refused and changes nothing.
func TestEntryRetryCountsOnce(t *testing.T) {
	e := newScopedEnv(t)
	b := e.Browser(obsBox1)
	s := sheet("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", raceIST, box1, 130, 100, 20)
	s["source"] = "observer"
	var first, again struct {
		ID       string `json:"id"`
		Seq      int64  `json:"seq"`
		Replayed bool   `json:"replayed"`
	}
	b.PostJSON("/entry", s, "Accept", "application/json").Decode(t, http.StatusCreated, &first)
	b.PostJSON("/entry", s, "Accept", "application/json").Decode(t, http.StatusOK, &again)
	if first.Seq != 1 || again.Seq != first.Seq || !again.Replayed || first.Replayed || again.ID != first.ID {
		t.Fatalf("first %+v, again %+v", first, again)
	}
	s["votes"] = map[string]int64{"CHP": 131, "AKP": 99, "SP": 20}
	if r := b.PostJSON("/entry", s, "Accept", "application/json"); r.Status != http.StatusConflict {
		t.Fatalf("the same id with other figures: %d %s", r.Status, r.Body)
	}
	if n := e.LastSeq(); n != 1 {
		t.Fatalf("the log holds %d submissions, want 1", n)
	}
	d, err := e.Center.View(e.User(coordinator)).Box(t.Context(), raceIST, box1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Entries) != 1 || d.Entries[0].Sheet.Votes[0] != 130 {
		t.Fatalf("the box holds %+v", d.Entries)
	}
}
