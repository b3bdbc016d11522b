package main

import (
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/store/postgres/pgtest"
)

// submit runs against two instances sharing PostgreSQL and loses
// nothing (tiny sizes; the figures are not checked here).
func TestBenchSubmitTwoInstances(t *testing.T) {
	url := pgtest.Schema(t)
	code, out, errs := runBench(t, "submit", "-duration", "1s", "-workers", "4", "-instances", "2", "-db", url)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"PostgreSQL", "2 instance(s)", "spread over 2 instances", "lost 0",
		// The baselines in the same run, each in a schema of its own
		// beside Sandık's, dropped after it (the second run below finds
		// the database as Sandık left it).
		"prototype (JSON decode, one group-commit goroutine", "PostgreSQL, a schema of its own, synchronous_commit on",
		"table holds", "\nprototype: ", "→ Sandık ",
		// What a submission cost in CPU, the database's included when
		// it runs on this machine (as in CI).
		"\nCPU per acknowledged submission: this process ", "  CPU per submission: ", "\nfield (SUM…GROUP BY, one transaction per submission): ", "reads alone p99 country"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The database now holds a log: a second run is refused.
	code, _, errs = runBench(t, "submit", "-duration", "1s", "-workers", "4", "-db", url)
	if code != 1 || !strings.Contains(errs, "not empty") {
		t.Fatalf("second run on the same database: exit %d, %s", code, errs)
	}
}

func TestBenchSubmitInstancesNeedPostgres(t *testing.T) {
	code, _, errs := runBench(t, "submit", "-instances", "2")
	if code != 1 || !strings.Contains(errs, "shared PostgreSQL database") {
		t.Fatalf("exit %d, %s", code, errs)
	}
	code, _, errs = runBench(t, "submit", "-instances", "0")
	if code != 1 || !strings.Contains(errs, "-instances ≥ 1") {
		t.Fatalf("exit %d, %s", code, errs)
	}
}
