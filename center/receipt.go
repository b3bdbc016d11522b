package center

import (
	"context"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// ReceiptCheck is what checking a receipt proved: its leaf is in the tree
// its own checkpoint signed, and the latest signed tree extends that one,
// so the write is still in the log unchanged.
type ReceiptCheck struct {
	LeafIndex   int64
	LeafHash    string
	ReceiptSize int64 // leaves of the receipt's checkpoint
	LatestSize  int64 // leaves of the latest checkpoint
	LatestTime  time.Time
	VerifierKey string
}

// CheckReceipt checks r against this log's key and its latest signed
// checkpoint. A receipt that fails says why, as EInvalid: signed by
// another key, a proof that does not hold, or a log that no longer
// extends the tree the receipt was given in.
func (c *Center) CheckReceipt(ctx context.Context, r ledger.Receipt) (ReceiptCheck, error) {
	pub, err := c.Ledger(ctx)
	if err != nil {
		return ReceiptCheck{}, err
	}
	cp, err := ledger.VerifyReceipt(r, pub.VerifierKey)
	if err != nil {
		return ReceiptCheck{}, sandik.Errorf(sandik.EInvalid, "%v", err)
	}
	latest := pub.Checkpoint
	if latest.Size < cp.Size {
		return ReceiptCheck{}, sandik.Errorf(sandik.EInvalid, "the receipt's checkpoint of %d leaves is ahead of the log's latest of %d: it was not signed for this log's history", cp.Size, latest.Size)
	}
	proof, err := c.ConsistencyProof(ctx, cp.Size, latest.Size)
	if err != nil {
		return ReceiptCheck{}, err
	}
	if err := ledger.VerifyAgainstLater(r, latest.Signed, proof, pub.VerifierKey); err != nil {
		return ReceiptCheck{}, sandik.Errorf(sandik.EInvalid, "%v", err)
	}
	return ReceiptCheck{LeafIndex: r.LeafIndex, LeafHash: r.LeafHash.String(), ReceiptSize: cp.Size,
		LatestSize: latest.Size, LatestTime: latest.Time, VerifierKey: pub.VerifierKey}, nil
}
