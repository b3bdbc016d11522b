package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/synth"
	"github.com/sandik-dev/sandik/tally"
)

// machine names what a benchmark ran on, printed above its figures.
func machine() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s, %d CPUs (GOMAXPROCS %d), %s/%s, %s", host, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// benchTally measures box changes per second applied to the tree, on one
// goroutine, against the baseline of building the same sheets' deltas in a
// flat array (the least any tally can do).
func benchTally(e *cli.Env, args []string) error {
	fs := e.Flags("tally", "tally [flags]")
	choices := fs.Int("choices", 20, "choices per race")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	shape := synth.Shape{Provinces: 20, DistrictsPerIl: 10, MahallesPerIlce: 20, BuildingsPerMah: 5, BoxesPerBuilding: 2,
		Races: 1, Choices: *choices, RegisteredPerBox: 350}
	reg, err := synth.Registry(shape)
	if err != nil {
		return err
	}
	subs := synth.Entries(reg, 2, 1)
	for i := range subs {
		subs[i].Seq = int64(i + 1)
	}
	fmt.Fprintf(e.Stdout, "machine: %s\ntree: 5 levels above %d boxes, %d choices; %d submissions (two agreeing entries per box)\n",
		machine(), shape.Boxes(), *choices, len(subs))
	start := time.Now()
	flat := make([]int64, 7+*choices)
	for i := range subs {
		t := &subs[i].Sheet
		flat[0] += t.Registered
		for j, v := range t.Votes {
			flat[7+j] += v
		}
	}
	base := time.Since(start)
	eng := tally.New(reg)
	start = time.Now()
	for i := range subs {
		eng.Apply(subs[i : i+1])
	}
	took := time.Since(start)
	fmt.Fprintf(e.Stdout, "baseline (flat sum, no tree, no double entry): %s, %.0f sheets/s\n", base.Round(time.Microsecond), float64(len(subs))/base.Seconds())
	fmt.Fprintf(e.Stdout, "tally engine: %s, %.0f box changes/s\n", took.Round(time.Millisecond), float64(len(subs))/took.Seconds())
	return nil
}

// benchRebuild fills a fresh SQLite database with a synthetic national
// election (about 2,000,000 submissions) and measures the start-up
// rebuild, against the baseline of only reading the log, and the memory
// the loaded centre holds: the process's peak RSS from the moment before
// it opens (the generator's memory given back first) and the Go heap left
// after a forced collection.
func benchRebuild(e *cli.Env, args []string) error {
	fs := e.Flags("rebuild", "rebuild [flags]")
	dir := fs.String("dir", "", "directory for the database (default: a temporary one, removed afterwards)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the rebuild to this file")
	memprofile := fs.String("memprofile", "", "write a heap profile of the loaded centre to this file")
	mah := fs.Int("mahalles", synth.National.MahallesPerIlce, "mahalle per ilçe (42 gives about 204,000 boxes, 2,041,200 submissions)")
	serve := fs.Duration("serve", 0, "after the rebuild, read totals and boxes this long, then report the memory again (the SQLite store renews its read connections every minute)")
	mmap := fs.Int64("mmap", 0, "bytes of the database file the read connections map (0: the store's default; negative: none)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	shape := synth.National
	shape.MahallesPerIlce = *mah
	work := *dir
	if work == "" {
		tmp, err := os.MkdirTemp("", "sandik-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		work = tmp
	}
	log := slog.New(slog.DiscardHandler)
	path := filepath.Join(work, "rebuild.db")
	fmt.Fprintf(e.Stdout, "machine: %s\n", machine())
	fmt.Fprintf(e.Stdout, "synthetic election: %d boxes × %d races × 2 entries = %d submissions, %d choices\n",
		shape.Boxes(), shape.Races, shape.Boxes()*shape.Races*2, shape.Choices)
	if _, err := os.Stat(path); err == nil && *dir != "" {
		fmt.Fprintf(e.Stdout, "reusing the log in %s\n", path)
	} else if err := generate(e, path, log, shape); err != nil {
		return err
	}
	st, err := sqlite.Open(e.Ctx, sqlite.Options{Path: path, Logger: log, MmapSize: *mmap})
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	n, after := 0, int64(0)
	for {
		page, err := st.Since(e.Ctx, after, 50_000)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		n += len(page)
		after = page[len(page)-1].Seq
	}
	base := time.Since(start)
	fmt.Fprintf(e.Stdout, "baseline (read the whole log, no tally): %d submissions in %s\n", n, base.Round(time.Millisecond))
	// What the generator and the baseline used is given back, and the
	// peak RSS starts again from here: what follows is the centre's.
	debug.FreeOSMemory()
	resetPeakRSS()
	before := procStatusKiB("VmRSS")
	stopAnon := watchAnon()
	stopProfile, err := startProfile(*cpuprofile)
	if err != nil {
		return err
	}
	start, cpu := time.Now(), cpuTime()
	c, err := center.Open(e.Ctx, center.Config{Store: st, Logger: log})
	if err != nil {
		return err
	}
	took, cpu := time.Since(start), cpuTime()-cpu
	stopProfile()
	peakAnon := stopAnon()
	defer c.Close()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	inuse := ms.HeapInuse
	// Serving: the national totals, a box's page and the conflict queue.
	view := c.View(cli.Operator())
	race := c.Registry().Races[0].Code
	tot, err := view.Totals(race, "TR")
	if err != nil {
		return err
	}
	boxes := c.Registry().RaceBoxes(race)
	if _, err := view.Box(e.Ctx, race, boxes[len(boxes)/2]); err != nil {
		return err
	}
	if _, err := view.Conflicts(race, "", 50); err != nil {
		return err
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(e.Stdout, "rebuild (load registry + read log + tally): %s (CPU %s); race1 has %d of %d boxes verified; heap in use %d MiB\n",
		took.Round(time.Millisecond), cpu.Round(10*time.Millisecond), tot.Totals.BoxesVerified, tot.Totals.BoxesExpected, inuse>>20)
	fmt.Fprintf(e.Stdout, "memory: heap after a forced GC %d MiB (objects %d); RSS %d MiB now, %d MiB peak (VmHWM, from %d MiB before opening)\n",
		ms.HeapAlloc>>20, ms.HeapObjects, procStatusKiB("VmRSS")>>10, procStatusKiB("VmHWM")>>10, before>>10)
	fmt.Fprintf(e.Stdout, "memory: of the RSS, the process's own (RssAnon) %d MiB now, %d MiB peak while opening (sampled every 10 ms); the database file's mapped pages (RssFile) %d MiB\n",
		procStatusKiB("RssAnon")>>10, peakAnon>>10, procStatusKiB("RssFile")>>10)
	if *serve > 0 {
		reads, err := serveReads(e.Ctx, view, race, boxes, *serve)
		if err != nil {
			return err
		}
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(e.Stdout, "after %s of serving (%d reads of totals and boxes): RSS %d MiB (RssAnon %d, RssFile %d), Go heap in use %d MiB\n",
			*serve, reads, procStatusKiB("VmRSS")>>10, procStatusKiB("RssAnon")>>10, procStatusKiB("RssFile")>>10, ms.HeapInuse>>20)
	}
	if *memprofile != "" {
		f, err := os.Create(*memprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			return err
		}
	}
	return nil
}

// serveReads reads the national totals and a box's page (its entries read
// from the store) in turn for d, as a quiet evening's readers would.
func serveReads(ctx context.Context, view *center.View, race sandik.RaceCode, boxes []sandik.AreaCode, d time.Duration) (int, error) {
	end := time.Now().Add(d)
	n := 0
	for ; time.Now().Before(end); n++ {
		if _, err := view.Totals(race, "TR"); err != nil {
			return n, err
		}
		if _, err := view.Box(ctx, race, boxes[(n*7919)%len(boxes)]); err != nil {
			return n, err
		}
		select {
		case <-ctx.Done():
			return n, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return n, nil
}

// generate writes a fresh database for shape, then gives the generator's
// memory back.
func generate(e *cli.Env, path string, log *slog.Logger, shape synth.Shape) error {
	reg, err := synth.Registry(shape)
	if err != nil {
		return err
	}
	if err := fill(e, path, log, reg, synth.Entries(reg, 2, 7)); err != nil {
		return err
	}
	runtime.GC()
	return nil
}

// watchAnon samples the process's anonymous RSS (its own memory, beside
// the file pages SQLite maps) until the returned function is called, which
// gives the highest seen in KiB.
func watchAnon() func() int64 {
	done := make(chan struct{})
	peak := make(chan int64)
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var top int64
		for {
			top = max(top, procStatusKiB("RssAnon"))
			select {
			case <-done:
				peak <- top
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(done)
		return <-peak
	}
}

// cpuTime is the CPU time the process has used, user and system: on a
// machine shared with other work it moves less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS starts the process's VmHWM again from its RSS now (Linux
// 4.0 and later); elsewhere the peak stays the process's.
func resetPeakRSS() {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// procStatusKiB reads a field of /proc/self/status in KiB, 0 if unknown.
func procStatusKiB(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb
			}
		}
	}
	return 0
}

// fill writes the registry and the submissions, showing progress.
func fill(e *cli.Env, path string, log *slog.Logger, reg *sandik.Registry, subs []sandik.Submission) error {
	st, err := sqlite.Open(e.Ctx, sqlite.Options{Path: path, Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SaveRegistry(e.Ctx, reg); err != nil {
		return err
	}
	start := time.Now()
	const batch = 5000
	for i := 0; i < len(subs); i += batch {
		if _, err := st.Append(e.Ctx, subs[i:min(i+batch, len(subs))]); err != nil {
			return err
		}
		if (i/batch)%40 == 0 {
			fmt.Fprintf(e.Stderr, "\rwriting the log: %d / %d", i, len(subs))
		}
	}
	fmt.Fprintf(e.Stderr, "\rwriting the log: %d / %d in %s\n", len(subs), len(subs), time.Since(start).Round(time.Second))
	return nil
}

// startProfile writes a CPU profile to path until the returned function is
// called; with an empty path it does nothing.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// benchContext bounds a benchmark by the command's context.
func benchContext(e *cli.Env, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(e.Ctx, d)
}
