package pages

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// The states of the line between the browser and the server in the
// offline test.
const (
	lineUp      = iota
	lineDown    // every connection is closed unanswered
	lineDropAck // the next sheet is taken, then its answer is lost
)

// cutLine serves h unless the line is down: then the connection is closed
// before a byte of answer, as a phone out of signal sees it. In
// lineDropAck the next POST /entry is served in full and its answer
// thrown away, the worst case for a retry.
func cutLine(h http.Handler, line *atomic.Int32) http.Handler {
	hangUp := func(w http.ResponseWriter) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch line.Load() {
		case lineDown:
			hangUp(w)
			return
		case lineDropAck:
			if r.Method == http.MethodPost && r.URL.Path == "/entry" && line.CompareAndSwap(lineDropAck, lineUp) {
				h.ServeHTTP(httptest.NewRecorder(), r)
				hangUp(w)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// photoDesk stands in for the photo endpoint (another part of issue 21)
// by its contract: raw bytes of a JPEG or PNG, 201 with the SHA-256 when
// new, 200 when the same bytes were already attached.
type photoDesk struct {
	mu    sync.Mutex
	posts int
	got   map[string][]byte // "race/box/sha256" → bytes
}

func (d *photoDesk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie("sandik_session"); err != nil {
		http.Error(w, `{"error":{"code":"unauthorized","message":"no session"}}`, http.StatusUnauthorized)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "image/jpeg" && ct != "image/png" {
		http.Error(w, `{"error":{"code":"unsupported_media_type","message":"JPEG or PNG"}}`, http.StatusUnsupportedMediaType)
		return
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		return
	}
	sum := sha256.Sum256(b)
	key := r.PathValue("race") + "/" + r.PathValue("box") + "/" + hex.EncodeToString(sum[:])
	d.mu.Lock()
	d.posts++
	_, had := d.got[key]
	d.got[key] = b
	d.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if had {
		w.WriteHeader(http.StatusOK)
	} else {
		w.WriteHeader(http.StatusCreated)
	}
	io.WriteString(w, `{"sha256":"`+hex.EncodeToString(sum[:])+`"}`)
}

// phoneClock sets a page's clock to the given Unix milliseconds, running
// on from there.
const phoneClock = `(() => {
  const shift = %d - Date.now(), D = Date;
  class Shifted extends D {
    constructor(...a) { if (a.length === 0) super(D.now() + shift); else super(...a); }
    static now() { return D.now() + shift; }
  }
  globalThis.Date = Shifted;
})();`

// phoneRig is an observer's phone in the offline tests: a Chromium
// profile kept across browser runs, over the pages with a photo endpoint
// (photos, or nothing when nil) behind a line that can be cut.
type phoneRig struct {
	t       *testing.T
	e       *env
	chrome  string
	profile string
	line    atomic.Int32
}

func newPhoneRig(t *testing.T, photos http.Handler) *phoneRig {
	t.Helper()
	p := &phoneRig{t: t, e: &env{}, chrome: webtest.ChromiumPath(t), profile: t.TempDir()}
	inner := p.e.mount()
	p.e.Env = webtest.Start(t, webtest.Registry(t), openStore, func(w *webtest.Env) (http.Handler, func()) {
		h, closeFirst := inner(w)
		mux := http.NewServeMux()
		if photos != nil {
			mux.Handle("POST "+photoPath, photos)
		}
		mux.Handle("/", h)
		return cutLine(mux, &p.line), closeFirst
	})
	p.e.AddScoped()
	return p
}

// open starts the browser on the phone's profile; the func closes it.
func (p *phoneRig) open() (context.Context, func()) {
	t := p.t
	t.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), chromedp.ExecPath(p.chrome), chromedp.Headless, chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(p.profile), chromedp.WindowSize(412, 900))
	tab, cancelTab := chromedp.NewContext(actx)
	// The phone's clock reads the test server's (webtest.Now), or the
	// server would refuse a sheet read years after election night.
	_, err := chromedp.Run(tab, func(ctx context.Context, tg *chromedp.Target) (struct{}, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: fmt.Sprintf(phoneClock, testNow.UnixMilli())})
		return struct{}{}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tab, func() {
		// A graceful close, as a person closes the browser: the profile
		// is written out.
		if err := chromedp.Cancel(tab); err != nil {
			t.Logf("closing the browser: %v", err)
		}
		cancelTab()
		cancelAlloc()
	}
}

func (p *phoneRig) run(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

func (p *phoneRig) eval(ctx context.Context, expr string) string {
	p.t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return s
}

func (p *phoneRig) wait(tab context.Context, what, expr string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(tab, 40*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		page, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
		p.t.Fatalf("waiting for %s: %v; the log holds %d; the page says:\n%s", what, err, p.e.LastSeq(), page)
	}
}

// offline turns Chromium's network emulation on or off: every request of
// the page and of its worker fails, and navigator.onLine says so.
func (p *phoneRig) offline(ctx context.Context, off bool) {
	p.t.Helper()
	_, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (struct{}, error) {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return struct{}{}, err
		}
		yes := true
		if _, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: &yes,
			MatchedNetworkConditions:    []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}},
		}); err != nil {
			return struct{}{}, err
		}
		_, err := cdp.Call(ctx, tg, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1})
		return struct{}{}, err
	})
	if err != nil {
		p.t.Fatalf("network emulation offline=%v: %v", off, err)
	}
}

// signIn signs the scoped observer of box 1 in and opens the form.
func (p *phoneRig) signIn(ctx context.Context) {
	p.t.Helper()
	p.run(ctx, "sign in",
		chromedp.Navigate(p.e.HTTP.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), p.e.Tokens[obsBox1]),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")),
		chromedp.Navigate(p.e.HTTP.URL+"/entry"), chromedp.WaitVisible(chromedp.CSS("#votes .field")))
}

// sendSheet types a consistent sheet of 250 valid votes (130 for the
// first choice), attaches photo and presses send.
func (p *phoneRig) sendSheet(ctx context.Context, photo string) {
	p.t.Helper()
	steps := []chromedp.Action[chromedp.Void]{}
	for f, v := range map[string]string{"registered": "300", "voted": "253", "valid_without_objection": "250", "valid_upon_objection": "0", "valid_total": "250", "invalid_total": "3"} {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("#f-"+f), v))
	}
	for c, v := range map[string]string{"CHP": "130", "AKP": "100", "SP": "20"} {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("#v-"+c), v))
	}
	steps = append(steps, chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{photo}), chromedp.Click(chromedp.CSS("#send")))
	p.run(ctx, "type the sheet, add its photo and send", steps...)
}

// photoFile writes a small JPEG for the form to pick.
func photoFile(t *testing.T) (string, []byte) {
	t.Helper()
	b := pageJPEG(t)
	path := filepath.Join(t.TempDir(), "tutanak.jpg")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, b
}

// An observer at a village school after midnight: the form was opened
// once online; the signal goes (Chromium's network emulation, and the
// server unreachable besides); the form opens from the phone, takes a
// sheet and a photo, and shows them waiting; the browser is closed. It is
// opened again, still offline, and the sheet is still waiting, with its
// id. The signal returns: the sheet goes by itself, the centre takes it
// but its answer is lost, the form sends it again with the same id, and
// the centre counts it once and says so. The photo reaches the photo
// endpoint once.
func TestOfflineSheetSurvivesRestartAndCountsOnce(t *testing.T) {
	desk := &photoDesk{got: map[string][]byte{}}
	rig := newPhoneRig(t, desk)
	e, run, eval, wait, offline := rig.e, rig.run, rig.eval, rig.wait, rig.offline
	line := &rig.line
	photo, jpegBytes := photoFile(t)
	open := rig.open

	// Online, once: signing in and opening the form installs the worker,
	// which keeps the form for later.
	phone, closePhone := open()
	rig.signIn(phone)
	wait(phone, "the worker in charge of the form", `navigator.serviceWorker.controller !== null`)
	for deadline := time.Now().Add(20 * time.Second); eval(phone, `caches.match("/entry").then(r => String(!!r))`) != "true"; {
		if time.Now().After(deadline) {
			t.Fatal("the worker did not keep the form")
		}
		run(phone, "wait a frame", chromedp.Poll[chromedp.Void](`new Promise(r => setTimeout(() => r(true), 50))`))
	}

	// The signal goes.
	line.Store(lineDown)
	offline(phone, true)
	run(phone, "open the form offline", chromedp.Navigate(e.HTTP.URL+"/entry"), chromedp.WaitVisible(chromedp.CSS("#votes .field")))
	if got := eval(phone, `document.querySelector("#box").value`); got != box1 {
		t.Fatalf("the form offline offers box %q, want the observer's %s", got, box1)
	}
	rig.sendSheet(phone, photo)
	wait(phone, "the sheet waiting", `document.querySelector("#outbox li[data-state=waiting]") !== null`)
	wait(phone, "the offline notice", `document.querySelector("#receipt").textContent.startsWith("Bağlantı yok")`)
	id := eval(phone, `document.querySelector("#outbox li[data-state=waiting]").dataset.id`)
	if li := eval(phone, `document.querySelector("#outbox li").textContent`); !strings.Contains(li, "gönderilmeyi bekliyor") || !strings.Contains(li, "1 fotoğraf gönderilmeyi bekliyor") {
		t.Fatalf("the outbox says %q", li)
	}
	if n := e.LastSeq(); n != 0 {
		t.Fatalf("the log holds %d submissions while the phone was offline", n)
	}
	closePhone()

	// The browser is opened again, still without a signal: the sheet is
	// still there, with its id, and still waiting.
	phone, closePhone = open()
	defer closePhone()
	offline(phone, true)
	run(phone, "reopen the form offline", chromedp.Navigate(e.HTTP.URL+"/entry"), chromedp.WaitVisible(chromedp.CSS("#votes .field")))
	wait(phone, "the kept sheet", `document.querySelector('#outbox li[data-id="`+id+`"][data-state=waiting]') !== null`)
	if n := e.LastSeq(); n != 0 {
		t.Fatalf("the log holds %d submissions before the signal returned", n)
	}

	// The signal returns; the first answer is lost on the way back.
	line.Store(lineDropAck)
	back := time.Now()
	offline(phone, false)
	wait(phone, "the centre's acknowledgement", `document.querySelector('#outbox li[data-id="`+id+`"][data-state=acked]') !== null`)
	// The online event sends at once; the lost answer costs one retry (1 s).
	if d := time.Since(back); d > 10*time.Second {
		t.Errorf("acknowledged %v after the signal returned; the online event should send at once", d)
	}
	t.Logf("acknowledged %v after the signal returned", time.Since(back).Round(time.Millisecond))
	ack := eval(phone, `document.querySelector('#outbox li[data-id="`+id+`"]').textContent`)
	if !strings.Contains(ack, "merkez zaten almıştı (kayıt #1") || !strings.Contains(ack, "iki kez sayılmadı") {
		t.Errorf("the outbox says %q, want the centre's replayed receipt of record 1", ack)
	}
	wait(phone, "the photo sent", `document.querySelector('#outbox li[data-id="`+id+`"] .photos[data-state=acked]') !== null`)

	// Counted once: one submission in the log, with the phone's id.
	if n := e.LastSeq(); n != 1 {
		t.Fatalf("the log holds %d submissions, want 1", n)
	}
	d, err := e.Center.View(e.User(coordinator)).Box(t.Context(), raceIST, box1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Entries) != 1 || string(d.Entries[0].ID) != id || d.Entries[0].User != obsBox1 || d.Entries[0].Sheet.Votes[0] != 130 {
		t.Fatalf("the box holds %+v, want the one sheet %s of %s", d.Entries, id, obsBox1)
	}
	if d.State.Status != sandik.StatusPending {
		t.Errorf("box status %s, want pending (one entry of two)", d.State.Status)
	}
	desk.mu.Lock()
	posts, got := desk.posts, desk.got
	desk.mu.Unlock()
	if posts != 1 || len(got) != 1 {
		t.Fatalf("the photo endpoint had %d posts of %d photos, want 1 of 1", posts, len(got))
	}
	for k, b := range got {
		if !strings.HasPrefix(k, raceIST+"/"+box1+"/") || !bytes.Equal(b, jpegBytes) {
			t.Fatalf("the photo arrived as %s, %d bytes", k, len(b))
		}
	}

	// Opened again online, nothing is sent twice.
	run(phone, "reload the form", chromedp.Navigate(e.HTTP.URL+"/entry"), chromedp.WaitVisible(chromedp.CSS("#votes .field")))
	wait(phone, "the outbox read", `document.querySelector('#outbox li[data-id="`+id+`"][data-state=acked]') !== null`)
	if n := e.LastSeq(); n != 1 {
		t.Fatalf("after a reload the log holds %d submissions", n)
	}

	// Signing out forgets the kept form: the phone keeps no one's boxes.
	run(phone, "sign out", chromedp.Click(chromedp.CSS("header form[action='/logout'] button")), chromedp.WaitVisible(chromedp.CSS("#token")))
	if got := eval(phone, `caches.match("/entry").then(r => String(!!r))`); got != "false" {
		t.Errorf("the form page is still kept after signing out (%s)", got)
	}
}

// The centre may take no photos from this form yet (the photo endpoint
// missing: 404): the sheet goes and is acknowledged, the photo stays on
// the phone, bytes and all, marked waiting and not retried in a loop; at
// the next occasion after the endpoint answers it is sent, and its bytes
// leave the phone's storage.
func TestPhotoWaitsUntilTheCentreTakesIt(t *testing.T) {
	desk := &photoDesk{got: map[string][]byte{}}
	var ready atomic.Bool
	var missed atomic.Int32
	rig := newPhoneRig(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !ready.Load() {
			missed.Add(1)
			http.NotFound(w, r)
			return
		}
		desk.ServeHTTP(w, r)
	}))
	photo, jpegBytes := photoFile(t)
	phone, closePhone := rig.open()
	defer closePhone()
	rig.signIn(phone)
	rig.sendSheet(phone, photo)
	rig.wait(phone, "the receipt", `document.querySelector("#receipt").textContent.startsWith("Alındı")`)
	rig.wait(phone, "the photo waiting", `document.querySelector("#outbox li[data-state=acked] .photos[data-state=waiting]") !== null`)
	kept := `new Promise(ok => { const r = indexedDB.open("sandik-outbox"); r.onsuccess = () => {
		const g = r.result.transaction("photos").objectStore("photos").getAll();
		g.onsuccess = () => ok(g.result.map(p => p.state + ":" + (p.blob ? p.blob.size : 0)).join(",")); }; })`
	if got, want := rig.eval(phone, kept), fmt.Sprintf("waiting:%d", len(jpegBytes)); got != want {
		t.Fatalf("the phone keeps %q, want %q", got, want)
	}
	if n := missed.Load(); n != 1 {
		t.Errorf("the photo was posted %d times to a missing endpoint, want once", n)
	}
	if n := rig.e.LastSeq(); n != 1 {
		t.Fatalf("the log holds %d submissions", n)
	}

	ready.Store(true)
	rig.run(phone, "the connection returns", chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event("online"))`))
	rig.wait(phone, "the photo sent", `document.querySelector("#outbox li[data-state=acked] .photos[data-state=acked]") !== null`)
	if got := rig.eval(phone, kept); got != "acked:0" {
		t.Errorf("after sending, the phone keeps %q, want the record without its bytes", got)
	}
	desk.mu.Lock()
	defer desk.mu.Unlock()
	if desk.posts != 1 || len(desk.got) != 1 {
		t.Fatalf("the endpoint had %d posts of %d photos", desk.posts, len(desk.got))
	}
	for _, b := range desk.got {
		if !bytes.Equal(b, jpegBytes) {
			t.Fatalf("the photo arrived as %d bytes, want %d", len(b), len(jpegBytes))
		}
	}
}
