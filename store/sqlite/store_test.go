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

// A read of the user generation that started before a write and ends
// after it never moves the generation back: a user cached under the older
// value would be trusted again.
func TestUserGenerationNeverMovesBack(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "sandik.db"))
	ctx := context.Background()
	before, err := s.UserGeneration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.sawUserGeneration(before + 2)
	s.sawUserGeneration(before + 1) // the poll's late answer
	if got, _ := s.UserGeneration(ctx); got != before+2 {
		t.Errorf("after seeing %d then %d: %d, want %d", before+2, before+1, got, before+2)
	}
}
