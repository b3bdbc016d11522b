package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
	"modernc.org/sqlite"
)

func TestDurabilitySettingsChecked(t *testing.T) {
	for _, tc := range []struct {
		name, pragmas, want string
	}{
		{"synchronous NORMAL", "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)", "synchronous is 1"},
		{"rollback journal", "_pragma=journal_mode(DELETE)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)", "journal_mode is delete"},
		{"no foreign keys", "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(0)", "foreign_keys is off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "x.db")+"?"+tc.pragmas)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			c, err := db.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			err = checkDurability(context.Background(), c, false, log)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("checkDurability = %v, want a refusal mentioning %q", err, tc.want)
			}
			if err := checkDurability(context.Background(), c, true, log); err != nil {
				t.Errorf("checkDurability with unsafe set = %v, want nil", err)
			}
			if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), tc.want) {
				t.Errorf("unsafe open logged %q, want a warning mentioning %q", logs.String(), tc.want)
			}
		})
	}
}

func TestDurabilitySettingsOfOpenStore(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "x.db"))
	problems, err := durabilityProblems(context.Background(), s.read)
	if err != nil || len(problems) > 0 {
		t.Fatalf("a store's read pool: problems %v, %v", problems, err)
	}
}

func TestVersionAtLeast(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want bool
	}{
		{"3.51.3", true}, {"3.54.1", true}, {"3.51.2", false}, {"3.9.9", false}, {"4.0", true}, {"3.51.3.1", true},
	} {
		got, err := versionAtLeast(tc.v, [3]int{3, 51, 3})
		if err != nil || got != tc.want {
			t.Errorf("versionAtLeast(%q) = %v, %v; want %v", tc.v, got, err, tc.want)
		}
	}
	if _, err := versionAtLeast("three", [3]int{3, 51, 3}); err == nil {
		t.Errorf("versionAtLeast accepted a malformed version")
	}
}

// blockWriter keeps the writer busy with a job until release is called,
// so that requests queue up behind it and form one group.
func blockWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	started, free := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.write(context.Background(), func(context.Context, *sql.Conn) error { //nolint:errcheck // only occupies the writer
			close(started)
			<-free
			return nil
		})
	}()
	<-started
	return func() { close(free); <-done }
}

// waitQueued waits until n requests are queued for the writer.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for s.queue.Queued() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued, want %d", s.queue.Queued(), n)
		}
		runtime.Gosched()
	}
}

// appendAll starts one Append per submission and returns a function that
// waits for their answers.
func appendAll(ctx context.Context, s *Store, subs []sandik.Submission) func() []error {
	errs := make([]error, len(subs))
	var wg sync.WaitGroup
	for i := range subs {
		wg.Go(func() { _, errs[i] = s.Append(ctx, subs[i:i+1]) })
	}
	return func() []error { wg.Wait(); return errs }
}

func TestFailedCommitAcknowledgesNothing(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "x.db"))
	ctx := context.Background()
	before := storetest.All(t, s)
	var failCommits atomic.Bool
	err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
		return c.Raw(func(dc any) error {
			dc.(sqlite.HookRegisterer).RegisterCommitHook(func() int32 {
				if failCommits.Load() {
					return 1 // turns the COMMIT into a rollback and an error
				}
				return 0
			})
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	release := blockWriter(t, s)
	failCommits.Store(true)
	subs := storetest.Subs("doomed", 8)
	wait := appendAll(ctx, s, subs)
	waitQueued(t, s, len(subs))
	release()
	for i, err := range wait() {
		if err == nil {
			t.Errorf("Append of %s was acknowledged although its commit failed", subs[i].ID)
		} else if i == 0 {
			t.Logf("answer to a caller of the failed group: %v", err)
		}
	}
	if d := cmpSubs(before, storetest.All(t, s)); d != "" {
		t.Fatalf("a failed commit left rows behind (-want +got):\n%s", d)
	}

	failCommits.Store(false)
	rs, err := s.Append(ctx, subs)
	if err != nil {
		t.Fatalf("Append after the failure: %v", err)
	}
	for _, r := range rs {
		if r.Replayed {
			t.Errorf("retry after a failed commit replayed %s: it had been written", r.ID)
		}
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestDiskFull(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "x.db"))
	ctx := context.Background()
	limit := func(extra int) {
		t.Helper()
		err := s.write(ctx, func(ctx context.Context, c *sql.Conn) error {
			var pages int
			if err := c.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
				return err
			}
			_, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+extra))
			return err
		})
		if err != nil {
			t.Fatalf("set max_page_count: %v", err)
		}
	}
	limit(20)
	var acked, refused []sandik.Submission
	for i := 0; len(refused) == 0; i++ {
		if i == 200 {
			t.Fatal("the disk never filled up")
		}
		subs := storetest.Subs(fmt.Sprintf("fill%d", i), 25)
		_, err := s.Append(ctx, subs)
		switch {
		case err == nil:
			acked = append(acked, subs...)
		case sandik.CodeOf(err) == sandik.EUnavailable:
			t.Logf("answer on a full disk: %v", err)
			refused = subs
		default:
			t.Fatalf("Append on a full disk: %v, want EUnavailable", err)
		}
	}
	all := storetest.All(t, s)
	if len(all) != len(acked) {
		t.Fatalf("log holds %d submissions, %d were acknowledged", len(all), len(acked))
	}
	for i := range all {
		if all[i].ID != acked[i].ID {
			t.Fatalf("log position %d holds %s, acknowledged was %s", i, all[i].ID, acked[i].ID)
		}
	}

	limit(1_000_000)
	if _, err := s.Append(ctx, refused); err != nil {
		t.Fatalf("Append after space came back: %v", err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestCanceledWhileQueuedWritesNothing(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "x.db"))
	release := blockWriter(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	wait := appendAll(ctx, s, storetest.Subs("gone", 3))
	waitQueued(t, s, 3)
	cancel()
	errs := wait()
	release()
	for _, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Append canceled while queued: %v, want context.Canceled", err)
		}
	}
	if got := storetest.All(t, s); len(got) != 0 {
		t.Fatalf("canceled appends wrote %d submissions", len(got))
	}
}

func TestCloseFlushesQueuedAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s, err := Open(context.Background(), Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	release := blockWriter(t, s)
	subs := storetest.Subs("flushed", 10)
	wait := appendAll(context.Background(), s, subs)
	waitQueued(t, s, len(subs))
	closed := make(chan error)
	go func() { closed <- s.Close() }()
	release()
	for i, err := range wait() {
		if err != nil {
			t.Errorf("Append of %s queued before Close: %v", subs[i].ID, err)
		}
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := s.Append(context.Background(), storetest.Subs("late", 1)); sandik.CodeOf(err) != sandik.EUnavailable {
		t.Errorf("Append after Close: %v, want EUnavailable", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if got := storetest.All(t, openAt(t, path)); len(got) != len(subs) {
		t.Fatalf("after reopening, the log holds %d submissions, want %d", len(got), len(subs))
	}
}

func TestCheckFindsTamperedRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s := openAt(t, path)
	if _, err := s.Append(context.Background(), storetest.Subs("a", 3)); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(context.Background()); err != nil {
		t.Fatalf("Check on a healthy store: %v", err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"DROP TRIGGER submissions_no_update", "UPDATE submissions SET voted = voted + 1 WHERE client_id = 'a-1'"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := s.Check(context.Background()); err == nil || !strings.Contains(err.Error(), "a-1") {
		t.Fatalf("Check after tampering = %v, want it to name a-1", err)
	}
}

func TestLogIsAppendOnly(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "x.db"))
	if _, err := s.Append(context.Background(), storetest.Subs("a", 1)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"UPDATE submissions SET voted = 0", "DELETE FROM submissions"} {
		err := s.write(context.Background(), func(ctx context.Context, c *sql.Conn) error {
			_, err := c.ExecContext(ctx, q)
			return err
		})
		if err == nil {
			t.Errorf("%s succeeded", q)
		}
	}
}

func TestCleanCloseRemovesWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	s := openAt(t, path)
	if _, err := s.Append(context.Background(), storetest.Subs("a", 5)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Since(context.Background(), 0, 10); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after a clean Close the WAL is still there (%v): the next start must replay it", err)
	}
}
