package pages

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// TestUnitChartInBrowser: a district coordinator, on a phone's width,
// opens the units from the menu, finds only their district, opens its
// chart, picks an older day and sees the old chair; the vacancy is said
// in words; nothing overflows the screen.
func TestUnitChartInBrowser(t *testing.T) {
	path := webtest.ChromiumPath(t)
	e := newScopedEnv(t)
	unitsFixture(t, e)
	ctx := webtest.Chromium(t, path, 390, 844, 90*time.Second)
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.Join(strings.Fields(s), " ")
	}
	fits := func(what string) {
		t.Helper()
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
		if err != nil || !wide {
			t.Errorf("%s overflows a 390 px screen (%v)", what, err)
		}
	}
	run("sign in",
		chromedp.Navigate(e.HTTP.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[webtest.CoordAdal]),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")))
	run("open the units from the menu", chromedp.Click(chromedp.CSS(`header nav a[href="/birimler"]`)), chromedp.WaitVisible(chromedp.CSS("ul.units")))
	if list := text("ul.units"); !strings.Contains(list, "Adalar") || strings.Contains(list, "Beşiktaş") {
		t.Errorf("the district coordinator's units: %q", list)
	}
	fits("the units' list")
	run("open Adalar", chromedp.Click(chromedp.CSS(`ul.units a[href="/birimler/34.01"]`)), chromedp.WaitVisible(chromedp.CSS("table.chart")))
	if chart := text("table.chart tbody"); !strings.Contains(chart, "Yeni Başkan") || !strings.Contains(chart, "BOŞ") {
		t.Errorf("today's chart: %q", chart)
	}
	fits("the chart")
	run("pick 2019-02-28",
		chromedp.SetValue(chromedp.CSS("#at"), "2019-02-28"),
		chromedp.Click(chromedp.CSS("form.at button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(`table.chart a[href="/kisiler/k-eski"]`)))
	if h := text("#chart-h"); !strings.Contains(h, "28.02.2019") {
		t.Errorf("the chart's heading after picking a day: %q", h)
	}
}
