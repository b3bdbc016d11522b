package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/internal/commitq"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// ledgerReads are the methods of sandik.LedgerStore, over ledgerQueries.
type ledgerReads = sqlstore.LedgerReads

var ledgerQueries = sqlstore.LedgerQueries{
	Size:    `SELECT coalesce(max(idx) + 1, 0) FROM ledger_records`,
	Hashes:  `SELECT idx, hash FROM ledger_hashes WHERE idx IN (SELECT value FROM json_each(?))`,
	Records: `SELECT idx, kind, ref, seq, content_hash FROM ledger_records WHERE idx >= ? ORDER BY idx LIMIT ?`,
	Latest:  `SELECT size, signed, signed_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1`,
	Save:    `INSERT INTO ledger_checkpoints (size, signed, signed_at) VALUES (?, ?, ?) ON CONFLICT (size) DO NOTHING`,
	Batch:   `SELECT members FROM ledger_batches WHERE idx = ?`,
	// SQLite binds no arrays; a JSON array of the indexes is one argument.
	HashesArg: func(idx []int64) any { b, _ := json.Marshal(idx); return string(b) },
}

// appendLeaves adds a leaf for every submission the group wrote, in seq
// order, with its stored hashes, and sets each receipt's leaf. It returns
// what the transaction adds to the ledger, for the cache once it commits.
func (w *writer) appendLeaves(ctx context.Context, group []*request, answers []commitq.Answer) (sqlstore.Grown, error) {
	size, err := w.ledgerSize(ctx)
	if err != nil {
		return sqlstore.Grown{}, err
	}
	var recs []ledger.Record
	leafOf := map[int64]int64{} // seq → leaf, for replays within the group
	for i, r := range group {
		a := &answers[i]
		if a.Err != nil {
			continue
		}
		for k := range a.Receipts {
			rc := &a.Receipts[k]
			if rc.Replayed {
				continue
			}
			rc.LeafIndex = size + int64(len(recs))
			leafOf[rc.Seq] = rc.LeafIndex
			recs = append(recs, r.Work.rows[k].Record(rc.Seq))
		}
	}
	for i := range answers {
		for k := range answers[i].Receipts {
			if rc := &answers[i].Receipts[k]; rc.Replayed && rc.LeafIndex < 0 {
				if leaf, ok := leafOf[rc.Seq]; ok {
					rc.LeafIndex = leaf
				}
			}
		}
	}
	return w.addLeaves(ctx, size, recs, false)
}

func (w *writer) ledgerSize(ctx context.Context) (int64, error) {
	var size int64
	err := w.leafCount.QueryRowContext(ctx).Scan(&size)
	return size, err
}

// addLeaves appends recs to the ledger of size leaves inside the
// writer's open transaction: a leaf each, or, batched, a leaf per
// ledger.BatchSize of them.
func (w *writer) addLeaves(ctx context.Context, size int64, recs []ledger.Record, batched bool) (sqlstore.Grown, error) {
	db := sqlstore.DB{Name: "sqlite", Query: queryOn(w.conn)}
	edge, err := w.edges.At(size, sqlstore.HashReader(ctx, db, ledgerQueries))
	if err != nil {
		return sqlstore.Grown{}, err
	}
	appendLeaves := sqlstore.AppendLeaves
	if batched {
		appendLeaves = sqlstore.AppendBatches
	}
	lv, err := appendLeaves(&edge, recs)
	if err != nil {
		return sqlstore.Grown{}, err
	}
	if err := w.insertLeaves(ctx, lv); err != nil {
		return sqlstore.Grown{}, err
	}
	return sqlstore.Grown{Edge: edge, Leaves: lv}, nil
}

// leafChunk is how many rows one INSERT of ledger rows carries: a
// statement per row cost the writer about as much as the submission's
// own insert.
const leafChunk = 128

// insertLeaves writes lv's records and stored hashes, many rows per
// statement.
func (w *writer) insertLeaves(ctx context.Context, lv sqlstore.Leaves) error {
	args := make([]any, 0, 5*leafChunk)
	for from := 0; from < len(lv.Records); from += leafChunk {
		recs := lv.Records[from:min(from+leafChunk, len(lv.Records))]
		args = args[:0]
		for k, r := range recs {
			args = append(args, lv.First+int64(from+k), int64(r.Kind), r.ID, r.Seq, r.ContentHash[:])
		}
		if err := w.execRows(ctx, "INSERT INTO ledger_records (idx, kind, ref, seq, content_hash) VALUES ", "(?, ?, ?, ?, ?)", len(recs), args); err != nil {
			return err
		}
	}
	for from := 0; from < len(lv.Hashes); from += leafChunk {
		hs := lv.Hashes[from:min(from+leafChunk, len(lv.Hashes))]
		args = args[:0]
		for k := range hs {
			args = append(args, lv.HashFrom+int64(from+k), hs[k][:])
		}
		if err := w.execRows(ctx, "INSERT INTO ledger_hashes (idx, hash) VALUES ", "(?, ?)", len(hs), args); err != nil {
			return err
		}
	}
	for k, m := range lv.Members {
		if m == nil {
			continue
		}
		if err := w.execRows(ctx, "INSERT INTO ledger_batches (idx, members) VALUES ", "(?, ?)", 1, []any{lv.First + int64(k), m}); err != nil {
			return err
		}
	}
	return nil
}

// execRows runs an INSERT of n rows, preparing each statement (by its
// text and n) once.
func (w *writer) execRows(ctx context.Context, head, row string, n int, args []any) error {
	key := head + strconv.Itoa(n)
	st, ok := w.rowStmts[key]
	if !ok {
		var b strings.Builder
		b.WriteString(head)
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
		}
		var err error
		if st, err = w.conn.PrepareContext(ctx, b.String()); err != nil {
			return err
		}
		if w.rowStmts == nil {
			w.rowStmts = map[string]*sql.Stmt{}
		}
		w.rowStmts[key] = st
	}
	_, err := st.ExecContext(ctx, args...)
	return err
}

// WatchLedger implements sandik.LedgerStore.
func (s *Store) WatchLedger(fn func(sandik.LedgerGrowth)) { s.writer.edges.Watch(fn) }

// AdoptLedgerRecords implements sandik.LedgerStore.
func (s *Store) AdoptLedgerRecords(ctx context.Context, recs []sandik.LedgerRecord) error {
	lr, err := sqlstore.AdoptedRecords(recs)
	if err != nil {
		return err
	}
	if err := s.writeLogged(ctx, func(context.Context, *sql.Conn) ([]ledger.Record, error) { return lr, nil }); err != nil {
		return fmt.Errorf("sqlite: adopt %d ledger records: %w", len(recs), err)
	}
	return nil
}
