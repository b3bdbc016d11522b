package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

func TestTokenHashes(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "tokens.db"))
	ctx := context.Background()
	if got, err := s.TokenHashes(ctx); err != nil || len(got) != 0 {
		t.Fatalf("TokenHashes of a new store = %v, %v", got, err)
	}
	for _, id := range []sandik.UserID{"ali", "ayse"} {
		if err := s.CreateUser(ctx, sandik.User{ID: id, Name: string(id), Role: sandik.RoleObserver}, storetest.Token(string(id))); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.TokenHashes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[sandik.UserID][32]byte{"ali": storetest.Token("ali"), "ayse": storetest.Token("ayse")}, got); d != "" {
		t.Fatalf("TokenHashes (-want +got):\n%s", d)
	}
}
