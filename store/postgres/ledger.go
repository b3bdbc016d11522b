package postgres

import (
	"github.com/jackc/pgx/v5"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/sqlstore"
)

// ledgerReads are the methods of sandik.LedgerStore, over ledgerQueries.
type ledgerReads = sqlstore.LedgerReads

var ledgerQueries = sqlstore.LedgerQueries{
	Size:      `SELECT coalesce(max(idx) + 1, 0) FROM ledger_records`,
	Hashes:    `SELECT idx, hash FROM ledger_hashes WHERE idx = ANY($1)`,
	Records:   `SELECT idx, kind, ref, seq, content_hash FROM ledger_records WHERE idx >= $1 ORDER BY idx LIMIT $2`,
	Latest:    `SELECT size, signed, signed_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1`,
	Save:      `INSERT INTO ledger_checkpoints (size, signed, signed_at) VALUES ($1, $2, $3) ON CONFLICT (size) DO NOTHING`,
	HashesArg: func(idx []int64) any { return idx },
}

// queueLeaves adds the inserts of a transaction's ledger rows to b: one
// statement per table, each row's columns as arrays.
func queueLeaves(b *pgx.Batch, lv sqlstore.Leaves) {
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
SELECT * FROM unnest($1::bigint[], $2::smallint[], $3::text[], $4::bigint[], $5::bytea[])`, idx, kind, ref, seq, content)
	hidx, hashes := make([]int64, len(lv.Hashes)), make([][]byte, len(lv.Hashes))
	for i := range lv.Hashes {
		hidx[i], hashes[i] = lv.HashFrom+int64(i), lv.Hashes[i][:]
	}
	b.Queue(`INSERT INTO ledger_hashes (idx, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[])`, hidx, hashes)
}

// WatchLedger implements sandik.LedgerStore.
func (s *Store) WatchLedger(fn func(sandik.LedgerGrowth)) { s.writer.edges.Watch(fn) }
