package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/proctest"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// TestBackupDuringAppends takes a backup with `sandik backup` while a
// writer appends batches to the same database, then checks that the
// backup holds a prefix of the log — every submission up to its last seq,
// as the live log has it — that includes everything acknowledged before
// the backup began, and that a centre built on it adds up to a recount.
func TestBackupDuringAppends(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := openSQLite(t, filepath.Join(dir, "live.db"))
	reg, _ := proctest.PrepareStore(t, live)

	var (
		mu      sync.Mutex
		acked   int64 // the last seq the writer has been told of
		stop    = make(chan struct{})
		started = make(chan struct{})
		wg      sync.WaitGroup
		werr    error
	)
	wg.Go(func() {
		for batch := 0; ; batch++ {
			subs := make([]sandik.Submission, 50)
			for i := range subs {
				subs[i] = backupSubmission(reg, batch*len(subs)+i)
			}
			rs, err := live.Append(ctx, subs)
			if err != nil {
				werr = err
				return
			}
			mu.Lock()
			acked = rs[len(rs)-1].Seq
			mu.Unlock()
			if batch == 0 {
				close(started)
			}
			select {
			case <-stop:
				// One more batch after the backup, so the live log is
				// sure to run past it.
				if batch > 0 {
					return
				}
			default:
			}
		}
	})
	<-started
	mu.Lock()
	before := acked
	mu.Unlock()
	file := filepath.Join(dir, "backup.db")
	code, stdout, stderr := runSandik(t, "backup", "-db", live.Path(), file)
	close(stop)
	wg.Wait()
	if werr != nil {
		t.Fatal(werr)
	}
	if code != 0 {
		t.Fatalf("sandik backup: exit %d\n%s%s", code, stdout, stderr)
	}

	backup := openSQLite(t, file)
	last, err := backup.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	end, err := live.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("acknowledged before the backup: seq %d; in the backup: %d; live at the end: %d", before, last, end)
	if last < before || last >= end {
		t.Fatalf("the backup ends at seq %d; want it between %d, acknowledged before it began, and %d", last, before, end)
	}
	if !strings.Contains(stdout, fmt.Sprintf("log up to seq %d, %d submissions", last, last)) {
		t.Errorf("the summary does not match the backup's log (seq %d):\n%s", last, stdout)
	}

	// The backup's log is the live log cut at its last seq.
	acks := map[sandik.SubmissionID]string{}
	n := int64(0)
	for after := int64(0); after < last; {
		want, err := live.Since(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		got, err := backup.Since(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for len(want) > 0 && want[len(want)-1].Seq > last {
			want = want[:len(want)-1]
		}
		if len(got) != len(want) {
			t.Fatalf("after seq %d the backup holds %d submissions, the live log %d", after, len(got), len(want))
		}
		for i := range want {
			if !sameSubmission(&want[i], &got[i]) {
				t.Fatalf("seq %d differs: live %+v, backup %+v", want[i].Seq, want[i], got[i])
			}
			s := &got[i]
			if n++; s.Seq != n {
				t.Fatalf("seq %d follows %d in the backup", s.Seq, n-1)
			}
			acks[s.ID] = fmt.Sprintf("%s|%s|%d", s.Race, s.Box, s.Sheet.ValidTotal)
		}
		after = want[len(want)-1].Seq
	}
	proctest.CheckStore(t, backup, acks, nil)
}

// backupSubmission is submission i of one volunteer, each box in turn, so
// that a box's later entries are her corrections.
func backupSubmission(reg *sandik.Registry, i int) sandik.Submission {
	boxes := reg.RaceBoxes("race1")
	a := int64(i % 97)
	s := sandik.Submission{
		ID: sandik.SubmissionID(fmt.Sprintf("backup-%d", i)), Race: "race1", Box: boxes[i%len(boxes)],
		User: "crash", Source: sandik.SourceEntry, Kind: sandik.KindEntry,
		Sheet: sandik.Tutanak{Registered: 300, Voted: a + 155, ValidWithoutObjection: a + 150, ValidTotal: a + 150,
			Invalid: 5, Votes: []int64{a, 100, 30, 20}},
	}
	s.Hash = s.ContentHash()
	return s
}

// The summary printed and the checks run are the library's: a backup of
// a store with users and submissions reports them.
func TestVerifyBackupCounts(t *testing.T) {
	dir := t.TempDir()
	st := openSQLite(t, filepath.Join(dir, "a.db"))
	reg, _ := proctest.PrepareStore(t, st)
	if _, err := st.Append(context.Background(), []sandik.Submission{backupSubmission(reg, 0), backupSubmission(reg, 1)}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "b.db")
	if _, err := sqlite.Backup(context.Background(), st.Path(), file, sqlite.BackupOptions{}); err != nil {
		t.Fatal(err)
	}
	sum, err := verifyBackup(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	if want := (sqlite.BackupSummary{LastSeq: 2, Submissions: 2, Users: 1}); sum != want {
		t.Errorf("verifyBackup = %+v, want %+v", sum, want)
	}
}
