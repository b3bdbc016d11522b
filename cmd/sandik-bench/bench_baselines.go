package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/baseline"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/cmd/internal/loadclient"
	"github.com/sandik-dev/sandik/store/postgres"
)

// baselines are the servers measured beside Sandık in the same run
// (issue 23), with the same load generator, connections, duration and
// bodies: the prototype (the limit) and the field's way (the baseline
// the field uses).
type baselines struct{ prototype, field bool }

func parseBaselines(s string) (baselines, error) {
	var b baselines
	if s == "none" {
		return b, nil
	}
	for _, name := range strings.Split(s, ",") {
		switch strings.TrimSpace(name) {
		case "prototype":
			b.prototype = true
		case "field":
			b.field = true
		default:
			return b, fmt.Errorf("-baselines %q: want a list of prototype and field, or none", s)
		}
	}
	return b, nil
}

// readLoad is the dashboards' reading of area totals during a run, the
// same for Sandık and the field's way: readers each asking every so
// often, by turns for the country's totals and for an il's.
type readLoad struct {
	readers int
	every   time.Duration
	race    string
	country string
	ils     []string
	token   string // Sandık's readers authenticate; the baselines ignore it
}

// readLatency holds an area's totals' read times at the two levels.
type readLatency struct{ country, il probe }

func (r *readLatency) String() string {
	return fmt.Sprintf("country p50 %s p99 %s (%d reads), il p50 %s p99 %s (%d reads)%s",
		r.country.pct(0.5), r.country.pct(0.99), len(r.country.lat), r.il.pct(0.5), r.il.pct(0.99), len(r.il.lat), r.errors())
}

func (r *readLatency) errors() string {
	n := map[int]int{}
	for _, p := range []*probe{&r.country, &r.il} {
		for k, v := range p.errs {
			n[k] += v
		}
	}
	if len(n) == 0 {
		return ""
	}
	return fmt.Sprintf("; other answers %v", n)
}

func (rl readLoad) path(k int) (string, bool) {
	if k%2 == 0 || len(rl.ils) == 0 {
		return "/api/v1/races/" + rl.race + "/totals/" + rl.country, true
	}
	return "/api/v1/races/" + rl.race + "/totals/" + rl.ils[(k/2)%len(rl.ils)], false
}

// read asks for one area's totals and records the answer whole.
func (rl readLoad) read(client *loadclient.Client, k int, into *readLatency, mu *sync.Mutex) {
	path, country := rl.path(k)
	t0 := time.Now()
	code, _, _, err := client.Do("GET", path, "Bearer "+rl.token, nil)
	took := time.Since(t0)
	p := &into.il
	if country {
		p = &into.country
	}
	if mu != nil {
		mu.Lock()
		defer mu.Unlock()
	}
	switch {
	case err != nil:
		p.errs[-1]++
	case code != http.StatusOK:
		p.errs[code]++
	default:
		p.lat = append(p.lat, took)
	}
}

func newReadLatency() *readLatency {
	return &readLatency{country: probe{errs: map[int]int{}}, il: probe{errs: map[int]int{}}}
}

func (r *readLatency) sort() {
	slices.Sort(r.country.lat)
	slices.Sort(r.il.lat)
}

// underLoad starts rl's readers against addr; the returned function stops
// them and gives their latencies. With no readers it does nothing.
func (rl readLoad) underLoad(ctx context.Context, addr string) func() *readLatency {
	res := newReadLatency()
	if rl.readers == 0 {
		return func() *readLatency { return nil }
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for w := range rl.readers {
		wg.Go(func() {
			// A dashboard is a browser, which accepts gzip.
			client := &loadclient.Client{Addr: addr, Gzip: true}
			defer client.Close()
			tick := time.NewTicker(rl.every)
			defer tick.Stop()
			for k := w; ; k += rl.readers {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				rl.read(client, k, res, &mu)
			}
		})
	}
	return func() *readLatency {
		cancel()
		wg.Wait()
		res.sort()
		return res
	}
}

// idle reads each level n times one after the other, the writes over: the
// read alone, on the table the run filled. It stops early after limit.
func (rl readLoad) idle(ctx context.Context, addr string, n int, limit time.Duration) *readLatency {
	res := newReadLatency()
	client := &loadclient.Client{Addr: addr, Gzip: true}
	defer client.Close()
	end := time.Now().Add(limit)
	for k := 0; k < 2*n && ctx.Err() == nil && time.Now().Before(end); k++ {
		rl.read(client, k, res, nil)
	}
	res.sort()
	return res
}

// serveBaseline serves h on a loopback port until the returned function
// is called.
func serveBaseline(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	go srv.Serve(ln)
	return ln.Addr().String(), func() { srv.Close() }, nil
}

// protoResult is the prototype's run.
type protoResult struct {
	load       loadResult
	rows, lost int64
	stats      baseline.Stats
}

// runPrototype measures the prototype with Sandık's load on its own
// table in where (a PostgreSQL URL or a directory for a SQLite file).
func runPrototype(e *cli.Env, where string, gen *sheetGen, tokens []string, workers, rate int, d time.Duration) (protoResult, error) {
	var r protoResult
	db, err := baseline.Open(e.Ctx, where, "proto", 1)
	if err != nil {
		return r, err
	}
	defer db.Close()
	p, err := baseline.NewPrototype(e.Ctx, db, slog.New(slog.DiscardHandler))
	if err != nil {
		return r, err
	}
	defer p.Close()
	addr, stop, err := serveBaseline(p)
	if err != nil {
		return r, err
	}
	defer stop()
	r.load = runLoad(e, "prototype", []string{addr}, gen, tokens, 0, workers, rate, d)
	if r.rows, err = p.Rows(e.Ctx); err != nil {
		return r, err
	}
	r.lost = max(0, r.load.ok-r.rows)
	r.stats = p.Stats()
	return r, nil
}

// fieldResult is the field's way's run.
type fieldResult struct {
	load              loadResult
	rows              int64
	busy, alone, full *readLatency
	fullRows          int64
	fillTook          time.Duration
}

// runField measures the field's way with Sandık's load and readers on
// its own table in where.
func runField(e *cli.Env, where, commit string, conns int, full bool, reg *sandik.Registry, gen *sheetGen, tokens []string, workers, rate int, d time.Duration, rl readLoad) (fieldResult, error) {
	var r fieldResult
	db, err := baseline.Open(e.Ctx, where, "field", conns)
	if err != nil {
		return r, err
	}
	defer db.Close()
	cfg := baseline.FieldConfig{Country: rl.country, Places: places(reg), Commit: commit}
	for _, rc := range reg.Races {
		cfg.Races = append(cfg.Races, string(rc.Code))
	}
	f, err := baseline.NewField(e.Ctx, db, cfg)
	if err != nil {
		return r, err
	}
	defer f.Close()
	addr, stop, err := serveBaseline(f)
	if err != nil {
		return r, err
	}
	defer stop()
	stopReaders := rl.underLoad(e.Ctx, addr)
	r.load = runLoad(e, "field", []string{addr}, gen, tokens, 0, workers, rate, d)
	r.busy = stopReaders()
	fmt.Fprintf(e.Stderr, "field: reading totals on the filled table…\n")
	r.alone = rl.idle(e.Ctx, addr, 100, 20*time.Second)
	if r.rows, err = f.Rows(e.Ctx); err != nil || !full {
		return r, err
	}
	// A night's table: every box of every race entered, written in
	// batches outside any load, then the same reads again.
	subs := make([]baseline.Submission, len(gen.pairs))
	for i := range subs {
		race, box, t, rc := gen.sheet(int64(i))
		votes := make(map[string]int64, len(rc.Choices))
		for j, ch := range rc.Choices {
			votes[string(ch.Code)] = t.Votes[j]
		}
		subs[i] = baseline.Submission{Race: string(race), Box: string(box), Votes: votes}
	}
	fmt.Fprintf(e.Stderr, "field: filling the table with every box of every race (%d sheets)…\n", len(subs))
	t0 := time.Now()
	if err := f.Fill(e.Ctx, subs); err != nil {
		return r, err
	}
	r.fillTook = time.Since(t0)
	if r.fullRows, err = f.Rows(e.Ctx); err != nil {
		return r, err
	}
	fmt.Fprintf(e.Stderr, "field: reading totals on the full table…\n")
	r.full = rl.idle(e.Ctx, addr, 100, 60*time.Second)
	return r, nil
}

// places gives every box's il and ilçe.
func places(reg *sandik.Registry) map[string]baseline.Place {
	parent := map[sandik.AreaCode]sandik.Area{}
	for _, a := range reg.Areas {
		parent[a.Code] = a
	}
	out := map[string]baseline.Place{}
	for _, a := range reg.Areas {
		if a.Level != sandik.LevelSandik {
			continue
		}
		var p baseline.Place
		for up, ok := parent[a.Parent]; ok; up, ok = parent[up.Parent] {
			switch up.Level {
			case sandik.LevelIl:
				p.Il = string(up.Code)
			case sandik.LevelIlce:
				p.Ilce = string(up.Code)
			}
		}
		out[string(a.Code)] = p
	}
	return out
}

// readAreas names the country and its ils in reg.
func readAreas(reg *sandik.Registry) (country string, ils []string) {
	for _, a := range reg.Areas {
		switch a.Level {
		case sandik.LevelCountry:
			country = string(a.Code)
		case sandik.LevelIl:
			ils = append(ils, string(a.Code))
		}
	}
	return country, ils
}

// ratio prints a/b as "0.78×" or "21×".
func ratio(a, b float64) string {
	if b == 0 {
		return "∞×"
	}
	r := a / b
	if r >= 10 {
		return strconv.FormatFloat(r, 'f', 0, 64) + "×"
	}
	return strconv.FormatFloat(r, 'f', 2, 64) + "×"
}

// thousands prints n with commas between thousands: 17,550.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

func fieldCommitName(mode string) string {
	if mode == baseline.CommitGroup {
		return "group commit"
	}
	return "one transaction per submission"
}

func baseDB(where string) string {
	if postgres.IsURL(where) {
		return "PostgreSQL, a schema of its own, synchronous_commit on"
	}
	return "SQLite synchronous=FULL, WAL, a file of its own"
}

// baselineRun is what the baselines' runs share with Sandık's: the
// same load and readers, on their own databases in where.
type baselineRun struct {
	where, commit string
	conns         int
	full          bool
	workers, rate int
	duration      time.Duration
	rl            readLoad
}

// prototype runs the prototype and prints its figures.
func (b baselineRun) prototype(e *cli.Env, gen *sheetGen, tokens []string) (*protoResult, error) {
	p, err := runPrototype(e, b.where, gen, tokens, b.workers, b.rate, b.duration)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.Stdout, "prototype (JSON decode, one group-commit goroutine, %s window, up to %d a batch; %s): %d acknowledged in %s = %.0f submissions/s; errors %v; %d commits\n",
		baseline.Window, baseline.MaxBatch, baseDB(b.where), p.load.ok, p.load.took.Round(time.Millisecond), p.load.rate(), p.load.errors, p.stats.Batches)
	fmt.Fprintf(e.Stdout, "prototype latency%s: p50 %s  p90 %s  p99 %s  max %s; table holds %d; lost %d\n", p.load.from,
		p.load.pct(0.50), p.load.pct(0.90), p.load.pct(0.99), p.load.pct(1), p.rows, p.lost)
	fmt.Fprintf(e.Stdout, "prototype CPU per acknowledged submission: %s\n", p.load.cpu.perSubmission(p.load.ok, postgres.IsURL(b.where)))
	if err := settle(e.Ctx, b.where); err != nil {
		return nil, err
	}
	return &p, nil
}

// settle writes PostgreSQL's dirty pages out after the prototype's run,
// so that the checkpoint its hundreds of thousands of rows call for
// does not fall inside Sandık's run, measured next.
func settle(ctx context.Context, where string) error {
	if !postgres.IsURL(where) {
		return nil // the prototype's SQLite file is its own, deleted
	}
	c, err := pgx.Connect(ctx, where)
	if err != nil {
		return fmt.Errorf("settle the database after the prototype: %w", err)
	}
	defer c.Close(context.WithoutCancel(ctx))
	if _, err := c.Exec(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("settle the database after the prototype (CHECKPOINT, which needs a superuser or pg_checkpoint): %w", err)
	}
	return nil
}

// field runs the field's way and prints its figures.
func (b baselineRun) field(e *cli.Env, reg *sandik.Registry, gen *sheetGen, tokens []string) (*fieldResult, error) {
	f, err := runField(e, b.where, b.commit, b.conns, b.full, reg, gen, tokens, b.workers, b.rate, b.duration, b.rl)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.Stdout, "field (one row per result, SUM … GROUP BY on every read; %s, %d connections; %s): %d acknowledged in %s = %.0f submissions/s; errors %v; table holds %d rows\n",
		fieldCommitName(b.commit), b.conns, baseDB(b.where), f.load.ok, f.load.took.Round(time.Millisecond), f.load.rate(), f.load.errors, f.rows)
	fmt.Fprintf(e.Stdout, "field latency%s: p50 %s  p90 %s  p99 %s  max %s\n", f.load.from,
		f.load.pct(0.50), f.load.pct(0.90), f.load.pct(0.99), f.load.pct(1))
	if f.busy != nil {
		fmt.Fprintf(e.Stdout, "field totals of an area, under the load (%d readers every %s): %s\n", b.rl.readers, b.rl.every, f.busy)
	}
	fmt.Fprintf(e.Stdout, "field totals of an area, the writes over: %s\n", f.alone)
	if f.full != nil {
		fmt.Fprintf(e.Stdout, "field totals of an area on a table of every box of every race (%d rows, filled in %s): %s\n",
			f.fullRows, f.fillTook.Round(time.Millisecond), f.full)
	}
	return &f, nil
}

// summary prints Sandık's figures as ratios to the baselines run (nil
// when not run): throughput against the prototype's and the field's,
// and the field's read times against Sandık's.
func (b baselineRun) summary(e *cli.Env, res loadResult, busy, alone *readLatency, proto *protoResult, field *fieldResult) {
	fmt.Fprintf(e.Stdout, "Sandık against the baselines measured in this run (same load: %s, %s):\n", res.mode, b.duration)
	if proto != nil {
		fmt.Fprintf(e.Stdout, "prototype: %s/s p99 %s  → Sandık %s (%s/s p99 %s)\n", thousands(int64(proto.load.rate())), ms(proto.load.pct(0.99)),
			ratio(res.rate(), proto.load.rate()), thousands(int64(res.rate())), ms(res.pct(0.99)))
		if c := cpuRatio(res, proto.load, postgres.IsURL(b.where)); c != "" {
			fmt.Fprintf(e.Stdout, "  CPU per submission: %s the prototype's\n", c)
		}
	}
	if field == nil {
		return
	}
	p99 := func(r *readLatency) (country, il time.Duration) { return r.country.pct(0.99), r.il.pct(0.99) }
	against := func(f, s *readLatency) (string, string, string, string) {
		fc, fi := p99(f)
		sc, si := p99(s)
		return ms(fc), ms(fi), ratio(float64(fc), float64(sc)), ratio(float64(fi), float64(si))
	}
	reads := fmt.Sprintf("reads alone p99 country %s, il %s → Sandık's %s and %s faster", strs(against(field.alone, alone))...)
	if field.busy != nil && busy != nil {
		reads += fmt.Sprintf("; under the load p99 country %s, il %s → %s and %s", strs(against(field.busy, busy))...)
	}
	if field.full != nil {
		reads += fmt.Sprintf("; on the full table p99 country %s, il %s → %s and %s", strs(against(field.full, alone))...)
	}
	fmt.Fprintf(e.Stdout, "field (SUM…GROUP BY, %s): %s/s p99 %s  → Sandık %s; %s\n", fieldCommitName(b.commit),
		thousands(int64(field.load.rate())), ms(field.load.pct(0.99)), ratio(res.rate(), field.load.rate()), reads)
}

// cpuRatio compares what a submission cost Sandık in CPU with what it
// cost the prototype, this process and the database together: it says
// where a difference in throughput comes from.
func cpuRatio(sandik, proto loadResult, onPG bool) string {
	if sandik.ok <= 0 || proto.ok <= 0 {
		return ""
	}
	total := func(r loadResult) float64 {
		t := r.cpu.self
		if onPG && r.cpu.dbSeen {
			t += r.cpu.db
		}
		return float64(t) / float64(r.ok)
	}
	s, p := total(sandik), total(proto)
	return fmt.Sprintf("%.0f µs against %.0f µs, %s", s/1e3, p/1e3, ratio(s, p))
}

func strs(a, b, c, d string) []any { return []any{a, b, c, d} }
