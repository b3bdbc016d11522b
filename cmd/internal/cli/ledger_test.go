package cli

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/store/storetest"
)

// The server verifies the ledger before it serves: a fresh database
// passes, a ledger edited behind its back is refused unless the operator
// gives a reason, and the refusal names the first bad record.
func TestVerifyAtStart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sf := &StoreFlags{DB: filepath.Join(dir, "s.db"), Serve: true}
	log := slog.New(slog.DiscardHandler)
	open := func() *sqlite.Store {
		st, err := sqlite.Open(ctx, sqlite.Options{Path: sf.DB})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	st := open()
	if err := verifyAtStart(ctx, st, sf, log); err != nil {
		t.Fatalf("a fresh database: %v", err)
	}
	if _, err := st.Append(ctx, storetest.Subs("a", 5)); err != nil {
		t.Fatal(err)
	}
	if err := verifyAtStart(ctx, st, sf, log); err != nil {
		t.Fatalf("unsigned leaves (an import before the first start): %v", err)
	}
	c, err := center.Open(ctx, center.Config{Store: st, LedgerKey: sf.LedgerKeyPath()})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := verifyAtStart(ctx, st, sf, log); err != nil {
		t.Fatalf("a signed, untouched ledger: %v", err)
	}
	st.Close()

	db, err := sql.Open("sqlite", "file:"+sf.DB)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TRIGGER ledger_records_no_update",
		"UPDATE ledger_records SET seq = seq + 100 WHERE idx = 2"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	st = open()
	defer st.Close()
	err = verifyAtStart(ctx, st, sf, log)
	if err == nil || !strings.Contains(err.Error(), "record 2") || !strings.Contains(err.Error(), "-serve-unverified-log") {
		t.Fatalf("an edited ledger: %v", err)
	}
	sf.Unverified = "the auditor has a copy"
	if err := verifyAtStart(ctx, st, sf, log); err != nil {
		t.Fatalf("with a reason: %v", err)
	}
	sf.Unverified = ""
	// Checkpoints were signed, and the key is gone.
	if err := os.Rename(sf.LedgerKeyPath(), sf.LedgerKeyPath()+".lost"); err != nil {
		t.Fatal(err)
	}
	if err := verifyAtStart(ctx, st, sf, log); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("a lost key: %v", err)
	}
}
