package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

var settingTests = []test{
	{"RoundTrip", testSettingRoundTrip},
	{"NotFound", testSettingNotFound},
	{"StaleVersion", testSettingStaleVersion},
	{"Invalid", testSettingInvalid},
	{"ConcurrentWriters", testSettingConcurrentWriters},
	{"ConcurrentInstances", testSettingConcurrentInstances},
	{"SurvivesReopen", testSettingSurvivesReopen},
	{"ListedByKey", testSettingListedByKey},
}

// settingAt is when the fixture settings are saved: nanoseconds and a zone
// other than UTC included, so that a backend rounding or misreading times
// is caught.
func settingAt() time.Time {
	return time.Date(2024, 3, 31, 22, 4, 5, 123456789, time.FixedZone("TRT", 3*3600))
}

// Setting returns a setting of key at version, its value naming both so
// that every save is told apart. The value keeps spaces and an order of
// keys a backend normalising JSON would change.
func Setting(key string, version int, by sandik.UserID) sandik.Setting {
	return sandik.Setting{Key: key, Version: version, UpdatedBy: by, UpdatedAt: settingAt().Add(time.Duration(version) * time.Minute),
		Value: fmt.Appendf(nil, `{"z": %d,  "a": "%s by %s", "x": [1.5e-5, 0]}`, version, key, by)}
}

func put(t *testing.T, s sandik.SettingStore, st sandik.Setting, prev int) {
	t.Helper()
	if err := s.PutSetting(context.Background(), st, prev); err != nil {
		t.Fatalf("PutSetting(%s v%d over v%d): %v", st.Key, st.Version, prev, err)
	}
}

// wantSetting fails unless key holds exactly want.
func wantSetting(t *testing.T, s sandik.SettingStore, want sandik.Setting, what string) {
	t.Helper()
	got, err := s.Setting(context.Background(), want.Key)
	if err != nil {
		t.Fatalf("%s: Setting(%s): %v", what, want.Key, err)
	}
	if !sameSetting(got, want) {
		t.Fatalf("%s: Setting(%s) = %+v (value %s), want %+v (value %s)", what, want.Key, got, got.Value, want, want.Value)
	}
}

func sameSetting(a, b sandik.Setting) bool {
	return a.Key == b.Key && bytes.Equal(a.Value, b.Value) && a.Version == b.Version && a.UpdatedBy == b.UpdatedBy && a.UpdatedAt.Equal(b.UpdatedAt)
}

func testSettingRoundTrip(t *testing.T, o Opener) {
	s := o.Open(t)
	v1 := Setting("anomaly_thresholds/2024-yerel", 1, "ayse")
	put(t, s, v1, 0)
	wantSetting(t, s, v1, "the first save")
	v2 := Setting("anomaly_thresholds/2024-yerel", 2, "mehmet")
	put(t, s, v2, 1)
	wantSetting(t, s, v2, "the second save")
	// A copy keeps the version it had: a setting may be stored at any
	// version above the one it replaces.
	v7 := Setting("copied", 7, "ayse")
	put(t, s, v7, 0)
	wantSetting(t, s, v7, "a setting stored at version 7")
}

func testSettingNotFound(t *testing.T, o Opener) {
	s := o.Open(t)
	_, err := s.Setting(context.Background(), "nothing")
	wantCode(t, err, sandik.ENotFound, "a setting never saved")
	all, err := s.Settings(context.Background())
	if err != nil || len(all) != 0 {
		t.Fatalf("Settings of a new store: %v, %d settings", err, len(all))
	}
}

// A save made on any version but the stored one changes nothing.
func testSettingStaleVersion(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	v1 := Setting("k", 1, "ayse")
	put(t, s, v1, 0)
	v2 := Setting("k", 2, "mehmet")
	put(t, s, v2, 1)
	for _, c := range []struct {
		st   sandik.Setting
		prev int
		what string
	}{
		{Setting("k", 2, "ali"), 1, "a save on version 1 when 2 is stored"},
		{Setting("k", 1, "ali"), 0, "a first save when one exists"},
		{Setting("k", 6, "ali"), 5, "a save on a version not yet stored"},
	} {
		wantCode(t, s.PutSetting(ctx, c.st, c.prev), sandik.EConflict, c.what)
		wantSetting(t, s, v2, "after "+c.what)
	}
	wantCode(t, s.PutSetting(ctx, Setting("new", 2, "ali"), 1), sandik.EConflict, "a save on version 1 of a key never saved")
	_, err := s.Setting(ctx, "new")
	wantCode(t, err, sandik.ENotFound, "a key after a refused save")
}

func testSettingInvalid(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	ok := Setting("k", 1, "ayse")
	long := make([]byte, sandik.MaxSettingKey+1)
	for i := range long {
		long[i] = 'k'
	}
	for _, c := range []struct {
		what   string
		change func(*sandik.Setting)
		prev   int
	}{
		{"an empty key", func(st *sandik.Setting) { st.Key = "" }, 0},
		{"a key too long", func(st *sandik.Setting) { st.Key = string(long) }, 0},
		{"a value that is not JSON", func(st *sandik.Setting) { st.Value = []byte(`{"a": 1`) }, 0},
		{"an empty value", func(st *sandik.Setting) { st.Value = nil }, 0},
		{"a value too large", func(st *sandik.Setting) { st.Value = []byte(`"` + string(make([]byte, sandik.MaxSettingValue)) + `"`) }, 0},
		{"a version not above the one replaced", func(st *sandik.Setting) { st.Version = 1 }, 1},
		{"version 0", func(st *sandik.Setting) { st.Version = 0 }, 0},
		{"a negative version replaced", func(st *sandik.Setting) {}, -1},
		{"no author", func(st *sandik.Setting) { st.UpdatedBy = "" }, 0},
	} {
		st := ok
		c.change(&st)
		wantCode(t, s.PutSetting(ctx, st, c.prev), sandik.EInvalid, c.what)
	}
	all, err := s.Settings(ctx)
	if err != nil || len(all) != 0 {
		t.Fatalf("after invalid saves: %v, %d settings stored", err, len(all))
	}
}

// race has n writers save key at once over version prev, half through
// each store given, and checks that exactly one succeeded, the others got
// EConflict, and the winner's setting is the one stored.
func race(t *testing.T, stores []sandik.SettingStore, key string, prev int) {
	t.Helper()
	const n = 12
	var wg sync.WaitGroup
	errs := make([]error, n)
	saves := make([]sandik.Setting, n)
	start := make(chan struct{})
	for i := range n {
		saves[i] = Setting(key, prev+1, sandik.UserID(fmt.Sprintf("writer-%d", i)))
		wg.Go(func() {
			<-start
			errs[i] = stores[i%len(stores)].PutSetting(context.Background(), saves[i], prev)
		})
	}
	close(start)
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch sandik.CodeOf(err) {
		case "":
			if won >= 0 {
				t.Fatalf("over version %d both writer %d and writer %d succeeded", prev, won, i)
			}
			won = i
		case sandik.EConflict:
		default:
			t.Fatalf("writer %d: unexpected error %v", i, err)
		}
	}
	if won < 0 {
		t.Fatalf("over version %d no writer succeeded", prev)
	}
	for _, s := range stores {
		wantSetting(t, s, saves[won], fmt.Sprintf("after writer %d won over version %d", won, prev))
	}
}

func testSettingConcurrentWriters(t *testing.T, o Opener) {
	s := o.Open(t)
	race(t, []sandik.SettingStore{s}, "k", 0) // the first save
	race(t, []sandik.SettingStore{s}, "k", 1) // a change
}

// Two instances on one database: a save through one is seen by the other,
// and their writers racing still leave exactly one winner.
func testSettingConcurrentInstances(t *testing.T, o Opener) {
	a := o.Open(t)
	b := o.Reopen(t, a)
	race(t, []sandik.SettingStore{a, b}, "k", 0)
	race(t, []sandik.SettingStore{a, b}, "k", 1)
	v3 := Setting("k", 3, "ayse")
	put(t, b, v3, 2)
	wantSetting(t, a, v3, "instance A reading B's save")
	wantCode(t, a.PutSetting(context.Background(), Setting("k", 3, "ali"), 2), sandik.EConflict, "instance A saving on the version B replaced")
}

func testSettingSurvivesReopen(t *testing.T, o Opener) {
	s := o.Open(t)
	v1 := Setting("k", 1, "ayse")
	put(t, s, v1, 0)
	v2 := Setting("k", 2, "mehmet")
	put(t, s, v2, 1)
	other := Setting("other", 1, "ayse")
	put(t, s, other, 0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r := o.Reopen(t, s)
	wantSetting(t, r, v2, "after a reopen")
	wantSetting(t, r, other, "the other setting after a reopen")
	// The version goes on from the stored one.
	wantCode(t, r.PutSetting(context.Background(), Setting("k", 2, "ali"), 1), sandik.EConflict, "a stale save after a reopen")
	put(t, r, Setting("k", 3, "ali"), 2)
}

// Settings lists by key in byte order, whatever the database's collation.
func testSettingListedByKey(t *testing.T, o Opener) {
	s := o.Open(t)
	keys := []string{"b", "B", "a", "anomaly_thresholds/2024", "anomaly_thresholds/2019", "Ç"}
	want := map[string]sandik.Setting{}
	for _, k := range keys {
		st := Setting(k, 1, "ayse")
		put(t, s, st, 0)
		want[k] = st
	}
	all, err := s.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	order := []string{"B", "a", "anomaly_thresholds/2019", "anomaly_thresholds/2024", "b", "Ç"}
	if len(all) != len(order) {
		t.Fatalf("Settings: %d, want %d", len(all), len(order))
	}
	for i, st := range all {
		if st.Key != order[i] || !sameSetting(st, want[order[i]]) {
			t.Fatalf("Settings[%d] = %+v (value %s), want %+v", i, st, st.Value, want[order[i]])
		}
	}
}
