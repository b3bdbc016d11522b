package sqlstore

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAllAndOne(t *testing.T) {
	f := newFake()
	f.rows["q"] = [][]any{{"a"}, {"b"}}
	f.fail["broken"] = errors.New("connection lost")
	ctx := context.Background()
	got, err := All(ctx, f.db(), "read letters", scanString, "q", 1)
	if err != nil || !slices.Equal(got, []string{"a", "b"}) || f.args["q"][0] != 1 {
		t.Fatalf("All = %v, %v (args %v)", got, err, f.args["q"])
	}
	if got, err := All(ctx, f.db(), "read nothing", scanString, "empty"); err != nil || got == nil || len(got) != 0 {
		t.Errorf("All of no rows = %#v, %v; want an empty slice", got, err)
	}
	first, found, err := One(ctx, f.db(), "read a letter", scanString, "q")
	if err != nil || !found || first != "a" {
		t.Errorf("One = %q, %v, %v", first, found, err)
	}
	if _, found, err := One(ctx, f.db(), "read a letter", scanString, "empty"); err != nil || found {
		t.Errorf("One of no rows: found %v, %v", found, err)
	}
	_, err = All(ctx, f.db(), "read letters", scanString, "broken")
	if err == nil || err.Error() != "fake: read letters: connection lost" {
		t.Errorf("a failed query: %v", err)
	}
	_, _, err = One(ctx, f.db(), "read a pair", func(row Row) (string, error) {
		var a, b string
		return a, row.Scan(&a, &b)
	}, "q")
	if err == nil || !strings.HasPrefix(err.Error(), "fake: read a pair: ") {
		t.Errorf("a failed scan: %v", err)
	}
	if f.open != 0 {
		t.Errorf("%d result sets left open", f.open)
	}
}

func TestTimeKeepsZeroAndNanoseconds(t *testing.T) {
	if Nanos(time.Time{}) != 0 || !Time(0).IsZero() {
		t.Fatal("the zero time does not survive a round trip")
	}
	at := time.Date(2024, 3, 31, 17, 1, 2, 987654321, time.FixedZone("+03", 3*3600))
	if got := Time(Nanos(at)); !got.Equal(at) || got.Location() != time.UTC {
		t.Fatalf("round trip of %v gave %v", at, got)
	}
}

func TestDurability(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	if err := Durability("SQLite", nil, false, log); err != nil {
		t.Fatalf("no problems: %v", err)
	}
	problems := []string{"fsync is off", "full_page_writes is off"}
	err := Durability("PostgreSQL", problems, false, log)
	if err == nil || !strings.Contains(err.Error(), "fsync is off; full_page_writes is off") {
		t.Fatalf("refusal: %v", err)
	}
	if logs.Len() != 0 {
		t.Errorf("a refusal was logged: %s", logs.String())
	}
	if err := Durability("PostgreSQL", problems, true, log); err != nil || !strings.Contains(logs.String(), "opening PostgreSQL without") {
		t.Fatalf("unsafe: %v, log %q", err, logs.String())
	}
}
