package cli

import (
	"bytes"
	"log/slog"
	"math"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// The snapshots, the body budgets and the writes' work are set by flag or SANDIK_*
// variable, and checked.
func TestServeFlags(t *testing.T) {
	parse := func(env map[string]string, args ...string) (ServeFlags, error) {
		e := &Env{Prog: "prog", Stderr: &bytes.Buffer{}, Getenv: func(k string) string { return env[k] }}
		fs := e.Flags("serve", "serve")
		var s ServeFlags
		s.Register(fs)
		if err := e.Parse(fs, args); err != nil {
			return s, err
		}
		return s, nil
	}
	s, err := parse(map[string]string{"SANDIK_PUBLIC_SNAPSHOTS": "true", "SANDIK_BODY_MIB": "64", "SANDIK_USER_BODY_MIB": "8", "SANDIK_WRITE_WORK": "1"}, "-snapshot-versions", "4")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.PublicSnapshots || cfg.Snapshots.Keep != 4 || cfg.Snapshots.MaxBytes != 64<<20 ||
		cfg.Limits.BodyBytesTotal != 64<<20 || cfg.Limits.BodyBytesPerUser != 8<<20 || cfg.WriteWork != 1 {
		t.Fatalf("config %+v limits %+v", cfg, cfg.Limits)
	}
	s, _ = parse(nil)
	if cfg, err := s.Config(); err != nil || cfg.PublicSnapshots || cfg.WriteWork != max(1, runtime.GOMAXPROCS(0)-1) {
		t.Fatalf("by default the snapshots are off and writes' work has all cores but one: %v %d %v", cfg.PublicSnapshots, cfg.WriteWork, err)
	}
	if s, _ = parse(nil, "-write-work", "0"); func() bool { cfg, err := s.Config(); return err != nil || cfg.WriteWork != 0 }() {
		t.Errorf("-write-work 0 is refused or bounds the work")
	}
	for _, args := range [][]string{{"-write-work", "-1"}, {"-snapshot-versions", "0"}, {"-snapshot-mib", "0"}, {"-user-body-mib", "0"}, {"-body-mib", "4", "-user-body-mib", "8"}} {
		s, err := parse(nil, args...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Config(); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

// The SQLite map is set by -sqlite-mmap-mib or SANDIK_SQLITE_MMAP_MIB: 0
// maps none; flags not registered (the demo's) keep the store's default;
// a negative size is refused when the store is opened.
func TestSQLiteMmapFlag(t *testing.T) {
	parse := func(env map[string]string, args ...string) StoreFlags {
		e := &Env{Prog: "prog", Stderr: &bytes.Buffer{}, Getenv: func(k string) string { return env[k] }}
		fs := e.Flags("serve", "serve")
		var s StoreFlags
		s.Register(fs)
		if err := e.Parse(fs, args); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		s    StoreFlags
		want int64
	}{
		{parse(nil), 4096 << 20},
		{parse(nil, "-sqlite-mmap-mib", "0"), -1},
		{parse(map[string]string{"SANDIK_SQLITE_MMAP_MIB": "256"}), 256 << 20},
		{StoreFlags{DB: "x.db"}, 0},
	} {
		if got := tc.s.mmapBytes(); got != tc.want {
			t.Errorf("%+v: map %d bytes, want %d", tc.s, got, tc.want)
		}
	}
	s := parse(nil, "-sqlite-mmap-mib", "-1", "-db", t.TempDir()+"/x.db")
	if _, err := OpenApp(t.Context(), &s, nil); err == nil || !strings.Contains(err.Error(), "-sqlite-mmap-mib") {
		t.Errorf("a negative map: %v", err)
	}
}

// -memory-limit (or SANDIK_MEMORY_LIMIT) bounds the process unless it is
// off or GOMEMLIMIT set Go's limit already; a malformed size
// is refused.
func TestMemoryLimitFlag(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	parse := func(env map[string]string, args ...string) ServeFlags {
		e := &Env{Prog: "prog", Stderr: &bytes.Buffer{}, Getenv: func(k string) string { return env[k] }}
		fs := e.Flags("serve", "serve")
		var s ServeFlags
		s.Register(fs)
		if err := e.Parse(fs, args); err != nil {
			t.Fatal(err)
		}
		return s
	}
	log := slog.New(slog.DiscardHandler)
	bound := func(s ServeFlags) int64 {
		t.Helper()
		stop, err := s.BoundMemory(log)
		if err != nil {
			t.Fatal(err)
		}
		defer stop()
		return debug.SetMemoryLimit(-1)
	}
	if got := bound(parse(nil)); got > 800<<20 || got < 256<<20 {
		t.Errorf("by default Go's limit is %d, want 800 MiB less what is outside the heap", got)
	}
	if got := bound(parse(nil, "-memory-limit", "off")); got != math.MaxInt64 {
		t.Errorf("-memory-limit off: Go's limit is %d, want none", got)
	}
	if got := bound(parse(map[string]string{"SANDIK_MEMORY_LIMIT": "1GiB"})); got > 1<<30 {
		t.Errorf("SANDIK_MEMORY_LIMIT=1GiB: Go's limit is %d, above the bound", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("after stop Go's limit is %d, want none", got)
	}
	if got := bound(parse(nil, "-memory-limit", "4GiB")); got <= 1<<30 || got > 4<<30 {
		t.Errorf("-memory-limit 4GiB: Go's limit is %d", got)
	}
	debug.SetMemoryLimit(700 << 20) // as GOMEMLIMIT=700MiB would
	if got := bound(parse(nil, "-memory-limit", "4GiB")); got != 700<<20 {
		t.Errorf("with GOMEMLIMIT set, Go's limit became %d", got)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	s := parse(nil, "-memory-limit", "lots")
	if _, err := s.Config(); err == nil || !strings.Contains(err.Error(), "-memory-limit") {
		t.Errorf("-memory-limit lots: %v", err)
	}
}
