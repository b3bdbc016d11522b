package pages

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// On a phone (390 px), the coordinator of Adalar goes from the menu to
// the people, to Deniz Ada, and finds the phone as a tel: link, the page
// no wider than the screen; then the administrator erases her with the
// form, and her page shows a removed person.
func TestPersonPageInBrowser(t *testing.T) {
	path := webtest.ChromiumPath(t)
	e := newScopedEnv(t)
	peopleFixture(t, e)
	ctx := webtest.Chromium(t, path, 390, 844, 90*time.Second)
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
	signIn := func(user string) {
		t.Helper()
		run("sign in as "+user,
			chromedp.Navigate(e.HTTP.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[user]),
			chromedp.Click(chromedp.CSS("main form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")))
	}

	signIn(coordAdal)
	run("the menu leads to the people", chromedp.Click(chromedp.CSS(`header nav a[href="/kisiler"]`)), chromedp.WaitVisible(chromedp.CSS("main table")))
	run("open Deniz Ada", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Click(chromedp.CSS(`main a[href="/kisiler/k-ada"]`)), chromedp.WaitVisible(chromedp.CSS("#contact-h")))
	if got := eval(`document.querySelector('main a[href^="tel:"]').getAttribute("href")`); got != "tel:+905321112233" {
		t.Errorf("the phone link is %q", got)
	}
	if w := eval(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the person's page is %s px wide on a 390 px screen", w)
	}
	run("sign out", chromedp.Click(chromedp.CSS("header form[action='/logout'] button")), chromedp.WaitVisible(chromedp.CSS("#token")))

	signIn(admin)
	run("open Deniz Ada as admin", chromedp.Navigate(e.HTTP.URL+"/kisiler/k-ada"), chromedp.WaitVisible(chromedp.CSS("#reason")))
	run("erase", chromedp.SendKeys(chromedp.CSS("#reason"), "KVKK talebi"), chromedp.Click(chromedp.CSS("#confirm")),
		chromedp.Click(chromedp.CSS(`form[action="/kisiler/k-ada/sil"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("main .ok")))
	if h1 := strings.TrimSpace(eval(`document.querySelector("main h1").textContent`)); h1 != "silinmiş kişi" {
		t.Errorf("the erased person's heading reads %q", h1)
	}
	if n := eval(`String(document.querySelectorAll('a[href^="tel:"]').length)`); n != "0" {
		t.Errorf("%s phone links after erasure", n)
	}
}
