package pages

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// A workshop in the browser: the organiser makes it from the last one
// (its template) and puts the projector view up (1920×1080); two phones
// (360 px) check in with the door's code, join the survey and answer; the
// projector counts both without a reload; the organiser seats the room
// and names a moderator, whose phone records two findings; the organiser
// closes the meeting with minutes and a decision.
func TestWorkshopInBrowser(t *testing.T) {
	path := webtest.ChromiumPath(t)
	e := newEnv(t, func(c *Config) { c.LiveInterval = 50 * time.Millisecond })
	meetingPagesFixture(t, e)
	organiser := webtest.Chromium(t, path, 1920, 1080, 120*time.Second)
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
	run(organiser, "sign in",
		chromedp.Navigate(e.HTTP.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[coordinator]),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")))
	// Pages left by a form are marked, so that waiting for a page without
	// the mark waits for the next one (scripts cannot wait across it).
	mark := chromedp.Evaluate[chromedp.Void](`document.body.dataset.left = "1"`)
	next := chromedp.WaitVisible(chromedp.CSS(`body:not([data-left])`))
	run(organiser, "the next workshop from the last",
		chromedp.Navigate(e.HTTP.URL+"/toplantilar/t-1"),
		chromedp.SendKeys(chromedp.CSS("#n-title"), "İstanbul Çalıştayı 2020"),
		chromedp.SetValue(chromedp.CSS("#n-start"), "2020-06-20T10:00"),
		chromedp.SetValue(chromedp.CSS("#n-end"), "2020-06-20T17:00"),
		mark,
		chromedp.Click(chromedp.CSS(`form[action$="/sonraki"] button[type=submit]`)),
		next)
	if h1 := eval(organiser, `document.querySelector("main h1").textContent`); h1 != "İstanbul Çalıştayı 2020" {
		t.Fatalf("after making the next workshop the page is %q", h1)
	}
	meeting := strings.TrimPrefix(eval(organiser, `location.pathname`), "/toplantilar/")
	survey := meeting + "-1"
	codes := eval(organiser, `Array.from(document.querySelectorAll(".code")).map(e => e.textContent).join(" ")`)
	code, join, _ := strings.Cut(codes, " ")
	if len(code) != 6 || len(join) != 6 {
		t.Fatalf("codes on the organiser's page: %q", codes)
	}
	run(organiser, "open question 1", chromedp.Click(chromedp.CSS(`form[action="/anket/`+survey+`/soru/1"] button[value=open]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/anket/`+survey+`/soru/1"] button[value=close]`)))
	run(organiser, "the projector", chromedp.Navigate(e.HTTP.URL+"/anket/"+survey+"/ekran"), chromedp.WaitVisible(chromedp.CSS(`[data-k="q1.answers"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector(".live-text").textContent === "Canlı"`, chromedp.WithPollingTimeout(20*time.Second)))
	// A mark that a reload would wipe.
	eval(organiser, `window.stillHere = "yes"; "ok"`)

	phones := map[string]context.Context{}
	for i, who := range []string{"k-bes", "k-c1"} {
		phone, cancelPhone := chromedp.NewContext(organiser, chromedp.WithNewBrowserContext())
		defer cancelPhone()
		phones[who] = phone
		run(phone, "phone "+who,
			chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile),
			chromedp.Navigate(e.HTTP.URL+"/katil/"+meeting),
			chromedp.SendKeys(chromedp.CSS("#j-code"), code),
			chromedp.Click(chromedp.CSS("main form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("#j-person")),
			chromedp.SetValue(chromedp.CSS("#j-person"), who),
			chromedp.Click(chromedp.CSS("main form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("#c-"+survey)),
			chromedp.SendKeys(chromedp.CSS("#c-"+survey), join),
			chromedp.Click(chromedp.CSS("#s-"+survey+" form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(`input[name="choice"][value="0"]`)),
			chromedp.Click(chromedp.CSS(`input[name="choice"][value="0"]`)),
			chromedp.Click(chromedp.CSS("#s-"+survey+" form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("main .ok")))
		if w := eval(phone, `String(document.documentElement.scrollWidth)`); w != "360" {
			t.Errorf("the phone's page is %s px wide on a 360 px screen", w)
		}
		want := []string{"1 yanıt", "2 yanıt"}[i]
		run(organiser, "the projector counts "+want,
			chromedp.Poll[chromedp.Void](`document.querySelector('[data-k="q1.answers"]').textContent === "`+want+`"`, chromedp.WithPollingTimeout(20*time.Second)))
	}
	if got := eval(organiser, `String(window.stillHere)`); got != "yes" {
		t.Errorf("the projector reloaded to count the answers (mark %q)", got)
	}
	if got := strings.TrimSpace(eval(organiser, `document.querySelector('[data-k="q1.c0"]').textContent`)); got != "–" {
		t.Errorf("the projector shows %q for a count not revealed", got)
	}

	run(organiser, "seat the room and name a moderator",
		chromedp.Navigate(e.HTTP.URL+"/toplantilar/"+meeting),
		chromedp.SetValue(chromedp.CSS("#t-min"), "1"),
		chromedp.Click(chromedp.CSS(`form[action$="/masalar"] input[value=seat] ~ button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#mod-1")),
		chromedp.SetValue(chromedp.CSS("#mod-1"), "k-bes"),
		mark,
		chromedp.Click(chromedp.CSS(`form[action$="/masalar"] input[value=moderator] ~ button[type=submit]`)),
		next, chromedp.WaitVisible(chromedp.CSS(".table-card strong")))
	if got := eval(organiser, `document.querySelector(".table-card strong").textContent`); got != "Cem Beşli" {
		t.Fatalf("table 1's moderator is %q", got)
	}
	mod := phones["k-bes"]
	for i, f := range []struct{ kind, text string }{{"strength", "Sandık görevlisi eğitimi"}, {"proposal", "Kardeş ilçe: Beşiktaş–Adalar"}} {
		run(mod, "finding "+f.kind,
			chromedp.Navigate(e.HTTP.URL+"/katil/"+meeting),
			chromedp.WaitVisible(chromedp.CSS("#masa-h")),
			chromedp.Click(chromedp.CSS(`input[name="kind"][value="`+f.kind+`"]`)),
			chromedp.SendKeys(chromedp.CSS("#f-text"), f.text),
			mark,
			chromedp.Click(chromedp.CSS(`form[action$="/bulgu"] button[type=submit]`)),
			next, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#masa li:nth-child(%d)", i+1))))
	}
	run(organiser, "close with minutes and a decision",
		chromedp.Navigate(e.HTTP.URL+"/toplantilar/"+meeting),
		chromedp.SendKeys(chromedp.CSS("#c-minutes"), "Kardeş ilçe modeli kabul edildi."),
		chromedp.SendKeys(chromedp.CSS("#c-decision"), "Kardeş ilçe eşleşmelerini hazırla"),
		chromedp.SetValue(chromedp.CSS("#c-due"), "2020-07-01"),
		mark,
		chromedp.Click(chromedp.CSS(`form[action$="/kapat"] button[type=submit]`)),
		next, chromedp.WaitVisible(chromedp.CSS(".minutes")))
	if got := eval(organiser, `document.querySelector("#masalar").parentElement.textContent`); !strings.Contains(got, "Kardeş ilçe: Beşiktaş–Adalar") || !strings.Contains(got, "Sandık görevlisi eğitimi") {
		t.Errorf("the organiser does not see the findings: %s", got)
	}
	if got := eval(organiser, `document.querySelector("section[aria-labelledby=kararlar] tbody th").textContent`); got != "Kardeş ilçe eşleşmelerini hazırla" {
		t.Errorf("the decision on the page reads %q", got)
	}
	mins, err := e.Center.Meetings().Minutes(t.Context(), sandik.MeetingID(meeting))
	if err != nil || mins.Text != "Kardeş ilçe modeli kabul edildi." {
		t.Errorf("minutes stored %+v, %v", mins, err)
	}
	fs, err := e.Center.Meetings().Findings(t.Context(), sandik.MeetingID(meeting))
	if err != nil || len(fs) != 2 {
		t.Errorf("findings stored %+v, %v", fs, err)
	}
}
