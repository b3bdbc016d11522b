package sqlite

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, opener{})
}

// opener opens stores on real files in the test's temporary directory.
type opener struct{}

func (opener) Open(t *testing.T) sandik.Store {
	return openAt(t, filepath.Join(t.TempDir(), "sandik.db"))
}

func (opener) Reopen(t *testing.T, s sandik.Store) sandik.Store {
	return openAt(t, s.(*Store).Path())
}

func openAt(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Options{Path: path, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func cmpSubs(want, got []sandik.Submission) string {
	return cmp.Diff(want, got, cmpopts.EquateEmpty())
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}
