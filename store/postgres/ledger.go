package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// ledgerReads are the methods of sandik.LedgerStore, over ledgerQueries.
type ledgerReads = sqlstore.LedgerReads

var ledgerQueries = sqlstore.LedgerQueries{
	Size:      `SELECT coalesce(max(idx) + 1, 0) FROM ledger_records`,
	Hashes:    `SELECT idx, hash FROM ledger_hashes WHERE idx = ANY($1::bigint[])`,
	Records:   `SELECT idx, kind, ref, seq, content_hash FROM ledger_records WHERE idx >= $1 ORDER BY idx LIMIT $2`,
	Latest:    `SELECT size, signed, signed_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1`,
	Save:      `INSERT INTO ledger_checkpoints (size, signed, signed_at) VALUES ($1, $2, $3) ON CONFLICT (size) DO NOTHING`,
	Batch:     `SELECT members FROM ledger_batches WHERE idx = $1`,
	HashesArg: func(idx []int64) any { return idx },
}

// queueLeaves adds the inserts of a transaction's ledger rows to b: one
// statement per table, each row's columns as arrays.
func queueLeaves(b *pgx.Batch, lv sqlstore.Leaves) { queueLeavesIf(b, lv, "true") }

// queueLeavesIf is queueLeaves whose rows are inserted only where cond,
// an SQL condition, holds.
func queueLeavesIf(b *pgx.Batch, lv sqlstore.Leaves, cond string) {
	if len(lv.Records) == 0 {
		return
	}
	n := len(lv.Records)
	idx, kind, seq := make([]int64, n), make([]int16, n), make([]int64, n)
	ref, content := make([]string, n), make([][]byte, n)
	for i, r := range lv.Records {
		idx[i], kind[i], ref[i], seq[i] = lv.First+int64(i), int16(r.Kind), r.ID, r.Seq
		content[i] = r.ContentHash[:]
	}
	b.Queue(`INSERT INTO ledger_records (idx, kind, ref, seq, content_hash)
SELECT * FROM unnest($1::bigint[], $2::smallint[], $3::text[], $4::bigint[], $5::bytea[]) WHERE `+cond, idx, kind, ref, seq, content)
	hidx, hashes := make([]int64, len(lv.Hashes)), make([][]byte, len(lv.Hashes))
	for i := range lv.Hashes {
		hidx[i], hashes[i] = lv.HashFrom+int64(i), lv.Hashes[i][:]
	}
	b.Queue(`INSERT INTO ledger_hashes (idx, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[]) WHERE `+cond, hidx, hashes)
	var bidx []int64
	var members [][]byte
	for i, m := range lv.Members {
		if m != nil {
			bidx, members = append(bidx, lv.First+int64(i)), append(members, m)
		}
	}
	if len(bidx) > 0 {
		b.Queue(`INSERT INTO ledger_batches (idx, members) SELECT * FROM unnest($1::bigint[], $2::bytea[]) WHERE `+cond, bidx, members)
	}
}

// WatchLedger implements sandik.LedgerStore.
func (s *Store) WatchLedger(fn func(sandik.LedgerGrowth)) { s.writer.edges.Watch(fn) }

// inTxLogged runs fn in a transaction and appends the ledger records it
// returns before the commit. It takes log_head's lock first, as the
// submission writer does, so that leaves of every kind and every
// instance follow one order.
func (s *Store) inTxLogged(ctx context.Context, fn func(tx pgx.Tx) ([]ledger.Record, error)) error {
	return s.inTxLedger(ctx, false, fn)
}

// inTxLedger is inTxLogged whose records are, batched, batch leaves
// (sqlstore.AppendBatches).
func (s *Store) inTxLedger(ctx context.Context, batched bool, fn func(tx pgx.Tx) ([]ledger.Record, error)) error {
	var grown sqlstore.Grown
	// READ COMMITTED whatever the database's default: the size and the
	// edge read after taking the log's lock must be what its last holder
	// committed.
	err := s.inTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		recs, err := fn(tx)
		if err != nil || len(recs) == 0 {
			return err
		}
		var head, size int64
		if err := tx.QueryRow(ctx, `SELECT seq FROM log_head FOR UPDATE`).Scan(&head); err != nil {
			return fmt.Errorf("lock the log: %w", err)
		}
		if err := tx.QueryRow(ctx, ledgerQueries.Size).Scan(&size); err != nil {
			return fmt.Errorf("read ledger size: %w", err)
		}
		db := sqlstore.DB{Name: "postgres", Query: queryOn(tx)}
		edge, err := s.writer.edges.At(size, sqlstore.HashReader(ctx, db, ledgerQueries))
		if err != nil {
			return err
		}
		appendLeaves := sqlstore.AppendLeaves
		if batched {
			appendLeaves = sqlstore.AppendBatches
		}
		lv, err := appendLeaves(&edge, recs)
		if err != nil {
			return err
		}
		var b pgx.Batch
		queueLeaves(&b, lv)
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return fmt.Errorf("append ledger records: %w", err)
		}
		grown = sqlstore.Grown{Edge: edge, Leaves: lv}
		return nil
	})
	// Even after an error: a lost answer may hide a commit.
	s.writer.forgetTip()
	if err == nil {
		s.writer.edges.Committed(grown)
	}
	return err
}

// AdoptLedgerRecords implements sandik.LedgerStore.
func (s *Store) AdoptLedgerRecords(ctx context.Context, recs []sandik.LedgerRecord) error {
	lr, err := sqlstore.AdoptedRecords(recs)
	if err != nil {
		return err
	}
	if err := s.inTxLogged(ctx, func(pgx.Tx) ([]ledger.Record, error) { return lr, nil }); err != nil {
		return fmt.Errorf("postgres: adopt %d ledger records: %w", len(recs), err)
	}
	return nil
}
