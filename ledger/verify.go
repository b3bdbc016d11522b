package ledger

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Fault names where a log stops matching what was stored or signed.
type Fault struct {
	// Index is the first record that does not match, or -1 when the
	// records and stored hashes agree with each other but not with the
	// checkpoint: both were rewritten, and one checkpoint cannot say where
	// (earlier checkpoints or receipts can).
	Index  int64
	Reason string
}

func (f *Fault) Error() string {
	if f.Index < 0 {
		return "ledger does not verify: " + f.Reason
	}
	return fmt.Sprintf("ledger does not verify from record %d: %s", f.Index, f.Reason)
}

// verifyBatch is how many leaves' stored hashes one ReadHashes call asks
// for: a store answers one query per batch, not per leaf.
const verifyBatch = 4096

// Verify audits a log: records are the log's records in order, recomputed
// from the store's rows; stored is the store's hashes; signedCheckpoint is
// the last checkpoint signed (by verifierKey). It returns nil when every
// record hashes to its stored leaf, every stored hash is the one the
// records give, and the tree of the checkpoint's size is the one signed. A
// *Fault names the first record that fails; other errors are a checkpoint
// that does not open or a stored hash that cannot be read.
//
// The records are rehashed with a frontier of one hash per level, not a
// second copy of the tree, and the stored hashes are read in batches, so an
// audit costs memory for the records only.
func Verify(records []Record, stored Tree, signedCheckpoint []byte, verifierKey string) error {
	c, err := OpenCheckpoint(signedCheckpoint, verifierKey)
	if err != nil {
		return err
	}
	n := int64(len(records))
	var f frontier
	if c.Size == 0 {
		if root, _ := f.root(); root != c.Hash {
			return &Fault{Index: -1, Reason: "the checkpoint of the empty log has the wrong hash"}
		}
	}
	var batch []tlog.Hash // the stored hashes of leaves [.., to)
	var to, base int64    // base: the stored index of batch[0]
	for i, rec := range records {
		i := int64(i)
		if i >= stored.Size {
			return &Fault{Index: i, Reason: fmt.Sprintf("record %s has no stored hash (the stored tree has %d leaves)", rec, stored.Size)}
		}
		leaf, err := LeafHash(rec)
		if err != nil {
			return &Fault{Index: i, Reason: err.Error()}
		}
		want, err := f.add(leaf)
		if err != nil {
			return err
		}
		if i >= to {
			to = min(i+verifyBatch, stored.Size)
			base = tlog.StoredHashCount(i)
			idx := make([]int64, tlog.StoredHashCount(to)-base)
			for k := range idx {
				idx[k] = base + int64(k)
			}
			if batch, err = stored.Hashes.ReadHashes(idx); err != nil {
				return fmt.Errorf("read stored hashes of records %d to %d: %w", i, to-1, err)
			}
		}
		got := batch[tlog.StoredHashCount(i)-base:][:len(want)]
		if got[0] != want[0] {
			return &Fault{Index: i, Reason: fmt.Sprintf("record %s does not hash to its stored leaf", rec)}
		}
		for l := 1; l < len(want); l++ {
			if got[l] != want[l] {
				lo := (i >> l) << l
				return &Fault{Index: i, Reason: fmt.Sprintf("the stored hash of records %d to %d is not the one they give", lo, i)}
			}
		}
		if i+1 == c.Size {
			root, err := f.root()
			if err != nil {
				return err
			}
			if root != c.Hash {
				return &Fault{Index: -1, Reason: fmt.Sprintf(
					"records 0 to %d agree with the stored hashes, but their tree is not the one the checkpoint of %d leaves signed: both were rewritten", i, c.Size)}
			}
		}
	}
	switch {
	case n < c.Size:
		return &Fault{Index: n, Reason: fmt.Sprintf("the log ends at %d records, but the checkpoint signed %d", n, c.Size)}
	case n < stored.Size:
		return &Fault{Index: n, Reason: fmt.Sprintf("the log ends at %d records, but the stored tree has %d leaves", n, stored.Size)}
	}
	return nil
}
