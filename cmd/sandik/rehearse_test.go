package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/cmd/internal/rehearse"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
)

// A small night through a real `sandik serve` on SQLite: every entry is
// acknowledged and read back with its figures, the verified boxes are
// exactly the sheets whose two entries agree (counted here from the
// generator, not from the report), the live pages and dashboards were
// answered, and the fake feed's boxes all became official.
func TestRehearseSmallNight(t *testing.T) {
	t.Parallel()
	// The rehearsal starts its servers with the binary on PATH.
	bin := binOnPath(t)
	const scale, seed, disagree = 0.0015, 5, 0.05 // 300 boxes
	code, out, errOut := runSandik(t, "rehearse", "-bin", bin, "-scale", "0.0015", "-seed", "5", "-disagree", "0.05",
		"-rate", "600", "-conns", "32", "-readers", "4", "-read-every", "100ms", "-sse", "6", "-json")
	if code != 0 {
		t.Fatalf("rehearse exited %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "rehearse: ") || !strings.Contains(errOut, "acknowledged") {
		t.Errorf("no progress on stderr:\n%s", errOut)
	}
	var rep rehearse.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	n, err := rehearse.NewNight(scale, seed, disagree)
	if err != nil {
		t.Fatal(err)
	}
	agree, differ := 0, 0
	for p := range n.Pairs() {
		if n.Disagrees(p) {
			differ++
		} else {
			agree++
		}
	}
	v := rep.Verification
	switch {
	case !rep.OK || len(rep.Problems) > 0:
		t.Errorf("not ok: %v", rep.Problems)
	case rep.Boxes != 300 || rep.Entries != 2*300*5:
		t.Errorf("%d boxes, %d entries; want 300 and 3000", rep.Boxes, rep.Entries)
	case rep.Submissions.Acknowledged != int64(rep.Entries) || rep.Submissions.Failed != 0:
		t.Errorf("%d of %d acknowledged, %d failed", rep.Submissions.Acknowledged, rep.Entries, rep.Submissions.Failed)
	case !v.ContentCompared || v.Lost != 0 || v.Changed != 0 || v.Duplicates != 0:
		t.Errorf("read back: %+v", v)
	case v.Verified != agree || v.Conflicts != differ || !v.VotesMatch:
		t.Errorf("verified %d, conflicts %d, votes match %t; the generator has %d agreeing and %d disagreeing sheets",
			v.Verified, v.Conflicts, v.VotesMatch, agree, differ)
	case differ == 0:
		t.Error("no sheet disagreed: the conflict path went untested")
	case rep.Live.Opened != 6 || rep.Live.Events == 0:
		t.Errorf("live pages: %+v", rep.Live)
	case rep.Readers.Answered == 0 || len(rep.Readers.Errors) > 0:
		t.Errorf("dashboards: %+v", rep.Readers)
	case rep.Feed == nil || rep.Feed.Seen[0] != 300:
		t.Errorf("official feed: %+v", rep.Feed)
	case len(rep.ServerRSSPeakMiB) != 1 || rep.ServerRSSPeakMiB[0] <= 0:
		t.Errorf("server peak RSS %v", rep.ServerRSSPeakMiB)
	case rep.Submissions.Latency.P99 <= 0 || rep.Submissions.Latency.Max < rep.Submissions.Latency.P99:
		t.Errorf("latency %+v", rep.Submissions.Latency)
	}
}

// Two instances need a shared PostgreSQL database.
func TestRehearseInstancesNeedPostgres(t *testing.T) {
	code, _, errOut := runSandik(t, "rehearse", "-bin", "sandik", "-scale", "0.001", "-instances", "2")
	if code == 0 || !strings.Contains(errOut, "needs a shared PostgreSQL database") {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
}

// A nice value Linux has no use for is refused before anything starts.
func TestRehearseNiceOutOfRange(t *testing.T) {
	for _, n := range []string{"20", "-1"} {
		code, _, errOut := runSandik(t, "rehearse", "-bin", "sandik", "-scale", "0.001", "-nice", n)
		if code == 0 || !strings.Contains(errOut, "-nice "+n+": give a Linux nice value from 1 to 19") {
			t.Errorf("-nice %s: exit %d:\n%s", n, code, errOut)
		}
	}
}

// Two instances on one PostgreSQL database: requests spread over both,
// and each instance's totals, the log read back and the feed's official
// boxes must all agree with what was sent.
func TestRehearsePostgresTwoInstances(t *testing.T) {
	t.Parallel()
	url := pgtest.Schema(t)
	bin := binOnPath(t)
	// A short soak with every PostgreSQL connection of the servers ended
	// half-way (only theirs: the URL's application_name is this test's
	// schema). Never pg-restart here: other tests share the server.
	code, out, errOut := runSandik(t, "rehearse", "-bin", bin, "-store", url, "-instances", "2", "-scale", "0.001", "-seed", "2",
		"-rate", "400", "-conns", "16", "-readers", "2", "-read-every", "100ms", "-sse", "4",
		"-soak", "3s", "-soak-rate", "150", "-sample-every", "250ms", "-faults", "conn-reset", "-fault-for", "1s", "-json")
	if code != 0 {
		t.Fatalf("rehearse exited %d\n%s\n%s", code, out, errOut)
	}
	var rep rehearse.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	v := rep.Verification
	switch {
	case !rep.OK || rep.Instances != 2 || len(rep.ServerRSSPeakMiB) != 2:
		t.Errorf("ok %t, %d instances, RSS %v; problems %v", rep.OK, rep.Instances, rep.ServerRSSPeakMiB, rep.Problems)
	case rep.Submissions.Acknowledged != int64(rep.Entries) || v.Lost != 0 || v.Changed != 0 || !v.ContentCompared:
		t.Errorf("%d of %d acknowledged; read back %+v", rep.Submissions.Acknowledged, rep.Entries, v)
	case v.Verified != v.AgreeingSheets || v.Conflicts != v.ExpectedConflicts || !v.VotesMatch:
		t.Errorf("verification %+v", v)
	case rep.Feed == nil || len(rep.Feed.Seen) != 2 || rep.Feed.Seen[0] != rep.Boxes || rep.Feed.Seen[1] != rep.Boxes:
		t.Errorf("official feed %+v, %d boxes", rep.Feed, rep.Boxes)
	case rep.Soak == nil || len(rep.Soak.Servers) != 2 || rep.Soak.Submissions.Acknowledged != rep.Soak.Submissions.Sent:
		t.Errorf("soak %+v", rep.Soak)
	case len(rep.Faults) != 1 || rep.Faults[0].Name != "conn-reset" || rep.Faults[0].Problem != "" || !strings.Contains(rep.Faults[0].Summary, "ended"):
		t.Errorf("faults %+v", rep.Faults)
	case v.Corrections < int(rep.Soak.Submissions.Acknowledged) || v.CorrectionsLost != 0:
		t.Errorf("corrections: %d acknowledged by the soak, read back %+v", rep.Soak.Submissions.Acknowledged, v)
	}
}

// The CI-sized soak and faults on SQLite: a few seconds of corrections
// after the night with bodies sent a byte at a time, bodies cut off
// half-way and three times the rate; everything acknowledged is read
// back, nothing refused or cut off is in the log, the slow bodies past
// the body timeout are cut, the servers' goroutines come back.
func TestRehearseSoakAndFaults(t *testing.T) {
	t.Parallel() // a soak of 10 s, mostly waiting
	bin := binOnPath(t)
	code, out, errOut := runSandik(t, "rehearse", "-bin", bin, "-scale", "0.0015", "-seed", "7", "-rate", "600", "-conns", "32",
		"-readers", "4", "-read-every", "100ms", "-sse", "4", "-soak", "10s", "-soak-rate", "200", "-sample-every", "250ms",
		"-faults", "slow-client,disconnect-mid-body,overload", "-fault-for", "1s", "-body-timeout", "2s", "-json")
	if code != 0 {
		t.Fatalf("rehearse exited %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "rehearse: soak ") || !strings.Contains(errOut, "goroutines") {
		t.Errorf("no soak progress on stderr:\n%s", errOut)
	}
	var rep rehearse.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	v, sk := rep.Verification, rep.Soak
	if !rep.OK || v.Lost != 0 || v.Changed != 0 || v.RefusedYetLogged != 0 || !v.ContentCompared {
		t.Fatalf("ok %t, read back %+v, problems %v", rep.OK, v, rep.Problems)
	}
	if sk == nil || sk.Submissions.Acknowledged == 0 || sk.Submissions.Acknowledged != sk.Submissions.Sent || len(sk.Servers) != 1 {
		t.Fatalf("soak %+v", sk)
	}
	if s := sk.Servers[0]; s.Samples < 4 || s.HeapMiB.Max <= 0 || s.Goroutines.Max <= 0 || s.GoroutinesAtRestBefore <= 0 ||
		s.GoroutinesAtRestAfter > s.GoroutinesAtRestBefore+10 || sk.Verdict != "too short to judge" {
		t.Errorf("soak samples %+v, verdict %q", s, sk.Verdict)
	}
	if v.Corrections < int(sk.Submissions.Acknowledged) {
		t.Errorf("%d corrections read back, the soak alone had %d acknowledged", v.Corrections, sk.Submissions.Acknowledged)
	}
	if len(rep.Faults) != 3 {
		t.Fatalf("faults %+v", rep.Faults)
	}
	for i, name := range []string{"slow-client", "disconnect-mid-body", "overload"} {
		if f := rep.Faults[i]; f.Name != name || f.Problem != "" || f.Summary == "" {
			t.Errorf("fault %d: %+v", i, f)
		}
	}
	// Held: at least half the 64 connections more than before (the most
	// of five reads under load); after: back to what they were before.
	if g := rep.Faults[1].Goroutines; len(g) != 3 || g[1] < g[0]+32 || g[2] > g[0]+10 {
		t.Errorf("goroutines before, with half bodies held, after: %v", g)
	}
	if o := rep.Faults[2].Overload; o == nil || o.Sent == 0 || o.Acked+o.Shed503+o.Shed429+o.Other != o.Sent {
		t.Errorf("overload %+v", o)
	}
	if o := rep.Origin; o == nil || o.Night == nil || o.Night.Answered == 0 || o.Soak == nil || o.Soak.Answered == 0 {
		t.Errorf("origin figures %+v", o)
	}
}
