package pages

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/api"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// Three volunteers in the browser, keyboard only: two type the photos of
// two boxes, disagree on one, and the disagreement goes to the third,
// whose typing settles it; both boxes end verified on the box pages.
func TestKeyingInBrowser(t *testing.T) {
	path := webtest.ChromiumPath(t)
	e := &env{}
	e.Env = webtest.Start(t, webtest.Registry(t), openStore, func(w *webtest.Env) (http.Handler, func()) {
		e.base = handler.New(handler.Config{Logger: w.Logger, Authenticate: w.Center.Authenticate, Seq: w.Center.Seq, MaxInFlightWrites: 64})
		api.Mount(e.base, w.Center, api.Config{MaxBodyBytes: 1 << 20, MaxBatchBytes: 1 << 20, WaitTimeout: time.Second})
		e.pages = Mount(e.base, w.Center, Config{MaxBodyBytes: 1 << 20})
		e.base.Handle("/", e.base.NotFound)
		return e.base.Handler(), e.pages.Close
	})
	for _, id := range []string{"vol2", "vol3"} {
		e.AddUser(sandik.User{ID: sandik.UserID(id), Name: "Gönüllü " + id, Role: sandik.RoleVolunteer})
	}
	for _, box := range []string{box1, box2} {
		if _, _, err := e.Center.AddSheetPhoto(t.Context(), operator, raceIST, sandik.AreaCode(box), pageJPEG(t)); err != nil {
			t.Fatal(err)
		}
	}
	first := webtest.Chromium(t, path, 1280, 900, 120*time.Second)
	run := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(ctx context.Context, expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		return s
	}
	tab := func(user string) context.Context {
		ctx := first
		if user != volunteer {
			var c context.CancelFunc
			ctx, c = chromedp.NewContext(first, chromedp.WithNewBrowserContext())
			t.Cleanup(c)
		}
		run(ctx, "sign in as "+user,
			chromedp.Navigate(e.HTTP.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[user]),
			chromedp.Click(chromedp.CSS("main form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")),
			chromedp.Navigate(e.HTTP.URL+"/anahtarlama"))
		return ctx
	}
	// sheet waits for a sheet other than prev and returns its box.
	sheet := func(ctx context.Context, prev string) string {
		t.Helper()
		run(ctx, "wait for a sheet", chromedp.Poll[chromedp.Void](`(() => { const f = document.getElementById("keying-form");
			const b = f.dataset.box || ""; return !f.classList.contains("waiting") && b !== "" && b !== `+jsString(prev)+` &&
			document.getElementById("photo").complete && document.getElementById("photo").naturalWidth > 0; })()`, chromedp.WithPollingTimeout(20*time.Second)))
		return eval(ctx, `document.getElementById("keying-form").dataset.box`)
	}
	// typeIn types a sheet with the keyboard alone: Tab from field to
	// field in the paper's order (voted_by_law left empty), Enter sends.
	typeIn := func(ctx context.Context, chp, akp int) {
		t.Helper()
		valid := chp + akp + 10
		keys := "300\t\t" + itoa(valid+3) + "\t" + itoa(valid) + "\t0\t" + itoa(valid) + "\t3\t" + itoa(chp) + "\t" + itoa(akp) + "\t10\r"
		run(ctx, "type the sheet", chromedp.Focus(chromedp.CSS("#k-registered")), chromedp.KeyEvent(keys))
	}
	a := tab(volunteer)
	b := tab("vol2")
	a1 := sheet(a, "")
	if eval(a, `document.activeElement.id`) != "k-registered" {
		t.Errorf("the cursor is not in the first field of the paper")
	}
	if n := eval(a, `String(document.querySelectorAll("#k-votes input").length)`); n != "3" {
		t.Errorf("%s vote fields, want the race's 3 choices", n)
	}
	// The identities are checked as the volunteer types.
	run(a, "a sum that does not hold", chromedp.Focus(chromedp.CSS("#k-valid_without_objection")), chromedp.KeyEvent("90"),
		chromedp.Focus(chromedp.CSS("#k-valid_upon_objection")), chromedp.KeyEvent("0"),
		chromedp.Focus(chromedp.CSS("#k-valid_total")), chromedp.KeyEvent("100"))
	if m := eval(a, `document.getElementById("km-valid_total").textContent`); m == "" {
		t.Error("90 + 0 ≠ 100 was not shown while typing")
	}
	run(a, "clear", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#keying-form input").forEach(i => i.value = "")`))
	typeIn(a, 50, 40)
	a2 := sheet(a, a1)
	typeIn(a, 50, 40)
	b1 := sheet(b, "")
	typeIn(b, 50, 40)
	b2 := sheet(b, b1)
	typeIn(b, 51, 39) // a slip on b's second sheet
	if a1 == a2 || b1 == b2 {
		t.Fatalf("a volunteer was handed a box twice: %s %s, %s %s", a1, a2, b1, b2)
	}
	run(b, "nothing left for the second volunteer", chromedp.Poll[chromedp.Void](`document.getElementById("keying-form").classList.contains("waiting")`, chromedp.WithPollingTimeout(20*time.Second)))
	c := tab("vol3")
	c1 := sheet(c, "")
	if c1 != b2 {
		t.Errorf("the third volunteer got %s, want the disputed %s", c1, b2)
	}
	typeIn(c, 50, 40)
	run(c, "nothing left", chromedp.Poll[chromedp.Void](`document.getElementById("keying-form").classList.contains("waiting")`, chromedp.WithPollingTimeout(20*time.Second)))
	e.Settle(e.LastSeq())
	coord := tab(coordinator)
	for _, box := range []string{box1, box2} {
		d, err := e.Center.View(operator).Box(t.Context(), raceIST, sandik.AreaCode(box))
		if err != nil || d.State.Status != sandik.StatusVerified || d.State.Resolved.Votes[0] != 50 {
			t.Errorf("%s: %v %v", box, d.State.Status, err)
		}
		run(coord, "the box page", chromedp.Navigate(e.HTTP.URL+"/races/"+raceIST+"/boxes/"+box), chromedp.WaitVisible(chromedp.CSS("#zincir")))
		if s := eval(coord, `document.querySelector("[data-k=status]").textContent`); !strings.Contains(strings.ToLower(s), "doğrulan") {
			t.Errorf("%s shows status %q", box, s)
		}
	}

	// Nothing waits for the third volunteer now: the page opens on a
	// message, in both languages, with no empty photo frame, and nothing
	// moves once the script has asked (the layout shifts add up to 0).
	for _, tc := range []struct{ q, want string }{{"", "Şu an yazılacak tutanak yok"}, {"?lang=en", "No sheet waits to be typed"}} {
		run(c, "open the page with nothing waiting"+tc.q, chromedp.Navigate(e.HTTP.URL+"/anahtarlama"+tc.q), chromedp.WaitVisible(chromedp.CSS("#k-empty")),
			chromedp.Evaluate[chromedp.Void](`window.__cls = 0; window.__ready = false;
				window.__shifts = [];
				new PerformanceObserver(l => { for (const x of l.getEntries()) { window.__cls += x.value;
					for (const s of x.sources || []) window.__shifts.push((s.node ? (s.node.id || s.node.nodeName + "." + s.node.className) : "?") + " " + JSON.stringify(s.previousRect) + "→" + JSON.stringify(s.currentRect) + " @" + Math.round(x.startTime)); } }).observe({type: "layout-shift", buffered: true});`),
			// The script's first answer (204) has come and been drawn.
			chromedp.Poll[chromedp.Void](`performance.getEntriesByType("resource").some(r => r.name.includes("/api/v1/keying/next")) &&
				document.getElementById("k-status").textContent === ""`, chromedp.WithPollingTimeout(10*time.Second)),
			chromedp.Evaluate[chromedp.Void](`requestAnimationFrame(() => requestAnimationFrame(() => { window.__ready = true; }))`),
			chromedp.Poll[chromedp.Void](`window.__ready`, chromedp.WithPollingTimeout(5*time.Second)))
		if got := eval(c, `document.getElementById("k-empty-t").textContent`); got != tc.want {
			t.Errorf("nothing waits%s: title %q, want %q", tc.q, got, tc.want)
		}
		if d := eval(c, `getComputedStyle(document.getElementById("keying")).display + " " + document.querySelector(".photo-frame").getBoundingClientRect().height`); d != "none 0" {
			t.Errorf("nothing waits%s: the photo frame is drawn (display, height: %s)", tc.q, d)
		}
		if cls := eval(c, `String(window.__cls)`); cls != "0" {
			t.Errorf("nothing waits%s: layout shift %s, want 0: %s", tc.q, cls, eval(c, `window.__shifts.join("; ")`))
		}
	}

	// A photo an observer network keeps on its server is handed with its
	// address: a link out where the photo would be, no image loaded.
	const far = "https://api-secim.oyveotesi.org/image/secim-images.oyveotesi.org/oyveotesi/raw/server/1881_bulk_0a1b_2c3d.jpg"
	if _, err := e.Center.ImportSheetPhotoRefs(t.Context(), []sandik.SheetPhoto{{Race: raceIST, Box: box3, By: "ovo", URL: far}}); err != nil {
		t.Fatal(err)
	}
	run(c, "a sheet kept elsewhere", chromedp.Navigate(e.HTTP.URL+"/anahtarlama"), chromedp.Poll[chromedp.Void](`(() => {
		const f = document.getElementById("keying-form"); return !f.classList.contains("waiting") && f.dataset.box === `+jsString(box3)+`; })()`,
		chromedp.WithPollingTimeout(20*time.Second)))
	if got := eval(c, `[document.getElementById("photo-link").href, document.getElementById("photo-ext").hidden, document.getElementById("photo").hidden, document.getElementById("photo").getAttribute("src")].join(" ")`); got != far+" false true " {
		t.Errorf("the sheet kept elsewhere is drawn as %q", got)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
