package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sandik-dev/sandik/demo"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik/cmd/internal/chromium"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/cmd/internal/night"
)

// cmdScreenshots serves a demo night (cmd/internal/night: some boxes
// silent, some in conflict, official figures published and objections
// drafted) and photographs every page of it with headless Chromium, each
// signed in as the role that reads it, at a wall screen's width and at a
// phone's: NAME-WIDTH.png for every page the audit also checks.
func cmdScreenshots(e *cli.Env, args []string) error {
	fs := e.Flags("screenshots", "screenshots [flags]")
	out := fs.String("out", "screenshots", "directory to write the PNG files to")
	scale := fs.Float64("scale", 0.05, "share of İstanbul's ballot boxes in the demo, 0 < scale ≤ 1")
	seed := fs.Int64("seed", 2019, "random seed of the synthetic night")
	width := fs.Int("width", 1400, "wide browser window width in pixels")
	height := fs.Int("height", 1000, "wide browser window height in pixels")
	phone := fs.Int("phone-width", 390, "phone viewport width in pixels (0: no phone shots)")
	lang := fs.String("lang", "tr", "page language: tr or en")
	only := fs.String("pages", "", "comma-separated names of the pages to photograph (default: every page)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	switch {
	case *scale <= 0 || *scale > 1:
		return fmt.Errorf("-scale %g: want 0 < scale ≤ 1", *scale)
	case *lang != "tr" && *lang != "en":
		return fmt.Errorf("-lang %q: want tr or en", *lang)
	case *width < 320 || *height < 320:
		return fmt.Errorf("-width %d -height %d: want at least 320 each", *width, *height)
	case *phone != 0 && (*phone < 320 || *phone > 800):
		return fmt.Errorf("-phone-width %d: want 320 to 800, or 0", *phone)
	}
	chrome, err := chromium.Path()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "sandik-shots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	n, err := night.Start(e.Ctx, tmp, night.Options{Scale: *scale, Seed: *seed, Stderr: e.Stderr, Day: demo.LiveDay(time.Now())})
	if err != nil {
		return err
	}
	defer n.Close()
	pages, err := n.Select(*only)
	if err != nil {
		return err
	}

	bctx, closeBrowser := chromium.Start(e.Ctx, chrome, filepath.Join(tmp, "chromium"), *width, *height)
	defer closeBrowser()
	// The browser starts with its first tab; contexts of their own come
	// after.
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		return fmt.Errorf("chromium: %w", err)
	}
	// One browser context per role, signed in once: its session cookie
	// stays apart from the others'.
	tabs := map[night.Role]context.Context{}
	var closeTabs []context.CancelFunc
	defer func() {
		for _, c := range closeTabs {
			c()
		}
	}()
	tab := func(role night.Role) (context.Context, error) {
		if ctx, ok := tabs[role]; ok {
			return ctx, nil
		}
		ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
		closeTabs = append(closeTabs, cancel)
		if err := chromedp.Do(ctx, chromedp.Navigate(n.URL+"/lang/"+*lang+"?next=/login")); err != nil {
			return nil, err
		}
		if role != night.Anonymous {
			if err := chromium.SignIn(ctx, n.URL, n.Tokens[role]); err != nil {
				return nil, fmt.Errorf("sign in as %s: %w", role, err)
			}
		}
		tabs[role] = ctx
		return ctx, nil
	}
	sizes := []struct {
		width, height int
		phone         bool
	}{{*width, *height, false}}
	if *phone != 0 {
		sizes = append(sizes, struct {
			width, height int
			phone         bool
		}{*phone, 844, true})
	}
	for _, size := range sizes {
		for _, p := range pages {
			ctx, err := tab(p.Role)
			if err != nil {
				return err
			}
			vp := chromedp.EmulateViewport(int64(size.width), int64(size.height))
			if size.phone {
				vp = chromedp.EmulateViewport(int64(size.width), int64(size.height), chromedp.EmulateScale(2), chromedp.EmulateMobile)
			}
			if err := chromedp.Do(ctx, vp); err != nil {
				return fmt.Errorf("viewport %d: %w", size.width, err)
			}
			file := filepath.Join(*out, fmt.Sprintf("%s-%d.png", p.Name, size.width))
			if err := shoot(ctx, n.URL+p.Path, file); err != nil {
				return fmt.Errorf("%s as %s: %w", p.Name, p.Role, err)
			}
			fmt.Fprintf(e.Stdout, "wrote %s\n", file)
		}
	}
	return nil
}

// shoot opens url, waits for its body and, on a live page, for the
// stream's first snapshot, and writes a full-page PNG to file.
func shoot(ctx context.Context, url, file string) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("body"))); err != nil {
		return fmt.Errorf("open %s: %w", url, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.querySelector("[data-live]") || !!document.querySelector("[data-live]").dataset.seq`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		return fmt.Errorf("live update on %s: %w", url, err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("screenshot %s: %w", url, err)
	}
	return os.WriteFile(file, png, 0o644)
}
