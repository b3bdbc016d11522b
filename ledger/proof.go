package ledger

import "golang.org/x/mod/sumdb/tlog"

// ConsistencyProof is a consistency proof as a server publishes it
// (/api/v1/log/proof) and an observer keeps it: the tree of From leaves
// is a prefix of the tree of To leaves. Hashes encode as base64.
type ConsistencyProof struct {
	From  int64          `json:"from"`
	To    int64          `json:"to"`
	Proof tlog.TreeProof `json:"proof"`
}
