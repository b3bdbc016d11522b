package api

import (
	"net/http"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// getCheckpoint publishes the latest signed checkpoint of the ledger and
// the key that verifies it, so that observers keep their own copies.
func (a *API) getCheckpoint(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
	l, err := a.c.Ledger(r.Context())
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		VerifierKey string `json:"verifier_key"`
		Size        int64  `json:"size"`
		Checkpoint  string `json:"checkpoint"`
		SignedAt    string `json:"signed_at"`
	}{l.VerifierKey, l.Checkpoint.Size, string(l.Checkpoint.Signed), l.Checkpoint.Time.Format("2006-01-02T15:04:05.999999999Z07:00")})
	return nil
}

// getProof proves that the ledger's tree of from leaves is a prefix of
// its tree of to leaves: what an observer holding checkpoints of both
// sizes checks with ledger.VerifyAgainstLater.
func (a *API) getProof(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
	var bad []sandik.Problem
	param := func(name string) int64 {
		v, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
		if err != nil {
			bad = append(bad, sandik.Problem{Field: name, Rule: sandik.RuleInvalidValue, Message: "must be a whole number of leaves"})
		}
		return v
	}
	from, to := param("from"), param("to")
	if len(bad) > 0 {
		return sandik.Invalid("the proof's sizes are not valid", bad)
	}
	proof, err := a.c.ConsistencyProof(r.Context(), from, to)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, ledger.ConsistencyProof{From: from, To: to, Proof: proof})
	return nil
}
