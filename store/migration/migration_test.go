package migration

import (
	"bytes"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoad(t *testing.T) {
	ms, err := Load(fstest.MapFS{
		"migrations/0002_itiraz.sql": {Data: []byte("CREATE TABLE b (x INT);")},
		"migrations/0001_init.sql":   {Data: []byte("CREATE TABLE a (x INT);")},
		"migrations/README.md":       {Data: []byte("not a migration")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Version != 1 || ms[0].Name != "init" || ms[1].Name != "itiraz" || ms[1].SQL != "CREATE TABLE b (x INT);" {
		t.Fatalf("%+v", ms)
	}
	for name, files := range map[string]fstest.MapFS{
		"gap":       {"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		"repeat":    {"migrations/0001_a.sql": {}, "migrations/0001_b.sql": {}},
		"bad name":  {"migrations/1_a.sql": {}},
		"no number": {"migrations/init.sql": {}},
	} {
		if _, err := Load(files); err == nil {
			t.Errorf("%s: Load accepted it", name)
		}
	}
}

func TestApplyRunsThePendingInOrder(t *testing.T) {
	ms := []Migration{{Version: 1, Name: "a"}, {Version: 2, Name: "b"}, {Version: 3, Name: "c"}}
	var ran []string
	var logs bytes.Buffer
	err := Apply(ms, 1, func(m Migration) error {
		ran = append(ran, m.Name)
		return nil
	}, slog.New(slog.NewTextHandler(&logs, nil)), "schema", "s1")
	if err != nil || !slices.Equal(ran, []string{"b", "c"}) {
		t.Fatalf("Apply from version 1 ran %v (%v), want b and c", ran, err)
	}
	if n := strings.Count(logs.String(), "applied migration"); n != 2 || !strings.Contains(logs.String(), "schema=s1") {
		t.Errorf("log:\n%s", logs.String())
	}
}

func TestApplyStopsAtAFailure(t *testing.T) {
	ms := []Migration{{Version: 1, Name: "a"}, {Version: 2, Name: "broken"}, {Version: 3, Name: "c"}}
	boom := errors.New("boom")
	var ran []string
	err := Apply(ms, 0, func(m Migration) error {
		ran = append(ran, m.Name)
		if m.Name == "broken" {
			return boom
		}
		return nil
	}, slog.New(slog.DiscardHandler))
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "0002_broken") || !slices.Equal(ran, []string{"a", "broken"}) {
		t.Fatalf("Apply = %v after %v; want the failure of 0002_broken and nothing after it", err, ran)
	}
}

func TestApplyRefusesANewerDatabase(t *testing.T) {
	err := Apply([]Migration{{Version: 1, Name: "a"}}, 2, func(Migration) error {
		t.Fatal("applied a migration to a newer database")
		return nil
	}, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "newer than this program knows") {
		t.Fatalf("Apply on version 2 of 1: %v", err)
	}
	if err := Apply(nil, 0, nil, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("Apply with nothing to do: %v", err)
	}
}
