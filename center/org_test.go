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
	seenWithin(t, 5*time.Second, "a kind another process added", func() bool { return has("dernek_temsilcisi") })
}

// seenWithin asks seen every few milliseconds until it holds, and fails
// the test if it has not within limit: what another process writes to
// the same file reaches this one at its next poll of the user
// generation, not at once.
func seenWithin(t *testing.T, limit time.Duration, what string, seen func() bool) {
	t.Helper()
	deadline := time.After(limit)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !seen() {
		select {
		case <-deadline:
			t.Fatalf("%s is not seen %s after it was written", what, limit)
		case <-tick.C:
		}
	}
}
