package center_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// The kinds of position are kept between charts, and a kind added here
// or by another process on the same file is among them at once or at
// the next notice of the user generation.
func TestPositionKindsFollowChanges(t *testing.T) {
	c, st := orgCenter(t, now)
	ctx := context.Background()
	has := func(code sandik.KindCode) bool {
		t.Helper()
		kinds, err := c.PositionKinds(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(kinds, func(k sandik.PositionKind) bool { return k.Code == code })
	}
	if !has("ilce_baskani") || has("kulup_baskani") {
		t.Fatal("the default kinds are not as stored")
	}
	if err := c.SaveOrg(ctx, admin, sandik.OrgChange{Kinds: []sandik.PositionKind{{Code: "kulup_baskani", Name: "Kulüp başkanı", OneHolder: true}}}); err != nil {
		t.Fatal(err)
	}
	if !has("kulup_baskani") {
		t.Error("a kind added on this instance is missing")
	}
	other, err := sqlite.Open(ctx, sqlite.Options{Path: st.Path()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.SaveOrg(ctx, sandik.OrgChange{Kinds: []sandik.PositionKind{{Code: "dernek_temsilcisi", Name: "Dernek temsilcisi"}}}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); !has("dernek_temsilcisi"); {
		if time.Now().After(deadline) {
			t.Fatal("5 s after another process added a kind, it is still missing")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
