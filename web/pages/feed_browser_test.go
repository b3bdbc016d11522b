package pages

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// The coordinator watches the feed's alerts page; an official change
// arrives and shows as the latest alert without a reload; they open the
// box from the alert and see both versions, each with its provenance, and
// the diff.
func TestOfficialChangeInBrowser(t *testing.T) {
	path := webtest.ChromiumPath(t)
	e := newEnv(t, func(c *Config) { c.LiveInterval = 50 * time.Millisecond })
	webtest.RollupFixture(t, e.Env)
	ctx := webtest.Chromium(t, path, 1280, 900, 60*time.Second)
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		return s
	}
	run("sign in",
		chromedp.Navigate(e.HTTP.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[coordinator]),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")))
	run("the alerts page, live",
		chromedp.Navigate(e.HTTP.URL+"/resmi"),
		chromedp.WaitVisible(chromedp.CSS("#feed-latest")),
		chromedp.WaitVisible(chromedp.CSS(`div[data-seq]`)))
	if got := eval(`document.querySelector("#feed-latest").textContent`); !strings.Contains(got, "Henüz uyarı yok") {
		t.Fatalf("latest alert before any change: %q", got)
	}
	feedChange(t, e.Env)
	// The change arrives on the open page: its line, and the offer to
	// refresh the list.
	run("the alert arrives", chromedp.WaitVisible(chromedp.CSS("#feed-refresh")))
	if got := eval(`document.querySelector("#feed-latest").textContent`); got != "Adalar, Sandık 1001 — Resmî rakam değişti: AK PARTİ +20, CHP −20 (31.03.2019 03:12:00)" {
		t.Errorf("latest alert on the open page: %q", got)
	}
	run("refresh and open the box",
		chromedp.Click(chromedp.CSS("#feed-refresh")),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-alert] th a`)),
		chromedp.Click(chromedp.CSS(`tr[data-alert] th a`)),
		chromedp.WaitVisible(chromedp.CSS("#feed-versions")))
	heads := eval(`Array.from(document.querySelectorAll("#feed-versions thead th")).map(e => e.textContent).join("|")`)
	if heads != "Alan|Sürüm 1|Sürüm 2" {
		t.Errorf("versions: %q", heads)
	}
	diff := eval(`Array.from(document.querySelectorAll("#feed-versions tr.feed-diff td")).map(e => e.textContent).join("|")`)
	if diff != "ilk yayın|AK PARTİ +20, CHP −20" {
		t.Errorf("diff row: %q", diff)
	}
	src := eval(`Array.from(document.querySelectorAll("#feed-versions tbody tr:nth-child(2) td")).map(e => e.textContent).join("|")`)
	if src != "elle içe aktarılan dosya|https://ysk.example/il/34.json" {
		t.Errorf("provenance row: %q", src)
	}
	moved := eval(`Array.from(document.querySelectorAll("#feed-versions strong.diffmark")).map(e => e.textContent).join("|")`)
	if moved != "120|100" {
		t.Errorf("figures marked as moved: %q", moved)
	}
	// On a phone the alerts are blocks that fit the screen: no sideways
	// scroll, the box first, the source's long address broken inside it.
	run("the alerts on a phone",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.HTTP.URL+"/resmi"),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-alert] th a`)))
	if fits := eval(`String(document.documentElement.scrollWidth <= window.innerWidth)`); fits != "true" {
		t.Errorf("the alerts page scrolls sideways at 390 px: %s px wide", eval(`String(document.documentElement.scrollWidth)`))
	}
	if order := eval(`(() => { const r = document.querySelector("tr[data-alert]"); return String(r.querySelector("th").getBoundingClientRect().top <= r.querySelector("td").getBoundingClientRect().top) })()`); order != "true" {
		t.Errorf("at 390 px the alert's box is not on its first line")
	}
}
