package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	schema "github.com/sandik-dev/sandik/store/migration"
)

func TestEmbeddedMigrationsLoad(t *testing.T) {
	ms, err := schema.Load(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].Version != 1 || ms[0].Name != "init" {
		t.Fatalf("embedded migrations = %+v, want 0001_init first", ms)
	}
}

func conn(t *testing.T, path string) *sql.Conn {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestMigrationsApplyOnceInOrder(t *testing.T) {
	ctx := context.Background()
	c := conn(t, filepath.Join(t.TempDir(), "m.db"))
	ms := []schema.Migration{
		{Version: 1, Name: "one", SQL: "CREATE TABLE a (x INTEGER);"},
		{Version: 2, Name: "two", SQL: "INSERT INTO a VALUES (1); CREATE TABLE b (y INTEGER);"},
	}
	log := testLogger(t)
	for range 2 {
		if err := applyMigrations(ctx, c, ms, log); err != nil {
			t.Fatal(err)
		}
	}
	var rows, versions int
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM a").Scan(&rows); err != nil || rows != 1 {
		t.Errorf("migration 2 ran %d times (%v), want once", rows, err)
	}
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&versions); err != nil || versions != 2 {
		t.Errorf("schema_migrations holds %d rows (%v), want 2", versions, err)
	}
}

func TestFailedMigrationLeavesNothing(t *testing.T) {
	ctx := context.Background()
	c := conn(t, filepath.Join(t.TempDir(), "m.db"))
	ms := []schema.Migration{
		{Version: 1, Name: "one", SQL: "CREATE TABLE a (x INTEGER);"},
		{Version: 2, Name: "broken", SQL: "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);"},
	}
	err := applyMigrations(ctx, c, ms, testLogger(t))
	if err == nil || !strings.Contains(err.Error(), "0002_broken") {
		t.Fatalf("applyMigrations = %v, want an error naming 0002_broken", err)
	}
	var n int
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'b'").Scan(&n); err != nil || n != 0 {
		t.Errorf("half of the failed migration stayed: table b exists (%v)", err)
	}
	if err := c.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&n); err != nil || n != 1 {
		t.Errorf("schema version = %d (%v), want 1", n, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	s := openAt(t, path)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := conn(t, path).ExecContext(context.Background(),
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), Options{Path: path}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema = %v, want a refusal", err)
	}
}
