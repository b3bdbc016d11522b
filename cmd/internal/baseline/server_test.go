package baseline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
)

// targets are the databases a test runs on: a SQLite file always, and
// PostgreSQL when the test server is configured (pgtest.URL skips it
// otherwise, and fails it in CI when unreachable).
func targets(t *testing.T, run func(t *testing.T, where string)) {
	t.Run("sqlite", func(t *testing.T) { run(t, t.TempDir()) })
	t.Run("postgres", func(t *testing.T) { run(t, pgtest.URL(t)) })
}

func open(t *testing.T, where, name string) *DB {
	t.Helper()
	db, err := Open(t.Context(), where, name, 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

func body(id, race, box string, votes map[string]int64) []byte {
	b, _ := json.Marshal(map[string]any{"id": id, "race": race, "box": box, "source": "entry", "registered": 350,
		"voted": 300, "valid_without_objection": 290, "valid_upon_objection": 0, "valid_total": 290, "invalid_total": 10, "votes": votes})
	return b
}

func post(t *testing.T, url string, b []byte) (int, string) {
	t.Helper()
	resp, err := http.Post(url+"/api/v1/submissions", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(got)
}

// The prototype answers 200 only for a committed submission: with one id
// in ten refused by the database, every submission batched with a
// refused one is answered 503 and absent, every 200 is present once, and
// the table holds exactly what was acknowledged.
func TestPrototypeAcknowledgesOnlyCommitted(t *testing.T) {
	targets(t, func(t *testing.T, where string) {
		db := open(t, where, "proto")
		p, err := NewPrototype(t.Context(), db, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		refuse := `CREATE TRIGGER refuse BEFORE INSERT ON proto_submissions WHEN NEW.id LIKE 'fail%' BEGIN SELECT RAISE(ABORT, 'refused'); END`
		if db.Postgres() {
			refuse = `ALTER TABLE proto_submissions ADD CONSTRAINT refuse CHECK (id NOT LIKE 'fail%')`
		}
		if err := db.Exec(t.Context(), refuse); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(p)
		defer srv.Close()
		var mu sync.Mutex
		codes := map[string]int{}
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Go(func() {
				for i := range 40 {
					id := fmt.Sprintf("w%d-%d", w, i)
					if i%10 == 9 {
						id = "fail-" + id
					}
					code, _ := post(t, srv.URL, body(id, "race1", "box1", map[string]int64{"a": 1}))
					mu.Lock()
					codes[id] = code
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		ids, err := p.IDs(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		acked, refused := 0, 0
		for id, code := range codes {
			switch {
			case code == http.StatusOK:
				acked++
				if ids[id] != 1 {
					t.Errorf("%s acknowledged, stored %d times", id, ids[id])
				}
			case code == http.StatusServiceUnavailable:
				refused++
				if ids[id] != 0 {
					t.Errorf("%s answered %d but stored", id, code)
				}
			default:
				t.Errorf("%s answered %d", id, code)
			}
			if strings.HasPrefix(id, "fail") && code == http.StatusOK {
				t.Errorf("%s refused by the database but acknowledged", id)
			}
		}
		if acked == 0 || refused < 64 {
			t.Fatalf("acknowledged %d, refused %d: want some of each, at least the 64 refused ids", acked, refused)
		}
		n, err := p.Rows(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(acked) {
			t.Errorf("table holds %d rows, acknowledged %d", n, acked)
		}
		if s := p.Stats(); s.Items != int64(acked) || s.Batches < 1 || s.Batches > s.Items {
			t.Errorf("stats %+v for %d acknowledged", s, acked)
		}
	})
}

// A body the API would refuse is refused with the field named, and
// nothing is written.
func TestPrototypeRefusesBadBodies(t *testing.T) {
	db := open(t, t.TempDir(), "proto")
	p, err := NewPrototype(t.Context(), db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	srv := httptest.NewServer(p)
	defer srv.Close()
	for _, tc := range []struct{ body, want string }{
		{`{"race":"r","box":"b"}`, "id: missing"},
		{`{"id":"x","box":"b"}`, "race: missing"},
		{`{"id":"x","race":"r"}`, "box: missing"},
		{`{"id":"x","race":"r","box":"b","colour":"red"}`, "unknown field"},
		{`{"id":"x","race":"r","box":"b"} {}`, "data after"},
		{`{"id":"x","race":"r","box":"b","votes":{"a":"many"}}`, "body:"},
		{`{"id":"` + strings.Repeat("x", 129) + `","race":"r","box":"b"}`, "longer than 128"},
	} {
		code, got := post(t, srv.URL, []byte(tc.body))
		if code != http.StatusBadRequest || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %d %s, want 400 naming %q", tc.body, code, got, tc.want)
		}
	}
	if n, err := p.Rows(t.Context()); err != nil || n != 0 {
		t.Errorf("rows %d, %v after refused bodies", n, err)
	}
}

// The field's way: a later entry of a box replaces its rows, and an
// area's totals are the sum of its boxes' rows, at every level, in both
// commit modes.
func TestFieldTotals(t *testing.T) {
	for _, mode := range []string{CommitEach, CommitGroup} {
		t.Run(mode, func(t *testing.T) {
			targets(t, func(t *testing.T, where string) {
				db := open(t, where, "field")
				f, err := NewField(t.Context(), db, FieldConfig{Country: "TR", Races: []string{"r1", "r2"}, Commit: mode,
					Places: map[string]Place{"b1": {"01", "01a"}, "b2": {"01", "01b"}, "b3": {"02", "02a"}}})
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				srv := httptest.NewServer(f)
				defer srv.Close()
				for _, s := range []struct {
					race, box string
					votes     map[string]int64
				}{
					{"r1", "b1", map[string]int64{"a": 10, "b": 5}},
					{"r1", "b1", map[string]int64{"a": 12, "b": 3}}, // the second entry replaces the first
					{"r1", "b2", map[string]int64{"a": 1, "b": 1}},
					{"r1", "b3", map[string]int64{"a": 7, "b": 0}},
					{"r2", "b3", map[string]int64{"a": 100, "b": 100}},
				} {
					if code, got := post(t, srv.URL, body("x", s.race, s.box, s.votes)); code != http.StatusOK {
						t.Fatalf("%+v: %d %s", s, code, got)
					}
				}
				for area, want := range map[string]string{
					"TR":  `{"race":"r1","area":"TR","choices":[{"code":"a","votes":20},{"code":"b","votes":4}]}`,
					"01":  `{"race":"r1","area":"01","choices":[{"code":"a","votes":13},{"code":"b","votes":4}]}`,
					"02":  `{"race":"r1","area":"02","choices":[{"code":"a","votes":7},{"code":"b","votes":0}]}`,
					"01b": `{"race":"r1","area":"01b","choices":[{"code":"a","votes":1},{"code":"b","votes":1}]}`,
				} {
					resp, err := http.Get(srv.URL + "/api/v1/races/r1/totals/" + area)
					if err != nil {
						t.Fatal(err)
					}
					got, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || string(got) != want {
						t.Errorf("totals of %s: %d %s, want %s", area, resp.StatusCode, got, want)
					}
				}
				if n, err := f.Rows(t.Context()); err != nil || n != 8 {
					t.Errorf("rows %d, %v: want 8 (4 box×race × 2 choices)", n, err)
				}
				// Filled outside the load, the same rows count the same way.
				if err := f.Fill(t.Context(), []Submission{
					{Race: "r1", Box: "b2", Votes: map[string]int64{"a": 2, "b": 2}},
					{Race: "r2", Box: "b1", Votes: map[string]int64{"a": 1, "b": 1}},
				}); err != nil {
					t.Fatal(err)
				}
				if got, err := f.Totals(t.Context(), "r1", "01"); err != nil || got["a"] != 14 || got["b"] != 5 {
					t.Errorf("il 01 after Fill: %v, %v; want a 14, b 5", got, err)
				}
				if n, err := f.Rows(t.Context()); err != nil || n != 10 {
					t.Errorf("rows %d, %v after Fill: want 10", n, err)
				}
				if err := f.Fill(t.Context(), []Submission{{Race: "r1", Box: "nowhere"}}); err == nil {
					t.Error("Fill with an unknown box: no error")
				}
				for _, tc := range []struct {
					b    []byte
					code int
					want string
				}{
					{body("y", "r1", "nowhere", map[string]int64{"a": 1}), http.StatusUnprocessableEntity, "box:"},
					{body("y", "r9", "b1", map[string]int64{"a": 1}), http.StatusUnprocessableEntity, "race:"},
					{body("y", "r1", "b1", map[string]int64{"a": -1}), http.StatusUnprocessableEntity, "votes.a: negative"},
					{body("y", "r1", "b1", nil), http.StatusUnprocessableEntity, "votes: none"},
				} {
					if code, got := post(t, srv.URL, tc.b); code != tc.code || !strings.Contains(got, tc.want) {
						t.Errorf("%s: %d %s, want %d naming %q", tc.b, code, got, tc.code, tc.want)
					}
				}
				for _, path := range []string{"/api/v1/races/r1/totals/nowhere", "/api/v1/races/r9/totals/TR"} {
					resp, err := http.Get(srv.URL + path)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusNotFound {
						t.Errorf("%s: %d, want 404", path, resp.StatusCode)
					}
				}
			})
		})
	}
}

// Many concurrent entries of the same boxes in group mode (batches with
// repeated boxes) leave one row per race, box and choice.
func TestFieldGroupRepeatedBoxes(t *testing.T) {
	targets(t, func(t *testing.T, where string) {
		db := open(t, where, "field")
		f, err := NewField(t.Context(), db, FieldConfig{Country: "TR", Races: []string{"r1"}, Commit: CommitGroup,
			Places: map[string]Place{"b1": {"01", "01a"}, "b2": {"01", "01a"}}})
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		srv := httptest.NewServer(f)
		defer srv.Close()
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Go(func() {
				for range 10 {
					if code, got := post(t, srv.URL, body("z", "r1", fmt.Sprintf("b%d", 1+w%2), map[string]int64{"a": 5, "b": 6})); code != http.StatusOK {
						t.Errorf("%d %s", code, got)
					}
				}
			})
		}
		wg.Wait()
		got, err := f.Totals(context.Background(), "r1", "TR")
		if err != nil {
			t.Fatal(err)
		}
		if got["a"] != 10 || got["b"] != 12 {
			t.Errorf("totals %v, want a 10, b 12", got)
		}
	})
}

// Open refuses a PostgreSQL server that would not make a commit durable,
// and drops the schema it made on Close.
func TestOpenPostgres(t *testing.T) {
	base := pgtest.URL(t)
	u := base + "&options=-c%20synchronous_commit%3Doff"
	if !strings.Contains(base, "?") {
		u = base + "?options=-c%20synchronous_commit%3Doff"
	}
	if _, err := Open(t.Context(), u, "x", 1); err == nil || !strings.Contains(err.Error(), "synchronous_commit off") {
		t.Fatalf("synchronous_commit off: %v", err)
	}
	db, err := Open(t.Context(), base, "x", 1)
	if err != nil {
		t.Fatal(err)
	}
	schema := db.schema
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := pgx.Connect(t.Context(), base)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	var n int
	if err := c.QueryRow(t.Context(), `SELECT count(*) FROM pg_namespace WHERE nspname = $1`, schema).Scan(&n); err != nil || n != 0 {
		t.Fatalf("schema %s after Close: %d, %v", schema, n, err)
	}
}
