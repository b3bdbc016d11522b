package ledger

import (
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
	"pgregory.net/rapid"
)

// Every leaf of a 10,000-leaf log proves its inclusion at the final size,
// and many random pairs of sizes prove consistency; heads match the
// definition of the Merkle tree hash.
func TestProofs10000(t *testing.T) {
	const n = 10_000
	start := time.Now()
	recs := testRecords(n)
	m := testLog(t, recs)
	tree := m.Tree()
	leaves := leafHashes(t, recs)

	// Heads at every size, against the running frontier and, at a sample
	// of sizes, against the recursive definition.
	heads := make([]tlog.Hash, n+1)
	var f frontier
	for size := int64(0); size <= n; size++ {
		h, err := tlog.TreeHash(size, m)
		if err != nil {
			t.Fatal(err)
		}
		heads[size] = h
		if fr, err := f.root(); err != nil || fr != h {
			t.Fatalf("size %d: frontier root %v, %v; stored %v", size, fr, err, h)
		}
		if size < n {
			if _, err := f.add(leaves[size]); err != nil {
				t.Fatal(err)
			}
		}
		if size <= 70 || size%997 == 0 || size == n {
			if want := rootOf(leaves[:size]); h != want {
				t.Fatalf("head at %d is %v, by definition %v", size, h, want)
			}
		}
	}

	for i := range int64(n) {
		p, err := tree.InclusionProof(i, n)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, n, heads[n], i, leaves[i]); err != nil {
			t.Fatalf("leaf %d: %v", i, err)
		}
		if err := tlog.CheckRecord(p, n, heads[n], i, leaves[(i+1)%n]); err == nil {
			t.Fatalf("leaf %d: the proof also holds for leaf %d's hash", i, (i+1)%n)
		}
	}

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	for range 3000 {
		a, b := 1+rng.Int64N(n), 1+rng.Int64N(n)
		a, b = min(a, b), max(a, b)
		p, err := tree.ConsistencyProof(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckTree(p, b, heads[b], a, heads[a]); err != nil {
			t.Fatalf("seed %d: consistency %d→%d: %v", seed, a, b, err)
		}
		if a > 1 && a < b {
			if err := tlog.CheckTree(p, b, heads[b], a, heads[a-1]); err == nil {
				t.Fatalf("seed %d: consistency %d→%d holds for the head at %d", seed, a, b, a-1)
			}
		}
	}
	t.Logf("10,000 leaves: all inclusion proofs, 3,000 consistency proofs in %v", time.Since(start))
}

func TestTreeBounds(t *testing.T) {
	m := testLog(t, testRecords(5))
	tree := m.Tree()
	for _, c := range [][2]int64{{-1, 5}, {5, 5}, {2, 6}, {0, 0}} {
		if _, err := tree.InclusionProof(c[0], c[1]); err == nil {
			t.Errorf("InclusionProof(%d, %d) did not fail", c[0], c[1])
		}
	}
	for _, c := range [][2]int64{{0, 3}, {4, 3}, {2, 6}} {
		if _, err := tree.ConsistencyProof(c[0], c[1]); err == nil {
			t.Errorf("ConsistencyProof(%d, %d) did not fail", c[0], c[1])
		}
	}
	if _, err := tree.LeafHash(5); err == nil {
		t.Error("LeafHash(5) of 5 leaves did not fail")
	}
	if _, err := m.Append(Record{}); err == nil || m.Size() != 5 {
		t.Errorf("an invalid record was appended: size %d, %v", m.Size(), err)
	}
}

// For any log and any sizes within it, proofs made from the stored hashes
// verify against heads, and a proof with one hash changed does not.
func TestProofsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.Int64Range(1, 300).Draw(t, "n")
		recs := make([]Record, n)
		for i := range recs {
			recs[i] = Record{
				Kind: Kind(rapid.IntRange(1, 6).Draw(t, "kind")),
				ID:   rapid.StringN(1, 40, MaxIDBytes).Draw(t, "id"),
				Seq:  rapid.Int64Min(0).Draw(t, "seq"),
			}
			copy(recs[i].ContentHash[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "hash"))
		}
		m := testLog(t, recs)
		leaves := leafHashes(t, recs)
		size := rapid.Int64Range(1, n).Draw(t, "size")
		old := rapid.Int64Range(1, size).Draw(t, "old")
		leaf := rapid.Int64Range(0, size-1).Draw(t, "leaf")
		head, oldHead := rootOf(leaves[:size]), rootOf(leaves[:old])

		rp, err := m.Tree().InclusionProof(leaf, size)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(rp, size, head, leaf, leaves[leaf]); err != nil {
			t.Fatalf("inclusion of %d at %d: %v", leaf, size, err)
		}
		tp, err := m.Tree().ConsistencyProof(old, size)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckTree(tp, size, head, old, oldHead); err != nil {
			t.Fatalf("consistency %d→%d: %v", old, size, err)
		}
		if len(rp) > 0 {
			k := rapid.IntRange(0, len(rp)-1).Draw(t, "k")
			rp[k][0] ^= 1
			if tlog.CheckRecord(rp, size, head, leaf, leaves[leaf]) == nil {
				t.Fatalf("altered inclusion proof verifies")
			}
		}
		if len(tp) > 0 {
			k := rapid.IntRange(0, len(tp)-1).Draw(t, "k")
			tp[k][0] ^= 1
			if tlog.CheckTree(tp, size, head, old, oldHead) == nil {
				t.Fatalf("altered consistency proof verifies")
			}
		}
	})
}
