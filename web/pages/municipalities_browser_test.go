package pages

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// The municipalities page fits a phone and a desktop without the page
// scrolling sideways, and a district on the map leads to its row.
func TestMunicipalitiesInBrowser(t *testing.T) {
	e := newEnv(t)
	e.MunicipalFixture()
	ctx, poll := chromium(t, e, observer1)
	for _, width := range []int64{390, 1400} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 844), chromedp.Navigate(e.HTTP.URL+"/belediyeler")); err != nil {
			t.Fatal(err)
		}
		poll("the summary and the map", `document.querySelectorAll(".muni-sum dd").length === 6 && !!document.querySelector("svg.map[role=img]")`)
		poll("no sideways scroll of the page", `document.documentElement.scrollWidth <= window.innerWidth`)
		poll("every row in view without scrolling its table", `Array.from(document.querySelectorAll("table.muni")).every(t => t.scrollWidth <= t.parentElement.clientWidth + 1)`)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('svg.map path[data-f="34.02"]').dispatchEvent(new MouseEvent("click", {bubbles: true}))`)); err != nil {
		t.Fatal(err)
	}
	poll("Beşiktaş's row", `location.hash === "#m-34.02" && document.querySelector("#m-34\\.02 th").textContent === "Beşiktaş Belediyesi"`)
}
