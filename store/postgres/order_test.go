package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
)

// TestAppendWaitsForEarlierCommit holds the log's head lock from a raw
// connection, as another instance in the middle of its commit would, and
// checks that an Append waits for it and takes the numbers after it,
// rather than committing a higher number the follower could read first.
func TestAppendWaitsForEarlierCommit(t *testing.T) {
	url := pgtest.Schema(t)
	s := openAt(t, url)
	ctx := context.Background()
	mustAppend(t, s, storetest.Sub("first", storetest.Box1, 1, 2))

	other, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	tx, err := other.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var head int64
	if err := tx.QueryRow(ctx, `SELECT seq FROM log_head FOR UPDATE`).Scan(&head); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		rs  []sandik.Receipt
		err error
	}
	got := make(chan answer, 1)
	go func() {
		rs, err := s.Append(ctx, []sandik.Submission{storetest.Sub("second", storetest.Box1, 3, 4)})
		got <- answer{rs, err}
	}()
	waitForLockWaiter(t, other)
	select {
	case a := <-got:
		t.Fatalf("Append returned %+v, %v while an earlier commit held the log", a.rs, a.err)
	default:
	}
	// The other instance's commit: seq head+1, written and committed.
	if _, err := tx.Exec(ctx, `INSERT INTO submissions SELECT $1, 'raw', race, box, user_id, source, kind, reason,
		captured_at, received_at, registered, voted_by_law, voted, valid_without_objection, valid_upon_objection,
		valid_total, invalid_total, votes, decode(repeat('ab', 32), 'hex'), warnings FROM submissions WHERE seq = $2`,
		head+1, head); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE log_head SET seq = $1`, head+1); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	a := <-got
	if a.err != nil {
		t.Fatalf("Append after the other commit: %v", a.err)
	}
	if a.rs[0].Seq != head+2 {
		t.Fatalf("Append got seq %d, want %d (after the other instance's %d)", a.rs[0].Seq, head+2, head+1)
	}
}

// waitForLockWaiter polls until another backend waits for a lock that
// c's holds.
func waitForLockWaiter(t *testing.T, c *pgx.Conn) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		var n int
		if err := c.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		select {
		case <-deadline:
			t.Fatal("no Append came to wait for the log's lock within 10 s")
		case <-tick.C:
		}
	}
}

// TestSequenceHasNoHoles races appends from three instances while a
// follower reads the log by sequence: every page must continue exactly
// where the last ended. A number that became visible before a lower one
// (a sequence allocated in one transaction and committed after another's)
// shows up as a hole the moment the follower reads past it.
func TestSequenceHasNoHoles(t *testing.T) {
	url := pgtest.Schema(t)
	stores := []*Store{openAt(t, url), openAt(t, url), openAt(t, url)}
	const writersPer, calls = 6, 30
	var wg sync.WaitGroup
	for i, s := range stores {
		for w := range writersPer {
			wg.Go(func() {
				for c := range calls {
					if _, err := s.Append(context.Background(), storetest.Subs(fmt.Sprintf("h%d-%d-%d", i, w, c), 1+c%4)); err != nil {
						t.Errorf("Append: %v", err)
						return
					}
				}
			})
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	ctx := context.Background()
	reader := stores[2]
	var last int64
	reads := 0
	for finished := false; ; reads++ {
		select {
		case <-done:
			finished = true
		default:
		}
		page, err := reader.Since(ctx, last, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, sub := range page {
			if sub.Seq != last+1 {
				t.Fatalf("read %d: after seq %d the follower saw %d", reads, last, sub.Seq)
			}
			last = sub.Seq
		}
		if len(page) == 0 {
			if finished {
				break
			}
			if err := reader.WaitFor(ctx, last, 5*time.Millisecond); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := int64(0)
	for c := range calls {
		want += int64(len(stores) * writersPer * (1 + c%4))
	}
	if last != want {
		t.Fatalf("follower ended at seq %d, want %d", last, want)
	}
}

func mustAppend(t *testing.T, s *Store, subs ...sandik.Submission) []sandik.Receipt {
	t.Helper()
	rs, err := s.Append(context.Background(), subs)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return rs
}

// An id written by another instance between the writer's look-up and its
// insert makes the insert meet the unique index; the writer looks again
// and answers from what is now in the log: a replay for the same content,
// a conflict for other content.
func TestIDWrittenElsewhereMeanwhile(t *testing.T) {
	url := pgtest.Schema(t)
	s, other := openAt(t, url), openAt(t, url)
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		votes int64
		code  sandik.ErrorCode
	}{{"same", 5, ""}, {"other", 6, sandik.EConflict}} {
		t.Run(c.name, func(t *testing.T) {
			mine := storetest.Sub("raced-"+c.name, storetest.Box1, 5)
			theirs := storetest.Sub("raced-"+c.name, storetest.Box1, c.votes)
			var theirSeq int64
			s.writer.beforeInsert = func() {
				s.writer.beforeInsert = nil
				theirSeq = mustAppend(t, other, theirs)[0].Seq
			}
			rs, err := s.Append(ctx, []sandik.Submission{mine})
			if got := sandik.CodeOf(err); got != c.code {
				t.Fatalf("Append: %v (code %q), want code %q", err, got, c.code)
			}
			if err == nil && (!rs[0].Replayed || rs[0].Seq != theirSeq) {
				t.Fatalf("Append: %+v, want a replay of seq %d", rs[0], theirSeq)
			}
			got, err := s.Submission(ctx, mine.ID)
			if err != nil || got.Hash != theirs.Hash {
				t.Fatalf("the log holds %+v (%v), want the other instance's", got, err)
			}
		})
	}
}
