package ledger

import (
	"bytes"
	"crypto/sha256"
	"fmt"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const testOrigin = "sandik.test/ledger"

// testRecord is the i-th record of a test log: kinds in turn, a content
// hash that depends on i.
func testRecord(i int64) Record {
	return Record{
		Kind:        Kind(1 + i%6),
		ID:          fmt.Sprintf("id-%d", i),
		Seq:         i + 1,
		ContentHash: sha256.Sum256(fmt.Appendf(nil, "write %d", i)),
	}
}

func testRecords(n int64) []Record {
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = testRecord(int64(i))
	}
	return recs
}

// tb is what the helpers need of testing.TB, which *rapid.T has too.
type tb interface {
	Helper()
	Fatal(args ...any)
}

// testLog appends records to a new Memory.
func testLog(t tb, recs []Record) *Memory {
	t.Helper()
	m := &Memory{}
	for _, r := range recs {
		if _, err := m.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// testSigner makes a signer from a seed, so that keys differ between
// seeds but not between runs.
func testSigner(t tb, origin string, seed byte) *Signer {
	t.Helper()
	skey, _, err := note.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{seed}, 64)), origin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sign signs the head of the first size leaves of m.
func sign(t tb, s *Signer, m *Memory, size int64) []byte {
	t.Helper()
	h, err := tlog.TreeHash(size, m)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(tlog.Tree{N: size, Hash: h})
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// rootOf is RFC 6962's Merkle tree hash written out from its definition,
// the model the stored-hash arithmetic is checked against.
func rootOf(leaves []tlog.Hash) tlog.Hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	return tlog.NodeHash(rootOf(leaves[:k]), rootOf(leaves[k:]))
}

func leafHashes(t tb, recs []Record) []tlog.Hash {
	t.Helper()
	out := make([]tlog.Hash, len(recs))
	for i, r := range recs {
		h, err := LeafHash(r)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = h
	}
	return out
}

// signNoteText signs any text with s's key, as a forger holding the key
// (or a buggy caller) could.
func signNoteText(s *Signer, text []byte) ([]byte, error) {
	return note.Sign(&note.Note{Text: string(text)}, s.signer)
}
