package main

import (
	"os"
	"testing"
)

func TestProcTicks(t *testing.T) {
	for _, tc := range []struct {
		line  string
		comm  string
		ticks int64
		ok    bool
	}{
		{"4242 (postgres) S 1 4242 4242 0 -1 4194560 900 0 0 0 120 30 7 3 20 0 1 0 100 0 0", "postgres", 160, true},
		// A command with spaces and parentheses ends at the last ')'.
		{"7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 1 20 0 1 0 1 0 0", "a (b) c", 12, true},
		{"7 (short) R 1 7", "", 0, false},
		{"no parentheses at all", "", 0, false},
		{"7 (x) R 1 7 7 0 -1 0 0 0 0 0 5 six 0 1 20", "", 0, false},
	} {
		comm, ticks, ok := procTicks([]byte(tc.line))
		if comm != tc.comm || ticks != tc.ticks || ok != tc.ok {
			t.Errorf("procTicks(%q) = %q, %d, %v; want %q, %d, %v", tc.line, comm, ticks, ok, tc.comm, tc.ticks, tc.ok)
		}
	}
	// This process's own line parses, and its time only grows.
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Skip("no /proc here")
	}
	if _, _, ok := procTicks(b); !ok {
		t.Fatalf("own stat line not read: %q", b)
	}
}

func TestCPURatio(t *testing.T) {
	s := loadResult{ok: 1000, cpu: cpuUse{self: 120_000_000, db: 40_000_000, dbSeen: true}}
	p := loadResult{ok: 2000, cpu: cpuUse{self: 140_000_000, db: 20_000_000, dbSeen: true}}
	if got, want := cpuRatio(s, p, true), "160 µs against 80 µs, 2.00×"; got != want {
		t.Errorf("on PostgreSQL: %q, want %q", got, want)
	}
	// On SQLite the database is this process: a local PostgreSQL's time
	// is left out.
	if got, want := cpuRatio(s, p, false), "120 µs against 70 µs, 1.71×"; got != want {
		t.Errorf("on SQLite: %q, want %q", got, want)
	}
	if got := cpuRatio(loadResult{}, p, true); got != "" {
		t.Errorf("nothing acknowledged: %q", got)
	}
	if got, want := s.cpu.perSubmission(1000, true), "this process 120 µs (server, load generator and readers), PostgreSQL 40 µs"; got != want {
		t.Errorf("perSubmission: %q, want %q", got, want)
	}
	if got, want := s.cpu.perSubmission(1000, false), "this process 120 µs (server, load generator and readers)"; got != want {
		t.Errorf("perSubmission on SQLite: %q, want %q", got, want)
	}
}
