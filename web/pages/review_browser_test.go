package pages

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// chromium opens a headless Chromium tab signed in as user on e, with a
// poll helper that fails the test naming what it waited for. Without a
// Chromium the test is skipped, unless SANDIK_REQUIRE_BROWSER=1.
func chromium(t *testing.T, e *env, user string) (context.Context, func(what, expr string)) {
	t.Helper()
	path := webtest.ChromiumPath(t)
	ctx := webtest.Chromium(t, path, 390, 844, 90*time.Second)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(e.HTTP.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[user]),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")),
	); err != nil {
		t.Fatal(err)
	}
	poll := func(what, expr string) {
		t.Helper()
		// A page still loading may lack an element the expression reads
		// (the next page's counter, on a loaded machine): not yet, rather
		// than a failure.
		expr = "(() => { try { return !!(" + expr + "); } catch (e) { return false; } })()"
		deadline := time.Now().Add(20 * time.Second)
		for {
			_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
			if err == nil {
				return
			}
			// A click that follows a link replaces the page under the
			// poll: poll the new one.
			if (strings.Contains(err.Error(), "navigated or closed") || strings.Contains(err.Error(), "Cannot find context")) && time.Now().Before(deadline) {
				continue
			}
			state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " | " + (document.querySelector("main") || document.body).innerText.slice(0, 1500)`))
			t.Fatalf("waiting for %s: %v\n%s", what, err, state)
		}
	}
	return ctx, poll
}

// A coordinator narrows the queue of 300 conflicts to Kadıköy, pages
// through its 120 by keyboard-reachable links, decides a box and is told
// which; the "queue changed" notice is not shown on a page as drawn.
func TestConflictQueueInBrowser(t *testing.T) {
	e := newQueueEnv(t)
	queueConflicts(t, e)
	ctx, poll := chromium(t, e, coordinator)
	boxes := `Array.from(document.querySelectorAll("article.conflict")).map(a => a.dataset.box)`
	onlyKadikoy := boxes + `.every(b => b.startsWith("34.03."))`
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	run(chromedp.Navigate(e.HTTP.URL + "/races/" + raceIST + "/conflicts"))
	poll("the first page of all 300", `document.querySelector("#queue-range").textContent === "1–25 arası gösteriliyor, toplam 300 çelişki" && `+boxes+`.length === 25`)
	poll("the live stream to agree with the page", `document.querySelector(".live-text").textContent === "Canlı" && document.querySelector(".changed").hidden`)
	run(chromedp.SetValue(chromedp.ID("ilce"), "34.03"), chromedp.Click(chromedp.CSS(".queue-filter button")))
	poll("Kadıköy's first page", `location.search === "?ilce=34.03" && document.querySelector("#queue-range").textContent === "1–25 arası gösteriliyor, toplam 120 çelişki" && `+boxes+`.length === 25 && `+onlyKadikoy)
	run(chromedp.Focus(chromedp.CSS(`nav.pager a[rel="next"]`)), chromedp.KeyEvent("\r"))
	poll("Kadıköy's second page", `document.querySelector("#queue-page").textContent === "Sayfa 2 / 5" && document.querySelector("#queue-range").textContent.startsWith("26–50") && `+boxes+`.length === 25 && `+onlyKadikoy)
	for n := 3; n <= 5; n++ {
		run(chromedp.Click(chromedp.CSS(`nav.pager a[rel="next"]`)))
		poll(fmt.Sprintf("Kadıköy's page %d", n), fmt.Sprintf(`document.querySelector("#queue-page").textContent === "Sayfa %d / 5"`, n))
	}
	poll("Kadıköy's last page", `document.querySelector("#queue-page").textContent === "Sayfa 5 / 5" && `+boxes+`.length === 20 && `+onlyKadikoy+` && !document.querySelector('a[rel="next"]')`)
	// Each box is named with its places and its age.
	poll("named and aged boxes", `document.querySelector("article.conflict h2 a").textContent.startsWith("Kadıköy › Kadıköy Merkez › Kadıköy Atatürk İlkokulu › Sandık 3") && document.querySelector("article.conflict p.help").textContent.startsWith("Bekliyor: ")`)

	// Decide the first box of the page: the confirmation names it, and
	// the queue is one shorter.
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](boxes+`[0]`))
	if err != nil {
		t.Fatal(err)
	}
	run(chromedp.SendKeys(chromedp.CSS(`article.conflict textarea`), "tutanak fotoğrafı"),
		chromedp.Click(chromedp.CSS(`article.conflict button[name="entry"]`)))
	poll("the confirmation naming the box", `((document.querySelector("#decided") || {}).textContent || "").startsWith("Karar kaydedildi: Kadıköy › Kadıköy Merkez › Kadıköy Atatürk İlkokulu › Sandık 3") && document.querySelector("#decided").textContent.endsWith("(`+first+`).")`)
	poll("the shorter queue", `document.querySelector("[data-k=count]").textContent === "Bekleyen çelişki: 299 (en eskisi önce)" && document.querySelector("#queue-range").textContent.endsWith("toplam 119 çelişki") && !`+boxes+`.includes("`+first+`")`)

	// A conflict in another district leaves this page as drawn: no notice.
	// One that lands on this page brings the notice; following it shows
	// the box, and the notice is gone.
	conflict := func(box string) {
		e.Submit(observer1, sheet("qn-a-"+box, raceIST, box, 100, 90, 10))
		e.Settle(e.Submit(observer2, sheet("qn-b-"+box, raceIST, box, 100, 80, 20)).Seq)
	}
	conflict(qBox(1, 120))
	poll("the count of the whole queue, and no notice", `document.querySelector("[data-k=count]").textContent === "Bekleyen çelişki: 300 (en eskisi önce)" && document.querySelector(".changed").hidden`)
	conflict(qBox(3, 121))
	poll("the notice", `!document.querySelector(".changed").hidden && document.querySelector("[data-k=count]").textContent === "Bekleyen çelişki: 301 (en eskisi önce)"`)
	run(chromedp.Click(chromedp.CSS(".changed a")))
	poll("the refreshed page without the notice", boxes+`.includes("`+qBox(3, 121)+`") && document.querySelector(".live-text").textContent === "Canlı" && document.querySelector(".changed").hidden && !document.querySelector("#decided")`)
}

// An observer's refused send puts the focus on the first wrong field,
// marked aria-invalid and tied to its message; the message and the mark go
// once the field is right. The voter list's figure is checked before
// sending; the races already sent show beside the box; the box search
// folds Turkish letters.
func TestEntryFormRefusalInBrowser(t *testing.T) {
	e := newQueueEnv(t)
	ctx, poll := chromium(t, e, obsAvcilar)
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	focused := `document.activeElement.id`
	// retype empties a field, as a select-all and delete would, then
	// types text into it key by key.
	retype := func(id, text string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			clear := `(el => { el.value = ""; el.dispatchEvent(new Event("input", {bubbles: true})); return true })(document.getElementById("` + id + `"))`
			if _, err := chromedp.Evaluate[bool](clear)(ctx, tg); err != nil {
				return chromedp.Void{}, err
			}
			return chromedp.SendKeys(chromedp.ID(id), text)(ctx, tg)
		}
	}
	run(chromedp.Navigate(e.HTTP.URL+"/entry"), chromedp.WaitVisible(chromedp.CSS("#assigned .pick")))
	// The phone's clock reads the test centre's election night, a minute
	// before the server's: the time a sheet was read must be plausible.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const D = Date, off = D.parse("`+testNow.Add(-time.Minute).Format(time.RFC3339)+`") - D.now();
		window.Date = class extends D { constructor(...a) { if (a.length) super(...a); else super(D.now() + off); } static now() { return D.now() + off; } };
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	// Typed without marks, the box search keeps both Avcılar boxes and
	// drops nothing; a Kadıköy search finds none of the observer's.
	run(chromedp.SendKeys(chromedp.ID("box"), "avcilar 1001"))
	poll("the folded filter", `Array.from(document.querySelectorAll("#assigned .pick")).filter(b => !b.hidden).map(b => b.dataset.box).join() === "`+qBox(1, 1)+`"`)
	run(retype("box", "kadikoy"))
	poll("no box of another district", `Array.from(document.querySelectorAll("#assigned .pick")).every(b => b.hidden) && document.querySelector("#hits").textContent === "Bu aramaya uyan sandık yok."`)
	run(retype("box", "a"))
	run(chromedp.Click(chromedp.CSS(`#assigned .pick[data-box="` + qBox(1, 1) + `"]`)))
	poll("the chosen box and its races not sent", focused+` === "f-registered" && document.querySelector("#box-msg").textContent.startsWith("Avcılar › Avcılar Merkez") && !document.querySelector("#sent").hidden && document.querySelectorAll("#sent li.notsent").length === 2`)

	// A sheet whose votes do not add up: 100 + 90 + 10 = 200, valid total 212.
	fill := map[string]string{"f-registered": "300", "f-voted": "215", "f-valid_without_objection": "212", "f-valid_upon_objection": "0",
		"f-valid_total": "212", "f-invalid_total": "3", "v-CHP": "100", "v-AKP": "90", "v-SP": "10"}
	for _, id := range []string{"f-registered", "f-voted", "f-valid_without_objection", "f-valid_upon_objection", "f-valid_total", "f-invalid_total", "v-CHP", "v-AKP", "v-SP"} {
		run(chromedp.SendKeys(chromedp.ID(id), fill[id]))
	}
	run(chromedp.Click(chromedp.ID("send")))
	poll("focus on the first vote field, marked and described", focused+` === "v-CHP" && document.activeElement.getAttribute("aria-invalid") === "true" && document.activeElement.getAttribute("aria-describedby").split(" ").some(id => document.getElementById(id).textContent === "Geçerli oy toplamı partilerin toplamından 12 fazla.") && document.querySelector("#m-form").textContent !== ""`)
	// Fixing it takes the mark and both error lines away.
	run(retype("v-CHP", "112"))
	poll("the error lines gone", `!document.querySelector('[aria-invalid="true"]') && document.querySelector("#m-votes").textContent === "" && document.querySelector("#m-form").textContent === ""`)

	// A registered figure the voter list disagrees with: stopped before
	// sending, focus on it; sent on a second press.
	run(retype("f-registered", "250"), chromedp.Click(chromedp.ID("send")))
	poll("the voter list's figure", focused+` === "f-registered" && document.activeElement.getAttribute("aria-invalid") === "true" && document.querySelector("#m-registered").textContent.startsWith("Seçmen listesinde bu sandıkta 300 kayıtlı seçmen var, siz 250 yazdınız.")`)
	if e.LastSeq() != 0 {
		t.Fatalf("a sheet was sent before the voter list was confirmed: log at %d", e.LastSeq())
	}
	run(chromedp.Click(chromedp.ID("send")))
	poll("the receipt with its warning in Turkish", `document.querySelector("#receipt").textContent.startsWith("Alındı (kayıt #") && document.querySelector("#receipt").textContent.includes("kayıtlı seçmen sayısı seçmen listesinden farklı") && document.querySelectorAll("#sent li.sent").length === 1`)

	// The server refuses a box that does not exist: focus on the box.
	run(chromedp.Click(chromedp.ID("new-sheet")))
	run(chromedp.SendKeys(chromedp.ID("box"), "34.01.01.01.999"))
	fill["f-registered"], fill["v-CHP"] = "300", "112"
	for _, id := range []string{"f-registered", "f-voted", "f-valid_without_objection", "f-valid_upon_objection", "f-valid_total", "f-invalid_total", "v-CHP", "v-AKP", "v-SP"} {
		run(chromedp.SendKeys(chromedp.ID(id), fill[id]))
	}
	run(chromedp.Click(chromedp.ID("send")))
	poll("focus on the refused box", focused+` === "box" && document.activeElement.getAttribute("aria-invalid") === "true" && document.querySelector("#box-msg").textContent !== "" && document.querySelector("#m-form").textContent.startsWith("Tutanakta düzeltilmesi")`)
	run(retype("box", qBox(1, 2)))
	poll("the box's mark gone", `!document.querySelector('[aria-invalid="true"]') && document.querySelector("#m-form").textContent === ""`)
}
