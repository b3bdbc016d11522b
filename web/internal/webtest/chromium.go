package webtest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath returns the chromium binary's path. Without one the test
// is skipped, or failed when SANDIK_REQUIRE_BROWSER=1 (CI sets it: a
// browser test skipped there would pass without having run).
func ChromiumPath(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("SANDIK_REQUIRE_BROWSER") == "1" {
			t.Fatal(err)
		}
		t.Skip("no chromium:", err)
	}
	return path
}

// Chromium starts a headless Chromium of its own profile and returns a
// tab whose window is width×height (Chromium's own size when 0), every
// action in it bounded by timeout; the browser closes with the test.
// Another tab of the same browser is chromedp.NewContext(tab).
func Chromium(t testing.TB, path string, width, height int, timeout time.Duration) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir())}
	if width > 0 && height > 0 {
		opts = append(opts, chromedp.WindowSize(width, height))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	tab, cancel := context.WithTimeout(tab, timeout)
	t.Cleanup(cancel)
	return tab
}
