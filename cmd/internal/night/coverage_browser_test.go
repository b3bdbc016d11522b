package night

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/demo"
)

// A district coordinator signs in on the demo night, sees the district's
// boxes without an observer, assigns one of the district's people to a
// gap (the gap is gone), is refused a box of the next district, and
// follows the menu to the silent boxes, where an observer has a phone to
// call.
func TestDistrictCoordinatorCoverageInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and replays a demo night")
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("SANDIK_REQUIRE_BROWSER") == "1" {
			t.Fatal(err)
		}
		t.Skip("no chromium:", err)
	}
	n, err := Start(t.Context(), t.TempDir(), Options{Scale: 0.01, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	reg := n.Registry
	district, _ := reg.Area(n.District)

	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(what, expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return s
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.Join(strings.Fields(s), " ")
	}

	run("sign in",
		chromedp.Navigate(n.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), n.Tokens[District]),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")))

	// The menu leads to the coverage of the coordinator's own district.
	run("open the coverage from the menu", chromedp.Click(chromedp.CSS(`header nav a[href="/kapsama"]`)), chromedp.WaitVisible(chromedp.CSS("table.gaps")))
	if h1 := text("h1"); !strings.Contains(h1, "Müşahit kapsaması: "+district.Name) {
		t.Fatalf("the coverage page is headed %q, want %s's", h1, district.Name)
	}
	gaps := eval("list the gaps", `[...document.querySelectorAll("table.gaps tbody tr")].map(r => r.dataset.box).join(" ")`)
	first, _, _ := strings.Cut(gaps, " ")
	if first == "" || !reg.Contains(n.District, sandik.AreaCode(first)) {
		t.Fatalf("gaps %q: none, or not in %s", gaps, n.District)
	}
	if people := eval("count the people", `String(document.querySelectorAll("#ata-person option").length)`); people == "0" {
		t.Fatal("no person of the district to assign")
	}

	// Assign the first person offered to the first gap: it is gone.
	run("assign an observer to the first gap",
		chromedp.Click(chromedp.CSS(`table.gaps tbody tr[data-box="`+first+`"] a`)),
		chromedp.WaitVisible(chromedp.CSS("#ata-box")))
	if picked := eval("the box picked", `document.getElementById("ata-box").value`); picked != first {
		t.Fatalf("the row's link picked %q, want %q", picked, first)
	}
	run("submit", chromedp.Click(chromedp.CSS("#ata button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#assigned")))
	if still := eval("the gap after", `String(!!document.querySelector('table.gaps tr[data-box="`+first+`"]'))`); still != "false" {
		t.Errorf("box %s is still a gap after it was assigned", first)
	}
	if done := text("#assigned"); !strings.Contains(done, "müşahit atandı") {
		t.Errorf("the page says %q after the assignment", done)
	}

	// A box of the next district is refused.
	var other sandik.AreaCode
	for _, b := range reg.RaceBoxes(demo.RaceMayor) {
		if !reg.Contains(n.District, b) {
			other = b
			break
		}
	}
	run("open a box of another district", chromedp.Navigate(n.URL+"/races/"+string(demo.RaceMayor)+"/boxes/"+string(other)),
		chromedp.WaitVisible(chromedp.CSS("main h1")))
	if h1 := text("main h1"); !strings.Contains(h1, "403") {
		t.Errorf("a box of another district shows %q, want the 403 page", h1)
	}

	// The silent boxes of the district, with a phone to call.
	run("open the silent boxes from the menu", chromedp.Click(chromedp.CSS(`header nav a[href="/sessiz"]`)), chromedp.WaitVisible(chromedp.CSS("table.silent")))
	tel := eval("the first phone link", `(document.querySelector('table.silent a[href^="tel:"]') || {}).href || ""`)
	if !strings.HasPrefix(tel, "tel:+90599") {
		t.Errorf("the silent list's first phone link is %q", tel)
	}
	silent := eval("the silent boxes", `[...document.querySelectorAll("table.silent tbody tr")].map(r => r.dataset.box).join(" ")`)
	for _, b := range strings.Fields(silent) {
		if !reg.Contains(n.District, sandik.AreaCode(b)) {
			t.Errorf("silent box %s is outside %s", b, n.District)
		}
	}
	if observer := text("table.silent tbody tr td:nth-of-type(2)"); !strings.Contains(observer, "(sentetik)") {
		t.Errorf("the silent box's observer reads %q", observer)
	}
}
