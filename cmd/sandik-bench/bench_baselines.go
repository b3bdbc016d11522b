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

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/baseline"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/cmd/internal/loadclient"
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
			client := &loadclient.Client{Addr: addr}
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
	client := &loadclient.Client{Addr: addr}
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
