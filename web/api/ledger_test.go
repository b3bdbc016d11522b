package api

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/sandik-dev/sandik/ledger"
)

type checkpointView struct {
	VerifierKey string `json:"verifier_key"`
	Size        int64  `json:"size"`
	Checkpoint  string `json:"checkpoint"`
}

// Every answer to a submission, single or batch, carries a receipt that
// verifies with the published key, and stays valid against a later
// checkpoint through the published consistency proof.
func TestSubmissionReceiptsVerify(t *testing.T) {
	e := newEnv(t)
	var pub checkpointView
	e.Do("GET", "/api/v1/log/checkpoint", observer1, nil).Decode(t, http.StatusOK, &pub)
	one := e.submit(observer1, sheet("r-1", raceIST, box1, 100, 90, 10))
	if one.Ledger == nil {
		t.Fatal("a submission's answer has no receipt")
	}
	var batch struct {
		Receipts []receiptView `json:"receipts"`
	}
	e.Do("POST", "/api/v1/submissions/batch", volunteer, map[string]any{"items": []any{
		sheet("r-2", raceIST, box1, 100, 90, 10), sheet("r-3", raceIST, box2, 50, 40, 10),
	}}).Decode(t, http.StatusCreated, &batch)
	receipts := []*ledger.Receipt{one.Ledger, batch.Receipts[0].Ledger, batch.Receipts[1].Ledger}
	for i, r := range receipts {
		if r == nil {
			t.Fatalf("receipt %d missing", i)
		}
		if _, err := ledger.VerifyReceipt(*r, pub.VerifierKey); err != nil {
			t.Errorf("receipt %d: %v", i, err)
		}
	}
	var replay receiptView
	e.Do("POST", "/api/v1/submissions", observer1, sheet("r-1", raceIST, box1, 100, 90, 10)).Decode(t, http.StatusOK, &replay)
	if replay.Ledger == nil || replay.Ledger.LeafIndex != one.Ledger.LeafIndex {
		t.Errorf("a replay's receipt %+v, want leaf %d", replay.Ledger, one.Ledger.LeafIndex)
	}

	var later checkpointView
	e.Do("GET", "/api/v1/log/checkpoint", coordinator, nil).Decode(t, http.StatusOK, &later)
	first, err := ledger.OpenCheckpoint([]byte(one.Ledger.Checkpoint), pub.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	var proof ledger.ConsistencyProof
	e.Do("GET", fmt.Sprintf("/api/v1/log/proof?from=%d&to=%d", first.Size, later.Size), observer1, nil).Decode(t, http.StatusOK, &proof)
	if err := ledger.VerifyAgainstLater(*one.Ledger, []byte(later.Checkpoint), proof.Proof, pub.VerifierKey); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "?from=0&to=1", "?from=x&to=1", fmt.Sprintf("?from=1&to=%d", later.Size+1000)} {
		if r := e.Do("GET", "/api/v1/log/proof"+q, observer1, nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("proof%s: %d %s", q, r.Status, r.Body)
		}
	}
}
