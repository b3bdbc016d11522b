package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/baseline"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/cmd/internal/loadclient"
	"github.com/sandik-dev/sandik/store/postgres"
	"github.com/sandik-dev/sandik/synth"
	"github.com/sandik-dev/sandik/web"
)

// benchSubmit measures durable submissions per second over real HTTP on
// loopback, with the load generator in the same process (so on the same
// cores), against the baseline of calling the centre directly.
func benchSubmit(e *cli.Env, args []string) error {
	fs := e.Flags("submit", "submit [flags]")
	duration := fs.Duration("duration", 20*time.Second, "how long the HTTP load runs")
	workers := fs.Int("workers", 64, "concurrent connections")
	rate := fs.Int("rate", 0, "open model: submissions per second at fixed intended send times (0: as fast as the server answers)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the HTTP run (server and load generator) to this file")
	db := fs.String("db", "", "an empty PostgreSQL database (postgres:// URL) to run on; default a temporary SQLite file")
	receipts := fs.Bool("receipts", true, "sign ledger checkpoints and answer every submission with its ledger receipt (key in a temporary directory)")
	instances := fs.Int("instances", 1, "instances sharing the PostgreSQL database, each with its own HTTP server; connections are spread over them")
	baselineList := fs.String("baselines", "prototype,field", "baselines measured in the same run with the same load: prototype (the limit: decode, one group commit), field (one row per result, totals by SUM … GROUP BY), both comma-separated, or none")
	fieldCommit := fs.String("field-commit", baseline.CommitEach, "how the field baseline commits: tx (one transaction per submission, as a typical web application) or group (Sandık's group commit); both durable before the answer")
	fieldConns := fs.Int("field-conns", 16, "the field baseline's database connections: PostgreSQL's pool (a typical web application's), SQLite's readers beside its one writer")
	fieldFull := fs.Bool("field-full", false, "after the field baseline's run, fill its table with every box of every race and read the totals again (the SUM's cost grows with the table; Sandık's does not)")
	readers := fs.Int("readers", 4, "dashboards reading an area's totals during the HTTP runs of Sandık and the field baseline (by turns the country's and an il's), each every -read-every, accepting gzip as browsers do")
	writeWork := fs.Int("write-work", cli.DefaultWriteWork(), "Sandık's writes that may decode a body or make an answer at once, as serve's -write-work (0: no bound)")
	readEvery := fs.Duration("read-every", 20*time.Millisecond, "interval between one reader's reads")
	orgSize := fs.String("org", "none", "a synthetic organisation imported before the run, whose units' charts are read during it: none, tenth or national (81 il, 973 ilçe, 32,000 mahalle units, 1,000,000 people, 2,000,000 terms)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *workers < 1 || *duration <= 0 || *rate < 0 || *instances < 1 || *writeWork < 0 {
		return fmt.Errorf("-workers must be ≥ 1, -duration > 0, -rate ≥ 0, -instances ≥ 1 and -write-work ≥ 0")
	}
	if *readers < 0 || *readEvery <= 0 || *fieldConns < 1 {
		return fmt.Errorf("-readers must be ≥ 0, -read-every > 0 and -field-conns ≥ 1")
	}
	bases, err := parseBaselines(*baselineList)
	if err != nil {
		return err
	}
	if *fieldCommit != baseline.CommitEach && *fieldCommit != baseline.CommitGroup {
		return fmt.Errorf("-field-commit %q: want %s or %s", *fieldCommit, baseline.CommitEach, baseline.CommitGroup)
	}
	orgShape, withOrg := orgShapes[*orgSize]
	if !withOrg && *orgSize != "none" {
		return fmt.Errorf("-org %q: want none, tenth or national", *orgSize)
	}
	if *instances > 1 && !postgres.IsURL(*db) {
		return fmt.Errorf("-instances %d needs a shared PostgreSQL database: give -db postgres://…", *instances)
	}
	log := slog.New(slog.DiscardHandler)
	backend := "SQLite synchronous=FULL, WAL"
	onPG := postgres.IsURL(*db)
	// The baselines' own databases: a schema each in the PostgreSQL
	// database, or a file each beside Sandık's.
	baseWhere := *db
	if postgres.IsURL(*db) {
		backend = fmt.Sprintf("PostgreSQL %s, %d instance(s)", cli.DisplayDB(*db), *instances)
	} else {
		tmp, err := os.MkdirTemp("", "sandik-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		*db = filepath.Join(tmp, "submit.db")
		baseWhere = tmp
	}
	st, err := cli.OpenStore(e.Ctx, *db, false, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := cli.RequireEmpty(e.Ctx, st); err != nil {
		return err
	}
	shape := synth.Shape{Provinces: 10, DistrictsPerIl: 10, MahallesPerIlce: 20, BuildingsPerMah: 5, BoxesPerBuilding: 2,
		Races: 5, Choices: 10, RegisteredPerBox: 350}
	reg, err := synth.Registry(shape)
	if err != nil {
		return err
	}
	keyDir, err := os.MkdirTemp("", "sandik-bench-key-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(keyDir)
	ledgerKey := func() string {
		if !*receipts {
			return ""
		}
		return filepath.Join(keyDir, "ledger.key")
	}
	c, err := center.Open(e.Ctx, center.Config{Store: st, Logger: log, LedgerKey: ledgerKey()})
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.ImportRegistry(e.Ctx, reg); err != nil {
		return err
	}
	gen := newSheetGen(reg)
	users := make([]sandik.User, 16)
	tokens := make([]string, len(users))
	for i := range users {
		users[i] = sandik.User{ID: sandik.UserID(fmt.Sprintf("bench%d", i)), Name: "Bench", Role: sandik.RoleVolunteer}
		if tokens[i], err = c.CreateUser(e.Ctx, users[i]); err != nil {
			return err
		}
	}
	readerToken, err := c.CreateUser(e.Ctx, sandik.User{ID: "bench-reader", Name: "Bench", Role: sandik.RoleAdmin})
	if err != nil {
		return err
	}
	country, ils := readAreas(reg)
	rl := readLoad{readers: *readers, every: *readEvery, race: string(reg.Races[0].Code), country: country, ils: ils, token: readerToken}
	fmt.Fprintf(e.Stdout, "machine: %s\nsynthetic registry: %d boxes × %d races, %d choices; %s\n",
		machine(), shape.Boxes(), shape.Races, shape.Choices, backend)
	var units []sandik.Unit
	var adminToken string
	var covElection sandik.ElectionCode
	var covAreas []sandik.AreaCode
	if withOrg {
		ch := synth.Org(orgShape, 1)
		units = ch.Units
		// Observers at nine boxes in ten of the registry's first
		// election, whose coverage is read during the run.
		var observers []sandik.Assignment
		covElection, observers, covAreas = observersAt(reg, ch)
		ch.Assignments = append(ch.Assignments, observers...)
		fmt.Fprintf(e.Stderr, "importing a synthetic organisation: %d units, %d people, %d terms…\n", len(ch.Units), len(ch.People), len(ch.Positions))
		t0 := time.Now()
		if err := st.SaveOrg(e.Ctx, ch); err != nil {
			return fmt.Errorf("import the organisation: %w", err)
		}
		fmt.Fprintf(e.Stdout, "organisation: %d units, %d people, %d terms, %d observers at boxes imported in one change in %s\n",
			len(ch.Units), len(ch.People), len(ch.Positions), len(ch.Assignments), time.Since(t0).Round(time.Millisecond))
		// A second instance starting on the database as it now stands:
		// what `sandik serve` does before it answers.
		t0 = time.Now()
		st2, err := cli.OpenStore(e.Ctx, *db, false, log)
		if err != nil {
			return err
		}
		c2, err := center.Open(e.Ctx, center.Config{Store: st2, Logger: log})
		if err != nil {
			st2.Close()
			return err
		}
		fmt.Fprintf(e.Stdout, "an instance starts on the database with the organisation in %s\n", time.Since(t0).Round(time.Millisecond))
		c2.Close()
		st2.Close()
		// The centre running the night holds the charts in memory from
		// here on: it loads them as it would after another process's
		// write, in the background at a start.
		// The heap they take is BenchmarkIndex's (package orgmem): here
		// the import's garbage and the store's caches blur it.
		took := c.LoadCharts(e.Ctx)
		fmt.Fprintf(e.Stdout, "the organisation's charts loaded into memory in %s (in the background at a start, charts read from the store until then)\n",
			took.Round(time.Millisecond))
		if adminToken, err = c.CreateUser(e.Ctx, sandik.User{ID: "bench-admin", Name: "Bench", Role: sandik.RoleAdmin}); err != nil {
			return err
		}
		// After the last write of users: the coverage is kept per user
		// generation.
		covTook, err := c.WarmCoverage(e.Ctx, covElection)
		if err != nil {
			return fmt.Errorf("warm the coverage: %w", err)
		}
		fmt.Fprintf(e.Stdout, "the coverage of every area of %s computed in %s (in the background at the first read of a night)\n",
			covElection, covTook.Round(time.Millisecond))
	}

	br := baselineRun{where: baseWhere, commit: *fieldCommit, conns: *fieldConns, full: *fieldFull,
		workers: *workers, rate: *rate, duration: *duration, rl: rl}
	var proto *protoResult
	if bases.prototype {
		if proto, err = br.prototype(e, gen, tokens); err != nil {
			return fmt.Errorf("prototype: %w", err)
		}
	}

	// Baseline: the same validation and durable commit without HTTP.
	var next atomic.Int64
	bctx, cancel := benchContext(e, *duration/4)
	start := time.Now()
	var wg sync.WaitGroup
	var baseOK atomic.Int64
	for w := 0; w < *workers; w++ {
		wg.Go(func() {
			for bctx.Err() == nil {
				i := next.Add(1)
				in := gen.input(i)
				if _, err := c.Submit(bctx, users[gen.user(i)], []sandik.SheetInput{in}); err == nil {
					baseOK.Add(1)
				}
			}
		})
	}
	wg.Wait()
	cancel()
	baseRate := float64(baseOK.Load()) / time.Since(start).Seconds()
	fmt.Fprintf(e.Stdout, "baseline (center.Submit, no HTTP, %d goroutines): %.0f submissions/s\n", *workers, baseRate)

	// Each further instance opens the database after the registry is in,
	// as a second `sandik serve` started later would.
	centers := []*center.Center{c}
	stores := []sandik.Store{st}
	for range *instances - 1 {
		sti, err := cli.OpenStore(e.Ctx, *db, false, log)
		if err != nil {
			return err
		}
		defer sti.Close()
		stores = append(stores, sti)
		ci, err := center.Open(e.Ctx, center.Config{Store: sti, Logger: log, LedgerKey: ledgerKey()})
		if err != nil {
			return err
		}
		defer ci.Close()
		centers = append(centers, ci)
	}
	var addrs []string
	for _, ci := range centers {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := web.New(web.Config{Center: ci, Logger: log, Limits: benchLimits(), WriteWork: *writeWork}).HTTPServer(ln.Addr().String())
		go srv.Serve(ln)
		defer srv.Close()
		addrs = append(addrs, ln.Addr().String())
	}

	stopProfile, err := startProfile(*cpuprofile)
	if err != nil {
		return err
	}
	defer stopProfile()
	if len(addrs) > 1 {
		fmt.Fprintf(e.Stdout, "HTTP load spread over %d instances sharing the database\n", len(addrs))
	}
	originBefore, err := originTimes(e.Ctx, addrs[0])
	if err != nil {
		return err
	}
	var charts, coverage *probe
	var probes sync.WaitGroup
	probeCtx, stopProbe := context.WithCancel(e.Ctx)
	if withOrg {
		probes.Go(func() { charts = probeCharts(probeCtx, addrs[0], adminToken, units, 20*time.Millisecond) })
		probes.Go(func() {
			coverage = probeCoverage(probeCtx, addrs[0], adminToken, covElection, covAreas, 20*time.Millisecond)
		})
	}
	stopReaders := rl.underLoad(e.Ctx, addrs[0])
	res := runLoad(e, "Sandık", addrs, gen, tokens, next.Load(), *workers, *rate, *duration)
	busy := stopReaders()
	stopProbe()
	probes.Wait()
	originAfter, err := originTimes(e.Ctx, addrs[0])
	if err != nil {
		return err
	}
	last, err := st.LastSeq(e.Ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "HTTP submit (%s): %d acknowledged in %s = %.0f submissions/s; errors %v\n",
		res.mode, res.ok, res.took.Round(time.Millisecond), float64(res.ok)/res.took.Seconds(), res.errors)
	fmt.Fprintf(e.Stdout, "latency%s: p50 %s  p90 %s  p99 %s  max %s\n", res.from,
		res.pct(0.50), res.pct(0.90), res.pct(0.99), res.pct(1))
	fmt.Fprintf(e.Stdout, "CPU per acknowledged submission: %s\n", res.cpu.perSubmission(res.ok, onPG))
	if busy != nil {
		fmt.Fprintf(e.Stdout, "totals of an area, under the load (GET /api/v1/races/{race}/totals/{area}, %d readers every %s): %s\n", *readers, *readEvery, busy)
		fmt.Fprintf(e.Stdout, "  the origin's own time for them (its request histogram): %s\n", originLine(originBefore, originAfter, totalsRoute))
	}
	printTipStats(e, stores)
	if charts != nil {
		fmt.Fprintf(e.Stdout, "chart of a unit as of a day, under the load (GET /api/v1/units/{code}?at=, every 20 ms): %d answered; p50 %s  p99 %s  max %s; other answers %v\n",
			len(charts.lat), charts.pct(0.5), charts.pct(0.99), charts.pct(1), charts.errs)
		fmt.Fprintf(e.Stdout, "coverage of an area, under the load (GET /api/v1/elections/{e}/coverage/{area}, any of %d areas, every 20 ms): %d answered; p50 %s  p99 %s  max %s; other answers %v\n",
			len(covAreas), len(coverage.lat), coverage.pct(0.5), coverage.pct(0.99), coverage.pct(1), coverage.errs)
		fmt.Fprintf(e.Stdout, "  the origin's own time for the charts: %s\n", originLine(originBefore, originAfter, chartRoute))
		fmt.Fprintf(e.Stdout, "  the origin's own time for the coverage: %s\n", originLine(originBefore, originAfter, coverageRoute))
	}
	// Requests cut off by the end of a run may be committed unanswered, so
	// the log may hold more than was acknowledged, never less.
	acked := baseOK.Load() + res.ok
	fmt.Fprintf(e.Stdout, "log holds %d submissions; acknowledged %d (baseline %d + HTTP %d); lost %d\n",
		last, acked, baseOK.Load(), res.ok, max(0, acked-last))
	if !bases.field && !bases.prototype {
		return nil
	}
	// The tally caught up, Sandık's reads alone, as the field's are after
	// its run.
	if err := c.WaitFor(e.Ctx, last); err != nil {
		return err
	}
	alone := rl.idle(e.Ctx, addrs[0], 100, 20*time.Second)
	fmt.Fprintf(e.Stdout, "totals of an area, the writes over: %s\n", alone)
	var field *fieldResult
	if bases.field {
		if field, err = br.field(e, reg, gen, tokens); err != nil {
			return fmt.Errorf("field baseline: %w", err)
		}
	}
	br.summary(e, res, busy, alone, proto, field)
	return nil
}

func (r *loadResult) rate() float64 {
	if r.took <= 0 {
		return 0
	}
	return float64(r.ok) / r.took.Seconds()
}

type loadResult struct {
	mode, from string
	ok         int64
	took       time.Duration
	errors     map[int]int64
	lat        []time.Duration
	// cpu is what the run cost in CPU, this process's and PostgreSQL's.
	cpu cpuUse
}

func (r *loadResult) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(p * float64(len(r.lat)-1))
	return r.lat[i].Round(10 * time.Microsecond)
}

// runLoad sends the sheets from first on to addrs for d, showing its
// progress under label on the terminal every second.
func runLoad(e *cli.Env, label string, addrs []string, gen *sheetGen, tokens []string, first int64, workers, rate int, d time.Duration) loadResult {
	res := loadResult{mode: "closed loop, " + strconv.Itoa(workers) + " connections", errors: map[int]int64{}}
	var next atomic.Int64
	next.Store(first)
	var mu sync.Mutex
	ctx, cancel := benchContext(e, d)
	defer cancel()
	var acked atomic.Int64
	progressDone := make(chan struct{})
	t0 := time.Now()
	go func() {
		defer close(progressDone)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				fmt.Fprintf(e.Stderr, "\r%s: %s, %d acknowledged\n", label, time.Since(t0).Round(time.Second), acked.Load())
				return
			case <-tick.C:
				fmt.Fprintf(e.Stderr, "\r%s: %s of %s, %d acknowledged", label, time.Since(t0).Round(time.Second), d, acked.Load())
			}
		}
	}()
	defer func() {
		cancel()
		<-progressDone
	}()
	// Open model: a ticker hands out intended send times; latency counts
	// from them, so a server that falls behind is not flattered.
	var slots chan time.Time
	if rate > 0 {
		res.mode, res.from = fmt.Sprintf("open model, %d/s", rate), " (from intended send time)"
		slots = make(chan time.Time, rate)
		go func() {
			interval := time.Second / time.Duration(rate)
			t0 := time.Now()
			for k := 0; ctx.Err() == nil; k++ {
				at := t0.Add(time.Duration(k) * interval)
				if wait := time.Until(at); wait > 0 {
					select {
					case <-time.After(wait):
					case <-ctx.Done():
					}
				}
				select {
				case slots <- at:
				case <-ctx.Done():
				}
			}
			close(slots)
		}()
	}
	start, cpu0 := time.Now(), readCPU()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			client := &loadclient.Client{Addr: addrs[w%len(addrs)]}
			defer client.Close()
			var buf bytes.Buffer
			var lat []time.Duration
			var ok int64
			errs := map[int]int64{}
			for ctx.Err() == nil {
				intended := time.Now()
				if slots != nil {
					var open bool
					if intended, open = <-slots; !open {
						break
					}
				}
				i := next.Add(1)
				buf.Reset()
				gen.json(&buf, i)
				code, err := client.Post("/api/v1/submissions", tokens[gen.user(i)], buf.Bytes())
				if err != nil {
					if ctx.Err() == nil {
						errs[-1]++
					}
					continue
				}
				if code/100 == 2 {
					ok++
					acked.Add(1)
					lat = append(lat, time.Since(intended))
				} else {
					errs[code]++
				}
			}
			mu.Lock()
			res.ok += ok
			res.lat = append(res.lat, lat...)
			for k, v := range errs {
				res.errors[k] += v
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.took, res.cpu = time.Since(start), readCPU().since(cpu0)
	slices.Sort(res.lat)
	return res
}

// sheetGen makes the i-th submission of a benchmark: box×race i mod N,
// typed by user i / N, so the log fills with first then second entries.
type sheetGen struct {
	reg   *sandik.Registry
	pairs []struct {
		race sandik.RaceCode
		box  sandik.AreaCode
	}
}

func newSheetGen(reg *sandik.Registry) *sheetGen {
	g := &sheetGen{reg: reg}
	for _, rc := range reg.Races {
		for _, b := range reg.RaceBoxes(rc.Code) {
			g.pairs = append(g.pairs, struct {
				race sandik.RaceCode
				box  sandik.AreaCode
			}{rc.Code, b})
		}
	}
	return g
}

func (g *sheetGen) user(i int64) int { return int(i/int64(len(g.pairs))) % 16 }

func (g *sheetGen) sheet(i int64) (sandik.RaceCode, sandik.AreaCode, sandik.Tutanak, *sandik.Race) {
	p := g.pairs[i%int64(len(g.pairs))]
	rc, _ := g.reg.Race(p.race)
	// The same box always gets the same sheet, so entries agree.
	k := i % int64(len(g.pairs))
	t := sandik.Tutanak{Registered: 350, Voted: 300, Invalid: 10, ValidTotal: 290, ValidWithoutObjection: 290, Votes: make([]int64, len(rc.Choices))}
	t.Votes[0] = 100 + k%50
	t.Votes[1] = 190 - k%50
	return p.race, p.box, t, rc
}

func (g *sheetGen) input(i int64) sandik.SheetInput {
	race, box, t, rc := g.sheet(i)
	in := sandik.SheetInput{ID: sandik.SubmissionID("b" + strconv.FormatInt(i, 10)), Race: race, Box: box, Source: sandik.SourceEntry,
		Registered: &t.Registered, Voted: &t.Voted, ValidWithoutObjection: &t.ValidWithoutObjection,
		ValidUponObjection: &t.ValidUponObjection, ValidTotal: &t.ValidTotal, Invalid: &t.Invalid,
		Votes: make(map[sandik.ChoiceCode]*int64, len(rc.Choices))}
	for j, ch := range rc.Choices {
		in.Votes[ch.Code] = &t.Votes[j]
	}
	return in
}

// json writes the i-th submission's body by hand: the generator shares the
// server's two cores, so it must stay cheap.
func (g *sheetGen) json(w *bytes.Buffer, i int64) {
	race, box, t, rc := g.sheet(i)
	b := w.AvailableBuffer()
	b = append(b, `{"id":"h`...)
	b = strconv.AppendInt(b, i, 10)
	b = append(b, `","race":"`...)
	b = append(b, race...)
	b = append(b, `","box":"`...)
	b = append(b, box...)
	b = append(b, `","source":"entry","registered":`...)
	b = strconv.AppendInt(b, t.Registered, 10)
	b = append(b, `,"voted":`...)
	b = strconv.AppendInt(b, t.Voted, 10)
	b = append(b, `,"valid_without_objection":`...)
	b = strconv.AppendInt(b, t.ValidWithoutObjection, 10)
	b = append(b, `,"valid_upon_objection":0,"valid_total":`...)
	b = strconv.AppendInt(b, t.ValidTotal, 10)
	b = append(b, `,"invalid_total":`...)
	b = strconv.AppendInt(b, t.Invalid, 10)
	b = append(b, `,"votes":{`...)
	for j, ch := range rc.Choices {
		if j > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, ch.Code...)
		b = append(b, `":`...)
		b = strconv.AppendInt(b, t.Votes[j], 10)
	}
	b = append(b, "}}"...)
	w.Write(b)
}

// printTipStats says, for PostgreSQL, how many group commits went in one
// round trip on the tip each instance expected and how many were decided
// under the log's lock (docs/postgres-log.md), the baseline's included.
func printTipStats(e *cli.Env, stores []sandik.Store) {
	for i, st := range stores {
		ts, ok := st.(interface{ TipStats() (int64, int64, int64) })
		if !ok {
			return
		}
		onTip, underLock, wrong := ts.TipStats()
		fmt.Fprintf(e.Stdout, "instance %d: %d group commits in one round trip on the expected tip, %d decided under the log's lock (%d after the database found the tip wrong)\n", i+1, onTip, underLock, wrong)
	}
}
