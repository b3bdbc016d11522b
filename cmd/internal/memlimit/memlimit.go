// Package memlimit keeps a serving process near a bound on its memory
// without letting the garbage collector thrash.
//
// At the collector's default pace (GOGC 100) the heap grows to twice what
// is live before the next collection: a national night that holds 600 MiB
// live is allowed 1.2 GiB of heap, and with SQLite's page caches outside
// the Go heap the process passes 2 GiB while serving. A fixed soft limit
// (GOMEMLIMIT) caps that, but when the live heap itself comes near the
// limit the collector runs back to back and throughput falls to a fifth
// (BENCHMARKS.md, "The national night on SQLite"). The governor here sets
// Go's limit after every collection to the process's bound less what is
// resident outside the Go runtime, never below half as much headroom again
// as the live heap: near the bound the collector paces as at GOGC 50, which
// the rebuild already uses, and never faster.
package memlimit

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"time"
)

// minHeadroomDiv sets the least headroom over the live heap: live/2.
const minHeadroomDiv = 2

// Figures are what one decision is made from, in bytes.
type Figures struct {
	// Live is the heap marked live by the last collection.
	Live uint64
	// GoOther is the runtime's memory other than heap objects: stacks,
	// metadata, the collector's own, and the heap's free and unused room
	// not returned to the system. It all counts against Go's limit.
	GoOther uint64
	// GoResident is what the runtime holds and has not returned to the
	// system (its total less released heap).
	GoResident uint64
	// Anon is the process's resident anonymous memory (RssAnon), 0 when
	// unknown; what is above GoResident is allocated outside the Go
	// runtime (SQLite's page caches through modernc's allocator).
	Anon uint64
}

// Outside is the resident memory not held by the Go runtime.
func (f Figures) Outside() uint64 {
	if f.Anon > f.GoResident {
		return f.Anon - f.GoResident
	}
	return 0
}

// Floor is the least limit given to Go: the live heap with half as much
// again to allocate before the next collection, and the runtime's other
// memory.
func (f Figures) Floor() uint64 {
	return f.GoOther + f.Live + f.Live/minHeadroomDiv
}

// GoLimit is the soft limit given to Go for a process bound of total
// bytes: the bound less what lives outside Go, raised to Floor when the
// live heap leaves too little room under it.
func GoLimit(total uint64, f Figures) uint64 {
	want := uint64(0)
	if out := f.Outside(); total > out {
		want = total - out
	}
	return max(want, f.Floor())
}

// Governor holds a process to a memory bound, adjusting Go's soft limit
// after each garbage collection.
type Governor struct {
	total uint64
	log   *slog.Logger
	read  func() Figures
	goal  func() uint64 // the runtime's heap goal; 0 when unknown

	mu      sync.Mutex
	stopped bool
	prev    int64  // Go's limit before Start, restored by Stop
	limit   uint64 // the last limit set
	raised  bool   // whether the last limit was the floor, above the bound
	warned  time.Time
}

// warnEvery spaces the warnings of a live heap above the bound: near it,
// collections go from one side to the other many times a minute.
const warnEvery = 10 * time.Minute

// Start bounds the process to total bytes until Stop. It sets the limit
// at once and again after every collection.
func Start(total uint64, log *slog.Logger) *Governor {
	g := newGovernor(total, log, readFigures)
	g.goal = heapGoal
	g.prev = debug.SetMemoryLimit(-1)
	g.Update()
	g.arm()
	return g
}

func newGovernor(total uint64, log *slog.Logger, read func() Figures) *Governor {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Governor{total: total, log: log, read: read, goal: func() uint64 { return 0 }}
}

// sentinel is unreachable as soon as it is made; its finalizer runs after
// the collection that found it so, once per cycle.
type sentinel struct{ _ [16]byte }

func (g *Governor) arm() {
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
		g.mu.Lock()
		stopped := g.stopped
		g.mu.Unlock()
		if stopped {
			return
		}
		g.Update()
		g.arm()
	})
}

// Update reads the memory figures and sets Go's limit from them; it
// returns the limit set.
func (g *Governor) Update() uint64 {
	f := g.read()
	limit := GoLimit(g.total, f)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return g.limit
	}
	raised := limit > g.total-min(g.total, f.Outside())
	debug.SetMemoryLimit(int64(min(limit, math.MaxInt64)))
	// The runtime also counts room the figures cannot split from the
	// heap's (free spans not yet returned, fragmentation): ask it what
	// goal the limit gave, and raise the limit by what the goal misses
	// of the floor's headroom.
	if goal, want := g.goal(), f.Live+f.Live/minHeadroomDiv; goal > 0 && goal < want {
		limit += want - goal
		raised = true
		debug.SetMemoryLimit(int64(min(limit, math.MaxInt64)))
	}
	if raised && !g.raised && time.Since(g.warned) >= warnEvery {
		g.warned = time.Now()
		g.log.Warn("memory: the live heap leaves too little room under -memory-limit; the collector keeps half the live heap as headroom instead",
			"memory_limit_mib", g.total>>20, "live_mib", f.Live>>20, "outside_go_mib", f.Outside()>>20, "go_limit_mib", limit>>20)
	}
	g.raised = raised
	g.limit = limit
	return limit
}

// heapGoal is the runtime's heap goal now, the memory limit included.
func heapGoal() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// Limit is the last limit given to Go.
func (g *Governor) Limit() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit
}

// Stop ends the adjustments and gives Go back the limit it had before.
func (g *Governor) Stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return
	}
	g.stopped = true
	debug.SetMemoryLimit(g.prev)
}

var samples = []metrics.Sample{
	{Name: "/gc/heap/live:bytes"},
	{Name: "/memory/classes/total:bytes"},
	{Name: "/memory/classes/heap/released:bytes"},
	{Name: "/memory/classes/heap/objects:bytes"},
}

var samplesMu sync.Mutex

func readFigures() Figures {
	samplesMu.Lock()
	metrics.Read(samples)
	v := make([]uint64, len(samples))
	for i, s := range samples {
		if s.Value.Kind() == metrics.KindUint64 {
			v[i] = s.Value.Uint64()
		}
	}
	samplesMu.Unlock()
	live, total, released, objects := v[0], v[1], v[2], v[3]
	f := Figures{Live: live, GoResident: total - min(total, released), Anon: residentAnon()}
	// Free and unused heap room count against Go's limit as well.
	if f.GoResident > objects {
		f.GoOther = f.GoResident - objects
	}
	return f
}

// residentAnon reads RssAnon from /proc/self/status; 0 where there is
// none (not Linux), which counts nothing outside Go.
func residentAnon() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return parseRssAnon(b)
}

func parseRssAnon(status []byte) uint64 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "RssAnon:")
		if !ok {
			continue
		}
		kb, ok := strings.CutSuffix(strings.TrimSpace(rest), " kB")
		if !ok {
			return 0
		}
		n, err := strconv.ParseUint(strings.TrimSpace(kb), 10, 64)
		if err != nil {
			return 0
		}
		return n << 10
	}
	return 0
}

// ParseSize reads a size such as 1GiB, 700MiB, 512M, 2G or a number of
// bytes; "off" and 0 mean no bound.
func ParseSize(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	if t == "" || strings.EqualFold(t, "off") {
		return 0, nil
	}
	units := []struct {
		suffix string
		shift  uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"G", 30}, {"M", 20}, {"K", 10}, {"B", 0}}
	shift := uint(0)
	for _, u := range units {
		if n, ok := strings.CutSuffix(t, u.suffix); ok {
			t, shift = strings.TrimSpace(n), u.shift
			break
		}
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil || n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("memory size %q: want a number of bytes or of KiB, MiB, GiB (e.g. 1GiB), or off", s)
	}
	return n << shift, nil
}
