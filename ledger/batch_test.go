package ledger

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

func orgRecords(n int) []Record {
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = Record{Kind: KindOrg, ID: fmt.Sprintf("person/p-%d", i), ContentHash: sha256.Sum256(fmt.Appendf(nil, "person %d", i))}
	}
	return recs
}

func TestBatchRoundTripAndProofs(t *testing.T) {
	recs := orgRecords(1000)
	bs, err := Batches(recs, 300)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 4 || len(bs[3].Members) != 100 {
		t.Fatalf("got %d batches, the last of %d members; want 4, the last of 100", len(bs), len(bs[len(bs)-1].Members))
	}
	// The batch leaves form a log of their own, which a checkpoint signs.
	m := &Memory{}
	for _, b := range bs {
		if b.Leaf.Kind != KindBatch || b.Leaf.Seq != int64(len(b.Members)) || b.Leaf.ID != BatchIDPrefix+b.Members[0].ID {
			t.Fatalf("batch leaf %s: want kind batch, seq %d, id of its first member", b.Leaf, len(b.Members))
		}
		if _, err := m.Append(b.Leaf); err != nil {
			t.Fatal(err)
		}
	}
	head, err := m.Tree().Head()
	if err != nil {
		t.Fatal(err)
	}
	for bi, b := range bs {
		enc, err := b.MarshalMembers()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseBatch(b.Leaf, enc)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b.Members {
			if back.Members[i] != b.Members[i] {
				t.Fatalf("member %d of batch %d came back as %s, want %s", i, bi, back.Members[i], b.Members[i])
			}
		}
		// A member of the log: in its batch, and its batch in the tree.
		for _, i := range []int{0, len(b.Members) / 2, len(b.Members) - 1} {
			p, err := b.ProveMember(i)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckMember(b.Leaf, int64(i), b.Members[i], p); err != nil {
				t.Fatalf("member %d of batch %d: %v", i, bi, err)
			}
			lp, err := m.Tree().InclusionProof(int64(bi), head.N)
			if err != nil {
				t.Fatal(err)
			}
			lh, _ := LeafHash(b.Leaf)
			if err := tlog.CheckRecord(lp, head.N, head.Hash, int64(bi), lh); err != nil {
				t.Fatalf("batch leaf %d: %v", bi, err)
			}
			changed := b.Members[i]
			changed.ContentHash[0] ^= 1
			if err := CheckMember(b.Leaf, int64(i), changed, p); !errors.Is(err, ErrProof) {
				t.Fatalf("a changed member %d of batch %d: got %v, want ErrProof", i, bi, err)
			}
			if err := CheckMember(b.Leaf, int64((i+1)%len(b.Members)), b.Members[i], p); !errors.Is(err, ErrProof) {
				t.Fatalf("member %d proven at another place: got %v, want ErrProof", i, err)
			}
		}
	}
}

func TestParseBatchRefusesChangedMembers(t *testing.T) {
	b, err := NewBatch(orgRecords(10))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := b.MarshalMembers()
	if err != nil {
		t.Fatal(err)
	}
	one := fixedBytes + len(b.Members[0].ID)
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
		want error
	}{
		{"a content hash changed", func(e []byte) []byte { e[len(e)-1] ^= 1; return e }, ErrProof},
		{"a member dropped", func(e []byte) []byte { return e[one:] }, ErrProof},
		{"a member repeated", func(e []byte) []byte { return append(e, e[:one]...) }, ErrProof},
		{"cut short", func(e []byte) []byte { return e[:len(e)-3] }, ErrMalformed},
		{"nothing", func([]byte) []byte { return nil }, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBatch(b.Leaf, tc.edit(append([]byte(nil), enc...)))
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	other := b.Leaf
	other.Seq++
	if _, err := ParseBatch(other, enc); !errors.Is(err, ErrProof) {
		t.Fatalf("members of another leaf: got %v, want ErrProof", err)
	}
}

func TestBatchRefusesWhatIsNeverBatched(t *testing.T) {
	recs := orgRecords(3)
	recs[1].Kind = KindSubmission
	if _, err := NewBatch(recs); err == nil || !strings.Contains(err.Error(), "never batched") {
		t.Fatalf("a submission in a batch: got %v", err)
	}
	if _, err := NewBatch(nil); err == nil {
		t.Fatal("an empty batch was made")
	}
	long := orgRecords(1)
	long[0].ID = "person/" + strings.Repeat("ş", MaxIDBytes/2-4)
	b, err := NewBatch(long)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Leaf.Validate(); err != nil {
		t.Fatalf("the leaf of a batch whose first id is long: %v", err)
	}
}
