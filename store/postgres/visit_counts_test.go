package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
)

// TestVisitCountsAcrossDays: the counts kept by area follow the rows as
// the clock moves, and after raw statements change or delete them.
func TestVisitCountsAcrossDays(t *testing.T) {
	ctx := context.Background()
	storetest.VisitCountsAcrossDays(t, func(t *testing.T, now func() time.Time) sandik.Store {
		s, err := Open(ctx, Options{URL: pgtest.Schema(t), Logger: testLogger(t), Now: now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}, func(t *testing.T, s sandik.Store, stmt string) {
		if err := s.(*Store).exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	})
}
