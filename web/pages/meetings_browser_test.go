package pages

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
)

// A workshop in the browser: the coordinator puts the projector view up
// (1920×1080); two phones (360 px) check in with the door's code, join
// the survey and answer; the projector counts both without a reload.
func TestWorkshopInBrowser(t *testing.T) {
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("SANDIK_REQUIRE_BROWSER") == "1" {
			t.Fatal(err)
		}
		t.Skip("no chromium:", err)
	}
	e := newEnv(t, func(c *Config) { c.LiveInterval = 50 * time.Millisecond })
	m, s := meetingPagesFixture(t, e)
	if err := e.Center.SetQuestion(t.Context(), sandik.User{ID: "setup", Role: sandik.RoleAdmin}, "a-1", 1, sandik.QuestionOpen, false); err != nil {
		t.Fatal(err)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1920, 1080))
	defer cancelAlloc()
	projector, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()
	projector, cancel := context.WithTimeout(projector, 90*time.Second)
	defer cancel()
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
	run(projector, "sign in",
		chromedp.Navigate(e.HTTP.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[coordinator]),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")))
	run(projector, "the projector", chromedp.Navigate(e.HTTP.URL+"/anket/a-1/ekran"), chromedp.WaitVisible(chromedp.CSS(`[data-k="q1.answers"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector(".live-text").textContent === "Canlı"`, chromedp.WithPollingTimeout(20*time.Second)))
	// A mark that a reload would wipe.
	eval(projector, `window.stillHere = "yes"; "ok"`)

	for i, who := range []string{"k-bes", "k-c1"} {
		phone, cancelPhone := chromedp.NewContext(projector, chromedp.WithNewBrowserContext())
		run(phone, "phone "+who,
			chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile),
			chromedp.Navigate(e.HTTP.URL+"/katil/t-1"),
			chromedp.SendKeys(chromedp.CSS("#j-code"), m.Code),
			chromedp.Click(chromedp.CSS("main form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("#j-person")),
			chromedp.SetValue(chromedp.CSS("#j-person"), who),
			chromedp.Click(chromedp.CSS("main form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("#c-a-1")),
			chromedp.SendKeys(chromedp.CSS("#c-a-1"), s.JoinCode),
			chromedp.Click(chromedp.CSS("#s-a-1 form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(`input[name="choice"][value="0"]`)),
			chromedp.Click(chromedp.CSS(`input[name="choice"][value="0"]`)),
			chromedp.Click(chromedp.CSS("#s-a-1 form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("main .ok")))
		if w := eval(phone, `String(document.documentElement.scrollWidth)`); w != "360" {
			t.Errorf("the phone's page is %s px wide on a 360 px screen", w)
		}
		want := []string{"1 yanıt", "2 yanıt"}[i]
		run(projector, "the projector counts "+want,
			chromedp.Poll[chromedp.Void](`document.querySelector('[data-k="q1.answers"]').textContent === "`+want+`"`, chromedp.WithPollingTimeout(20*time.Second)))
		cancelPhone()
	}
	if got := eval(projector, `String(window.stillHere)`); got != "yes" {
		t.Errorf("the projector reloaded to count the answers (mark %q)", got)
	}
	if got := strings.TrimSpace(eval(projector, `document.querySelector('[data-k="q1.c0"]').textContent`)); got != "–" {
		t.Errorf("the projector shows %q for a count not revealed", got)
	}
}
