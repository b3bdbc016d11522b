package ledger

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// wantFault checks that err is a *Fault at index.
func wantFault(t *testing.T, err error, index int64, what string) *Fault {
	t.Helper()
	var f *Fault
	if !errors.As(err, &f) {
		t.Fatalf("%s: got %v, want a fault at record %d", what, err, index)
	}
	if f.Index != index {
		t.Fatalf("%s: fault at %d (%s), want %d", what, f.Index, f.Reason, index)
	}
	return f
}

func TestVerifyIntact(t *testing.T) {
	s := testSigner(t, testOrigin, 1)
	for _, n := range []int64{0, 1, 2, 3, 4096, 4097, 9000} {
		recs := testRecords(n)
		m := testLog(t, recs)
		for _, size := range []int64{0, n / 2, n} {
			if err := Verify(recs, m.Tree(), sign(t, s, m, size), s.VerifierKey()); err != nil {
				t.Fatalf("%d records, checkpoint at %d: %v", n, size, err)
			}
		}
	}
}

// Records edited at random — one byte flipped, one deleted, two swapped,
// one duplicated, the tail cut — are caught at the first record that
// differs from the log as it was written.
func TestVerifyEditedRecords(t *testing.T) {
	const n = 600
	s := testSigner(t, testOrigin, 1)
	recs := testRecords(n)
	m := testLog(t, recs)
	checkpoints := map[int64][]byte{n: sign(t, s, m, n), n - 100: sign(t, s, m, n-100)}

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 2))
	counts := map[string]int{}
	for trial := range 3000 {
		edited := slices.Clone(recs)
		i := rng.Int64N(n)
		var what string
		switch rng.IntN(5) {
		case 0:
			what = "flip"
			r := &edited[i]
			switch rng.IntN(4) {
			case 0:
				r.Kind ^= Kind(1 + rng.IntN(7)) // may make the kind unknown: a fault all the same
			case 1:
				b := []byte(r.ID)
				b[rng.IntN(len(b))] ^= byte(1 + rng.IntN(255))
				r.ID = string(b)
			case 2:
				r.Seq ^= 1 << rng.IntN(62)
			case 3:
				r.ContentHash[rng.IntN(32)] ^= byte(1 + rng.IntN(255))
			}
		case 1:
			what = "delete"
			edited = slices.Delete(edited, int(i), int(i)+1)
		case 2:
			what = "swap"
			j := rng.Int64N(n)
			if i == j {
				j = (i + 1) % n
			}
			edited[i], edited[j] = edited[j], edited[i]
			i = min(i, j)
		case 3:
			what = "duplicate"
			edited = slices.Insert(edited, int(i), edited[i])
			i++ // record i is itself, the next one is not
		case 4:
			what = "truncate"
			edited = edited[:i]
		}
		counts[what]++
		size := int64(n)
		if trial%2 == 1 {
			size = n - 100
		}
		err := Verify(edited, m.Tree(), checkpoints[size], s.VerifierKey())
		f := wantFault(t, err, i, what)
		if f.Reason == "" || !strings.Contains(err.Error(), "record") {
			t.Fatalf("seed %d, %s at %d: unclear error %q", seed, what, i, err)
		}
	}
	t.Logf("seed %d: %v", seed, counts)
}

// The stored hashes edited: a leaf hash, an inner hash, a whole rewrite
// consistent with edited records, and a short or long stored tree.
func TestVerifyEditedStore(t *testing.T) {
	const n = 1000
	s := testSigner(t, testOrigin, 1)
	vkey := s.VerifierKey()
	recs := testRecords(n)
	m := testLog(t, recs)
	signed := sign(t, s, m, n)

	edit := func(index int64) *Memory {
		c := &Memory{size: m.size, hashes: slices.Clone(m.hashes)}
		c.hashes[index][0] ^= 1
		return c
	}
	wantFault(t, Verify(recs, edit(tlog.StoredHashIndex(0, 417)).Tree(), signed, vkey), 417, "leaf hash edited")
	// Node 52 at level 3 covers records 416 to 423; it is stored with 423.
	f := wantFault(t, Verify(recs, edit(tlog.StoredHashIndex(3, 52)).Tree(), signed, vkey), 423, "inner hash edited")
	if !strings.Contains(f.Reason, "records 416 to 423") {
		t.Fatalf("inner hash: %q", f.Reason)
	}

	// Records and stored hashes rewritten together: only the checkpoint
	// tells, and it cannot say where.
	rewritten := slices.Clone(recs)
	rewritten[417].ContentHash[0] ^= 1
	f = wantFault(t, Verify(rewritten, testLog(t, rewritten).Tree(), signed, vkey), -1, "consistent rewrite")
	if !strings.Contains(f.Error(), "checkpoint") {
		t.Fatalf("consistent rewrite: %q", f.Error())
	}

	short := Tree{Size: 900, Hashes: m}
	wantFault(t, Verify(recs, short, signed, vkey), 900, "stored tree shorter than the records")
	wantFault(t, Verify(recs[:900], short, signed, vkey), 900, "stored tree shorter than the checkpoint")
	wantFault(t, Verify(recs[:999], m.Tree(), sign(t, s, m, 990), vkey), 999, "records shorter than the stored tree")

	bad := recs[5]
	bad.Kind = 0
	wantFault(t, Verify(append(slices.Clone(recs[:5]), bad), m.Tree(), sign(t, s, m, 4), vkey), 5, "invalid record")

	other := testSigner(t, testOrigin, 2)
	if err := Verify(recs, m.Tree(), signed, other.VerifierKey()); !errors.Is(err, ErrSignature) {
		t.Fatalf("checkpoint under the wrong key: %v", err)
	}
	broken := Tree{Size: n, Hashes: tlog.HashReaderFunc(func([]int64) ([]tlog.Hash, error) { return nil, errors.New("disk on fire") })}
	if err := Verify(recs, broken, signed, vkey); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("a read error: %v", err)
	}
	var empty Memory
	wantFault(t, Verify(nil, empty.Tree(), sign(t, s, m, 1), vkey), 0, "empty log, checkpoint of one")
	forged, err := s.Sign(tlog.Tree{N: 0, Hash: tlog.RecordHash(nil)})
	if err != nil {
		t.Fatal(err)
	}
	wantFault(t, Verify(nil, empty.Tree(), forged, vkey), -1, "empty log, wrong empty hash")
}
