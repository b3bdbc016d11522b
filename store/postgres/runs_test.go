package postgres

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger/audit"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
	"golang.org/x/mod/sumdb/tlog"
)

// run is a row of ledger_hash_runs.
type run struct {
	first int64
	n     int
}

func hashRunRows(t *testing.T, s *Store) []run {
	t.Helper()
	rows, err := s.pool.Query(context.Background(), `SELECT first, length(hashes) FROM ledger_hash_runs ORDER BY first`)
	if err != nil {
		t.Fatal(err)
	}
	var runs []run
	for rows.Next() {
		var (
			r     run
			bytes int
		)
		if err := rows.Scan(&r.first, &bytes); err != nil {
			t.Fatal(err)
		}
		r.n = bytes / 32
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return runs
}

// checkRuns fails t unless the runs hold every stored hash of the ledger
// once, in order, none longer than runHashes, and the table keeps them in
// its own pages (PLAIN), with no TOAST row.
func checkRuns(t *testing.T, s *Store) []run {
	t.Helper()
	ctx := context.Background()
	size, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	runs := hashRunRows(t, s)
	var next int64
	for _, r := range runs {
		if r.first != next || r.n < 1 || r.n > runHashes {
			t.Fatalf("runs %v: the one from %d holds %d hashes, want it to start at %d and hold 1 to %d", runs, r.first, r.n, next, runHashes)
		}
		next += int64(r.n)
	}
	if want := tlog.StoredHashCount(size); next != want {
		t.Fatalf("runs hold %d stored hashes, the ledger of %d leaves has %d", next, size, want)
	}
	var storage string
	var toast int64
	if err := s.pool.QueryRow(ctx, `SELECT a.attstorage::text, coalesce(pg_relation_size(NULLIF(c.reltoastrelid, 0)), 0)
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE a.attrelid = 'ledger_hash_runs'::regclass AND a.attname = 'hashes'`).Scan(&storage, &toast); err != nil {
		t.Fatal(err)
	}
	if storage != "p" || toast != 0 {
		t.Errorf("ledger_hash_runs.hashes: storage %q and %d bytes of TOAST, want PLAIN and none", storage, toast)
	}
	return runs
}

// A group commit writes its stored hashes as one row, cut at runHashes;
// reads across the runs' boundaries are the conformance suite's
// (HashesInAnyOrder).
func TestHashRunsPerGroup(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	mustAppend(t, s, storetest.Subs("a", 3)...)
	runs := checkRuns(t, s)
	if len(runs) != 1 {
		t.Fatalf("one group of 3 leaves wrote %d runs, want 1", len(runs))
	}
	mustAppend(t, s, storetest.Subs("big", 450)...) // about 900 hashes
	runs = checkRuns(t, s)
	if want := 1 + (int(tlog.StoredHashCount(453)-runs[1].first)+runHashes-1)/runHashes; len(runs) != want {
		t.Errorf("a group of 450 leaves after one of 3: %d runs in all, want %d", len(runs), want)
	}
	if err := audit.Run(context.Background(), s, "", audit.Options{}); err != nil {
		t.Fatalf("audit: %v", err)
	}
}

// TestHashRunsTampered: a hash changed inside a run is found by the audit,
// and a run cut short leaves its indexes not stored.
func TestHashRunsTampered(t *testing.T) {
	url := pgtest.Schema(t)
	s := openAt(t, url)
	ctx := context.Background()
	mustAppend(t, s, storetest.Subs("t", 40)...)
	pgtest.Exec(t, url, `ALTER TABLE ledger_hash_runs DISABLE TRIGGER ledger_hash_runs_append_only`)
	pgtest.Exec(t, url, `UPDATE ledger_hash_runs SET hashes = overlay(hashes PLACING '\xff'::bytea FROM 32 * 20 + 1) WHERE first = 0`)
	if err := audit.Run(ctx, s, "", audit.Options{}); err == nil {
		t.Fatal("the audit passed a ledger whose stored hash 20 was changed")
	}
	pgtest.Exec(t, url, `UPDATE ledger_hash_runs SET hashes = substring(hashes FROM 1 FOR 32 * 10) WHERE first = 0`)
	if _, err := s.LedgerHashes(ctx, []int64{9, 10}); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("a hash past a run cut short: %v, want %s", err, sandik.ENotFound)
	}
	if hs, err := s.LedgerHashes(ctx, []int64{9, 0}); err != nil || len(hs) != 2 {
		t.Errorf("hashes inside the run cut short: %d, %v", len(hs), err)
	}
}

// TestMigrationMovesHashesIntoRuns takes a ledger back to the layout
// before migration 0023 (ledger_hashes, a row per stored hash, and
// version 22), opens it, and checks that the migration kept every hash in
// runs of at most runHashes: the same hashes are read, the audit passes,
// and an instance goes on writing from the migrated ledger's edge.
func TestMigrationMovesHashesIntoRuns(t *testing.T) {
	url := pgtest.Schema(t)
	ctx := context.Background()
	old, err := Open(ctx, Options{URL: url, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		if _, err := old.Append(ctx, storetest.Subs(fmt.Sprint("m", i), 1+i*17)); err != nil {
			t.Fatal(err)
		}
	}
	if err := old.CreateUser(ctx, sandik.User{ID: "m-user", Name: "M", Role: sandik.RoleVolunteer}, [32]byte{1}); err != nil {
		t.Fatal(err)
	}
	size, err := old.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := make([]int64, tlog.StoredHashCount(size))
	for i := range all {
		all[i] = int64(i)
	}
	before, err := old.LedgerHashes(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	// 0006's table and triggers, filled as the writer before 0023 did.
	pgtest.Exec(t, url, `CREATE TABLE ledger_hashes (
	idx  bigint PRIMARY KEY,
	hash bytea  NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO ledger_hashes (idx, hash)
SELECT first + k, substring(hashes FROM k * 32 + 1 FOR 32)
FROM ledger_hash_runs, generate_series(0, length(hashes) / 32 - 1) AS k;
CREATE TRIGGER ledger_hashes_append_only BEFORE UPDATE OR DELETE ON ledger_hashes
	FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_hashes_no_truncate BEFORE TRUNCATE ON ledger_hashes
	FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
DROP TABLE ledger_hash_runs;
DELETE FROM schema_migrations WHERE version = 23`)

	s := openAt(t, url)
	runs := checkRuns(t, s)
	if want := (len(all) + runHashes - 1) / runHashes; len(runs) != want {
		t.Errorf("%d stored hashes migrated into %d runs, want %d", len(all), len(runs), want)
	}
	after, err := s.LedgerHashes(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(before, after) {
		t.Fatal("the migrated runs do not hold the hashes ledger_hashes held")
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit after the migration: %v", err)
	}
	mustAppend(t, s, storetest.Subs("after", 5)...)
	checkRuns(t, s)
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit after writing on the migrated ledger: %v", err)
	}
	var tables int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'ledger_hashes'`).Scan(&tables); err != nil || tables != 0 {
		t.Errorf("ledger_hashes still there after the migration (%d, %v)", tables, err)
	}
}
