package center_test

import (
	"context"
	"testing"
	"time"

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
