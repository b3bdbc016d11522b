package pgtest

import (
	"context"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestWithSchema(t *testing.T) {
	u, err := url.Parse(WithSchema(t, "postgres://u:p@h:5432/db?sslmode=disable", "s1"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("search_path") != "s1" || q.Get("application_name") != "s1" || q.Get("sslmode") != "disable" || u.User.String() != "u:p" {
		t.Fatalf("WithSchema gave %s", u)
	}
}

func TestRedact(t *testing.T) {
	if got := redact("postgres://u:secret@h/db"); got != "postgres://u:xxxxx@h/db" {
		t.Fatalf("redact = %q", got)
	}
}

// Schema gives a schema that exists during the test and is gone after it.
func TestSchemaIsDropped(t *testing.T) {
	var name string
	t.Run("inner", func(t *testing.T) {
		u := Schema(t)
		c, err := pgx.Connect(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background())
		if err := c.QueryRow(context.Background(), `SELECT current_schema()`).Scan(&name); err != nil || name == "" {
			t.Fatalf("current_schema() = %q, %v", name, err)
		}
	})
	if name == "" {
		t.Skip("no schema was made")
	}
	c, err := pgx.Connect(context.Background(), URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	var n int
	if err := c.QueryRow(context.Background(), `SELECT count(*) FROM pg_namespace WHERE nspname = $1`, name).Scan(&n); err != nil || n != 0 {
		t.Fatalf("schema %s still there after the test (%d, %v)", name, n, err)
	}
}
