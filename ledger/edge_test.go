package ledger

import (
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// An edge loaded at any size and then appended to gives the hashes
// Memory stores, and the same head.
func TestEdgeMatchesMemory(t *testing.T) {
	recs := testRecords(70)
	m := &Memory{}
	for size := int64(0); size < int64(len(recs)); size++ {
		e, err := LoadEdge(size, m)
		if err != nil {
			t.Fatalf("load at %d: %v", size, err)
		}
		for k := size; k < min(size+5, int64(len(recs))); k++ {
			idx, got, err := e.Append(recs[k])
			if err != nil || idx != k {
				t.Fatalf("append %d at %d: index %d, %v", k, size, idx, err)
			}
			want, err := tlog.StoredHashes(k, mustMarshal(t, recs[k]), prefix(t, recs, k))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("leaf %d from %d: %d hashes, want %d", k, size, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("leaf %d from %d: hash %d differs", k, size, i)
				}
			}
			head, err := e.Head()
			if err != nil {
				t.Fatal(err)
			}
			wantHead, err := prefix(t, recs, k+1).Tree().Head()
			if err != nil || head != wantHead {
				t.Fatalf("head after %d from %d: %v, want %v (%v)", k, size, head, wantHead, err)
			}
		}
		if _, err := m.Append(recs[size]); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadEdgeNegative(t *testing.T) {
	if _, err := LoadEdge(-1, &Memory{}); err == nil {
		t.Fatal("edge of -1 leaves loaded")
	}
	if _, err := LoadEdge(3, &Memory{}); err == nil {
		t.Fatal("edge read from an empty store")
	}
}

func mustMarshal(t *testing.T, r Record) []byte {
	t.Helper()
	b, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func prefix(t *testing.T, recs []Record, n int64) *Memory { return testLog(t, recs[:n]) }
