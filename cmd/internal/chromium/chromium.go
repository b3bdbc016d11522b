// Package chromium drives Debian's headless Chromium: for the screenshots
// of sandik-bench and for the browser tests of sandik.
package chromium

import (
	"context"
	"errors"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// Path finds a Chromium to drive: Debian's `chromium` first.
func Path() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium found; install it with: apt-get install -y chromium")
}

// Start starts a headless Chromium with a fresh profile in dir and
// returns a context for its first tab. The flags keep it offline except
// for the page under test: no first-run screens, no background updates,
// no sync, no QUIC; --no-sandbox because tests run as root in containers.
func Start(parent context.Context, path, dir string, width, height int) (context.Context, context.CancelFunc) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	return ctx, func() { cancelTab(); cancelAlloc() }
}

// SignIn opens the login page in ctx's tab and signs in with token.
func SignIn(ctx context.Context, base, token string) error {
	return chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), token),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")),
	)
}
