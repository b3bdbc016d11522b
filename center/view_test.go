package center_test

import (
	"context"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

// Moved must signal a registry import even though the old engine's own
// signal never fires again: live pages follow the centre, not an engine.
func TestMovedSignalsChangesAndEngineSwaps(t *testing.T) {
	f := newCenter(t)
	changed, replaced := f.c.Moved()
	select {
	case <-changed:
		t.Fatal("changed before anything happened")
	case <-replaced:
		t.Fatal("replaced before anything happened")
	default:
	}
	if err := f.c.ImportRegistry(context.Background(), storetest.Extra(t)); err != nil {
		t.Fatal(err)
	}
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	select {
	case <-replaced:
	case <-deadline.C:
		t.Fatal("registry import not signalled")
	}
	changed, _ = f.c.Moved()
	submit(t, f, ayse, sheet("moved-1", storetest.Box1, 1, 2, 3))
	select {
	case <-changed:
	case <-deadline.C:
		t.Fatal("submission not signalled")
	}
	if f.c.Seq() != 1 {
		t.Fatalf("seq %d after one submission", f.c.Seq())
	}
}

// A view reads one engine: a registry import made after it was taken is
// not seen through it, so that what one request reads agrees with itself.
func TestViewKeepsItsEngineAcrossAnImport(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	v := f.c.View(admin)
	if err := f.c.ImportRegistry(ctx, storetest.Extra(t)); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.c.View(admin).Registry().Race("2028-cb.tr"); !ok {
		t.Fatal("a view taken after the import does not know the new race")
	}
	if _, ok := v.Registry().Race("2028-cb.tr"); ok {
		t.Fatal("a view taken before the import sees the new race")
	}
	if _, err := v.Totals("2028-cb.tr", "TR"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("totals of the new race through the old view: %v, want not found", err)
	}
}

// Status answers what a submitter waits for, within the same policy as
// the box's entries.
func TestViewStatus(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	rs := submit(t, f, ayse, sheet("st-1", storetest.Box1, 10, 200, 100))
	if err := f.c.WaitFor(ctx, rs[0].Seq); err != nil {
		t.Fatal(err)
	}
	if st, err := f.c.View(ayse).Status(storetest.Race, storetest.Box1); err != nil || st != sandik.StatusPending {
		t.Fatalf("status = %v, %v; want pending", st, err)
	}
	other := sandik.User{ID: "musahit-2", Name: "Başka", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{storetest.Box2}}
	if _, err := f.c.View(other).Status(storetest.Race, storetest.Box1); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("status of a box outside the user's areas: %v, want forbidden", err)
	}
}
