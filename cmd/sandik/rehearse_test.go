package main

import (
	"encoding/json"
	"os/exec"
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
	// testscript.Main puts a "sandik" running runMain on PATH; the
	// rehearsal starts its servers with it.
	bin, err := exec.LookPath("sandik")
	if err != nil {
		t.Fatal(err)
	}
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

// Two instances on one PostgreSQL database: requests spread over both,
// and each instance's totals, the log read back and the feed's official
// boxes must all agree with what was sent.
func TestRehearsePostgresTwoInstances(t *testing.T) {
	url := pgtest.Schema(t)
	bin, err := exec.LookPath("sandik")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runSandik(t, "rehearse", "-bin", bin, "-store", url, "-instances", "2", "-scale", "0.001", "-seed", "2",
		"-rate", "400", "-conns", "16", "-readers", "2", "-read-every", "100ms", "-sse", "4", "-json")
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
	}
}
