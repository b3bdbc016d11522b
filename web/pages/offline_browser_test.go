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
	"os/exec"
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
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("SANDIK_REQUIRE_BROWSER") == "1" {
			t.Fatal(err)
		}
		t.Skip("no chromium:", err)
	}
	var line atomic.Int32
	desk := &photoDesk{got: map[string][]byte{}}
	e := &env{}
	inner := e.mount()
	e.Env = webtest.Start(t, webtest.Registry(t), openStore, func(w *webtest.Env) (http.Handler, func()) {
		h, closeFirst := inner(w)
		mux := http.NewServeMux()
		mux.Handle("POST "+photoPath, desk)
		mux.Handle("/", h)
		return cutLine(mux, &line), closeFirst
	})
	e.AddScoped()
	photo := filepath.Join(t.TempDir(), "tutanak.jpg")
	jpegBytes := pageJPEG(t)
	if err := os.WriteFile(photo, jpegBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	profile := t.TempDir() // one phone: the same profile across both runs

	open := func() (context.Context, func()) {
		actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
			chromedp.Flag("disable-gpu", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(profile), chromedp.WindowSize(412, 900))
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
	run := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(ctx context.Context, expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		return s
	}
	wait := func(tab context.Context, what, expr string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(tab, 40*time.Second)
		defer cancel()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
			page, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
			t.Fatalf("waiting for %s: %v; the log holds %d; the page says:\n%s", what, err, e.LastSeq(), page)
		}
	}
	offline := func(ctx context.Context, off bool) {
		t.Helper()
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
			t.Fatalf("network emulation offline=%v: %v", off, err)
		}
	}

	// Online, once: signing in and opening the form installs the worker,
	// which keeps the form for later.
	phone, closePhone := open()
	run(phone, "sign in",
		chromedp.Navigate(e.HTTP.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[obsBox1]),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")),
		chromedp.Navigate(e.HTTP.URL+"/entry"), chromedp.WaitVisible(chromedp.CSS("#votes .field")))
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
	steps := []chromedp.Action[chromedp.Void]{}
	for f, v := range map[string]string{"registered": "300", "voted": "253", "valid_without_objection": "250", "valid_upon_objection": "0", "valid_total": "250", "invalid_total": "3"} {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("#f-"+f), v))
	}
	for c, v := range map[string]string{"CHP": "130", "AKP": "100", "SP": "20"} {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("#v-"+c), v))
	}
	steps = append(steps, chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{photo}), chromedp.Click(chromedp.CSS("#send")))
	run(phone, "type the sheet, add its photo and send", steps...)
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
