package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"golang.org/x/mod/sumdb/tlog"
)

// Receipt proves that one leaf is in the tree a signed checkpoint names. It
// is handed to whoever made the write; with the published verifier key
// anyone can check it, and later hold the centre to it (VerifyAgainstLater).
// Hashes encode as base64 in JSON.
type Receipt struct {
	LeafIndex  int64            `json:"leaf_index"`
	LeafHash   tlog.Hash        `json:"leaf_hash"`
	Checkpoint string           `json:"checkpoint"` // the signed note
	Proof      tlog.RecordProof `json:"proof"`
}

// NewReceipt makes the receipt of leaf index against a signed checkpoint of
// t (one at or below t.Size). The checkpoint is opened first, so a receipt
// is never issued against a checkpoint of another log or key.
func NewReceipt(t Tree, index int64, signedCheckpoint []byte, verifierKey string) (Receipt, error) {
	c, err := OpenCheckpoint(signedCheckpoint, verifierKey)
	if err != nil {
		return Receipt{}, err
	}
	if c.Size > t.Size {
		return Receipt{}, fmt.Errorf("checkpoint of %d leaves is ahead of the log's %d", c.Size, t.Size)
	}
	leaf, err := t.LeafHash(index)
	if err != nil {
		return Receipt{}, err
	}
	proof, err := t.InclusionProof(index, c.Size)
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{LeafIndex: index, LeafHash: leaf, Checkpoint: string(signedCheckpoint), Proof: proof}, nil
}

// VerifyReceipt checks that r's checkpoint is signed by verifierKey and that
// r's leaf is in its tree at r's index, and returns the checkpoint. Whether
// the leaf is the holder's own write is the holder's check: LeafHash of the
// record they made must equal r.LeafHash.
func VerifyReceipt(r Receipt, verifierKey string) (Checkpoint, error) {
	c, err := OpenCheckpoint([]byte(r.Checkpoint), verifierKey)
	if err != nil {
		return Checkpoint{}, fmt.Errorf("receipt of leaf %d: %w", r.LeafIndex, err)
	}
	if r.LeafIndex < 0 || r.LeafIndex >= c.Size {
		return Checkpoint{}, fmt.Errorf("receipt of leaf %d: %w: the checkpoint's tree has leaves 0 to %d", r.LeafIndex, ErrProof, c.Size-1)
	}
	if err := tlog.CheckRecord(r.Proof, c.Size, c.Hash, r.LeafIndex, r.LeafHash); err != nil {
		return Checkpoint{}, fmt.Errorf("receipt of leaf %d: %w: leaf hash %s is not at index %d of the tree of %d leaves (%v)",
			r.LeafIndex, ErrProof, r.LeafHash, r.LeafIndex, c.Size, err)
	}
	return c, nil
}

// VerifyAgainstLater checks r as VerifyReceipt does, then that the tree of a
// later signed checkpoint extends r's tree (proof is the consistency proof
// from r's tree size to the later one, Tree.ConsistencyProof), so r's leaf
// is still where the receipt put it. A log that rewrote history since the
// receipt cannot pass, whatever it signs now.
func VerifyAgainstLater(r Receipt, laterCheckpoint []byte, proof tlog.TreeProof, verifierKey string) error {
	c, err := VerifyReceipt(r, verifierKey)
	if err != nil {
		return err
	}
	later, err := OpenCheckpoint(laterCheckpoint, verifierKey)
	if err != nil {
		return fmt.Errorf("later checkpoint: %w", err)
	}
	if later.Size < c.Size {
		return fmt.Errorf("later checkpoint: %w: it has %d leaves, fewer than the receipt's %d", ErrProof, later.Size, c.Size)
	}
	if err := tlog.CheckTree(proof, later.Size, later.Hash, c.Size, c.Hash); err != nil {
		return fmt.Errorf("later checkpoint: %w: its tree of %d leaves does not extend the receipt's tree of %d (%v)",
			ErrProof, later.Size, c.Size, err)
	}
	return nil
}

// ParseReceipt decodes a receipt's JSON strictly: unknown fields and data
// after the object are refused, since a receipt that reads two ways is not
// evidence.
func ParseReceipt(data []byte) (Receipt, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Receipt
	if err := dec.Decode(&r); err != nil {
		return Receipt{}, fmt.Errorf("%w receipt: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Receipt{}, fmt.Errorf("%w receipt: data after the object", ErrMalformed)
	}
	return r, nil
}

// ParseReceiptOrAnswer reads a receipt, or the answer to a submission
// that holds one under "receipt" (what an observer saves).
func ParseReceiptOrAnswer(data []byte) (Receipt, error) {
	var answer struct {
		Receipt json.RawMessage `json:"receipt"`
	}
	if json.Unmarshal(data, &answer) == nil && len(answer.Receipt) > 0 {
		data = answer.Receipt
	}
	return ParseReceipt(data)
}
