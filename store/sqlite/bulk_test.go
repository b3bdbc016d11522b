package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/synth"
)

// indexSQL is every index of the organisation's tables as the schema
// holds it.
func indexSQL(t *testing.T, s *Store) map[string]string {
	t.Helper()
	rows, err := s.read.QueryContext(context.Background(),
		`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name LIKE 'org_%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, q string
		if err := rows.Scan(&n, &q); err != nil {
			t.Fatal(err)
		}
		out[n] = q
	}
	return out
}

// A change large enough to load in bulk leaves the schema's indexes as
// the migrations made them, answers by them, and a refused one changes
// nothing either.
func TestBulkOrgKeepsIndexes(t *testing.T) {
	ctx := context.Background()
	s := openAt(t, filepath.Join(t.TempDir(), "bulk.db"))
	before := indexSQL(t, s)
	if len(before) < 4 {
		t.Fatalf("indexes before: %v", before)
	}
	c := synth.Org(synth.OrgShape{Il: 2, Ilce: 4, Mahalle: 40, People: bulkRows / 2, Positions: bulkRows}, 7)
	bad := c
	bad.Positions = append(bad.Positions[:len(bad.Positions):len(bad.Positions)], sandik.Position{ID: "yok", Kind: "delege", Unit: "gm", Person: "nobody", Start: "2020-01-01", Source: sandik.SourceCongress})
	if err := s.SaveOrg(ctx, bad); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("a change naming no person: %v, want invalid", err)
	}
	if got := indexSQL(t, s); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("after a refused bulk change the indexes are %v, want %v", got, before)
	}
	if err := s.SaveOrg(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got := indexSQL(t, s); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("after a bulk change the indexes are %v, want %v", got, before)
	}
	// The bulk change ran without SQLite's foreign-key checks; the
	// writes after it have them again.
	var fk int
	if err := s.queueBare(ctx, func(ctx context.Context, c *sql.Conn) error {
		return c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
	}); err != nil || fk != 1 {
		t.Fatalf("foreign-key checks on the writer after a bulk change: %d, %v; want on", fk, err)
	}
	// The import copied its pages into the file: the log is empty.
	if fi, err := os.Stat(s.Path() + "-wal"); err != nil {
		t.Error(err)
	} else if fi.Size() != 0 {
		t.Errorf("write-ahead log after a bulk change: %d bytes, want emptied", fi.Size())
	}
	p := c.Positions[len(c.Positions)-1]
	var plan string
	if err := s.read.QueryRowContext(ctx, `EXPLAIN QUERY PLAN SELECT id FROM org_positions WHERE person = ?`, string(p.Person)).Scan(new(int), new(int), new(int), &plan); err != nil {
		t.Fatal(err)
	}
	if want := "org_positions_person"; !strings.Contains(plan, want) {
		t.Errorf("a term by its person is read by %q, want the index %s", plan, want)
	}
	terms, err := s.Positions(ctx, sandik.PositionFilter{Person: p.Person})
	if err != nil || len(terms) == 0 {
		t.Fatalf("terms of %s: %v, %v", p.Person, terms, err)
	}
}
