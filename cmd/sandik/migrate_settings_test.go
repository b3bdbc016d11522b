package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/cmd/internal/proctest"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
)

func migrateStore(t *testing.T, from, to string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code := run(context.Background(), []string{"migrate-store", "-from", from, "-to", to}, strings.NewReader(""), &out, &out,
		func(string) string { return "" })
	return code, out.String()
}

// Saved anomaly thresholds move with the database, SQLite to PostgreSQL
// and back, with their version, author and time: a save made on the
// version seen before the move still meets that version after it.
func TestMigrateStoreCopiesSettings(t *testing.T) {
	url := pgtest.Schema(t)
	dir := t.TempDir()
	first, last := filepath.Join(dir, "first.db"), filepath.Join(dir, "last.db")
	ctx := context.Background()
	st := openSQLite(t, first)
	reg, _ := proctest.PrepareStore(t, st)
	election := reg.Elections[0].Code
	at := time.Date(2024, 3, 31, 22, 0, 0, 123456789, time.UTC)
	c, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	coord := sandik.User{ID: "koord", Name: "Koordinatör", Role: sandik.RoleCoordinator}
	th := anomaly.DefaultThresholds()
	th.TurnoutZ, th.RoundMaxProbability = 4.5, 3e-6
	if _, err := c.SaveThresholds(ctx, coord, election, anomaly.DefaultThresholds(), 0); err != nil {
		t.Fatal(err)
	}
	want, err := c.SaveThresholds(ctx, coord, election, th, 1)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	// Another setting, its JSON spaced as no encoder would write it.
	other := sandik.Setting{Key: "Another/setting", Value: []byte(`{ "b": [1,  2], "a": null }`), Version: 9, UpdatedBy: "admin", UpdatedAt: at.Add(time.Hour)}
	if err := st.PutSetting(ctx, other, 0); err != nil {
		t.Fatal(err)
	}
	st.Close()

	for _, step := range [][2]string{{first, url}, {url, last}} {
		code, out := migrateStore(t, step[0], step[1])
		if code != 0 || !strings.Contains(out, ", 2 settings\n") || !strings.Contains(out, "the same objections and settings") {
			t.Fatalf("migrate-store %s → %s: exit %d\n%s", cli.DisplayDB(step[0]), cli.DisplayDB(step[1]), code, out)
		}
	}
	a, b := openSQLite(t, first), openSQLite(t, last)
	if err := sameSettings(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	got, err := b.Setting(ctx, other.Key)
	if err != nil || !bytes.Equal(got.Value, other.Value) || got.Version != 9 || !got.UpdatedAt.Equal(other.UpdatedAt) {
		t.Fatalf("the other setting after the round trip: %+v (%s), %v", got, got.Value, err)
	}
	cb, err := center.Open(ctx, center.Config{Store: b})
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close()
	moved, err := cb.Thresholds(ctx, election)
	if err != nil || moved != want {
		t.Fatalf("thresholds after the round trip: %+v, %v; want %+v", moved, err, want)
	}
	if _, err := cb.SaveThresholds(ctx, coord, election, th, 1); sandik.CodeOf(err) != sandik.EConflict {
		t.Fatalf("a save on version 1 after the move: %v", err)
	}
	if _, err := cb.SaveThresholds(ctx, coord, election, th, 2); err != nil {
		t.Fatalf("a save on version 2 after the move: %v", err)
	}
}

// The verification finds settings that differ in any field, and a target
// holding only a setting is not empty.
func TestMigrateStoreSettingsChecked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	at := time.Date(2024, 3, 31, 22, 0, 0, 0, time.UTC)
	base := sandik.Setting{Key: "k", Value: []byte(`{"a":1}`), Version: 2, UpdatedBy: "ayse", UpdatedAt: at}
	ref := openSQLite(t, filepath.Join(dir, "ref.db"))
	if err := ref.PutSetting(ctx, base, 0); err != nil {
		t.Fatal(err)
	}
	for i, change := range []func(*sandik.Setting){
		func(*sandik.Setting) {},
		func(s *sandik.Setting) { s.Value = []byte(`{"a": 1}`) },
		func(s *sandik.Setting) { s.Version = 3 },
		func(s *sandik.Setting) { s.UpdatedBy = "ali" },
		func(s *sandik.Setting) { s.UpdatedAt = at.Add(time.Nanosecond) },
		func(s *sandik.Setting) { s.Key = "K" },
	} {
		st := openSQLite(t, filepath.Join(dir, "s"+string(rune('0'+i))+".db"))
		s := base
		change(&s)
		if err := st.PutSetting(ctx, s, 0); err != nil {
			t.Fatal(err)
		}
		err := sameSettings(ctx, ref, st)
		if (err == nil) != (i == 0) {
			t.Errorf("change %d: sameSettings = %v", i, err)
		}
	}
	empty := openSQLite(t, filepath.Join(dir, "empty.db"))
	if err := sameSettings(ctx, ref, empty); err == nil {
		t.Error("a store without the setting compared equal")
	}
	// A target holding a setting and nothing else is refused.
	src := filepath.Join(dir, "src.db")
	openSQLite(t, src).Close()
	code, out := migrateStore(t, src, filepath.Join(dir, "ref.db"))
	if code == 0 || !strings.Contains(out, "not empty") || !strings.Contains(out, "1 settings") {
		t.Fatalf("migrate-store into a database with a setting: exit %d\n%s", code, out)
	}
}
