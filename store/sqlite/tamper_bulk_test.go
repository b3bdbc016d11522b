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
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
	"github.com/sandik-dev/sandik/synth"
	"golang.org/x/mod/sumdb/tlog"
)

// TestTamperWithBulkOrgIsDetected: a bulk change's records are batch
// leaves of the ledger; a record of it edited behind the store's back,
// the records kept for a batch edited or dropped, or a batch rewritten
// with its leaf are each named by the audit at the batch leaf; and a
// record of the batch is proven in the tree from the row as it stands.
func TestTamperWithBulkOrgIsDetected(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bulk.db")
	s, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	c := synth.Org(synth.OrgShape{Il: 2, Ilce: 4, Mahalle: 40, People: bulkRows / 2, Positions: bulkRows}, 7)
	if !sqlstore.Bulk(c) {
		t.Fatal("the change is not a bulk change")
	}
	if err := s.SaveOrg(ctx, c); err != nil {
		t.Fatal(err)
	}
	// A term of the batch ended afterwards has a leaf of its own, which
	// the audit holds its row to from then on.
	var ended sandik.Position
	for _, p := range c.Positions {
		if p.End == "" {
			ended = p
			break
		}
	}
	if err := s.EndPosition(ctx, ended.ID, "2026-01-31", "istifa"); err != nil {
		t.Fatal(err)
	}
	records := len(c.Units) + len(c.People) + len(c.Positions) + len(c.Assignments)
	size, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64((records+ledger.BatchSize-1)/ledger.BatchSize + 1); size != want {
		t.Fatalf("%d records in bulk and a term ended make %d leaves, want %d", records, size, want)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit of a bulk change: %v", err)
	}
	recs, err := s.LedgerRecords(ctx, 0, int(size))
	if err != nil {
		t.Fatal(err)
	}
	// where finds the batch leaf holding id, and its place there.
	batches := map[int64]ledger.Batch{}
	where := func(id string) (int64, int) {
		t.Helper()
		for _, r := range recs {
			if ledger.Kind(r.Kind) != ledger.KindBatch {
				continue
			}
			b, ok := batches[r.Index]
			if !ok {
				members, err := s.LedgerBatch(ctx, r.Index)
				if err != nil {
					t.Fatal(err)
				}
				if b, err = ledger.ParseBatch(ledger.Record{Kind: ledger.KindBatch, ID: r.ID, Seq: r.Seq, ContentHash: r.ContentHash}, members); err != nil {
					t.Fatal(err)
				}
				batches[r.Index] = b
			}
			for k, m := range b.Members {
				if m.ID == id {
					return r.Index, k
				}
			}
		}
		t.Fatalf("no batch holds %q", id)
		return 0, 0
	}

	// A person's record proven from the row as it stands: in its batch,
	// and its batch leaf in the tree.
	person := c.People[len(c.People)/2]
	stored, err := s.Person(ctx, person.ID)
	if err != nil {
		t.Fatal(err)
	}
	leafIdx, k := where(ledger.OrgPersonPrefix + string(person.ID))
	b := batches[leafIdx]
	proof, err := b.ProveMember(k)
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.CheckMember(b.Leaf, int64(k), ledger.PersonLeaf(stored), proof); err != nil {
		t.Fatalf("person %s in its batch: %v", person.ID, err)
	}
	tree := ledger.Tree{Size: size, Hashes: sqlstore.HashReader(ctx, sqlstore.DB{Name: "sqlite", Query: queryOn(s.read)}, ledgerQueries)}
	head, err := tree.Head()
	if err != nil {
		t.Fatal(err)
	}
	lp, err := tree.InclusionProof(leafIdx, size)
	if err != nil {
		t.Fatal(err)
	}
	lh, _ := ledger.LeafHash(b.Leaf)
	if err := tlog.CheckRecord(lp, head.N, head.Hash, leafIdx, lh); err != nil {
		t.Fatalf("batch leaf %d in the tree: %v", leafIdx, err)
	}
	p0, _ := where(ledger.OrgPersonPrefix + string(c.People[0].ID))
	pMid, _ := where(ledger.OrgPersonPrefix + string(person.ID))
	pos := c.Positions[len(c.Positions)-1]
	pLast, _ := where(ledger.OrgPositionPrefix + string(pos.ID))
	unit := c.Units[len(c.Units)/2]
	pUnit, _ := where(ledger.OrgUnitPrefix + string(unit.Code))
	s.Close()

	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// The records of a batch with one byte of a content hash changed.
	flipped, err := batches[pMid].MarshalMembers()
	if err != nil {
		t.Fatal(err)
	}
	flipped[len(flipped)/2] ^= 1
	var endedLeaf int64 = -1
	for _, r := range recs {
		if ledger.Kind(r.Kind) == ledger.KindOrg && r.ID == ledger.OrgPositionPrefix+string(ended.ID) {
			endedLeaf = r.Index
		}
	}
	for _, tc := range []struct {
		what string
		sql  string
		args []any
		want int64
	}{
		{"nothing", `SELECT 1`, nil, -1},
		{"a phone changed", `UPDATE org_people SET phones = '+905329999999' WHERE id = ?`, []any{string(person.ID)}, pMid},
		{"the first person renamed", `UPDATE org_people SET name = 'X' WHERE id = ?`, []any{string(c.People[0].ID)}, p0},
		{"the last term handed over", `UPDATE org_positions SET person = ? WHERE id = ?`, []any{string(c.People[0].ID), string(pos.ID)}, pLast},
		{"a unit moved", `UPDATE org_units SET name = 'X' WHERE code = ?`, []any{string(unit.Code)}, pUnit},
		{"a term deleted", `DELETE FROM org_positions WHERE id = ?`, []any{string(pos.ID)}, pLast},
		{"a term ended after the batch reopened", `UPDATE org_positions SET end_day = NULL, end_reason = '' WHERE id = ?`, []any{string(ended.ID)}, endedLeaf},
		{"a batch's records edited", `UPDATE ledger_batches SET members = ? WHERE idx = ?`, []any{flipped, pMid}, pMid},
		{"a batch's records dropped", `DELETE FROM ledger_batches WHERE idx = ?`, []any{pMid}, pMid},
		{"a batch's records cut short", `UPDATE ledger_batches SET members = substr(members, 1, 1000) WHERE idx = ?`, []any{p0}, p0},
	} {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`DROP TRIGGER ledger_batches_no_update; DROP TRIGGER ledger_batches_no_delete`); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(tc.sql, tc.args...); err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
		err = audit.Run(ctx, newTxStore(tx), "", audit.Options{})
		var f *audit.Fault
		switch {
		case tc.want < 0 && err != nil:
			t.Errorf("%s: %v", tc.what, err)
		case tc.want >= 0 && (!errors.As(err, &f) || f.Index != tc.want):
			t.Errorf("%s: audit says %v, want a fault at record %d", tc.what, err, tc.want)
		}
		tx.Rollback()
	}

	// A batch rewritten with its leaf: a record edited, the records kept
	// for its batch and the leaf's content hash made to match. The stored
	// hashes of the tree then disagree with the leaf.
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	p := person
	p.Name = "Başka Biri"
	if _, err := tx.Exec(`UPDATE org_people SET name = ? WHERE id = ?`, p.Name, string(p.ID)); err != nil {
		t.Fatal(err)
	}
	members := append([]ledger.Record(nil), b.Members...)
	members[k] = ledger.PersonLeaf(p)
	forged, err := ledger.NewBatch(members)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := forged.MarshalMembers()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`DROP TRIGGER ledger_batches_no_update; DROP TRIGGER ledger_records_no_update;`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE ledger_batches SET members = ? WHERE idx = ?`, enc, leafIdx); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`UPDATE ledger_records SET content_hash = ? WHERE idx = ?`, forged.Leaf.ContentHash[:], leafIdx); err != nil {
		t.Fatal(err)
	}
	err = audit.Run(ctx, newTxStore(tx), "", audit.Options{})
	if f := (*audit.Fault)(nil); !errors.As(err, &f) || f.Index != leafIdx {
		t.Errorf("a batch rewritten with its leaf: audit says %v, want a fault at record %d", err, leafIdx)
	}
}

// TestOldBulkLedgerVerifies: a bulk change written before batch leaves
// existed, a leaf per record (the writer's job without work.batched, as
// it ran then), still audits, and an edit of one of its rows is named at
// that row's own leaf.
func TestOldBulkLedgerVerifies(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	c := synth.Org(synth.OrgShape{Il: 2, Ilce: 4, Mahalle: 40, People: bulkRows / 2, Positions: bulkRows}, 5)
	old := func(ctx context.Context, conn *sql.Conn) ([]ledger.Record, error) { return orgTx(conn).Save(ctx, c) }
	if _, err := s.queue.Do(ctx, work{logged: bumping(old), unchecked: true}); err != nil {
		t.Fatal(err)
	}
	records := len(c.Units) + len(c.People) + len(c.Positions)
	size, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(records) {
		t.Fatalf("the old way wrote %d leaves for %d records", size, records)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit of a ledger of the old layout: %v", err)
	}
	recs, err := s.LedgerRecords(ctx, 0, int(size))
	if err != nil {
		t.Fatal(err)
	}
	person := c.People[len(c.People)/3]
	leaf := int64(-1)
	for _, r := range recs {
		if ledger.Kind(r.Kind) == ledger.KindBatch {
			t.Fatalf("leaf %d is a batch", r.Index)
		}
		if r.ID == ledger.OrgPersonPrefix+string(person.ID) {
			leaf = r.Index
		}
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`UPDATE org_people SET email = 'x@example.org' WHERE id = ?`, string(person.ID)); err != nil {
		t.Fatal(err)
	}
	err = audit.Run(ctx, newTxStore(tx), "", audit.Options{})
	if f := (*audit.Fault)(nil); !errors.As(err, &f) || f.Index != leaf {
		t.Fatalf("an edit of a person of the old layout: audit says %v, want a fault at record %d", err, leaf)
	}
}
