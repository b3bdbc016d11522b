package audit

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik/cmd/internal/chromium"
	"github.com/sandik-dev/sandik/cmd/internal/chromium/chromiumtest"
	"github.com/sandik-dev/sandik/cmd/internal/night"
)

// A table too wide for a phone scrolls in a box a keyboard can reach
// (axe's scrollable-region-focusable, serious): on the box page at
// 390 px each box that scrolls takes focus and is a region named after
// its table; at 1400 px, where nothing scrolls, none is in the tab order.
func TestWideTablesTakeFocus(t *testing.T) {
	path := chromiumtest.Require(t)
	n, err := night.Start(t.Context(), t.TempDir(), night.Options{Scale: 0.01, Seed: 2019})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ctx, stop := chromium.Start(t.Context(), path, filepath.Join(t.TempDir(), "chromium"), 1400, 1000)
	defer stop()
	if err := chromium.SignIn(ctx, n.URL, n.Tokens[night.Coordinator]); err != nil {
		t.Fatal(err)
	}
	box, _ := n.Page("box")
	conflicts, _ := n.Page("conflicts")
	type scroll struct {
		Scrolls bool
		Tab     int
		Role    string
		Label   string
	}
	read := func(path string, width int64, mobile bool) []scroll {
		t.Helper()
		vp := chromedp.EmulateViewport(width, 844)
		if mobile {
			vp = chromedp.EmulateViewport(width, 844, chromedp.EmulateMobile)
		}
		if err := chromedp.Do(ctx, vp, chromedp.Navigate(n.URL+path), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
			t.Fatal(err)
		}
		js, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify([...document.querySelectorAll(".scroll")].map(b => ({
			Scrolls: b.scrollWidth > b.clientWidth + 1, Tab: b.hasAttribute("tabindex") ? b.tabIndex : -1,
			Role: b.getAttribute("role") || "", Label: b.getAttribute("aria-label") || ""})))`))
		if err != nil {
			t.Fatal(err)
		}
		var out []scroll
		if err := json.Unmarshal([]byte(js), &out); err != nil {
			t.Fatal(err)
		}
		if len(out) == 0 {
			t.Fatalf("no .scroll box on %s", path)
		}
		return out
	}
	scrolled := 0
	for i, s := range read(box.Path, 390, true) {
		if !s.Scrolls {
			continue
		}
		scrolled++
		if s.Tab != 0 || s.Role != "region" || s.Label == "" {
			t.Errorf("390 px, box %d scrolls but is %+v", i, s)
		}
	}
	if scrolled == 0 {
		t.Fatal("nothing scrolls at 390 px: the test checks nothing")
	}
	for i, s := range read(box.Path, 1400, false) {
		if !s.Scrolls && (s.Tab != -1 || s.Role != "") {
			t.Errorf("1400 px, box %d does not scroll but is %+v", i, s)
		}
	}
	// On the conflict queue's cards each region's name is its own (axe's
	// landmark-unique): the box's heading with the section's.
	names := map[string]bool{}
	for _, s := range read(conflicts.Path, 390, true) {
		if s.Role != "region" {
			continue
		}
		if names[s.Label] {
			t.Errorf("two regions named %q", s.Label)
		}
		names[s.Label] = true
	}
	if len(names) < 2 {
		t.Errorf("%d named regions on the conflict queue at 390 px, want several", len(names))
	}
}
