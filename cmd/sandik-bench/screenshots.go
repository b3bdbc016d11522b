package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/chromium"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/demo"
	"github.com/sandik-dev/sandik/web/apiclient"
)

// cmdScreenshots builds a small demo night in a temporary database, serves
// it, and photographs the dashboard's pages with headless Chromium: the
// overview, a district's drill-down, a box in conflict, the conflict
// queue and the observer's form (also at a phone's size).
func cmdScreenshots(e *cli.Env, args []string) error {
	fs := e.Flags("screenshots", "screenshots [flags]")
	out := fs.String("out", "screenshots", "directory to write the PNG files to")
	scale := fs.Float64("scale", 0.05, "share of İstanbul's ballot boxes in the demo, 0 < scale ≤ 1")
	seed := fs.Int64("seed", 2019, "random seed of the synthetic night")
	width := fs.Int("width", 1400, "browser window width in pixels")
	height := fs.Int("height", 1000, "browser window height in pixels")
	lang := fs.String("lang", "tr", "page language: tr or en")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *scale <= 0 || *scale > 1 {
		return fmt.Errorf("-scale %g: want 0 < scale ≤ 1", *scale)
	}
	if *lang != "tr" && *lang != "en" {
		return fmt.Errorf("-lang %q: want tr or en", *lang)
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

	sf := cli.StoreFlags{DB: filepath.Join(tmp, "demo.db"), LogLevel: "warn", LogFormat: "text"}
	log, err := sf.Logger(e.Stderr)
	if err != nil {
		return err
	}
	reg, err := demo.Istanbul(demo.Options{Scale: *scale, Seed: *seed})
	if err != nil {
		return err
	}
	a, err := cli.OpenApp(e.Ctx, &sf, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Center.ImportRegistry(e.Ctx, reg); err != nil {
		return err
	}
	tokens, coordinator, err := cli.CreateDemoUsers(e, a.Center, reg, 10, cli.DemoMessages["en"])
	if err != nil {
		return err
	}
	ctx, stop := context.WithCancel(e.Ctx)
	defer stop()
	urlc := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- cli.Serve(ctx, log, a.Center, "127.0.0.1:0", func(url string) { urlc <- url }) }()
	var base string
	select {
	case base = <-urlc:
	case err := <-served:
		return err
	}
	defer func() { stop(); <-served }()

	// A night still in progress: some boxes silent, some in conflict and
	// left for the coordinator (no adjudication token).
	night := tokens
	night.Coordinator = ""
	if _, err := demo.Run(ctx, demo.Config{API: apiclient.New(base, demo.DefaultWorkers), Registry: reg, Tokens: night,
		Params: demo.Params{Seed: *seed, Never: 0.2, Disagree: 0.08}}); err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	seq, err := a.Store.LastSeq(ctx)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := a.Center.WaitFor(wctx, seq); err != nil {
		return err
	}

	// The official figures arrive, some differing from the sheets, and
	// the coordinator drafts objections from them.
	quiet := *e
	quiet.Stdout = io.Discard
	if err := cli.PublishOfficial(&quiet, a.Center, reg, *seed, base, cli.DemoMessages["en"]); err != nil {
		return err
	}
	if seq, err = a.Store.LastSeq(ctx); err != nil {
		return err
	}
	if err := a.Center.WaitFor(wctx, seq); err != nil {
		return err
	}
	if _, err := a.Center.DraftFromDiscrepancies(ctx, sandik.User{ID: "koord", Name: "Koordinatör", Role: sandik.RoleCoordinator},
		demo.RaceMayor, "34", nil, "İl Başkanlığı"); err != nil && sandik.CodeOf(err) != sandik.EInvalid {
		return err
	}

	race := demo.RaceMayor
	rc, _ := reg.Race(race)
	district := reg.Children(rc.Scope)[0]
	var box sandik.AreaCode
	if cs, err := a.Center.View(cli.Operator()).Conflicts(race, "", 1); err == nil && len(cs) > 0 {
		box = cs[0].Box
	} else {
		box = reg.RaceBoxes(race)[0]
	}

	bctx, closeBrowser := chromium.Start(ctx, chrome, filepath.Join(tmp, "chromium"), *width, *height)
	defer closeBrowser()
	shots := []struct{ file, path, wait string }{
		{"overview.png", fmt.Sprintf("/races/%s/areas/%s", race, rc.Scope), ".map"},
		{"drilldown.png", fmt.Sprintf("/races/%s/areas/%s", race, district), ".map"},
		{"box.png", fmt.Sprintf("/races/%s/boxes/%s", race, box), "table.entries"},
		{"conflicts.png", fmt.Sprintf("/races/%s/conflicts", race), "h1"},
		{"comparison.png", fmt.Sprintf("/races/%s/areas/%s/comparison", race, rc.Scope), "h1"},
		{"objections.png", "/itiraz", "#soon"},
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(base+"/lang/"+*lang+"?next=/login")); err != nil {
		return fmt.Errorf("chromium: %w", err)
	}
	if err := chromium.SignIn(bctx, base, coordinator); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	for _, s := range shots {
		if err := shoot(bctx, base+s.path, s.wait, filepath.Join(*out, s.file)); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "wrote %s\n", filepath.Join(*out, s.file))
	}
	// The observer's form, signed in as the box's observer.
	octx, closeTab := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer closeTab()
	if err := chromedp.Do(octx, chromedp.Navigate(base+"/lang/"+*lang+"?next=/login")); err != nil {
		return err
	}
	if err := chromium.SignIn(octx, base, tokens.Observer(box)); err != nil {
		return fmt.Errorf("sign in as observer: %w", err)
	}
	file := filepath.Join(*out, "entry.png")
	if err := shoot(octx, base+"/entry", "#votes .field", file); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "wrote %s\n", file)
	// The same form and the overview as a phone shows them.
	if err := chromedp.Do(octx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		return fmt.Errorf("phone viewport: %w", err)
	}
	file = filepath.Join(*out, "entry-phone.png")
	if err := shoot(octx, base+"/entry", "#votes .field", file); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "wrote %s\n", file)
	return nil
}

// shoot opens url, waits for sel and the first live update, and writes a
// full-page PNG to file.
func shoot(ctx context.Context, url, sel, file string) error {
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		return fmt.Errorf("open %s: %w", url, err)
	}
	// Pages with a live stream: wait until its snapshot has arrived.
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
