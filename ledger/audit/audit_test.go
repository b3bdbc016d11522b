package audit_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/store/storetest"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func TestRun(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "a.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// An empty log with nothing signed verifies.
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("empty: %v", err)
	}
	if _, err := s.Append(ctx, storetest.Subs("a", 20)); err != nil {
		t.Fatal(err)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("unsigned: %v", err)
	}
	skey, vkey, _ := note.GenerateKey(nil, "sandik.test/audit")
	signer, _ := ledger.NewSigner(skey)
	hashes := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		hs, err := s.LedgerHashes(ctx, idx)
		out := make([]tlog.Hash, len(hs))
		for i, h := range hs {
			out[i] = h
		}
		return out, err
	})
	head, err := ledger.Tree{Size: 20, Hashes: hashes}.Head()
	if err != nil {
		t.Fatal(err)
	}
	cp, _ := signer.Sign(head)
	if err := audit.Run(ctx, s, vkey, audit.Options{Checkpoints: [][]byte{cp}}); err != nil {
		t.Fatalf("signed: %v", err)
	}
	// A checkpoint of a larger tree than the log: the log was cut.
	if _, err := s.Append(ctx, storetest.Subs("b", 5)); err != nil {
		t.Fatal(err)
	}
	head, _ = ledger.Tree{Size: 25, Hashes: hashes}.Head()
	later, _ := signer.Sign(head)
	head.N, head.Hash = 30, tlog.Hash{1}
	forged, _ := signer.Sign(head)
	if err := audit.Run(ctx, s, vkey, audit.Options{Checkpoints: [][]byte{cp, later}}); err != nil {
		t.Fatalf("two checkpoints: %v", err)
	}
	var f *audit.Fault
	if err := audit.Run(ctx, s, vkey, audit.Options{Checkpoints: [][]byte{forged}}); !errors.As(err, &f) || f.Index != 25 {
		t.Fatalf("a checkpoint beyond the log: %v", err)
	}
	_, otherKey, _ := note.GenerateKey(nil, "sandik.test/audit")
	if err := audit.Run(ctx, s, otherKey, audit.Options{Checkpoints: [][]byte{cp}}); !errors.Is(err, ledger.ErrSignature) {
		t.Fatalf("another key: %v", err)
	}
	if err := s.SaveCheckpoint(ctx, sandik.SignedCheckpoint{Size: 30, Signed: forged}); err != nil {
		t.Fatal(err)
	}
	if err := audit.Run(ctx, s, vkey, audit.Options{}); !errors.As(err, &f) || f.Index != 25 {
		t.Fatalf("the store's own checkpoint beyond the log: %v", err)
	}
}

// writingMeanwhile is a store another instance appends to while the
// audit reads it: right after the audit has read the ledger's records.
type writingMeanwhile struct {
	*sqlite.Store
	t    *testing.T
	done bool
}

func (w *writingMeanwhile) LedgerRecords(ctx context.Context, from int64, limit int) ([]sandik.LedgerRecord, error) {
	recs, err := w.Store.LedgerRecords(ctx, from, limit)
	if err == nil && len(recs) < limit && !w.done {
		w.done = true
		if _, err := w.Store.Append(ctx, storetest.Subs("meanwhile", 3)); err != nil {
			w.t.Fatal(err)
		}
	}
	return recs, err
}

// A submission written, with its leaf, after the audit read the ledger is
// another instance at work, not a submission without a record.
func TestRunWhileAnotherInstanceWrites(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "a.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Append(ctx, storetest.Subs("a", 10)); err != nil {
		t.Fatal(err)
	}
	w := &writingMeanwhile{Store: s, t: t}
	if err := audit.Run(ctx, w, "", audit.Options{}); err != nil {
		t.Fatalf("audit while another instance writes: %v", err)
	}
	if !w.done {
		t.Fatal("nothing was written during the audit: the test proved nothing")
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit after: %v", err)
	}
}
