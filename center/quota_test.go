package center_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/store/storetest"
)

// openWith is newCenter with cfg's quotas.
func openWith(t *testing.T, cfg center.Config) *center.Center {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "c.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg.Store = st
	c, err := center.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.ImportRegistry(ctx, storetest.Registry(t)); err != nil {
		t.Fatal(err)
	}
	return c
}

func overQuota(t *testing.T, err error, field string) {
	t.Helper()
	if sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("err = %v, want an invalid entry over quota", err)
	}
	for _, p := range sandik.ProblemsOf(err) {
		if p.Rule == sandik.RuleOverQuota && p.Field == field && strings.Contains(p.Message, string(storetest.Box1)) {
			return
		}
	}
	t.Fatalf("problems %+v, want %s over quota naming the box", sandik.ProblemsOf(err), field)
}

// The night's flood: one observer's batch of a thousand sheets of their
// own box is refused whole, and nothing is written.
func TestBatchOverQuotaRefusedWhole(t *testing.T) {
	c := openWith(t, center.Config{})
	var in []sandik.SheetInput
	for i := range center.MaxBatch {
		in = append(in, sheet(fmt.Sprintf("f%d", i), storetest.Box1, 10, 200, int64(i)))
	}
	in[0].Box = storetest.Box2
	_, err := c.Submit(context.Background(), ayse, in)
	overQuota(t, err, "items[1].box")
	if seq := c.Seq(); seq != 0 {
		t.Errorf("log at %d after a refused batch", seq)
	}
}

// A person corrects a box up to the quota; one more is refused, a retry of
// the last is still answered, and a box takes only so many people.
func TestEntryQuotas(t *testing.T) {
	ctx := context.Background()
	c := openWith(t, center.Config{MaxEntriesPerPerson: 3, MaxPeoplePerBox: 2})
	enter := func(u sandik.User, id string) error {
		rs, err := c.Submit(ctx, u, []sandik.SheetInput{sheet(id, storetest.Box1, 10, 200, 100)})
		if err == nil {
			err = c.WaitFor(ctx, rs[0].Seq)
		}
		return err
	}
	for i := range 3 {
		if err := enter(ayse, fmt.Sprint("a", i)); err != nil {
			t.Fatal(err)
		}
	}
	overQuota(t, enter(ayse, "a3"), "box")
	if err := enter(ayse, "a2"); err != nil {
		t.Errorf("a retry of an entry within the quota: %v", err)
	}
	if err := enter(mehm, "m0"); err != nil {
		t.Fatal(err)
	}
	overQuota(t, enter(coord, "k0"), "box")
	if err := enter(mehm, "m1"); err != nil {
		t.Errorf("a correction by one of the box's people: %v", err)
	}
	// Adjudication is not an entry: a full box is still settled.
	adj := sheet("adj", storetest.Box1, 10, 200, 100)
	adj.Reason = "photo"
	if _, err := c.Adjudicate(ctx, coord, adj); err != nil {
		t.Errorf("adjudicating a full box: %v", err)
	}
}
