package postgres

import (
	"context"
	"log/slog"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
)

// TestConformance runs the whole store suite against PostgreSQL, each
// store in a schema of its own.
func TestConformance(t *testing.T) {
	pgtest.Schema(t) // skips without a server outside CI; fails here, once, if CI's is unreachable
	storetest.Run(t, opener{})
}

type opener struct{}

func (opener) Open(t *testing.T) sandik.Store { return openAt(t, pgtest.Schema(t)) }

func (opener) Reopen(t *testing.T, s sandik.Store) sandik.Store {
	return openAt(t, s.(*Store).url)
}

func openAt(t testing.TB, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Options{URL: url, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}
