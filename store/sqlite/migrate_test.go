package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
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

// Migration 0022 keys the index of terms by unit on the unit, the kind
// and the id: the terms stored before it stay, the store reads them
// after it, a unit's terms of a kind come in id order from the index
// without a sort, and the terms of some kinds in many units are still
// found through it.
func TestPositionsUnitIndexMigrationKeepsTerms(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	c := conn(t, path)
	ms, err := schema.Load(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	before := slices.DeleteFunc(slices.Clone(ms), func(m schema.Migration) bool { return m.Version >= 22 })
	if err := applyMigrations(ctx, c, before, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO org_units (code, kind, name, parent, area_code) VALUES ('34', 'il', 'İstanbul', NULL, '34')`,
		`INSERT INTO org_people (id, name, phones, email, home, note, purpose, consent) VALUES ('k-1', 'Ayşe', '', '', '34', '', 'üyelik', '2024-01-01')`,
		`INSERT INTO org_positions (id, kind, unit, person, start_day, end_day, source, end_reason) VALUES
			('g-2', 'il_baskani', '34', 'k-1', '2024-01-01', NULL, 'kongre', ''),
			('g-1', 'il_baskani', '34', 'k-1', '2020-01-01', '2023-12-31', 'kongre', 'kongre')`,
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := applyMigrations(ctx, c, ms, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	var def string
	if err := c.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE name = 'org_positions_unit'`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(def, "(unit, kind, id)") {
		t.Errorf("org_positions_unit after 0022: %s, want (unit, kind, id)", def)
	}
	plan := func(q string, args ...any) string {
		rows, err := c.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		return strings.Join(plan, "; ")
	}
	if p := plan(`SELECT id FROM org_positions WHERE unit = ? AND kind = ? ORDER BY id`, "34", "il_baskani"); !strings.Contains(p, "org_positions_unit (unit=? AND kind=?)") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("a unit's terms of a kind in id order: plan %q, want org_positions_unit and no sort", p)
	}
	if p := plan(`SELECT id FROM org_positions WHERE unit IN (?, ?) AND kind IN (?, ?) ORDER BY id`, "34", "35", "il_baskani", "ilce_baskani"); !strings.Contains(p, "org_positions_unit (unit=? AND kind=?)") {
		t.Errorf("the terms of some kinds in many units: plan %q, want org_positions_unit on unit and kind", p)
	}
	c.Close()

	s := openAt(t, path)
	terms, err := s.Positions(ctx, sandik.PositionFilter{Unit: "34", Kind: "il_baskani"})
	if err != nil {
		t.Fatal(err)
	}
	if len(terms) != 2 || terms[0].ID != "g-1" || terms[0].End != "2023-12-31" || terms[1].ID != "g-2" || terms[1].End != "" {
		t.Errorf("terms after 0022: %+v, want g-1 (ended 2023-12-31) and g-2 (open)", terms)
	}
}
