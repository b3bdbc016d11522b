package itiraz

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// Store keeps cases as the events that made them, append-only, and
// evidence files by their checksum. Both backends implement it;
// store/storetest checks them alike.
type Store interface {
	// AppendCaseEvent stores e. It fails with EConflict when the case
	// already has an event of e.Version: someone changed the case meanwhile.
	AppendCaseEvent(ctx context.Context, e Event) error
	// CaseEvents returns every event of every case, by case then version.
	CaseEvents(ctx context.Context) ([]Event, error)
	// CaseEventsOf returns one case's events by version; ENotFound if the
	// case has none.
	CaseEventsOf(ctx context.Context, id CaseID) ([]Event, error)
	// PutEvidence stores data under its SHA-256 and returns the checksum
	// in hex; the same bytes stored twice are kept once. An empty file is
	// EInvalid, one over MaxEvidenceBytes ETooLarge.
	PutEvidence(ctx context.Context, data []byte) (string, error)
	// Evidence returns the bytes stored under a checksum, checked against
	// it on the way out; ENotFound if there are none.
	Evidence(ctx context.Context, sum string) ([]byte, error)
	// EvidenceSums lists the checksums of every stored file, sorted (for
	// copying a database whole).
	EvidenceSums(ctx context.Context) ([]string, error)
}

// MaxEvidenceBytes bounds one evidence file (a phone photo of a sheet, a
// scanned decision).
const MaxEvidenceBytes = 20 << 20

// Checksum returns the hex SHA-256 of data, as evidence is kept under.
func Checksum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}
