package memlimit

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

const mib = 1 << 20

func TestGoLimit(t *testing.T) {
	cases := []struct {
		name  string
		total uint64
		f     Figures
		want  uint64
	}{
		{"small heap: the bound less what is outside Go", 1024 * mib,
			Figures{Live: 100 * mib, GoOther: 20 * mib, GoResident: 300 * mib, Anon: 400 * mib}, 924 * mib},
		{"nothing known outside Go", 1024 * mib,
			Figures{Live: 100 * mib, GoOther: 20 * mib, GoResident: 300 * mib}, 1024 * mib},
		{"live heap near the bound: half of it as headroom", 1024 * mib,
			Figures{Live: 700 * mib, GoOther: 30 * mib, GoResident: 900 * mib, Anon: 1000 * mib}, 30*mib + 1050*mib},
		{"outside Go above the bound", 256 * mib,
			Figures{Live: 10 * mib, GoOther: 5 * mib, GoResident: 40 * mib, Anon: 400 * mib}, 20 * mib},
	}
	for _, c := range cases {
		if got := GoLimit(c.total, c.f); got != c.want {
			t.Errorf("%s: GoLimit = %d MiB, want %d MiB", c.name, got/mib, c.want/mib)
		}
		if got := GoLimit(c.total, c.f); got < c.f.Floor() {
			t.Errorf("%s: GoLimit %d MiB below the floor %d MiB", c.name, got/mib, c.f.Floor()/mib)
		}
	}
}

func TestParseSize(t *testing.T) {
	good := map[string]uint64{"1GiB": 1 << 30, "700MiB": 700 * mib, "512M": 512 * mib, "2G": 2 << 30, "64KiB": 64 << 10,
		"12345": 12345, "100B": 100, "off": 0, "0": 0, " 1 GiB ": 1 << 30}
	for in, want := range good {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"-1GiB", "1TiB", "lots", "1.5GiB", "99999999999GiB"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}

func TestParseRssAnon(t *testing.T) {
	status := []byte("Name:\tsandik\nVmRSS:\t  900000 kB\nRssAnon:\t  812345 kB\nRssFile:\t   30000 kB\n")
	if got := parseRssAnon(status); got != 812345<<10 {
		t.Errorf("parseRssAnon = %d, want %d", got, 812345<<10)
	}
	if got := parseRssAnon([]byte("Name:\tx\n")); got != 0 {
		t.Errorf("parseRssAnon without the line = %d, want 0", got)
	}
}

// keep holds the test's live heap where the collector sees it.
var keep [][]byte

// churn allocates n bytes of garbage in 64 KiB pieces and returns the
// number of collections meanwhile and the largest heap goal seen.
func churn(n int) (gcs uint32, maxGoal uint64) {
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
	var st runtime.MemStats
	runtime.ReadMemStats(&st)
	before := st.NumGC
	var sink []byte
	for i := 0; i < n/(64<<10); i++ {
		sink = make([]byte, 64<<10)
		sink[0] = byte(i)
		if i%64 == 0 {
			metrics.Read(s)
			maxGoal = max(maxGoal, s[0].Value.Uint64())
		}
	}
	_ = sink
	runtime.ReadMemStats(&st)
	return st.NumGC - before, maxGoal
}

func hold(n int) {
	keep = nil
	runtime.GC()
	for i := 0; i < n/mib; i++ {
		keep = append(keep, make([]byte, mib))
	}
	runtime.GC()
}

// TestBoundHolds: each update gives Go the bound less what is outside it,
// whatever the live heap below the floor, and the runtime holds its heap
// goal under that limit where GOGC 100 alone would double the live heap.
func TestBoundHolds(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	f := Figures{Live: 300 * mib, GoOther: 40 * mib, GoResident: 700 * mib, Anon: 850 * mib}
	g := newGovernor(1024*mib, nil, func() Figures { return f })
	for _, live := range []uint64{10 * mib, 300 * mib, 550 * mib} {
		f.Live = live
		want := uint64(1024-150) * mib
		if got := g.Update(); got != want {
			t.Errorf("live %d MiB: Go's limit %d MiB, want the bound less 150 MiB outside Go, %d MiB", live/mib, got/mib, want/mib)
		}
		if got := debug.SetMemoryLimit(-1); got != int64(want) {
			t.Errorf("live %d MiB: the runtime's limit is %d MiB, want %d MiB", live/mib, got/mib, want/mib)
		}
	}
	f.Live = 600 * mib // past the floor: 40 + 900 MiB
	if got := g.Update(); got != 940*mib {
		t.Errorf("live 600 MiB: Go's limit %d MiB, want the floor, 940 MiB", got/mib)
	}

	// The runtime counts more than the figures split out: when the goal
	// it gives misses the floor's headroom, the limit rises by the gap.
	g.goal = func() uint64 { return 800 * mib }
	f.Live = 550 * mib
	if got := g.Update(); got != 874*mib+25*mib {
		t.Errorf("a goal of 800 MiB for a live heap of 550 MiB: Go's limit %d MiB, want 899 MiB", got/mib)
	}

	defer debug.SetGCPercent(debug.SetGCPercent(100))
	hold(64 * mib)
	defer hold(0)
	real := Start(0, nil) // the least limit the floor allows
	defer real.Stop()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	goal, live := s[0].Value.Uint64(), s[1].Value.Uint64()
	if limit := real.Limit(); goal > limit {
		t.Errorf("heap goal %d MiB above Go's limit %d MiB", goal/mib, limit/mib)
	}
	if goal >= 2*live {
		t.Errorf("heap goal %d MiB for a live heap of %d MiB: the limit did not bring it under GOGC 100's", goal/mib, live/mib)
	}
}

// TestNoThrash: a live heap at the bound gets half of itself as headroom,
// so collecting n bytes of garbage takes about n/(live/2) collections, not
// one every few allocations.
func TestNoThrash(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	hold(96 * mib)
	defer hold(0)

	g := Start(64*mib, nil) // below the live heap itself
	defer g.Stop()
	if l, floor := g.Limit(), readFigures().Floor(); l < floor-4*mib {
		t.Fatalf("Go's limit %d MiB is below the floor %d MiB", l/mib, floor/mib)
	}
	const garbage = 960 * mib
	gcs, goal := churn(garbage)
	// 48 MiB of headroom: about 20 collections; a thrashing collector
	// would run hundreds.
	if gcs > 40 {
		t.Errorf("%d collections for %d MiB of garbage over a 96 MiB live heap (heap goal up to %d MiB): the collector thrashes", gcs, garbage/mib, goal/mib)
	}
	if goal < 96*mib+32*mib {
		t.Errorf("heap goal %d MiB leaves under a third of the 96 MiB live heap as headroom", goal/mib)
	}
}

func TestStopRestores(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(3 << 30))
	g := Start(1<<30, nil)
	if got := debug.SetMemoryLimit(-1); got == 3<<30 {
		t.Fatalf("Start left Go's limit at %d", got)
	}
	g.Stop()
	g.Stop()
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Errorf("after Stop Go's limit is %d, want %d", got, 3<<30)
	}
	g.Update()
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Errorf("an update after Stop set Go's limit to %d", got)
	}
}
