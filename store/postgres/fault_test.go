package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
)

func TestUnsafeDurabilityRefused(t *testing.T) {
	url := pgtest.Schema(t) + "&synchronous_commit=off"
	_, err := Open(context.Background(), Options{URL: url})
	if err == nil || !strings.Contains(err.Error(), "synchronous_commit is off") {
		t.Fatalf("Open with synchronous_commit=off: %v, want a refusal naming it", err)
	}
	var log bytes.Buffer
	s, err := Open(context.Background(), Options{URL: url, Unsafe: true, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatalf("Open with the unsafe option: %v", err)
	}
	s.Close()
	if !strings.Contains(log.String(), "synchronous_commit is off") {
		t.Errorf("the unsafe open was not logged: %q", log.String())
	}
}

// cut terminates the test schema's server connections whose
// application_name is app (the schema's name, or with " listener" the
// listeners'), and returns how many.
func cut(t *testing.T, url, app string) int {
	t.Helper()
	s := openAt(t, strings.Replace(url, "application_name=", "application_name=cutter-", 1))
	var n int
	err := s.pool.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1`, app).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return n
}

// TestListenerReconnects cuts an instance's LISTEN connection and checks
// that a commit by another instance still wakes it, with no polling.
func TestListenerReconnects(t *testing.T) {
	url := pgtest.Schema(t)
	a, b := openAt(t, url), openAt(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	waitListening(t, a, 2)
	if n := cut(t, url, a.schema+" listener"); n != 2 {
		t.Fatalf("cut %d listeners, want 2", n)
	}
	waitListening(t, a, 2)
	rs := mustAppend(t, b, storetest.Sub("after-cut", storetest.Box1, 1))
	for {
		if a.notify.Head() >= rs[0].Seq {
			break
		}
		if err := a.WaitFor(ctx, rs[0].Seq-1, 0); err != nil {
			t.Fatalf("instance a was not woken by b's commit after its listener reconnected: %v", err)
		}
	}
}

// waitListening waits until n listeners of s's schema are connected.
func waitListening(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var got int
		if err := s.pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE application_name = current_schema() || ' listener'`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d listeners connected, want %d", got, n)
		}
		s.WaitFor(context.Background(), 1<<62, 10*time.Millisecond) // a bounded pause that needs no sleep
	}
}

// TestCutConnectionsFailThenRecover cuts every connection of the store
// between two appends. The append that meets a dead connection must fail
// (or succeed) as a whole, a retry with the same ids must succeed, and the
// log must hold each id once.
func TestCutConnectionsFailThenRecover(t *testing.T) {
	url := pgtest.Schema(t)
	s := openAt(t, url)
	mustAppend(t, s, storetest.Subs("before", 3)...)
	cut(t, url, s.schema)
	subs := storetest.Subs("after", 4)
	var err error
	for try := 0; try < 5; try++ {
		if _, err = s.Append(context.Background(), subs); err == nil {
			break
		}
		if sandik.CodeOf(err) != sandik.EUnavailable {
			t.Fatalf("append on a cut connection: %v, want EUnavailable", err)
		}
	}
	if err != nil {
		t.Fatalf("append still failing after retries: %v", err)
	}
	all := storetest.All(t, s)
	if len(all) != 7 {
		t.Fatalf("log holds %d submissions, want 7", len(all))
	}
	for i, sub := range all {
		if sub.Seq != int64(i+1) {
			t.Fatalf("seq %d at position %d", sub.Seq, i)
		}
	}
}

func TestLogIsAppendOnly(t *testing.T) {
	url := pgtest.Schema(t)
	s := openAt(t, url)
	mustAppend(t, s, storetest.Sub("kept", storetest.Box1, 1, 2))
	for _, stmt := range []string{
		`UPDATE submissions SET valid_total = 0`,
		`DELETE FROM submissions`,
		`TRUNCATE submissions`,
	} {
		if _, err := s.pool.Exec(context.Background(), stmt); sqlState(err) != "23001" {
			t.Errorf("%s: %v, want restrict_violation", stmt, err)
		}
	}
	if got := storetest.All(t, s); len(got) != 1 {
		t.Fatalf("log holds %d submissions after refused changes", len(got))
	}
}

func TestTransient(t *testing.T) {
	for err, want := range map[error]bool{
		&pgconn.PgError{Code: "08006"}:        true,
		&pgconn.PgError{Code: "57P01"}:        true,
		&pgconn.PgError{Code: "53300"}:        true,
		&pgconn.PgError{Code: "40001"}:        true,
		&pgconn.PgError{Code: "23505"}:        false,
		&pgconn.PgError{Code: "42P01"}:        false,
		errors.New("unexpected EOF"):          true,
		fmt.Errorf("x: %w", context.Canceled): true,
	} {
		if transient(err) != want {
			t.Errorf("transient(%v) = %v", err, !want)
		}
	}
	if transient(nil) {
		t.Error("transient(nil)")
	}
	err := writeFailed("commit", &pgconn.PgError{Code: "57P01"})
	if sandik.CodeOf(err) != sandik.EUnavailable {
		t.Errorf("writeFailed(shutdown) = %v, want EUnavailable", err)
	}
	if err := writeFailed("insert", &pgconn.PgError{Code: "22003"}); sandik.CodeOf(err) == sandik.EUnavailable {
		t.Errorf("writeFailed(numeric overflow) = %v, want a permanent error", err)
	}
}

// Close during appends answers every caller: what was acknowledged is in
// the log, and appends after Close fail with EUnavailable.
func TestCloseDuringAppends(t *testing.T) {
	url := pgtest.Schema(t)
	s, err := Open(context.Background(), Options{URL: url, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		acked = map[sandik.SubmissionID]int64{}
		first = make(chan struct{}, 16)
	)
	for w := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				rs, err := s.Append(context.Background(), storetest.Subs(fmt.Sprintf("close%d-%d", w, i), 1))
				if err != nil {
					if sandik.CodeOf(err) != sandik.EUnavailable {
						t.Errorf("Append during Close: %v, want EUnavailable", err)
					}
					return
				}
				mu.Lock()
				acked[rs[0].ID] = rs[0].Seq
				mu.Unlock()
				if i == 0 {
					first <- struct{}{}
				}
			}
		})
	}
	for range 16 {
		<-first
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()
	again := openAt(t, url)
	logged := map[sandik.SubmissionID]int64{}
	for _, sub := range storetest.All(t, again) {
		logged[sub.ID] = sub.Seq
	}
	for id, seq := range acked {
		if logged[id] != seq {
			t.Fatalf("acknowledged %q at seq %d; the log has %d", id, seq, logged[id])
		}
	}
	if len(logged) != len(acked) {
		t.Fatalf("log holds %d submissions, %d were acknowledged", len(logged), len(acked))
	}
}

// resolve tells a lost answer to a commit that happened from one that did
// not, by the rows in the log.
func TestResolveLostCommit(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	mustAppend(t, s, storetest.Subs("before", 2)...)
	group := func(prefix string, n int) *inserts {
		var ins inserts
		for i, sub := range storetest.Subs(prefix, n) {
			r := rowOf(sub)
			ins.add(int64(i+1), &r)
		}
		return &ins
	}
	written := group("lost", 3)
	subs := storetest.Subs("lost", 3)
	rs := mustAppend(t, s, subs...)
	head, leaves, ok := s.writer.resolve(written, 3)
	if !ok || head != 5 {
		t.Errorf("resolve of a committed group = %d, %v; want head 5", head, ok)
	}
	// The receipts a resolved group answers with name the same leaves as
	// the answer that was lost.
	for _, r := range rs {
		if leaves[r.ID] != r.LeafIndex || r.LeafIndex < 2 {
			t.Errorf("resolve gives %s leaf %d, its receipt said %d", r.ID, leaves[r.ID], r.LeafIndex)
		}
	}
	if _, _, ok := s.writer.resolve(group("never", 2), 2); ok {
		t.Error("resolve took a group that is not in the log for committed")
	}
	other := group("lost", 3)
	other.hash[2] = make([]byte, 32)
	if _, _, ok := s.writer.resolve(other, 3); ok {
		t.Error("resolve took rows with other content for this group's")
	}
	if _, _, ok := s.writer.resolve(group("before", 3), 3); ok {
		t.Error("resolve took a partly present group for committed")
	}
}

// A read while the database cannot be reached is EUnavailable, so the
// reader is told to retry (503), not that the server failed; a read that
// finds nothing stays ENotFound.
func TestReadsUnavailableWhileCut(t *testing.T) {
	live := openAt(t, pgtest.Schema(t))
	ctx := context.Background()
	if _, err := live.UserByToken(ctx, [32]byte{1}); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("an unknown token: %v, want ENotFound", err)
	}
	live.pool.Close()
	if _, err := live.UserByToken(ctx, [32]byte{1}); sandik.CodeOf(err) != sandik.EUnavailable {
		t.Fatalf("a token read on a closed pool: %v (code %q), want EUnavailable", err, sandik.CodeOf(err))
	}
	if unavailable(&pgconn.PgError{Code: "23505"}) != nil && sandik.CodeOf(unavailable(&pgconn.PgError{Code: "23505"})) == sandik.EUnavailable {
		t.Error("a unique violation was made EUnavailable")
	}
	if sandik.CodeOf(unavailable(&pgconn.PgError{Code: "57P01"})) != sandik.EUnavailable {
		t.Error("an administrator's termination of the connection is not EUnavailable")
	}
}
