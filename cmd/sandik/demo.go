package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/demo"
	"github.com/sandik-dev/sandik/verify"
	"github.com/sandik-dev/sandik/web"
	"github.com/sandik-dev/sandik/web/apiclient"
)

// cmdDemo builds a demo İstanbul election, serves it and replays a
// simulated election night against the server over HTTP, the way real
// observers' phones would.
func cmdDemo(e *cli.Env, args []string) error {
	fs := e.Flags("demo", "demo [flags]")
	db := fs.String("db", "", "database file to create (default: a temporary one, removed at exit)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve on")
	scale := fs.Float64("scale", 1, "share of İstanbul's ballot boxes to use, 0 < scale ≤ 1")
	speed := fs.Float64("speed", 120, "simulated minutes per real minute (0: as fast as the server takes it)")
	seed := fs.Int64("seed", 2019, "random seed of the synthetic night")
	volunteers := fs.Int("volunteers", 40, "data-entry volunteers")
	exit := fs.Bool("exit", false, "stop after the replay instead of serving on")
	lang := fs.String("lang", "tr", "language of what the demo prints: tr or en")
	logLevel := fs.String("log-level", "warn", "log level of the server: debug, info, warn or error")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	m, ok := cli.DemoMessages[*lang]
	switch {
	case !ok:
		return fmt.Errorf("-lang %q: want tr or en", *lang)
	case *scale <= 0 || *scale > 1:
		return fmt.Errorf("-scale %g: want 0 < scale ≤ 1", *scale)
	case *speed < 0:
		return fmt.Errorf("-speed %g: must not be negative", *speed)
	case *volunteers < 2 || *volunteers > 1000:
		return fmt.Errorf("-volunteers %d: want 2 to 1000", *volunteers)
	}
	path := *db
	if path == "" {
		tmp, err := os.MkdirTemp("", "sandik-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, "demo.db")
	} else if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("-db %s already exists; the demo builds a new database (delete it or choose another path)", path)
	}
	sf := cli.StoreFlags{DB: path, LogLevel: *logLevel, LogFormat: "text"}
	log, err := sf.Logger(e.Stderr)
	if err != nil {
		return err
	}

	fmt.Fprintln(e.Stdout, demo.Notice)
	// The election is placed so that its night and deadlines are live now.
	reg, err := demo.Istanbul(demo.Options{Scale: *scale, Seed: *seed, Day: demo.LiveDay(time.Now())})
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
	boxes := len(reg.RaceBoxes(demo.RaceMayor))
	fmt.Fprintf(e.Stdout, m["built"], len(reg.Areas), boxes, len(reg.Races))
	if _, err := cli.SeedDemoOrganisation(e, a.Center, reg, m); err != nil {
		return err
	}
	observers, err := cli.SeedCoverage(e.Ctx, a.Center, reg, *seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, m["observers"], len(observers.People), len(observers.Assignments))
	w, err := cli.SeedWorkshop(e.Ctx, a.Center)
	if err != nil {
		return err
	}
	if w.Invited > 0 {
		fmt.Fprintf(e.Stdout, m["workshop"], w.Invited, w.CheckedIn, w.Answers, w.Meeting.ID, w.Survey.ID)
	}
	if k, err := cli.SeedCongress(e.Ctx, a.Center); err != nil {
		return err
	} else if k.Electorate > 0 {
		fmt.Fprintf(e.Stdout, m["congress"], k.Congress.Title, k.Electorate, k.Congress.ID)
	}
	vs, err := cli.SeedVisits(e.Ctx, a.Center)
	if err != nil {
		return err
	}
	if vs.Visits > 0 {
		fmt.Fprintf(e.Stdout, m["visits"], vs.Visits, vs.Commitments, vs.Overdue, vs.Tour, vs.Pairs)
	}
	if n, err := cli.SeedSheetPhotos(e.Ctx, a.Center); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprintf(e.Stdout, m["photos"], n)
	}
	tokens, coordinator, err := cli.CreateDemoUsers(e, a.Center, reg, *volunteers, m)
	if err != nil {
		return err
	}

	ctx, stop := context.WithCancel(e.Ctx)
	defer stop()
	urlc := make(chan string, 1)
	served := make(chan error, 1)
	go func() {
		// The public snapshots are on, as a centre that publishes its
		// verified totals would run (docs/readers.md).
		opts := cli.ServeOptions{Web: web.Config{PublicSnapshots: true}}
		served <- cli.ServeWith(ctx, log, a.Center, *addr, opts, func(url string) { urlc <- url })
	}()
	var url string
	select {
	case url = <-urlc:
	case err := <-served:
		return err
	}
	fmt.Fprintf(e.Stdout, m["serving"], url, coordinator, url)
	fmt.Fprintf(e.Stdout, m["snapshots"], url)

	start := time.Now()
	stats, err := demo.Run(ctx, demo.Config{
		API: apiclient.New(url, demo.DefaultWorkers), Registry: reg, Params: demo.Params{Seed: *seed}, Tokens: tokens, Speed: *speed,
		ProgressEvery: 2 * time.Second,
		Progress: func(s demo.Stats) {
			fmt.Fprintf(e.Stdout, "%s  %s\n", s, totalsLine(a.Center, m))
		},
	})
	if err != nil && ctx.Err() == nil {
		// Stop serving before the deferred close of the store.
		stop()
		<-served
		return fmt.Errorf("replay: %w", err)
	}
	wctx, cancelWait := context.WithTimeout(ctx, 30*time.Second)
	defer cancelWait()
	if werr := a.Center.WaitFor(wctx, mustSeq(a)); werr == nil {
		fmt.Fprintf(e.Stdout, m["done"], time.Since(start).Round(time.Second), stats.Accepted, stats.Replayed, totalsLine(a.Center, m))
		fmt.Fprintf(e.Stdout, m["keyed"], stats.Keyed)
		conflicts, _ := a.Center.View(cli.Operator()).Conflicts(demo.RaceMayor, "", 0)
		fmt.Fprintf(e.Stdout, m["conflicts"], len(conflicts))
		if err := cli.PublishOfficial(e, a.Center, reg, *seed, url, m); err != nil {
			stop()
			<-served
			return err
		}
		if err := a.Center.WaitFor(wctx, mustSeq(a)); err != nil {
			stop()
			<-served
			return fmt.Errorf("official figures: %w", err)
		}
		fr, fbox, stopFeed, err := cli.SeedFeedReading(e.Ctx, a.Center, reg, time.Now())
		if err != nil {
			stop()
			<-served
			return err
		}
		defer stopFeed()
		fmt.Fprintf(e.Stdout, m["feed"], fr.Written, len(fr.Alerts), url, url, demo.RaceMayor, fbox)
		held, err := cli.SeedMunicipalities(e.Ctx, a.Center, *seed)
		if err != nil {
			stop()
			<-served
			return err
		}
		fmt.Fprintf(e.Stdout, m["municipal"], held, url)
	}
	if *exit || ctx.Err() != nil {
		stop()
		return <-served
	}
	fmt.Fprintf(e.Stdout, m["still"], url)
	return <-served
}

func mustSeq(a *cli.App) int64 {
	seq, err := a.Store.LastSeq(context.Background())
	if err != nil {
		return 0
	}
	return seq
}

// totalsLine is the province-wide state of the mayoral race.
func totalsLine(c *center.Center, m map[string]string) string {
	t, err := c.View(cli.Operator()).Totals(demo.RaceMayor, "34")
	if err != nil {
		return err.Error()
	}
	rc, _ := c.Registry().Race(demo.RaceMayor)
	lead, second := verify.Leaders(t.Totals.Provisional.Votes)
	margin := int64(0)
	if second >= 0 {
		margin = t.Totals.Provisional.Votes[lead] - t.Totals.Provisional.Votes[second]
	}
	name := "-"
	if lead >= 0 && t.Totals.Provisional.ValidTotal > 0 {
		name = rc.Choices[lead].Name
	}
	return fmt.Sprintf(m["totals"], t.Totals.BoxesReported, t.Totals.BoxesExpected, t.Totals.BoxesVerified,
		t.Totals.BoxesConflict, name, groupDigits(margin))
}

// groupDigits writes n the Turkish way: 1.234.567.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
