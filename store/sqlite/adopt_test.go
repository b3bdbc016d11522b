package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
	"github.com/sandik-dev/sandik/store/storetest"
)

// writeEverything gives s a submission, a user, an objection event and a
// setting.
func writeEverything(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)
	if _, err := s.Append(ctx, storetest.Subs("x", 5)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveUsers(ctx, []sandik.NewUser{{User: sandik.User{ID: "nur", Name: "Nur", Role: sandik.RoleLawyer}, TokenHash: [32]byte{9}}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendCaseEvent(ctx, sandik.CaseEvent{Case: "C-2", Version: 1, Kind: sandik.CaseCreated, User: "nur", At: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSetting(ctx, sandik.Setting{Key: "anomaly.thresholds", Value: []byte(`{}`), Version: 1, UpdatedBy: "nur", UpdatedAt: at}, 0); err != nil {
		t.Fatal(err)
	}
}

func rawExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

var dropLedgerTriggers = []string{"DROP TRIGGER ledger_records_no_delete", "DROP TRIGGER ledger_hashes_no_delete"}

// TestAdoptADatabaseFromBeforeTheLedger: a database whose writes predate
// the ledger does not verify; adopting its writes makes it verify, and a
// second adoption finds nothing.
func TestAdoptADatabaseFromBeforeTheLedger(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	writeEverything(t, s)
	s.Close()
	rawExec(t, path, append(dropLedgerTriggers, "DELETE FROM ledger_records", "DELETE FROM ledger_hashes")...)

	s, err = Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := audit.Run(ctx, s, "", audit.Options{}); err == nil {
		t.Fatal("a database with writes and no leaves verified")
	}
	recs, err := audit.Adopt(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[ledger.Kind]int{}
	for _, r := range recs {
		kinds[r.Kind]++
	}
	if kinds[ledger.KindSubmission] != 5 || kinds[ledger.KindUser] != 1 || kinds[ledger.KindObjection] != 1 || kinds[ledger.KindThreshold] != 1 {
		t.Errorf("adopted %v", kinds)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("after adoption: %v", err)
	}
	if again, err := audit.Unlogged(ctx, s); err != nil || len(again) != 0 {
		t.Errorf("a second adoption finds %d records, %v", len(again), err)
	}
	// New writes after adoption are leaves of their own.
	writeEverythingMore(t, s)
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("after new writes: %v", err)
	}
}

func writeEverythingMore(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.Append(context.Background(), storetest.Subs("y", 2)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetToken(context.Background(), "nur", [32]byte{10}); err != nil {
		t.Fatal(err)
	}
}

// TestAdoptRefusesOutOfOrder: a submission without a leaf before one
// with a leaf cannot be adopted in the log's order, and adoption says so
// and writes nothing.
func TestAdoptRefusesOutOfOrder(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gap.db")
	s, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	writeEverything(t, s)
	s.Close()
	// The database lost its leaves (or predates them), then was served
	// anyway and took new submissions, which have leaves.
	rawExec(t, path, append(dropLedgerTriggers, "DELETE FROM ledger_records", "DELETE FROM ledger_hashes")...)
	s, err = Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	writeEverythingMore(t, s)
	before, _ := s.LedgerSize(ctx)
	_, err = audit.Adopt(ctx, s)
	if err == nil || !strings.Contains(err.Error(), "has no leaf but the later submission") {
		t.Fatalf("adopt: %v", err)
	}
	if after, _ := s.LedgerSize(ctx); after != before {
		t.Errorf("a refused adoption changed the ledger from %d to %d", before, after)
	}
}
