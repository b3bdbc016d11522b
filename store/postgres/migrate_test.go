package postgres

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	schema "github.com/sandik-dev/sandik/store/migration"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
)

// The two backends share migration numbers: a database moved between
// them (sandik migrate-store) is at the same version in both.
func TestMigrationNumbersMatchSQLite(t *testing.T) {
	ms, err := schema.Load(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../sqlite/migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("SQLite migrations: %v (%d files)", err, len(files))
	}
	var want, got []string
	for _, f := range files {
		num, _, _ := strings.Cut(filepath.Base(f), "_")
		want = append(want, num)
	}
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%04d", m.Version))
	}
	if !slices.Equal(want, got) {
		t.Fatalf("migration numbers: SQLite %v, PostgreSQL %v", want, got)
	}
}

// Instances that start together on a new database all come up: one
// migrates, the others wait for it and find nothing left to do.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	url := pgtest.Schema(t)
	var logs [4]bytes.Buffer
	stores := make([]*Store, len(logs))
	errs := make([]error, len(logs))
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() {
			stores[i], errs[i] = Open(context.Background(), Options{URL: url, Logger: slog.New(slog.NewTextHandler(&logs[i], nil))})
		})
	}
	wg.Wait()
	applied := 0
	for i, s := range stores {
		if errs[i] != nil {
			t.Fatalf("instance %d: Open: %v", i, errs[i])
		}
		defer s.Close()
		applied += strings.Count(logs[i].String(), "applied migration")
	}
	ms, err := schema.Load(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if applied != len(ms) {
		t.Errorf("%d migrations applied in all, want each of the %d once", applied, len(ms))
	}
	var n int
	if err := stores[0].pool.QueryRow(context.Background(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(ms) {
		t.Errorf("schema_migrations holds %d rows (%v), want %d", n, err, len(ms))
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	url := pgtest.Schema(t)
	openAt(t, url).Close()
	pgtest.Exec(t, url, `INSERT INTO schema_migrations (version, name) VALUES (99, 'future')`)
	_, err := Open(context.Background(), Options{URL: url})
	if err == nil || !strings.Contains(err.Error(), "newer than this program") {
		t.Fatalf("Open on a newer schema: %v", err)
	}
}

func TestMissingSchemaRefused(t *testing.T) {
	url := pgtest.WithSchema(t, pgtest.URL(t), "sandik_no_such_schema")
	if _, err := Open(context.Background(), Options{URL: url}); err == nil || !strings.Contains(err.Error(), "no schema") {
		t.Fatalf("Open with a search_path naming no schema: %v", err)
	}
}

func TestBadURLDoesNotEchoPassword(t *testing.T) {
	_, err := Open(context.Background(), Options{URL: "postgres://u:s3cret@host:notaport/db"})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("Open with a bad URL: %v", err)
	}
}

func TestIsURL(t *testing.T) {
	for in, want := range map[string]bool{
		"postgres://h/db": true, "postgresql://h/db": true, "sandik.db": false, "/var/lib/postgres/x.db": false, "": false,
	} {
		if IsURL(in) != want {
			t.Errorf("IsURL(%q) = %v", in, !want)
		}
	}
}

// Migration 0022 keys the index of terms by unit on the unit, the kind
// and the id, which a unit's terms of a kind are read in.
func TestPositionsUnitIndexNarrowed(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	defer s.Close()
	var def string
	if err := s.pool.QueryRow(context.Background(),
		`SELECT indexdef FROM pg_indexes WHERE indexname = 'org_positions_unit' AND schemaname = current_schema()`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(def, "(unit, kind, id)") {
		t.Errorf("org_positions_unit: %s, want (unit, kind, id)", def)
	}
}
