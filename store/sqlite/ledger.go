package sqlite

import (
	"context"
	"encoding/json"

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
	// SQLite binds no arrays; a JSON array of the indexes is one argument.
	HashesArg: func(idx []int64) any { b, _ := json.Marshal(idx); return string(b) },
}

// appendLeaves adds a leaf for every submission the group wrote, in seq
// order, with its stored hashes, and sets each receipt's leaf. It returns
// the edge of the tree the transaction leaves, for the cache once it
// commits.
func (w *writer) appendLeaves(ctx context.Context, group []*request, answers []commitq.Answer) (ledger.Edge, error) {
	var size int64
	if err := w.leafCount.QueryRowContext(ctx).Scan(&size); err != nil {
		return ledger.Edge{}, err
	}
	db := sqlstore.DB{Name: "sqlite", Query: queryOn(w.conn)}
	edge, err := w.edges.At(size, sqlstore.HashReader(ctx, db, ledgerQueries))
	if err != nil {
		return ledger.Edge{}, err
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
			rc.LeafIndex = edge.Size() + int64(len(recs))
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
	lv, err := sqlstore.AppendLeaves(&edge, recs)
	if err != nil {
		return ledger.Edge{}, err
	}
	for k, rec := range lv.Records {
		if _, err := w.insertLeaf.ExecContext(ctx, lv.First+int64(k), int64(rec.Kind), rec.ID, rec.Seq, rec.ContentHash[:]); err != nil {
			return ledger.Edge{}, err
		}
	}
	for k, h := range lv.Hashes {
		if _, err := w.insertHash.ExecContext(ctx, lv.HashFrom+int64(k), h[:]); err != nil {
			return ledger.Edge{}, err
		}
	}
	return edge, nil
}
