package center_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/storetest"
)

const election sandik.ElectionCode = "2024-yerel"

var admin = sandik.User{ID: "yonetici", Name: "Yönetici", Role: sandik.RoleAdmin}

// tuned are thresholds other than the defaults in every field.
func tuned() anomaly.Thresholds {
	return anomaly.Thresholds{MinGroupSize: 5, TurnoutMaxPercent: 105, TurnoutZ: 4.5, TurnoutMinPoints: 7.5, InvalidZ: 5, InvalidMinPoints: 2,
		ZeroChoiceMinMedianPercent: 20, ZeroChoiceMinValid: 80, RoundMinCounts: 6, RoundMaxProbability: 1e-6}
}

func thresholds(t *testing.T, c *center.Center, e sandik.ElectionCode) center.ElectionThresholds {
	t.Helper()
	got, err := c.Thresholds(context.Background(), e)
	if err != nil {
		t.Fatalf("Thresholds(%s): %v", e, err)
	}
	return got
}

func wantDefaults(t *testing.T, got center.ElectionThresholds, what string) {
	t.Helper()
	if got.Thresholds != anomaly.DefaultThresholds() || got.Version != 0 || got.UpdatedBy != "" || !got.UpdatedAt.IsZero() {
		t.Fatalf("%s: %+v, want the defaults at version 0", what, got)
	}
}

func TestThresholdsAreTheDefaultsUntilSaved(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	wantDefaults(t, thresholds(t, f.c, election), "a new centre")
	got, err := f.c.RaceThresholds(ctx, storetest.Race)
	if err != nil {
		t.Fatal(err)
	}
	wantDefaults(t, got, "the race's thresholds")
	_, err = f.c.Thresholds(ctx, "no-such-election")
	if sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("unknown election: %v", err)
	}
	_, err = f.c.RaceThresholds(ctx, "no-such-race")
	if sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("unknown race: %v", err)
	}
}

func TestSaveThresholds(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	saved, err := f.c.SaveThresholds(ctx, coord, election, tuned(), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := center.ElectionThresholds{Election: election, Thresholds: tuned(), Version: 1, UpdatedBy: coord.ID, UpdatedAt: now}
	if saved != want {
		t.Fatalf("SaveThresholds = %+v, want %+v", saved, want)
	}
	if got := thresholds(t, f.c, election); got != want {
		t.Fatalf("after a save: %+v, want %+v", got, want)
	}
	if got, _ := f.c.RaceThresholds(ctx, storetest.Race); got != want {
		t.Fatalf("the race's thresholds after a save: %+v", got)
	}
	// An administrator saves over it; back to the defaults is a save too.
	if _, err := f.c.SaveThresholds(ctx, admin, election, anomaly.DefaultThresholds(), 1); err != nil {
		t.Fatal(err)
	}
	got := thresholds(t, f.c, election)
	if got.Thresholds != anomaly.DefaultThresholds() || got.Version != 2 || got.UpdatedBy != admin.ID {
		t.Fatalf("after a reset: %+v", got)
	}
}

// Another election keeps its own thresholds.
func TestThresholdsArePerElection(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	base := storetest.Registry(t)
	reg, err := sandik.NewRegistry(base.Areas,
		append(base.Elections, sandik.Election{Code: "2025-ara", Name: "Ara seçim", Date: time.Date(2025, 6, 1, 21, 0, 0, 0, time.UTC), Quorum: 2}),
		append(base.Races, sandik.Race{Code: "2025-ara.34", Election: "2025-ara", Name: "Ara seçim", Scope: "34", Choices: base.Races[0].Choices}),
		base.Registrations)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.c.ImportRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.SaveThresholds(ctx, coord, election, tuned(), 0); err != nil {
		t.Fatal(err)
	}
	wantDefaults(t, thresholds(t, f.c, "2025-ara"), "the other election")
	other, _ := f.c.RaceThresholds(ctx, "2025-ara.34")
	wantDefaults(t, other, "the other election's race")
	th := tuned()
	th.TurnoutZ = 9
	if _, err := f.c.SaveThresholds(ctx, coord, "2025-ara", th, 0); err != nil {
		t.Fatal(err)
	}
	if got := thresholds(t, f.c, election); got.Thresholds != tuned() || got.Version != 1 {
		t.Fatalf("the first election after the other's save: %+v", got)
	}
	if got := thresholds(t, f.c, "2025-ara"); got.Thresholds.TurnoutZ != 9 || got.Version != 1 {
		t.Fatalf("the other election: %+v", got)
	}
}

// Only coordinators and administrators of the whole centre save; nothing
// is stored for anyone else.
func TestSaveThresholdsForbidden(t *testing.T) {
	f := newCenter(t)
	for _, u := range []sandik.User{
		{ID: "gozlemci", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34"}},
		{ID: "gonullu", Role: sandik.RoleVolunteer},
		{ID: "avukat", Role: sandik.RoleLawyer},
		{ID: "ilce-koord", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135"}},
	} {
		_, err := f.c.SaveThresholds(context.Background(), u, election, tuned(), 0)
		if sandik.CodeOf(err) != sandik.EForbidden {
			t.Errorf("%s (%s): %v, want forbidden", u.ID, u.Role, err)
		}
	}
	wantDefaults(t, thresholds(t, f.c, election), "after refused saves")
}

func TestSaveThresholdsValidates(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	th := tuned()
	th.MinGroupSize, th.TurnoutZ, th.RoundMaxProbability = 2, 0, 1
	_, err := f.c.SaveThresholds(ctx, coord, election, th, 0)
	var fields []string
	for _, p := range sandik.ProblemsOf(err) {
		fields = append(fields, p.Field)
	}
	if sandik.CodeOf(err) != sandik.EInvalid || strings.Join(fields, ",") != "min_group_size,turnout_z,round_max_probability" {
		t.Errorf("invalid thresholds: %v (fields %v)", err, fields)
	}
	if _, err := f.c.SaveThresholds(ctx, coord, election, tuned(), -1); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("version -1: %v", err)
	}
	if _, err := f.c.SaveThresholds(ctx, coord, "no-such-election", tuned(), 0); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("unknown election: %v", err)
	}
	wantDefaults(t, thresholds(t, f.c, election), "after invalid saves")
}

// A save made on a version someone has saved over is refused, says who
// saved and when, and changes nothing.
func TestSaveThresholdsStale(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	first, err := f.c.SaveThresholds(ctx, coord, election, tuned(), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.c.SaveThresholds(ctx, admin, election, anomaly.DefaultThresholds(), 0)
	msg := sandik.MessageOf(err)
	if sandik.CodeOf(err) != sandik.EConflict || !strings.Contains(msg, "version 1") || !strings.Contains(msg, string(coord.ID)) ||
		!strings.Contains(msg, "made on version 0") || !strings.Contains(msg, now.Format(time.RFC3339)) {
		t.Errorf("a save on version 0 after version 1: %v", err)
	}
	if _, err := f.c.SaveThresholds(ctx, admin, election, anomaly.DefaultThresholds(), 4); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("a save on version 4 of 1: %v", err)
	}
	if got := thresholds(t, f.c, election); got != first {
		t.Fatalf("after stale saves: %+v, want %+v", got, first)
	}
}

// Coordinators saving at once from the same version: exactly one wins.
func TestSaveThresholdsConcurrent(t *testing.T) {
	f := newCenter(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			th := tuned()
			th.MinGroupSize = 10 + i
			u := sandik.User{ID: sandik.UserID(fmt.Sprintf("koord-%d", i)), Role: sandik.RoleCoordinator}
			_, errs[i] = f.c.SaveThresholds(context.Background(), u, election, th, 0)
		})
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch sandik.CodeOf(err) {
		case "":
			if won >= 0 {
				t.Fatalf("both %d and %d saved on version 0", won, i)
			}
			won = i
		case sandik.EConflict:
		default:
			t.Fatalf("saver %d: %v", i, err)
		}
	}
	got := thresholds(t, f.c, election)
	if won < 0 || got.Version != 1 || got.Thresholds.MinGroupSize != 10+won || got.UpdatedBy != sandik.UserID(fmt.Sprintf("koord-%d", won)) {
		t.Fatalf("winner %d, stored %+v", won, got)
	}
}

// Two centres on one database — two instances — see each other's save at
// once, and a restart keeps it.
func TestThresholdsSharedAndKept(t *testing.T) {
	a := newCenter(t)
	b := open(t, a.path)
	saved, err := a.c.SaveThresholds(context.Background(), coord, election, tuned(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := thresholds(t, b.c, election); got != saved {
		t.Fatalf("the other instance reads %+v, want %+v", got, saved)
	}
	if _, err := b.c.SaveThresholds(context.Background(), admin, election, anomaly.DefaultThresholds(), 0); sandik.CodeOf(err) != sandik.EConflict {
		t.Fatalf("a stale save through the other instance: %v", err)
	}
	a.close()
	b.close()
	r := open(t, a.path)
	if got := thresholds(t, r.c, election); got != saved {
		t.Fatalf("after a restart: %+v, want %+v", got, saved)
	}
}

// Thresholds saved by an older or newer binary: a missing one takes its
// default, an out-of-range one falls back to its default, the rest hold.
func TestStoredThresholdsReadOverDefaults(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	put := func(version int, value string) {
		t.Helper()
		err := f.store.PutSetting(ctx, sandik.Setting{Key: "anomaly_thresholds/" + string(election), Value: []byte(value), Version: version,
			UpdatedBy: "eski", UpdatedAt: now}, version-1)
		if err != nil {
			t.Fatal(err)
		}
	}
	put(1, `{"min_group_size": 2, "turnout_z": 4.5, "retired_threshold": 3}`)
	got := thresholds(t, f.c, election)
	want := anomaly.DefaultThresholds()
	want.TurnoutZ = 4.5
	if got.Thresholds != want || got.Version != 1 || got.UpdatedBy != "eski" {
		t.Fatalf("read over the defaults: %+v, want %+v", got, want)
	}
	put(2, `{"turnout_z": "high"}`)
	if got := thresholds(t, f.c, election); got.Thresholds != anomaly.DefaultThresholds() || got.Version != 2 {
		t.Fatalf("unreadable thresholds: %+v, want the defaults at version 2", got)
	}
	// A save still goes on from the stored version.
	if _, err := f.c.SaveThresholds(ctx, coord, election, tuned(), 2); err != nil {
		t.Fatal(err)
	}
}
