// Package pgtest gives tests a PostgreSQL schema of their own.
//
// SANDIK_TEST_POSTGRES holds the server's URL. Without it the tests that
// need PostgreSQL are skipped, except in CI (CI=true), where the local
// server is assumed and an unreachable server fails them: a CI run must
// never pass by skipping the PostgreSQL half of the suite.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the test server's URL.
const EnvURL = "SANDIK_TEST_POSTGRES"

// LocalURL is the server CI runs on its own machine.
const LocalURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// URL returns the test server's URL, skipping t when none is configured
// outside CI.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		if os.Getenv("CI") != "true" {
			t.Skipf("%s is not set: PostgreSQL tests skipped (CI=true runs them against %s)", EnvURL, LocalURL)
		}
		u = LocalURL
	}
	return u
}

// Schema creates a schema with a unique name on the test server, drops it
// with everything in it when t ends, and returns a URL whose connections
// work in it. Close every store on it before t ends: the drop waits for
// their connections' locks.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	var b [6]byte
	rand.Read(b[:])
	name := "sandik_test_" + hex.EncodeToString(b[:])
	Exec(t, base, "CREATE SCHEMA "+name)
	t.Cleanup(func() {
		// A connection of its own, opened late: one per live schema would
		// exhaust the server's connections in a property test.
		Exec(t, base, "DROP SCHEMA "+name+" CASCADE")
	})
	return WithSchema(t, base, name)
}

// WithSchema returns base with its search_path set to schema, and the
// schema as the application_name, so a test can find (and cut) its own
// connections among those of tests running beside it.
func WithSchema(t testing.TB, base, schema string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: not a URL: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Exec runs statements on the server at u, failing t on error.
func Exec(t testing.TB, u, sql string, args ...any) {
	t.Helper()
	c := connect(t, u)
	defer c.Close(context.Background())
	if _, err := c.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func connect(t testing.TB, u string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("PostgreSQL at %s=%s is unreachable (in CI this fails rather than skips): %v", EnvURL, redact(u), err)
	}
	return c
}

// redact hides a password in u.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}
