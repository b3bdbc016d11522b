package center_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/store/storetest"
)

// failingViews is a store whose log of contact views refuses every write.
type failingViews struct{ *sqlite.Store }

func (failingViews) LogContactViews(context.Context, []sandik.ContactView, int) ([]sandik.ContactView, error) {
	return nil, errors.New("disk full")
}

func contactCenter(t *testing.T, st sandik.Store, perMinute int) *center.Center {
	t.Helper()
	ctx := context.Background()
	c, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return now }, ContactViewsPerMinute: perMinute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.ImportRegistry(ctx, storetest.Registry(t)); err != nil {
		t.Fatal(err)
	}
	if err := c.SaveOrg(ctx, sandik.User{ID: "setup", Role: sandik.RoleAdmin}, storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	return c
}

func openSQLite(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Options{Path: filepath.Join(t.TempDir(), "c.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestShowContactLogFails: when the view cannot be logged, nothing of
// the contacts is shown, and the error says so.
func TestShowContactLogFails(t *testing.T) {
	st := openSQLite(t)
	c := contactCenter(t, failingViews{st}, 0)
	ctx := context.Background()
	p, err := st.Person(ctx, "k-1")
	if err != nil {
		t.Fatal(err)
	}
	admin := sandik.User{ID: "admin", Role: sandik.RoleAdmin}
	got, err := c.ShowContact(ctx, admin, p, "34")
	if err == nil || got.Phones != nil || got.Email != "" || got.Name != p.Name {
		t.Errorf("ShowContact with a failing log = %+v, %v; want the person without contacts and an error", got, err)
	}
	// A person with no phone or e-mail needs no log: the note alone shows.
	z, err := st.Person(ctx, "k-3")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.ShowContact(ctx, admin, z, "34.0135"); err != nil || got.Note != z.Note {
		t.Errorf("a note alone: %+v, %v", got, err)
	}
}

// TestShowContact: allowed views are shown and logged with their fields;
// refused ones are hidden and log nothing; the limit is the configured K.
func TestShowContact(t *testing.T) {
	st := openSQLite(t)
	c := contactCenter(t, st, 2)
	ctx := context.Background()
	p, err := st.Person(ctx, "k-1")
	if err != nil {
		t.Fatal(err)
	}
	district := sandik.User{ID: "kadikoy", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135"}}
	province := sandik.User{ID: "istanbul", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34"}}
	lawyer := sandik.User{ID: "avukat", Role: sandik.RoleLawyer}
	for _, u := range []sandik.User{district, lawyer} {
		got, err := c.ShowContact(ctx, u, p, "34")
		if err != nil || got.Phones != nil || got.Email != "" {
			t.Errorf("%s: %+v, %v; want hidden", u.ID, got, err)
		}
	}
	for range 2 {
		got, err := c.ShowContact(ctx, province, p, "34")
		if err != nil || len(got.Phones) != 2 || got.Email == "" {
			t.Fatalf("the provincial coordinator: %+v, %v", got, err)
		}
	}
	got, err := c.ShowContact(ctx, province, p, "34")
	if sandik.CodeOf(err) != sandik.ETooMany || got.Phones != nil {
		t.Errorf("a third view with K=2: %+v, %v", got, err)
	}
	vs, err := c.ContactViews(ctx, sandik.User{ID: "admin", Role: sandik.RoleAdmin}, sandik.ContactViewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].User != "istanbul" || vs[0].Person != "k-1" || !vs[0].At.Equal(now) || len(vs[0].Fields) != 2 {
		t.Errorf("log = %+v", vs)
	}
	if _, err := c.ContactViews(ctx, province, sandik.ContactViewFilter{}); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a coordinator reads the log: %v", err)
	}
	if err := c.ErasePerson(ctx, province, "k-1", "talep"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a coordinator erases: %v", err)
	}
	if _, err := c.ExportPerson(ctx, province, "k-1"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a coordinator exports: %v", err)
	}
}
