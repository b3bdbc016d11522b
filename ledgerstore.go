package sandik

import (
	"context"
	"time"
)

// LedgerRecord is one leaf of the tamper-evident log as a store keeps it:
// what package ledger hashes (its Record), at its index. Kind holds
// ledger.Kind's number; the root package does not compute hashes, so the
// types here are plain.
type LedgerRecord struct {
	Index       int64
	Kind        uint8
	ID          string // the id of the write: a submission id, …
	Seq         int64
	ContentHash [32]byte
}

// SignedCheckpoint is a signed tree head of the ledger, as package ledger
// writes it (a signed note), with the number of leaves it covers.
type SignedCheckpoint struct {
	Size   int64
	Signed []byte
	Time   time.Time
}

// LedgerStore keeps the tamper-evident log of every write. Writers append
// its records and stored hashes in the transaction of the write itself;
// only checkpoints are saved on their own.
type LedgerStore interface {
	LedgerReader
	// SaveCheckpoint keeps a signed checkpoint; one of a size already kept
	// is left as it is.
	SaveCheckpoint(ctx context.Context, c SignedCheckpoint) error
	// WatchLedger has fn called after each of this process's transactions
	// that added leaves commits, in commit order, with the tree it left:
	// a signer then needs no read to sign it. fn runs on the writer, so
	// it must not block. Leaves other processes add (several servers on
	// one PostgreSQL) are not reported; the next growth shows the gap.
	WatchLedger(fn func(LedgerGrowth))
	// AdoptLedgerRecords appends recs in one transaction: the leaves of
	// writes made before the ledger existed (a database from before it,
	// a copy made by COPY), which an operator adopts as they stand.
	// Every other leaf is appended by the transaction of its write.
	AdoptLedgerRecords(ctx context.Context, recs []LedgerRecord) error
}

// LedgerReader reads the ledger, for an audit as for the signer.
type LedgerReader interface {
	// LedgerSize returns the number of leaves committed.
	LedgerSize(ctx context.Context) (int64, error)
	// LedgerHashes returns the stored hashes at the given indexes (tlog's
	// layout), in order; ENotFound if one is not stored.
	LedgerHashes(ctx context.Context, indexes []int64) ([][32]byte, error)
	// LedgerRecords returns up to limit records from index from on, in
	// index order.
	LedgerRecords(ctx context.Context, from int64, limit int) ([]LedgerRecord, error)
	// LedgerBatch returns the members kept for the batch leaf at index
	// (package ledger's encoding); ENotFound if none are kept.
	LedgerBatch(ctx context.Context, index int64) ([]byte, error)
	// LatestCheckpoint returns the checkpoint of the largest size kept;
	// ENotFound if none is.
	LatestCheckpoint(ctx context.Context) (SignedCheckpoint, error)
}

// LedgerGrowth is a committed tree of the ledger as its writer left it:
// its size and root, and the stored hashes its transaction added, which
// sit at stored indexes HashFrom onwards.
type LedgerGrowth struct {
	Size     int64
	Root     [32]byte
	HashFrom int64
	Hashes   [][32]byte
}
