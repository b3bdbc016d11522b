package rehearse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/cmd/internal/loadclient"
	"github.com/sandik-dev/sandik/store/postgres"
)

// Config is a rehearsal's settings, filled from `sandik rehearse`'s flags.
type Config struct {
	Scale    float64 // of NationalBoxes
	Seed     uint64
	Disagree float64 // share of sheets whose second entry differs
	Rate     float64 // entries per second on average over the night
	Conns    int     // connections sending entries

	Readers   int           // dashboards polling an area's totals
	ReadEvery time.Duration // each reader's period
	SSE       int           // live pages holding an event stream open
	// Feed publishes the council race's official figures from a fake
	// feed that the first server follows.
	Feed bool

	// Store is the database: empty for a temporary SQLite file, else an
	// SQLite path or a postgres:// URL (which must be empty).
	Store     string
	Instances int
	// Bin is the sandik binary whose `serve` the rehearsal starts.
	Bin string
	// URLs are servers already running on a database prepared with
	// Prepare; when set nothing is started, and Plan gives the tokens.
	URLs []string
	Plan *Plan

	// Soak keeps a steady load of corrections at SoakRate per second for
	// this long after the night (corrections.go), sampling each server's
	// heap and goroutines every SampleEvery.
	Soak        time.Duration
	SoakRate    float64
	SampleEvery time.Duration
	// Faults are injected in turn during the soak, or the night without
	// one, each lasting FaultFor (faults.go).
	Faults   []string
	FaultFor time.Duration
	// BodyTimeout is the started servers' -body-timeout (the slow-client
	// fault expects bodies slower than it to be cut); ServeArgs more flags
	// for them. MetricsToken is the -metrics-token of servers started by
	// hand (-url); the rehearsal makes its own for those it starts.
	BodyTimeout  time.Duration
	ServeArgs    []string
	MetricsToken string

	// Nice, when above 0, is the priority (Linux nice) the rehearsal
	// itself runs at once the servers have started, which keep theirs:
	// the clients of a real night are on other machines, and on one
	// machine the load generator otherwise takes cores from the servers
	// whose own answer times the report gives.
	Nice int

	Progress io.Writer // progress lines; the report goes elsewhere
}

// Run rehearses a night and returns its report; an error means the
// rehearsal could not run, a report with problems that Sandık failed it.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Plan != nil {
		cfg.Scale, cfg.Seed, cfg.Disagree = cfg.Plan.Scale, cfg.Plan.Seed, cfg.Plan.Disagree
	}
	if cfg.Rate <= 0 || cfg.Conns < 1 || cfg.Readers < 0 || cfg.SSE < 0 || cfg.Instances < 1 || (cfg.Readers > 0 && cfg.ReadEvery <= 0) {
		return nil, fmt.Errorf("-rate must be > 0, -conns and -instances ≥ 1, -readers and -sse ≥ 0, -read-every > 0")
	}
	if cfg.Instances > 1 && cfg.URLs == nil && !postgres.IsURL(cfg.Store) {
		return nil, fmt.Errorf("-instances %d needs a shared PostgreSQL database: give -store postgres://…", cfg.Instances)
	}
	if cfg.Soak < 0 || (cfg.Soak > 0 && cfg.SoakRate <= 0) || cfg.SampleEvery <= 0 || (len(cfg.Faults) > 0 && cfg.FaultFor <= 0) || cfg.BodyTimeout <= 0 {
		return nil, fmt.Errorf("-soak must be ≥ 0 with -soak-rate > 0; -sample-every, -fault-for and -body-timeout > 0")
	}
	for _, f := range cfg.Faults {
		if _, err := ParseFaults(f, cfg.Store); err != nil {
			return nil, err
		}
	}
	t0 := time.Now()
	// The servers' own logs go to the same writer from other goroutines.
	cfg.Progress = &lockedWriter{w: cfg.Progress}
	n, err := NewNight(cfg.Scale, cfg.Seed, cfg.Disagree)
	if err != nil {
		return nil, err
	}
	rep := &Report{Machine: machine(), Scale: cfg.Scale, Seed: cfg.Seed, Provinces: n.Provinces, Districts: n.Districts,
		Boxes: len(n.Boxes), Races: len(n.Races), Sheets: n.Pairs(), Entries: 2 * n.Pairs(), DisagreeShare: cfg.Disagree,
		Instances: max(cfg.Instances, len(cfg.URLs)), Store: "SQLite (a temporary file), synchronous=FULL, WAL"}
	progress(cfg.Progress, "synthetic night: %d il, %d ilçe, %d boxes × %d races = %d sheets, each entered twice",
		n.Provinces, n.Districts, len(n.Boxes), len(n.Races), n.Pairs())

	sched := n.Schedule(cfg.Rate)
	night := sched[len(sched)-1].at
	corr := newCorrections(n)
	if need := correctionsNeeded(cfg, night); need > corr.capacity() {
		return nil, fmt.Errorf("-soak %s at -soak-rate %g and the faults need about %d corrections; the night's %d entries take %d (each corrected at most %d times by its typist): lower -soak-rate or raise -scale",
			cfg.Soak, cfg.SoakRate, need, 2*n.Pairs(), corr.capacity(), maxCorrectionRounds)
	}
	metricsToken := cfg.MetricsToken
	var servers []*server
	var official *officialFeed
	urls, plan, db := cfg.URLs, cfg.Plan, cfg.Store
	var appName string
	if postgres.IsURL(db) && urls != nil {
		db, appName = withAppName(db)
	}
	if cfg.Feed && urls != nil {
		return nil, fmt.Errorf("-feed starts the servers following a fake feed; with -url, start them with -follow yourself (docs/rehearse.md)")
	}
	if urls == nil {
		tmp, err := os.MkdirTemp("", "sandik-rehearse-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		switch {
		case db == "":
			db = filepath.Join(tmp, "prova.db")
		case postgres.IsURL(db):
			rep.Store = "PostgreSQL " + cli.DisplayDB(db)
			// conn-reset ends the connections of this name only.
			db, appName = withAppName(db)
		default:
			rep.Store = "SQLite " + db + ", synchronous=FULL, WAL"
		}
		progress(cfg.Progress, "loading the registry and %d accounts into %s…", Typists+1, cli.DisplayDB(db))
		if plan, err = prepare(ctx, db, n, cfg.Scale, cfg.Disagree); err != nil {
			return nil, err
		}
		if cfg.Feed {
			if official, err = listenFeed(n, night); err != nil {
				return nil, err
			}
			defer official.close()
		}
		metricsToken = randomToken()
		for i := range cfg.Instances {
			// One instance follows the feed, as a deployment would run
			// one follower; the others read its figures from the log.
			extra := append([]string{"-metrics-token", metricsToken, "-body-timeout", cfg.BodyTimeout.String()}, cfg.ServeArgs...)
			if official != nil && i == 0 {
				extra = append(extra, official.followArgs()...)
			}
			s, err := startServer(ctx, cfg.Bin, db, filepath.Join(tmp, "ledger.key"), extra, cfg.Progress)
			if err != nil {
				return nil, err
			}
			defer s.stop()
			servers = append(servers, s)
			urls = append(urls, s.URL)
			progress(cfg.Progress, "instance %d serving %s", i+1, s.URL)
		}
	} else {
		rep.Store = "servers started by hand: " + fmt.Sprint(urls)
	}
	if cfg.Nice > 0 {
		if err := lowerPriority(cfg.Nice); err != nil {
			return nil, err
		}
		rep.GeneratorNice = cfg.Nice
	}
	rep.SetupSeconds = time.Since(t0).Seconds()
	hosts := make([]string, len(urls))
	for i, u := range urls {
		if hosts[i], err = hostOf(u); err != nil {
			return nil, err
		}
	}

	rep.IntendedRate, rep.IntendedPeak = cfg.Rate, peakRate(sched)
	rep.NightSeconds = sched[len(sched)-1].at.Seconds()
	progress(cfg.Progress, "replaying %d entries over %.0f s (on average %.0f/s, %d/s at the poll-close peak) through %d connections, %d dashboards, %d live streams",
		len(sched), rep.NightSeconds, cfg.Rate, rep.IntendedPeak, cfg.Conns, cfg.Readers, cfg.SSE)

	var cookie string
	if cfg.SSE > 0 {
		if cookie, err = login(urls[0], plan.Coordinator); err != nil {
			return nil, err
		}
	}
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	var reads readResult
	var live sseResult
	var side sync.WaitGroup
	side.Go(func() { reads = readDashboards(readCtx, n, hosts, plan.Coordinator, cfg.Readers, cfg.ReadEvery) })
	side.Go(func() { live = watchLive(readCtx, n, hosts, cookie, cfg.SSE) })

	// Each server's /metrics: its heap, goroutines and own time to answer
	// the totals. The servers at rest are the goroutines' baseline.
	smp := newSampler(hosts, metricsToken)
	defer smp.close()
	atRest, err := smp.record()
	if err != nil {
		if cfg.Soak > 0 || len(cfg.Faults) > 0 {
			return nil, fmt.Errorf("the soak and the faults read the servers' /metrics: %w", err)
		}
		progress(cfg.Progress, "no origin figures: %v", err)
		smp = nil
	}
	var onSample atomic.Pointer[func([]scrape)]
	stopSampling := make(chan struct{})
	var sampWG sync.WaitGroup
	if smp != nil {
		sampWG.Go(func() {
			smp.run(cfg.SampleEvery, stopSampling, func(sc []scrape) {
				if f := onSample.Load(); f != nil {
					(*f)(sc)
				}
			}, cfg.Progress)
		})
	}
	defer func() { close(stopSampling); sampWG.Wait() }()
	// mark scrapes the servers for the origin's figures.
	mark := func() []scrape {
		if smp == nil {
			return nil
		}
		sc, err := smp.read()
		if err != nil {
			progress(cfg.Progress, "reading the servers' /metrics: %v", err)
		}
		return sc
	}

	st := loadStats{corr: corr}
	stopProgress := make(chan struct{})
	var peakRSS sampledRSS
	var progWG sync.WaitGroup
	progWG.Go(func() { showProgress(cfg.Progress, &st, len(sched), servers, &peakRSS, stopProgress) })
	markStart := mark()
	start, cpu0 := time.Now(), selfCPUSeconds()
	var markPeak []scrape
	peakDone := make(chan struct{})
	peakTimer := time.AfterFunc(night/10, func() { markPeak = mark(); close(peakDone) })
	if official != nil {
		if err := official.publish(n, night, start); err != nil {
			return nil, err
		}
	}
	env := &faultEnv{n: n, hosts: hosts, typists: plan.Typists, coordinator: plan.Coordinator, corr: corr, db: db, appName: appName,
		length: cfg.FaultFor, bodyTimeout: cfg.BodyTimeout, metrics: smp, progress: cfg.Progress}
	var faultWG sync.WaitGroup
	faultsNow := func(st *loadStats, rate float64, at time.Time) {
		if len(cfg.Faults) == 0 {
			return
		}
		env.st, env.baseRate, env.start = st, rate, at
		faultWG.Go(func() { rep.Faults = injectFaults(ctx, env, cfg.Faults) })
	}
	if cfg.Soak == 0 {
		faultsNow(&st, cfg.Rate, start)
	}
	load := replay(ctx, n, sched, start, hosts, plan.Typists, cfg.Conns, &st)
	close(stopProgress)
	progWG.Wait()
	if !peakTimer.Stop() {
		<-peakDone
	}
	markNight := mark()
	rep.fillLoad(load, &st)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("stopped after %d of %d entries were acknowledged; the servers are stopped and nothing was checked", st.acked.Load(), len(sched))
	}
	if cfg.Soak == 0 {
		faultWG.Wait() // injected into the night
	}

	// Full verification: every instance's tally has applied every
	// acknowledged entry of the night, so its figures are final.
	lastAck := time.Unix(0, st.lastAck.Load())
	final, err := waitApplied(ctx, urls, plan.Coordinator, n, st.maxSeq.Load(), 2*time.Minute)
	if err != nil {
		rep.problem("full verification: %v", err)
	} else {
		rep.FullVerificationSeconds = time.Since(lastAck).Seconds()
	}
	if official != nil {
		rep.Feed = &Feed{Boxes: official.Boxes, Differ: official.Differ, Interval: official.Interval.Seconds()}
		lastPage := start.Add(time.Duration(float64(night) * 0.9))
		seen, err := waitOfficial(ctx, urls, plan.Coordinator, official.Boxes, 3*official.Interval+time.Minute)
		rep.Feed.Seen = seen
		if err != nil {
			rep.problem("official feed: %v", err)
		} else {
			rep.Feed.LastPageToAllSeconds = time.Since(lastPage).Seconds()
		}
	}

	var markSoak []scrape
	if cfg.Soak > 0 {
		progress(cfg.Progress, "soak: %.0f corrections/s for %s, sampling every server's heap and goroutines every %s", cfg.SoakRate, cfg.Soak, cfg.SampleEvery)
		soakSt := loadStats{corr: corr}
		soakStart := time.Now()
		var prev int64
		each := func(sc []scrape) {
			soakProgress(cfg.Progress, soakStart, cfg.Soak, cfg.SampleEvery, &soakSt, &prev, sc)
		}
		onSample.Store(&each)
		faultsNow(&soakSt, cfg.SoakRate, soakStart)
		sl := replaySeq(ctx, n, steady(corr, cfg.SoakRate, cfg.Soak), soakStart, hosts, plan.Typists, cfg.Conns, &soakSt)
		faultWG.Wait()
		onSample.Store(nil)
		soakEnd := time.Now()
		markSoak = mark()
		var sr Report
		sr.fillLoad(sl, &soakSt)
		rep.Problems = append(rep.Problems, sr.Problems...)
		rep.Soak = &Soak{Seconds: soakEnd.Sub(soakStart).Seconds(), Rate: cfg.SoakRate, Submissions: sr.Submissions}
		// Every server applies every entry, whichever took it.
		perMin := float64(sr.Submissions.Acknowledged) / soakEnd.Sub(soakStart).Minutes()
		rep.Soak.Servers, rep.Soak.Verdict = smp.soakSeries(soakStart, soakEnd, perMin)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("stopped during the soak; the servers are stopped and nothing was checked")
		}
		// The totals checked are those after the soak's corrections.
		if final, err = waitApplied(ctx, urls, plan.Coordinator, n, max(st.maxSeq.Load(), soakSt.maxSeq.Load()), 2*time.Minute); err != nil {
			rep.problem("full verification after the soak: %v", err)
		}
	}
	for _, f := range rep.Faults {
		if f.Problem != "" {
			rep.problem("fault %s: %s", f.Name, f.Problem)
		}
	}
	if smp != nil {
		rep.Origin = &Origin{Peak: originWindow(markStart, markPeak), Night: originWindow(markStart, markNight)}
		if markSoak != nil {
			rep.Origin.Soak = originWindow(markNight, markSoak)
		}
	}
	stopReading()
	side.Wait()
	rep.fillReads(reads, live, cfg)
	if rep.Soak != nil {
		// Every load, reader and stream has stopped: the servers'
		// goroutines must come back to what they were at rest.
		for i, g := range restingGoroutines(ctx, smp, atRest) {
			rep.Soak.Servers[i].GoroutinesAtRestBefore, rep.Soak.Servers[i].GoroutinesAtRestAfter = atRest[i].goroutines, g
			if g > atRest[i].goroutines+10 {
				rep.problem("server %d had %.0f goroutines 30 s after the load stopped, %.0f at rest before the night", i+1, g, atRest[i].goroutines)
				if rep.Soak.Verdict == "flat" || rep.Soak.Verdict == "bounded" {
					rep.Soak.Verdict = "growing"
				}
			}
		}
	}
	for _, s := range servers {
		peak := s.peakRSS()
		if peak == 0 {
			peak = peakRSS.get() // no VmHWM: the most the progress line saw
		}
		rep.ServerRSSPeakMiB = append(rep.ServerRSSPeakMiB, float64(peak)/(1<<20))
		rep.ServerCPUSeconds = append(rep.ServerCPUSeconds, s.cpuSeconds())
	}
	rep.GeneratorCPUSeconds = selfCPUSeconds() - cpu0
	for _, s := range servers {
		if err := s.stop(); err != nil {
			rep.problem("stopping a server: %v", err)
		}
	}
	servers = nil

	// The log read back: every acknowledged entry present with the
	// figures sent; the totals each instance showed equal those the log
	// implies.
	var logged *logCheck
	if db != "" {
		if logged, err = readBack(ctx, db, n, load.acked, corr.states()); err != nil {
			return nil, err
		}
	} else {
		progress(cfg.Progress, "reading back every acknowledged entry over HTTP…")
		logged = readBackHTTP(hosts[0], plan.Coordinator, n, load.acked, corr.states())
	}
	rep.check(n, logged, final)
	rep.TotalSeconds = time.Since(t0).Seconds()
	return rep, nil
}

// Prepare loads a night into an empty database for servers started by
// hand, and returns the plan a later run with URLs needs.
func Prepare(ctx context.Context, db string, scale float64, seed uint64, disagree float64) (*Plan, *Night, error) {
	n, err := NewNight(scale, seed, disagree)
	if err != nil {
		return nil, nil, err
	}
	p, err := prepare(ctx, db, n, scale, disagree)
	return p, n, err
}

func machine() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s, %d CPUs (GOMAXPROCS %d), %s/%s, %s", host, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version())
}

func progress(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "rehearse: "+format+"\n", args...)
}

// sampledRSS keeps the highest resident memory the progress line saw of
// any server, for systems without VmHWM.
type sampledRSS struct {
	mu  sync.Mutex
	max int64
}

func (s *sampledRSS) note(v int64) { s.mu.Lock(); s.max = max(s.max, v); s.mu.Unlock() }
func (s *sampledRSS) get() int64   { s.mu.Lock(); defer s.mu.Unlock(); return s.max }

// showProgress writes a line every two seconds until stop closes.
func showProgress(w io.Writer, st *loadStats, total int, servers []*server, peak *sampledRSS, stop chan struct{}) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	start := time.Now()
	var prev int64
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		acked := st.acked.Load()
		rss := ""
		for _, s := range servers {
			r := s.rss()
			peak.note(r)
			rss += fmt.Sprintf(" %d MiB", r>>20)
		}
		if rss != "" {
			rss = "; server RSS" + rss
		}
		fmt.Fprintf(w, "rehearse: %5.0f s  sent %d/%d  acknowledged %d (%d/s)  retried %d  failed %d%s\n",
			time.Since(start).Seconds(), st.sent.Load(), total, acked, (acked-prev)/2, st.retried.Load(), st.failed.Load(), rss)
		prev = acked
	}
}

// waitApplied polls each server's national totals of every race until
// they reflect log position seq, and returns the last totals read.
func waitApplied(ctx context.Context, urls []string, token string, n *Night, seq int64, limit time.Duration) ([][]nationalTotals, error) {
	deadline := time.Now().Add(limit)
	out := make([][]nationalTotals, len(urls))
	for i, u := range urls {
		host, _ := hostOf(u)
		c := &loadclient.Client{Addr: host}
		defer c.Close()
		for {
			out[i] = out[i][:0]
			behind := false
			for _, rc := range n.Races {
				code, _, body, err := c.Do("GET", "/api/v1/races/"+string(rc.Code)+"/totals/TR", "Bearer "+token, nil)
				if err != nil || code != 200 {
					return nil, fmt.Errorf("national totals of %s on %s: %d %v", rc.Code, u, code, err)
				}
				var t nationalTotals
				if err := json.Unmarshal(body, &t); err != nil {
					return nil, fmt.Errorf("national totals of %s on %s: %w", rc.Code, u, err)
				}
				out[i] = append(out[i], t)
				behind = behind || t.Seq < seq
			}
			if !behind {
				break
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("%s had not applied log position %d after %s", u, seq, limit)
			}
			select {
			case <-time.After(20 * time.Millisecond):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	return out, nil
}

// nationalTotals is what the check needs of GET …/totals/TR.
type nationalTotals struct {
	Seq    int64 `json:"seq"`
	Totals struct {
		BoxesReported int `json:"boxes_reported"`
		BoxesVerified int `json:"boxes_verified"`
		BoxesConflict int `json:"boxes_conflict"`
		Verified      struct {
			Votes []int64 `json:"votes"`
		} `json:"verified"`
	} `json:"totals"`
}

// lockedWriter serialises writes from the rehearsal and its servers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// randomToken is a -metrics-token for the servers the rehearsal starts.
func randomToken() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
