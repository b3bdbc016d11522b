package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"
)

// Kind is the sort of write a record stands for. The numbers are part of
// the leaf encoding: a kind is never renumbered, only added.
type Kind uint8

const (
	KindSubmission   Kind = 1 // an entry of a tutanak
	KindAdjudication Kind = 2 // a coordinator's decision on a box
	KindImport       Kind = 3 // a file of results imported
	KindObjection    Kind = 4 // an event of an objection (itiraz)
	KindUser         Kind = 5 // a user added or changed: role, areas
	KindThreshold    Kind = 6 // an anomaly threshold changed
	KindOrg          Kind = 7 // a unit, person, kind of position or term of the organisation
	KindBatch        Kind = 8 // many records of one bulk change (batch.go)
)

var kindNames = map[Kind]string{
	KindSubmission:   "submission",
	KindAdjudication: "adjudication",
	KindImport:       "import",
	KindObjection:    "objection",
	KindUser:         "user",
	KindThreshold:    "threshold",
	KindOrg:          "org",
	KindBatch:        "batch",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { _, ok := kindNames[k]; return ok }

// MaxIDBytes bounds a record's id; ids are UUIDs and codes, and the bound
// keeps the length prefix at two bytes.
const MaxIDBytes = 1024

// Record is what the log commits to for one write: not the write itself but
// its kind, its id, the store's sequence number and the SHA-256 of its
// canonical content (for a submission, Submission.ContentHash). Whoever
// holds the write can recompute the record and so its leaf.
type Record struct {
	Kind        Kind
	ID          string
	Seq         int64 // the store's sequence number of the write
	ContentHash [sha256.Size]byte
}

func (r Record) String() string {
	return fmt.Sprintf("%s %q seq %d", r.Kind, r.ID, r.Seq)
}

// Validate reports why r cannot be a leaf.
func (r Record) Validate() error {
	switch {
	case !r.Kind.Valid():
		return fmt.Errorf("record %s: unknown kind", r)
	case r.ID == "":
		return fmt.Errorf("record %s: empty id", r)
	case len(r.ID) > MaxIDBytes:
		return fmt.Errorf("record %s: id longer than %d bytes", r.Kind, MaxIDBytes)
	case !utf8.ValidString(r.ID):
		return fmt.Errorf("record %s: id is not UTF-8", r)
	case r.Seq < 0:
		return fmt.Errorf("record %s: negative seq", r)
	}
	return nil
}

// encodingVersion is the first byte of every leaf, so that a later layout
// can never be read as this one.
const encodingVersion = 1

// fixedBytes is the leaf encoding without the id: version, kind, seq, id
// length, content hash.
const fixedBytes = 1 + 1 + 8 + 2 + sha256.Size

// MarshalBinary returns the canonical bytes of r, which its leaf hashes:
//
//	version (1 byte, 1) | kind (1 byte) | seq (8 bytes, big-endian)
//	| len(id) (2 bytes, big-endian) | id | content hash (32 bytes)
//
// Every field but the id has a fixed width and the id carries its length,
// so two different records never share an encoding.
func (r Record) MarshalBinary() ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	b := make([]byte, 0, fixedBytes+len(r.ID))
	b = append(b, encodingVersion, byte(r.Kind))
	b = binary.BigEndian.AppendUint64(b, uint64(r.Seq))
	b = binary.BigEndian.AppendUint16(b, uint16(len(r.ID)))
	b = append(b, r.ID...)
	b = append(b, r.ContentHash[:]...)
	return b, nil
}

// ParseRecord decodes the canonical bytes of a record. It accepts exactly
// what MarshalBinary produces: nothing trailing, no unknown version or kind.
func ParseRecord(b []byte) (Record, error) {
	if len(b) < fixedBytes {
		return Record{}, fmt.Errorf("%w record: %d bytes, at least %d needed", ErrMalformed, len(b), fixedBytes)
	}
	if b[0] != encodingVersion {
		return Record{}, fmt.Errorf("%w record: version %d, want %d", ErrMalformed, b[0], encodingVersion)
	}
	var r Record
	r.Kind = Kind(b[1])
	r.Seq = int64(binary.BigEndian.Uint64(b[2:10]))
	n := int(binary.BigEndian.Uint16(b[10:12]))
	if len(b) != fixedBytes+n {
		return Record{}, fmt.Errorf("%w record: id of %d bytes in %d bytes, want %d", ErrMalformed, n, len(b), fixedBytes+n)
	}
	r.ID = string(b[12 : 12+n])
	copy(r.ContentHash[:], b[12+n:])
	if err := r.Validate(); err != nil {
		return Record{}, fmt.Errorf("%w %v", ErrMalformed, err)
	}
	return r, nil
}

// LeafHash is the hash of r's leaf: tlog.RecordHash of its canonical bytes.
func LeafHash(r Record) (tlog.Hash, error) {
	b, err := r.MarshalBinary()
	if err != nil {
		return tlog.Hash{}, err
	}
	return tlog.RecordHash(b), nil
}
