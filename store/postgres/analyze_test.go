package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
)

// TestLogTablesAnalyzedAsTheyGrow: once the log reaches analyzeFrom rows
// its tables have statistics, whatever autovacuum does (CI's PostgreSQL
// runs without it), and the follower's next page is read through the
// index rather than a scan and sort of the whole table.
func TestLogTablesAnalyzedAsTheyGrow(t *testing.T) {
	s := openAt(t, pgtest.Schema(t))
	ctx := context.Background()
	tuples := func() float64 {
		var n float64
		if err := s.pool.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'submissions'::regclass`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := tuples(); n >= 0 {
		t.Fatalf("a new log's submissions have statistics (reltuples %v)", n)
	}
	for i := range analyzeFrom / 100 {
		mustAppend(t, s, storetest.Subs(fmt.Sprintf("grow%d", i), 100)...)
	}
	s.writer.stats.wait()
	if n := tuples(); n < analyzeFrom/2 {
		t.Fatalf("after %d submissions the table's statistics count %v rows", analyzeFrom, n)
	}
	if next := s.writer.stats.next.Load(); next != 2*analyzeFrom {
		t.Errorf("next analysis at %d, want when the log has doubled, %d", next, 2*analyzeFrom)
	}
	rows, err := s.pool.Query(ctx, `EXPLAIN `+logQueries.Since, int64(analyzeFrom-10), 50_000)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if plan, want := strings.Join(lines, "\n"), "Index Scan using submissions_pkey"; !strings.Contains(plan, want) {
		t.Errorf("the follower's read is planned as %q, want %q", plan, want)
	}
}
