package center_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/store/storetest"
)

// A centre picks up a registry another process saved (an import into a
// running server's database, another instance) as soon as the log holds
// submissions written against it, and counts them.
func TestFollowerReloadsANewerRegistry(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "r.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	running, err := center.Open(ctx, center.Config{Store: st, Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	// The importer: a second centre on the same database.
	importer, err := center.Open(ctx, center.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer importer.Close()
	if err := importer.ImportRegistry(ctx, storetest.Registry(t)); err != nil {
		t.Fatal(err)
	}
	rs, err := importer.Submit(ctx, ayse, []sandik.SheetInput{sheet("r1", storetest.Box1, 10, 200, 100)})
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		changed, replaced := running.Moved()
		if err := running.WaitFor(wctx, rs[0].Seq); err != nil {
			t.Fatalf("the running centre never reached seq %d: %v", rs[0].Seq, err)
		}
		if tot, err := running.View(admin).Totals(storetest.Race, "34"); err == nil && tot.Totals.BoxesReported == 1 {
			break
		}
		select {
		case <-wctx.Done():
			t.Fatal("the running centre never counted the submission of the newer registry")
		case <-changed:
		case <-replaced:
		case <-time.After(20 * time.Millisecond):
		}
	}
	if _, ok := running.Registry().Race(storetest.Race); !ok {
		t.Fatal("the running centre does not know the new race")
	}
}
