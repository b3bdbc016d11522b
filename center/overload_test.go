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

// gatedStore holds every append of more than one sheet, or every one
// once gateSingles is set, until a value arrives on release.
type gatedStore struct {
	sandik.Store
	gateSingles bool
	entered     chan struct{}
	release     chan struct{}
}

func (g *gatedStore) Append(ctx context.Context, subs []sandik.Submission) ([]sandik.Receipt, error) {
	if len(subs) > 1 || g.gateSingles {
		g.entered <- struct{}{}
		<-g.release
	}
	return g.Store.Append(ctx, subs)
}

// One account's batch queued in the store does not have everyone's
// single sheets refused; when single sheets are slow and one is under
// way, a batch is refused first (EUnavailable), before anything of it is
// written.
func TestSlowWritesRefuseBatchesFirst(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "c.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := &gatedStore{Store: st, entered: make(chan struct{}), release: make(chan struct{})}
	c, err := center.Open(ctx, center.Config{Store: g})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.ImportRegistry(ctx, storetest.Registry(t)); err != nil {
		t.Fatal(err)
	}
	c.SetMaxWriteWait(time.Nanosecond) // every append is slower than that
	single := func(id string) error {
		_, err := c.Submit(ctx, coord, []sandik.SheetInput{sheet(id, storetest.Box1, 1, 2, 3)})
		return err
	}
	for _, id := range []string{"s1", "s2", "s3"} {
		if err := single(id); err != nil {
			t.Fatal(err)
		}
	}
	// A batch held in the store: single sheets are not judged meanwhile.
	batchDone := make(chan error, 1)
	go func() {
		_, err := c.Submit(ctx, coord, []sandik.SheetInput{sheet("b1", storetest.Box1, 1, 2, 3), sheet("b2", storetest.Box1, 1, 2, 3)})
		batchDone <- err
	}()
	<-g.entered
	if took, ok := c.WriteTime(); ok {
		t.Errorf("while a batch is under way, WriteTime = %v: single sheets would be refused behind it", took)
	}
	if err := single("s4"); err != nil {
		t.Fatalf("a single sheet beside the batch: %v", err)
	}
	g.release <- struct{}{}
	if err := <-batchDone; err != nil {
		t.Fatal(err)
	}
	// A single sheet held: the queue stands, every recent one was slow.
	g.gateSingles = true
	singleDone := make(chan error, 1)
	go func() { singleDone <- single("s5") }()
	<-g.entered
	if took, ok := c.WriteTime(); !ok || took <= 0 {
		t.Errorf("with single sheets slow and one under way, WriteTime = %v, %v", took, ok)
	}
	_, err = c.Submit(ctx, coord, []sandik.SheetInput{sheet("b3", storetest.Box1, 1, 2, 3), sheet("b4", storetest.Box1, 1, 2, 3)})
	if sandik.CodeOf(err) != sandik.EUnavailable {
		t.Errorf("a batch while single sheets are slow: %v, want EUnavailable", err)
	}
	g.release <- struct{}{}
	if err := <-singleDone; err != nil {
		t.Fatal(err)
	}
	// Nothing under way: nothing stands.
	if took, ok := c.WriteTime(); ok {
		t.Errorf("with nothing under way, WriteTime = %v", took)
	}
	last, err := st.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last != 7 { // s1–s5, b1, b2; not b3, b4
		t.Errorf("the log holds %d submissions, want 7", last)
	}
}
