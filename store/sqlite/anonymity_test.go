package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/store/storetest"
)

// TestAnswersUnjoinable: survey answers cannot be joined to people by
// any column, nor by the order they were written in: the table has no
// rowid.
func TestAnswersUnjoinable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	s, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.AnswersUnjoinable(t, s, rawDB{db})
	for _, table := range []string{"survey_answers", "survey_participation"} {
		if _, err := db.Exec(`SELECT rowid FROM ` + table); err == nil || !strings.Contains(err.Error(), "rowid") {
			t.Errorf("%s has a rowid (%v), which orders its rows as they were written", table, err)
		}
	}
}

type rawDB struct{ db *sql.DB }

func (r rawDB) Rows(t *testing.T, query string) [][]string {
	t.Helper()
	rows, err := r.db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (r rawDB) Columns(t *testing.T, table string) []string {
	var out []string
	for _, row := range r.Rows(t, `SELECT name FROM pragma_table_info('`+table+`')`) {
		out = append(out, row[0])
	}
	return out
}
