package ledger

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// receiptFixture is a log of n leaves signed at some sizes.
type receiptFixture struct {
	s      *Signer
	recs   []Record
	m      *Memory
	signed map[int64][]byte
	vkey   string
}

func newReceiptFixture(t tb, n int64, sizes ...int64) *receiptFixture {
	t.Helper()
	f := &receiptFixture{s: testSigner(t, testOrigin, 1), recs: testRecords(n), signed: map[int64][]byte{}}
	f.m = testLog(t, f.recs)
	f.vkey = f.s.VerifierKey()
	for _, size := range sizes {
		f.signed[size] = sign(t, f.s, f.m, size)
	}
	return f
}

func (f *receiptFixture) receipt(t *testing.T, index, size int64) Receipt {
	t.Helper()
	r, err := NewReceipt(f.m.Tree(), index, f.signed[size], f.vkey)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *receiptFixture) consistency(t *testing.T, old, size int64) tlog.TreeProof {
	t.Helper()
	p, err := f.m.Tree().ConsistencyProof(old, size)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Receipts verify, survive JSON, and verify against every later checkpoint.
func TestReceipts(t *testing.T) {
	sizes := []int64{1, 2, 7, 64, 300, 301, 1000}
	f := newReceiptFixture(t, 1000, sizes...)
	for i, size := range sizes {
		for index := int64(0); index < size; index += 1 + size/50 {
			r := f.receipt(t, index, size)
			data, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseReceipt(data)
			if err != nil {
				t.Fatalf("ParseReceipt(%s): %v", data, err)
			}
			c, err := VerifyReceipt(back, f.vkey)
			if err != nil {
				t.Fatalf("leaf %d at %d: %v", index, size, err)
			}
			if want, _ := LeafHash(f.recs[index]); back.LeafHash != want || c.Size != size {
				t.Fatalf("leaf %d at %d: receipt for %v at %d", index, size, back.LeafHash, c.Size)
			}
			for _, later := range sizes[i:] {
				if err := VerifyAgainstLater(back, f.signed[later], f.consistency(t, size, later), f.vkey); err != nil {
					t.Fatalf("leaf %d at %d, later %d: %v", index, size, later, err)
				}
			}
		}
	}
	if _, err := NewReceipt(f.m.Tree(), 300, f.signed[300], f.vkey); err == nil {
		t.Fatal("a receipt for a leaf outside its checkpoint")
	}
	short := Tree{Size: 200, Hashes: f.m}
	if _, err := NewReceipt(short, 5, f.signed[300], f.vkey); err == nil {
		t.Fatal("a receipt against a checkpoint ahead of the log")
	}
	if _, err := NewReceipt(f.m.Tree(), 5, f.signed[300], testSigner(t, testOrigin, 2).VerifierKey()); !errors.Is(err, ErrSignature) {
		t.Fatalf("a receipt against another key's view: %v", err)
	}
}

// Every alteration of a receipt fails, with the error that says what kind
// of failure it is.
func TestReceiptAltered(t *testing.T) {
	f := newReceiptFixture(t, 1000, 300, 1000)
	good := f.receipt(t, 123, 300)
	other := f.receipt(t, 124, 300)
	forger := testSigner(t, testOrigin, 2)
	forgedLog := testLog(t, f.recs[:300])
	replace := func(old, new string) func(*Receipt) {
		return func(r *Receipt) {
			if !strings.Contains(r.Checkpoint, old) {
				t.Fatalf("checkpoint has no %q", old)
			}
			r.Checkpoint = strings.Replace(r.Checkpoint, old, new, 1)
		}
	}
	c, _ := ParseCheckpoint([]byte(good.Checkpoint[:strings.Index(good.Checkpoint, "\n\n")+1]))
	sigLine := good.Checkpoint[strings.Index(good.Checkpoint, "\n\n")+2:]
	sig := sigLine[strings.LastIndex(sigLine, " ")+1 : len(sigLine)-1]
	flipped := []byte(sig)
	flipped[10] ^= 'A' ^ 'B' // another base64 letter of the signature
	for _, tc := range []struct {
		name string
		edit func(*Receipt)
		want error
	}{
		{"leaf hash one bit off", func(r *Receipt) { r.LeafHash[0] ^= 1 }, ErrProof},
		{"another leaf's hash", func(r *Receipt) { r.LeafHash = other.LeafHash }, ErrProof},
		{"index + 1", func(r *Receipt) { r.LeafIndex++ }, ErrProof},
		{"index - 1", func(r *Receipt) { r.LeafIndex-- }, ErrProof},
		{"index negative", func(r *Receipt) { r.LeafIndex = -1 }, ErrProof},
		{"index = size", func(r *Receipt) { r.LeafIndex = 300 }, ErrProof},
		{"another leaf's index and hash, this proof", func(r *Receipt) { r.LeafIndex, r.LeafHash = 124, other.LeafHash }, ErrProof},
		{"proof hash changed", func(r *Receipt) { r.Proof = slices.Clone(r.Proof); r.Proof[3][7] ^= 0x80 }, ErrProof},
		{"proof cut short", func(r *Receipt) { r.Proof = r.Proof[:len(r.Proof)-1] }, ErrProof},
		{"proof lengthened", func(r *Receipt) { r.Proof = append(slices.Clone(r.Proof), r.Proof[0]) }, ErrProof},
		{"no proof", func(r *Receipt) { r.Proof = nil }, ErrProof},
		{"checkpoint size changed", replace("\n300\n", "\n301\n"), ErrSignature},
		{"checkpoint hash changed", replace(c.Hash.String(), other.LeafHash.String()), ErrSignature},
		{"checkpoint origin changed", func(r *Receipt) { r.Checkpoint = strings.ReplaceAll(r.Checkpoint, testOrigin, "sandik.test/other") }, ErrSignature},
		{"signature changed", replace(sig, string(flipped)), ErrSignature},
		{"signature removed", func(r *Receipt) { r.Checkpoint = r.Checkpoint[:strings.Index(r.Checkpoint, "\n\n")+2] }, ErrMalformed},
		{"checkpoint empty", func(r *Receipt) { r.Checkpoint = "" }, ErrMalformed},
		{"signed by another key of the same name", func(r *Receipt) {
			signed := sign(t, forger, forgedLog, 300)
			forged, err := NewReceipt(forgedLog.Tree(), 123, signed, forger.VerifierKey())
			if err != nil {
				t.Fatal(err)
			}
			*r = forged
		}, ErrSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := good
			r.Proof = slices.Clone(good.Proof)
			tc.edit(&r)
			_, err := VerifyReceipt(r, f.vkey)
			if !errors.Is(err, tc.want) {
				t.Fatalf("VerifyReceipt: %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), "receipt of leaf") {
				t.Fatalf("error does not say what failed: %v", err)
			}
			if err := VerifyAgainstLater(r, f.signed[1000], f.consistency(t, 300, 1000), f.vkey); !errors.Is(err, tc.want) {
				t.Fatalf("VerifyAgainstLater: %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := VerifyReceipt(good, forger.VerifierKey()); !errors.Is(err, ErrSignature) {
		t.Fatalf("checked with the wrong key: %v", err)
	}
}

// A later checkpoint holds the log to a receipt: a rewritten history, a
// shrunken tree or a proof that does not fit fails.
func TestReceiptAgainstLaterAltered(t *testing.T) {
	f := newReceiptFixture(t, 1000, 300, 600, 1000)
	good := f.receipt(t, 123, 300)
	proof := f.consistency(t, 300, 1000)

	// The same key signs a log in which leaf 123 was rewritten after the
	// receipt was handed out.
	fork := slices.Clone(f.recs)
	fork[123].ContentHash[0] ^= 1
	forkLog := testLog(t, fork)
	forkSigned := sign(t, f.s, forkLog, 1000)
	forkProof, err := forkLog.Tree().ConsistencyProof(300, 1000)
	if err != nil {
		t.Fatal(err)
	}
	altered := slices.Clone(proof)
	altered[0][0] ^= 1

	for _, tc := range []struct {
		name   string
		later  []byte
		proof  tlog.TreeProof
		vkey   string
		want   error
		saying string
	}{
		{"history rewritten under the receipt", forkSigned, forkProof, f.vkey, ErrProof, "does not extend"},
		{"rewritten, with the honest proof", forkSigned, proof, f.vkey, ErrProof, "does not extend"},
		{"proof altered", f.signed[1000], altered, f.vkey, ErrProof, "does not extend"},
		{"proof of other sizes", f.signed[1000], f.consistency(t, 600, 1000), f.vkey, ErrProof, "does not extend"},
		{"proof cut short", f.signed[1000], proof[:len(proof)-1], f.vkey, ErrProof, "does not extend"},
		{"later checkpoint altered", []byte(strings.Replace(string(f.signed[1000]), "\n1000\n", "\n1001\n", 1)), proof, f.vkey, ErrSignature, "later checkpoint"},
		{"later signed by another key", sign(t, testSigner(t, testOrigin, 3), f.m, 1000), proof, f.vkey, ErrSignature, "later checkpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := VerifyAgainstLater(good, tc.later, tc.proof, tc.vkey)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.saying) {
				t.Fatalf("err %v, want %v saying %q", err, tc.want, tc.saying)
			}
		})
	}

	early := f.receipt(t, 123, 600)
	if err := VerifyAgainstLater(early, f.signed[300], nil, f.vkey); !errors.Is(err, ErrProof) || !strings.Contains(err.Error(), "fewer") {
		t.Fatalf("a later checkpoint smaller than the receipt's: %v", err)
	}
	// A rewrite after the receipt's tree leaves the receipt's leaf where it
	// was: the receipt still holds; receipts of later leaves catch it.
	late := slices.Clone(f.recs)
	late[500].ContentHash[0] ^= 1
	lateLog := testLog(t, late)
	p, err := lateLog.Tree().ConsistencyProof(300, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyAgainstLater(good, sign(t, f.s, lateLog, 1000), p, f.vkey); err != nil {
		t.Fatalf("a rewrite after the receipt's tree: %v", err)
	}
	if err := VerifyAgainstLater(f.receipt(t, 500, 600), sign(t, f.s, lateLog, 1000), p, f.vkey); !errors.Is(err, ErrProof) {
		t.Fatalf("a receipt of the rewritten leaf: %v", err)
	}
}

func TestParseReceiptStrict(t *testing.T) {
	f := newReceiptFixture(t, 10, 10)
	data, err := json.Marshal(f.receipt(t, 3, 10))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		"",
		"[]",
		strings.Replace(string(data), `"leaf_index"`, `"leaf_index":3,"extra"`, 1),
		string(data) + "{}",
		strings.Replace(string(data), `"leaf_hash":"`, `"leaf_hash":"!`, 1),
	} {
		if _, err := ParseReceipt([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseReceipt(%.60q…): %v, want ErrMalformed", bad, err)
		}
	}
}

func FuzzParseReceipt(f *testing.F) {
	fx := newReceiptFixture(f, 10, 10)
	for _, i := range []int64{0, 5, 9} {
		r, err := NewReceipt(fx.m.Tree(), i, fx.signed[10], fx.vkey)
		if err != nil {
			f.Fatal(err)
		}
		data, _ := json.Marshal(r)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseReceipt(data)
		if err != nil {
			return
		}
		// Whatever decodes must re-encode and decode to the same receipt,
		// and verification must answer, not panic.
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseReceipt(again)
		if err != nil || back.LeafIndex != r.LeafIndex || back.LeafHash != r.LeafHash || back.Checkpoint != r.Checkpoint || !slices.Equal(back.Proof, r.Proof) {
			t.Fatalf("%s → %+v, %v", again, back, err)
		}
		_, _ = VerifyReceipt(r, fx.vkey)
	})
}
