package handler

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

// nightReceipt is a receipt as the night answers it: a proof of 18
// hashes (a log of about 200,000 leaves) and a signed checkpoint.
func nightReceipt() Receipt {
	proof := make([]tlog.Hash, 18)
	for i := range proof {
		for j := range proof[i] {
			proof[i][j] = byte(i*131 + j*17 + i*j)
		}
	}
	checkpoint := "sandik.example/ledger\n204117\nq2hT3xYk8VbQmZp0a7LrN1cD5fGhJ9sKwE4uIoP6tRy=\n\n— sandik.example/ledger " +
		strings.Repeat("Zm9vYmFyYmF6", 8) + "\n"
	return Receipt{Seq: 204117, ID: "0f8fad5b-d9cb-469f-a165-70867728950e", Warnings: []string{},
		ReceivedAt: time.Date(2026, 3, 29, 19, 12, 33, 123456789, time.FixedZone("+03", 3*3600)),
		Ledger:     &ledger.Receipt{LeafIndex: 204116, LeafHash: proof[3], Checkpoint: checkpoint, Proof: proof}}
}

// BenchmarkReceiptAnswer is the answer to a submission through the
// handler's whole chain, for a client that accepts gzip as browsers and
// phones do.
func BenchmarkReceiptAnswer(b *testing.B) {
	base := New(Config{})
	receipt := nightReceipt()
	base.Handle("POST /r", func(w http.ResponseWriter, r *http.Request) error {
		return base.WriteReceipt(w, receipt)
	}, http.StatusCreated)
	h := base.Handler()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/r", nil)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			b.Fatalf("status %d", w.Code)
		}
	}
}
