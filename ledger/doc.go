// Package ledger is the tamper-evident log of every write Sandık makes: each
// submission, adjudication, import, objection event, change of a user, role
// or area, and change of a threshold becomes one leaf of a Merkle tree
// (RFC 6962, through golang.org/x/mod/sumdb/tlog), and the tree's head is
// signed now and then as a checkpoint (a note of golang.org/x/mod/sumdb/note,
// Ed25519).
//
// The point is that the centre cannot quietly rewrite the night: a receipt
// handed to the person who made a write proves the write is in the tree a
// checkpoint signed, and any later checkpoint proves (by a consistency proof)
// that the tree only grew. A published verifier key is all an outsider needs
// to check either.
//
// The package holds no storage. A leaf's stored hashes — tlog's layout, about
// two per leaf — are computed here and kept by the store beside the row they
// describe; the store hands them back through a tlog.HashReader (Tree).
// Memory is an in-memory implementation for tests and small logs.
//
// A bulk change (an organisation imported at once) is not a leaf per
// record: every BatchSize of its records are one batch leaf (KindBatch),
// whose content hash is the Merkle tree hash of the records' leaf hashes,
// and the store keeps the records beside it (batch.go). The audit checks
// each record of a batch as it would a leaf of its own.
//
// Verify is the audit: given the records recomputed from the store's rows,
// the stored hashes and the last signed checkpoint, it names the first record
// that does not match.
package ledger

import "errors"

// Errors that verification wraps, so a caller can tell a forged or altered
// artefact (ErrSignature, ErrProof) from one it could not even read
// (ErrMalformed).
var (
	ErrMalformed = errors.New("malformed")
	ErrSignature = errors.New("bad checkpoint signature")
	ErrProof     = errors.New("proof does not verify")
)
