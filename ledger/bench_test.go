package ledger

import (
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// BenchmarkAppend is the cost per write of keeping the log: encode the
// record, hash the leaf, compute the stored hashes (about two per leaf) and
// keep them. One op is one leaf; the store adds its own insert of the
// hashes on top. The log starts again every 65,536 leaves so that growing
// one huge slice is not what is measured.
func BenchmarkAppend(b *testing.B) {
	recs := testRecords(1 << 16)
	m := &Memory{hashes: make([]tlog.Hash, 0, 2*len(recs))}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%len(recs) == 0 {
			m.size, m.hashes = 0, m.hashes[:0]
		}
		if _, err := m.Append(recs[i%len(recs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReceipt is the cost of the receipt handed back to a submitter:
// an inclusion proof in a log of a million leaves plus its verification
// (which a client does, not the server).
func BenchmarkReceipt(b *testing.B) {
	const n = 1 << 20
	m := &Memory{}
	for i := range int64(n) {
		if _, err := m.Append(testRecord(i)); err != nil {
			b.Fatal(err)
		}
	}
	s := testSigner(b, testOrigin, 1)
	signed := sign(b, s, m, n)
	b.ReportAllocs()
	for i := int64(0); b.Loop(); i++ {
		r, err := NewReceipt(m.Tree(), (i*7919)%n, signed, s.VerifierKey())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := VerifyReceipt(r, s.VerifierKey()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify is the audit's cost per record.
func BenchmarkVerify(b *testing.B) {
	const n = 1 << 16
	recs := testRecords(n)
	m := testLog(b, recs)
	s := testSigner(b, testOrigin, 1)
	signed := sign(b, s, m, n)
	b.ReportAllocs()
	for b.Loop() {
		if err := Verify(recs, m.Tree(), signed, s.VerifierKey()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/record")
}
