package ledger

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"
)

// A bulk change (a national organisation imported at once: 3.3 million
// records) costs, with a leaf per record, a row and about two stored
// hashes per record: more than the change's own rows. A batch leaf
// commits to many records instead:
//
//   - its record is of KindBatch, its id "batch/" followed by the id of
//     its first member, its seq the number of members, and its content
//     hash the RFC 6962 Merkle tree hash (tlog.TreeHash) of the members'
//     leaf hashes (LeafHash of each), in the order written;
//   - the store keeps the members beside the leaf, encoded by
//     MarshalMembers: each member's canonical bytes (MarshalBinary), one
//     after the other, which carry their own lengths.
//
// An audit reads the members back, checks that they hash to the leaf and
// then checks each member against its row exactly as it would a leaf of
// its own. A member's inclusion is proven by two proofs: the member in
// its batch (ProveMember, CheckMember) and the batch leaf in the tree
// (Tree.InclusionProof). Records that are not batched are leaves as
// before, so a log written before batches existed verifies unchanged.

// BatchIDPrefix begins the id of a batch leaf.
const BatchIDPrefix = "batch/"

// BatchSize is how many records one batch leaf commits to when a store
// batches a change: 4,096 members give a proof of 12 hashes inside the
// batch and about 300 KB of members to read back, and make the 3.3
// million records of a national organisation 810 leaves.
const BatchSize = 4096

// MaxBatch bounds the members of one batch leaf; its seq holds the count.
const MaxBatch = 1 << 20

// Batchable reports whether a record of kind k may be a member of a
// batch. Only the organisation's records are: an audit checks them by
// the latest record of each id, wherever it sits, while a submission's
// leaf must follow the log's order one by one.
func Batchable(k Kind) bool { return k == KindOrg }

// Batch is a batch leaf with the records it commits to.
type Batch struct {
	Leaf    Record
	Members []Record
}

// NewBatch makes the batch leaf of members.
func NewBatch(members []Record) (Batch, error) {
	if len(members) == 0 || len(members) > MaxBatch {
		return Batch{}, fmt.Errorf("ledger: a batch of %d records (1 to %d)", len(members), MaxBatch)
	}
	var f frontier
	for i, m := range members {
		if !Batchable(m.Kind) {
			return Batch{}, fmt.Errorf("ledger: member %d of a batch, %s: a record of kind %s is never batched", i, m, m.Kind)
		}
		leaf, err := LeafHash(m)
		if err != nil {
			return Batch{}, fmt.Errorf("ledger: member %d of a batch: %w", i, err)
		}
		if _, err := f.add(leaf); err != nil {
			return Batch{}, err
		}
	}
	root, err := f.root()
	if err != nil {
		return Batch{}, err
	}
	id := BatchIDPrefix + members[0].ID
	if len(id) > MaxIDBytes {
		id = id[:MaxIDBytes]
		// The first member's id is UTF-8; a cut may end inside a rune.
		for !utf8.ValidString(id) {
			id = id[:len(id)-1]
		}
	}
	leaf := Record{Kind: KindBatch, ID: id, Seq: int64(len(members)), ContentHash: root}
	return Batch{Leaf: leaf, Members: members}, nil
}

// Batches cuts recs into batches of size records (the last may be
// shorter), in order.
func Batches(recs []Record, size int) ([]Batch, error) {
	if size < 1 || size > MaxBatch {
		return nil, fmt.Errorf("ledger: batches of %d records (1 to %d)", size, MaxBatch)
	}
	out := make([]Batch, 0, (len(recs)+size-1)/size)
	for from := 0; from < len(recs); from += size {
		b, err := NewBatch(recs[from:min(from+size, len(recs))])
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// MarshalMembers returns the members as a store keeps them: each one's
// canonical bytes, one after the other.
func (b Batch) MarshalMembers() ([]byte, error) {
	n := 0
	for _, m := range b.Members {
		n += fixedBytes + len(m.ID)
	}
	out := make([]byte, 0, n)
	for i, m := range b.Members {
		enc, err := m.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("ledger: member %d of batch %s: %w", i, b.Leaf, err)
		}
		out = append(out, enc...)
	}
	return out, nil
}

// ParseBatch decodes the members a store keeps for the batch leaf leaf
// and checks that they are the ones it commits to.
func ParseBatch(leaf Record, members []byte) (Batch, error) {
	if leaf.Kind != KindBatch {
		return Batch{}, fmt.Errorf("%w batch: record %s is not a batch leaf", ErrMalformed, leaf)
	}
	var recs []Record
	for len(members) > 0 {
		if len(members) < fixedBytes {
			return Batch{}, fmt.Errorf("%w batch %s: member %d is cut short", ErrMalformed, leaf, len(recs))
		}
		n := fixedBytes + int(binary.BigEndian.Uint16(members[10:12]))
		if len(members) < n {
			return Batch{}, fmt.Errorf("%w batch %s: member %d is cut short", ErrMalformed, leaf, len(recs))
		}
		r, err := ParseRecord(members[:n])
		if err != nil {
			return Batch{}, fmt.Errorf("batch %s: member %d: %w", leaf, len(recs), err)
		}
		recs = append(recs, r)
		members = members[n:]
		if len(recs) > MaxBatch {
			return Batch{}, fmt.Errorf("%w batch %s: more than %d members", ErrMalformed, leaf, MaxBatch)
		}
	}
	b, err := NewBatch(recs)
	if err != nil {
		return Batch{}, fmt.Errorf("%w batch %s: %v", ErrMalformed, leaf, err)
	}
	if b.Leaf != leaf {
		return Batch{}, fmt.Errorf("%w: the members kept for batch %s are not the ones its leaf commits to", ErrProof, leaf)
	}
	return b, nil
}

// ProveMember proves that member i is in the batch.
func (b Batch) ProveMember(i int) (tlog.RecordProof, error) {
	if i < 0 || i >= len(b.Members) {
		return nil, fmt.Errorf("ledger: no member %d in batch %s of %d", i, b.Leaf, len(b.Members))
	}
	m := &Memory{}
	for _, r := range b.Members {
		if _, err := m.Append(r); err != nil {
			return nil, err
		}
	}
	return m.Tree().InclusionProof(int64(i), m.Size())
}

// CheckMember checks a proof that member is member i of the batch whose
// leaf is leaf; with an inclusion proof of leaf in a signed tree, it
// proves member is in the log.
func CheckMember(leaf Record, i int64, member Record, proof tlog.RecordProof) error {
	if leaf.Kind != KindBatch || leaf.Seq < 1 {
		return fmt.Errorf("%w: record %s is not a batch leaf", ErrMalformed, leaf)
	}
	if i < 0 || i >= leaf.Seq {
		return fmt.Errorf("%w: no member %d in batch %s of %d", ErrMalformed, i, leaf, leaf.Seq)
	}
	h, err := LeafHash(member)
	if err != nil {
		return fmt.Errorf("%w member: %v", ErrMalformed, err)
	}
	if err := tlog.CheckRecord(proof, leaf.Seq, leaf.ContentHash, i, h); err != nil {
		return fmt.Errorf("%w: %s as member %d of batch %s: %v", ErrProof, member, i, leaf, err)
	}
	return nil
}
