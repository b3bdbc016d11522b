package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
	"github.com/sandik-dev/sandik/store/storetest"
)

// TestTamperWithAssignmentsIsDetected: an assignment deleted, restored
// after its removal, moved to someone else or edited behind the store's
// back is named by the audit at the leaf it breaks; a removal made by
// the store is not a fault.
func TestTamperWithAssignmentsIsDetected(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a.db")
	s, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOrg(ctx, storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAssignments(ctx, storetest.AssignmentFixture()); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveAssignment(ctx, storetest.Election, storetest.Box2, "k-3"); err != nil {
		t.Fatal(err)
	}
	recs, err := s.LedgerRecords(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	leaf := func(box, person string) int64 {
		id := ledger.AssignmentID(storetest.Election, sandik.AreaCode(box), sandik.PersonID(person))
		last := int64(-1)
		for _, r := range recs {
			if r.ID == id {
				last = r.Index
			}
		}
		if last < 0 {
			t.Fatalf("no leaf for %q", id)
		}
		return last
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	b1, b2 := string(storetest.Box1), string(storetest.Box2)
	for _, c := range []struct {
		what string
		sql  string
		want int64
	}{
		{"nothing", `SELECT 1`, -1},
		{"an assignment deleted", `DELETE FROM box_assignments WHERE box = '` + b1 + `' AND person = 'k-4'`, leaf(b1, "k-4")},
		{"a removed assignment restored", `INSERT INTO box_assignments VALUES ('` + string(storetest.Election) + `', '` + b2 + `', 'k-3', 1, 'koord', '')`, leaf(b2, "k-3")},
		{"an observer swapped", `UPDATE box_assignments SET person = 'k-1' WHERE box = '` + b1 + `' AND person = 'k-4'`, leaf(b1, "k-4")},
		{"a note changed", `UPDATE box_assignments SET note = 'yok' WHERE box = '` + b1 + `' AND person = 'k-3'`, leaf(b1, "k-3")},
		{"backdated", `UPDATE box_assignments SET assigned_at = 0 WHERE box = '` + b1 + `' AND person = 'k-3'`, leaf(b1, "k-3")},
	} {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(c.sql); err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		err = audit.Run(ctx, newTxStore(tx), "", audit.Options{})
		var f *audit.Fault
		switch {
		case c.want < 0 && err != nil:
			t.Errorf("%s: %v", c.what, err)
		case c.want >= 0 && (!errors.As(err, &f) || f.Index != c.want):
			t.Errorf("%s: audit says %v, want a fault at record %d", c.what, err, c.want)
		}
		tx.Rollback()
	}
}
