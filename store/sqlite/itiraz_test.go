package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
)

// A changed byte of a stored evidence file is found on reading, never
// handed out as the filed document.
func TestEvidenceDamageDetected(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "e.db")
	s, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.PutEvidence(ctx, []byte("signed result sheet"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE evidence SET data = ? WHERE sha256 = ?`, []byte("signed result shee7"), sum); err != nil {
		t.Fatal(err)
	}
	// Case events cannot be changed at all.
	s2, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.AppendCaseEvent(ctx, storetest.CaseEvents("c-1")[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE case_events SET payload = '{}'`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("updating a case event: %v", err)
	}
	db.Close()
	_, err = s2.Evidence(ctx, sum)
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged evidence read back: %v", err)
	}
	if got := sandik.EvidenceChecksum([]byte("signed result sheet")); got != sum {
		t.Fatalf("checksum %s, stored under %s", got, sum)
	}
}
