package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
)

// TestAnswersUnjoinable: survey answers cannot be joined to people by
// any column. (The system column xmin can: see docs/meetings.md.)
func TestAnswersUnjoinable(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	c, err := pgx.Connect(context.Background(), s.url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	storetest.AnswersUnjoinable(t, s, rawDB{c})
	// While question 1 is open an answer and its mark share xmin; once it
	// closes, every answer and mark of it shares the closing's.
	raw := rawDB{c}
	byXmin := `SELECT CAST(count(DISTINCT p.person_id) AS TEXT) FROM survey_answers a JOIN survey_participation p
		ON a.xmin = p.xmin AND p.survey_id = a.survey_id AND p.n = a.n WHERE a.n = 1 GROUP BY a.answer_key`
	if rows := raw.Rows(t, byXmin); len(rows) == 0 || rows[0][0] != "1" {
		t.Fatalf("while open, xmin ties an answer to %v people; the test no longer sees what it guards against", rows)
	}
	if err := s.SetQuestion(context.Background(), "s-1", 1, "closed", false); err != nil {
		t.Fatal(err)
	}
	for _, row := range raw.Rows(t, byXmin) {
		if row[0] != "6" {
			t.Errorf("after closing, xmin ties an answer to %s people, want all 6", row[0])
		}
	}
}

type rawDB struct{ c *pgx.Conn }

func (r rawDB) Rows(t *testing.T, query string) [][]string {
	t.Helper()
	rows, err := r.c.Query(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = fmt.Sprint(v)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

func (r rawDB) Columns(t *testing.T, table string) []string {
	var out []string
	for _, row := range r.Rows(t, `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '`+table+`' ORDER BY ordinal_position`) {
		out = append(out, row[0])
	}
	return out
}
