package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/ingest"
	"github.com/sandik-dev/sandik/resultfile"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/synth"
)

// benchImport writes a synthetic national YSK table and imports it into a
// fresh database, reporting rows/s and peak memory; reading the file alone
// is measured first, in the same run, as the baseline.
func benchImport(e *cli.Env, args []string) error {
	fs := e.Flags("import", "import [flags]")
	dir := fs.String("dir", "", "directory for the table and the database (a temporary one when empty)")
	provinces := fs.Int("provinces", synth.National.Provinces, "synthetic provinces (81 make 204,120 boxes)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the import to this file")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *provinces < 1 || *provinces > 200 {
		return fmt.Errorf("-provinces must be from 1 to 200")
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "sandik-bench-import-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	shape := synth.National
	shape.Provinces = *provinces
	path := filepath.Join(*dir, "synthetic-ysk.tsv")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	rows, err := synth.WriteYSKTable(f, shape, 1)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	st, _ := os.Stat(path)
	fmt.Fprintf(e.Stdout, "machine: %s\nsynthetic YSK table: %d rows × %d parties, %.1f MiB\n", machine(), rows, shape.Choices, float64(st.Size())/(1<<20))

	// Baseline: the reader alone.
	start := time.Now()
	n, err := readAll(path)
	if err != nil {
		return err
	}
	read := time.Since(start)
	fmt.Fprintf(e.Stdout, "read only:   %d rows in %s = %.0f rows/s\n", n, read.Round(time.Millisecond), float64(n)/read.Seconds())

	log, _ := (&cli.StoreFlags{LogLevel: "warn", LogFormat: "text"}).Logger(e.Stderr)
	store, err := sqlite.Open(e.Ctx, sqlite.Options{Path: filepath.Join(*dir, "bench.db"), Logger: log})
	if err != nil {
		return err
	}
	defer store.Close()
	c, err := center.Open(e.Ctx, center.Config{Store: store, Logger: log})
	if err != nil {
		return err
	}
	defer c.Close()
	peak := watchMemory()
	runtime.GC()
	stopProfile, err := startProfile(*cpuprofile)
	if err != nil {
		return err
	}
	start = time.Now()
	opts := ingest.TableOptions{Election: "synth-2029", ElectionName: "Sentetik seçim 2029", Race: "meclis", RaceName: "Sentetik Meclis",
		User: "ysk", Source: sandik.SourceOfficial}
	plan, res, err := ingest.ImportTable(e.Ctx, c, func() (io.ReadCloser, error) { return os.Open(path) }, ingest.FormatText, opts,
		cli.ProgressPrinter(e.Stdout, "stored"))
	took := time.Since(start)
	stopProfile()
	heap, rss := peak()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "import:      %d rows (%d boxes, %d races, %d new areas) in %s = %.0f rows/s; %d written\n",
		plan.Rows, plan.Boxes, plan.Races, plan.NewAreas, took.Round(time.Millisecond), float64(plan.Rows)/took.Seconds(), res.Written)
	fmt.Fprintf(e.Stdout, "peak memory: Go heap in use %.0f MiB, process RSS %s\n", float64(heap)/(1<<20), rss)
	return nil
}

func readAll(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r, err := resultfile.NewReader(f)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// watchMemory samples the Go heap until the returned function is called,
// which gives the highest heap seen and the process's peak RSS (VmHWM).
func watchMemory() func() (heap uint64, rss string) {
	var mu sync.Mutex
	var maxHeap uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			maxHeap = max(maxHeap, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() (uint64, string) {
		close(done)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		return maxHeap, peakRSS()
	}
}

func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err == nil {
				return fmt.Sprintf("%.0f MiB", float64(kb)/1024)
			}
		}
	}
	return "unknown"
}
