package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/demo"
	"github.com/sandik-dev/sandik/verify"
	"github.com/sandik-dev/sandik/web/apiclient"
)

// cmdDemo builds a demo İstanbul election, serves it and replays a
// simulated election night against the server over HTTP, the way real
// observers' phones would.
func cmdDemo(e *env, args []string) error {
	fs := newFlags(e, "demo", "demo [flags]")
	db := fs.String("db", "", "database file to create (default: a temporary one, removed at exit)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve on")
	scale := fs.Float64("scale", 1, "share of İstanbul's ballot boxes to use, 0 < scale ≤ 1")
	speed := fs.Float64("speed", 120, "simulated minutes per real minute (0: as fast as the server takes it)")
	seed := fs.Int64("seed", 2019, "random seed of the synthetic night")
	volunteers := fs.Int("volunteers", 40, "data-entry volunteers")
	exit := fs.Bool("exit", false, "stop after the replay instead of serving on")
	lang := fs.String("lang", "tr", "language of what the demo prints: tr or en")
	logLevel := fs.String("log-level", "warn", "log level of the server: debug, info, warn or error")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	m, ok := demoMessages[*lang]
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
	sf := storeFlags{db: path, logLevel: *logLevel, logFormat: "text"}
	log, err := sf.logger(e.stderr)
	if err != nil {
		return err
	}

	fmt.Fprintln(e.stdout, demo.Notice)
	reg, err := demo.Istanbul(demo.Options{Scale: *scale, Seed: *seed})
	if err != nil {
		return err
	}
	a, err := openApp(e.ctx, &sf, log)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.center.ImportRegistry(e.ctx, reg); err != nil {
		return err
	}
	boxes := len(reg.RaceBoxes(demo.RaceMayor))
	fmt.Fprintf(e.stdout, m["built"], len(reg.Areas), boxes, len(reg.Races))
	tokens, coordinator, err := createDemoUsers(e, a.center, reg, *volunteers, m)
	if err != nil {
		return err
	}

	ctx, stop := context.WithCancel(e.ctx)
	defer stop()
	urlc := make(chan string, 1)
	served := make(chan error, 1)
	go func() {
		served <- serveHTTP(ctx, log, a.center, *addr, func(url string) { urlc <- url })
	}()
	var url string
	select {
	case url = <-urlc:
	case err := <-served:
		return err
	}
	fmt.Fprintf(e.stdout, m["serving"], url, coordinator, url)

	start := time.Now()
	stats, err := demo.Run(ctx, demo.Config{
		API: apiclient.New(url, demo.DefaultWorkers), Registry: reg, Params: demo.Params{Seed: *seed}, Tokens: tokens, Speed: *speed,
		ProgressEvery: 2 * time.Second,
		Progress: func(s demo.Stats) {
			fmt.Fprintf(e.stdout, "%s  %s\n", s, totalsLine(a.center, m))
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
	if werr := a.center.WaitFor(wctx, mustSeq(a)); werr == nil {
		fmt.Fprintf(e.stdout, m["done"], time.Since(start).Round(time.Second), stats.Accepted, stats.Replayed, totalsLine(a.center, m))
		conflicts, _ := a.center.View(operator()).Conflicts(demo.RaceMayor, "", 0)
		fmt.Fprintf(e.stdout, m["conflicts"], len(conflicts))
		if err := publishOfficial(e, a.center, reg, *seed, url, m); err != nil {
			stop()
			<-served
			return err
		}
	}
	if *exit || ctx.Err() != nil {
		stop()
		return <-served
	}
	fmt.Fprintf(e.stdout, m["still"], url)
	return <-served
}

// publishOfficial loads the night's SYNTHETIC official figures, with about
// one box in a hundred published differently from its signed sheet, and
// creates a lawyer to follow them up.
func publishOfficial(e *env, c *center.Center, reg *sandik.Registry, seed int64, url string, m map[string]string) error {
	off, changed := demo.Official(demo.TrueResults(reg, seed), reg, demo.RaceMayor, 0.01, seed)
	var batch []sandik.ImportedSheet
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := c.AppendImported(e.ctx, batch)
		batch = batch[:0]
		return err
	}
	for _, box := range reg.RaceBoxes(demo.RaceMayor) {
		batch = append(batch, sandik.ImportedSheet{Race: demo.RaceMayor, Box: box, User: "ysk", Source: sandik.SourceOfficial, Sheet: off[box]})
		if len(batch) == center.MaxBatch {
			if err := flush(); err != nil {
				return fmt.Errorf("publish official figures: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("publish official figures: %w", err)
	}
	token, err := c.CreateUser(e.ctx, sandik.User{ID: "avukat", Name: "Av. Demo", Role: sandik.RoleLawyer})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, m["official"], len(off), len(changed), url, demo.RaceMayor, token)
	return nil
}

func mustSeq(a *app) int64 {
	seq, err := a.store.LastSeq(context.Background())
	if err != nil {
		return 0
	}
	return seq
}

// createDemoUsers creates the night's users concurrently, so that the
// store can commit them in groups.
func createDemoUsers(e *env, c *center.Center, reg *sandik.Registry, volunteers int, m map[string]string) (demo.Tokens, string, error) {
	users := demo.Users(reg, volunteers)
	tokens := make([]string, len(users))
	errs := make([]error, len(users))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < 64; w++ {
		wg.Go(func() {
			for i := range next {
				tokens[i], errs[i] = c.CreateUser(e.ctx, users[i])
			}
		})
	}
	for i := range users {
		next <- i
	}
	close(next)
	wg.Wait()
	out := demo.Tokens{}
	observers := map[sandik.AreaCode]string{}
	for i, u := range users {
		if errs[i] != nil {
			return out, "", fmt.Errorf("create user %s: %w", u.ID, errs[i])
		}
		switch u.Role {
		case sandik.RoleObserver:
			observers[sandik.AreaCode(u.ID[len("obs-"):])] = tokens[i]
		case sandik.RoleVolunteer:
			out.Volunteers = append(out.Volunteers, tokens[i])
		case sandik.RoleCoordinator:
			out.Coordinator = tokens[i]
		}
	}
	out.Observer = func(box sandik.AreaCode) string { return observers[box] }
	fmt.Fprintf(e.stdout, m["users"], len(observers), len(out.Volunteers))
	return out, out.Coordinator, nil
}

// totalsLine is the province-wide state of the mayoral race.
func totalsLine(c *center.Center, m map[string]string) string {
	t, err := c.View(operator()).Totals(demo.RaceMayor, "34")
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

var demoMessages = map[string]map[string]string{
	"tr": {
		"built":     "Demo veritabanı kuruldu: %d alan, %d sandık, %d seçim türü.\n",
		"users":     "%d müşahit ve %d gönüllü kullanıcı oluşturuldu.\n",
		"serving":   "Sandık çalışıyor: %s\nKoordinatör API anahtarı: %s\nÖrnek: curl -H \"Authorization: Bearer <anahtar>\" %s/api/v1/races/ibb/totals/34\nSeçim gecesi oynatılıyor…\n",
		"totals":    "| İBB: %d/%d sandık geldi, %d doğrulandı, %d çelişkili; önde %s, fark %s (resmî değil)",
		"done":      "Gece %s içinde oynatıldı: %d tutanak kabul edildi, %d tekrar tanındı ve iki kez sayılmadı.\n%s\n",
		"conflicts": "Koordinatör kararı bekleyen çelişkili sandık: %d\n",
		"still":     "Sunucu çalışmaya devam ediyor (%s); durdurmak için Ctrl-C.\n",
		"official":  "SENTETİK resmî sonuçlar yayımlandı: %d sandık, %d sandıkta tutanaktan farklı.\nKarşılaştırma: %s/races/%s/areas/34/comparison\nAvukat API anahtarı (itirazlar): %s\n",
	},
	"en": {
		"built":     "Demo database built: %d areas, %d ballot boxes, %d races.\n",
		"users":     "Created %d observers and %d volunteers.\n",
		"serving":   "Sandık is serving %s\nCoordinator API token: %s\nTry: curl -H \"Authorization: Bearer <token>\" %s/api/v1/races/ibb/totals/34\nReplaying the election night…\n",
		"totals":    "| İBB: %d/%d boxes in, %d verified, %d in conflict; leading %s by %s (unofficial)",
		"done":      "Night replayed in %s: %d sheets accepted, %d repeats recognised and not counted twice.\n%s\n",
		"conflicts": "Boxes in conflict awaiting a coordinator: %d\n",
		"still":     "Still serving %s; Ctrl-C stops.\n",
		"official":  "SYNTHETIC official results published: %d boxes, %d differ from their sheets.\nComparison: %s/races/%s/areas/34/comparison\nLawyer API token (objections): %s\n",
	},
}
