package migration

import (
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
