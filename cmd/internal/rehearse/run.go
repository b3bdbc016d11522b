package rehearse

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
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
	var servers []*server
	var official *officialFeed
	urls, plan, db := cfg.URLs, cfg.Plan, cfg.Store
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
		for i := range cfg.Instances {
			// One instance follows the feed, as a deployment would run
			// one follower; the others read its figures from the log.
			var extra []string
			if official != nil && i == 0 {
				extra = official.followArgs()
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

	var st loadStats
	stopProgress := make(chan struct{})
	var peakRSS sampledRSS
	var progWG sync.WaitGroup
	progWG.Go(func() { showProgress(cfg.Progress, &st, len(sched), servers, &peakRSS, stopProgress) })
	start, cpu0 := time.Now(), selfCPUSeconds()
	if official != nil {
		if err := official.publish(n, night, start); err != nil {
			return nil, err
		}
	}
	load := replay(ctx, n, sched, start, hosts, plan.Typists, cfg.Conns, &st)
	close(stopProgress)
	progWG.Wait()
	rep.fillLoad(load, &st)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("stopped after %d of %d entries were acknowledged; the servers are stopped and nothing was checked", st.acked.Load(), len(sched))
	}

	// Full verification: every instance's tally has applied every
	// acknowledged entry, so its figures are final.
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
	stopReading()
	side.Wait()
	rep.fillReads(reads, live, cfg)
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
		if logged, err = readBack(ctx, db, n, load.acked); err != nil {
			return nil, err
		}
	} else {
		progress(cfg.Progress, "reading back every acknowledged entry over HTTP…")
		logged = readBackHTTP(hosts[0], plan.Coordinator, n, load.acked)
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
