package center_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/store/storetest"
)

// openSigning opens a centre that signs its ledger with the key in dir.
func openSigning(t *testing.T, dir string) (*center.Center, *sqlite.Store, string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(dir, "c.db")})
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "ledger.key")
	c, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return now },
		LedgerKey: key, LedgerOrigin: "sandik.test/ledger", CheckpointEvery: time.Hour})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); st.Close() })
	return c, st, key
}

func TestReceiptsVerify(t *testing.T) {
	dir := t.TempDir()
	c, _, key := openSigning(t, dir)
	ctx := context.Background()
	if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", fi, err)
	}
	if _, err := os.Stat(center.CheckpointFile(key)); err != nil {
		t.Fatalf("no checkpoint file at start: %v", err)
	}
	if err := c.ImportRegistry(ctx, storetest.Registry(t)); err != nil {
		t.Fatal(err)
	}
	pub, err := c.Ledger(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var all []sandik.Receipt
	for i, in := range [][]sandik.SheetInput{
		{sheet("a1", storetest.Box1, 10, 200, 100)},
		{sheet("b1", storetest.Box1, 10, 200, 100), sheet("b2", storetest.Box2, 1, 2, 3)},
		{sheet("a1", storetest.Box1, 10, 200, 100)}, // a replay
	} {
		rs, err := c.Submit(ctx, ayse, in)
		if err != nil {
			t.Fatal(err)
		}
		proofs, err := c.Prove(ctx, rs)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		for k, p := range proofs {
			if p.LeafIndex != rs[k].LeafIndex {
				t.Errorf("receipt of leaf %d for %+v", p.LeafIndex, rs[k])
			}
			if _, err := ledger.VerifyReceipt(p, pub.VerifierKey); err != nil {
				t.Errorf("call %d item %d: %v", i, k, err)
			}
			// The holder's own check: the leaf is their write.
			sub, err := c.View(admin).Submission(ctx, rs[k].ID)
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := ledger.LeafHash(ledger.SubmissionRecord(&sub)); want != p.LeafHash {
				t.Errorf("%s: the receipt's leaf is not the submission's", rs[k].ID)
			}
		}
		all = append(all, rs...)
	}
	if all[3].LeafIndex != all[0].LeafIndex {
		t.Errorf("a replay's leaf %d, want %d", all[3].LeafIndex, all[0].LeafIndex)
	}
	// A receipt from the first call still holds against the latest
	// checkpoint, through the consistency proof the server gives.
	first, err := c.Prove(ctx, all[:1])
	if err != nil {
		t.Fatal(err)
	}
	later, err := c.Ledger(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cp, _ := ledger.OpenCheckpoint([]byte(first[0].Checkpoint), pub.VerifierKey)
	proof, err := c.ConsistencyProof(ctx, cp.Size, later.Checkpoint.Size)
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.VerifyAgainstLater(first[0], later.Checkpoint.Signed, proof, pub.VerifierKey); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ConsistencyProof(ctx, 0, 1); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("proof from 0: %v, want EInvalid", err)
	}
}

// A centre that signs no ledger proves nothing and says so.
func TestNoLedgerKey(t *testing.T) {
	f := newCenter(t)
	rs := submit(t, f, ayse, sheet("a1", storetest.Box1, 10, 200, 100))
	if proofs, err := f.c.Prove(context.Background(), rs); proofs != nil || err != nil {
		t.Errorf("Prove without a key = %v, %v", proofs, err)
	}
	if _, err := f.c.Ledger(context.Background()); sandik.CodeOf(err) != sandik.EUnavailable {
		t.Errorf("Ledger without a key: %v", err)
	}
}

// A key that others may read is refused at start.
func TestLedgerKeyMode(t *testing.T) {
	dir := t.TempDir()
	key := filepath.Join(dir, "ledger.key")
	if _, err := ledger.GenerateKey(key, "sandik.test/ledger"); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(key, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), sqlite.Options{Path: filepath.Join(dir, "c.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if c, err := center.Open(context.Background(), center.Config{Store: st, LedgerKey: key}); err == nil {
		c.Close()
		t.Fatal("a key of mode 0644 was accepted")
	}
}

// countingStore counts the ledger reads the signer could make.
type countingStore struct {
	*sqlite.Store
	sizes, hashes atomic.Int64
}

func (s *countingStore) LedgerSize(ctx context.Context) (int64, error) {
	s.sizes.Add(1)
	return s.Store.LedgerSize(ctx)
}

func (s *countingStore) LedgerHashes(ctx context.Context, idx []int64) ([][32]byte, error) {
	s.hashes.Add(1)
	return s.Store.LedgerHashes(ctx, idx)
}

// TestReceiptsReadNothing: a receipt's checkpoint is signed from the
// root the writer hands over at commit and its proof is made from the
// hashes the commit added, so answering with receipts reads nothing back
// from the database (the reads were what cost the throughput).
func TestReceiptsReadNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sq, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(dir, "c.db")})
	if err != nil {
		t.Fatal(err)
	}
	st := &countingStore{Store: sq}
	c, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return now },
		LedgerKey: filepath.Join(dir, "ledger.key"), CheckpointEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); sq.Close() })
	if err := c.ImportRegistry(ctx, storetest.Registry(t)); err != nil {
		t.Fatal(err)
	}
	pub, err := c.Ledger(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sizes, hashes := st.sizes.Load(), st.hashes.Load()
	for i := range 16 {
		box := []sandik.AreaCode{storetest.Box1, storetest.Box2}[i%2]
		rs, err := c.Submit(ctx, ayse, []sandik.SheetInput{sheet(fmt.Sprintf("q%d", i), box, int64(i), 200, 100)})
		if err != nil {
			t.Fatal(err)
		}
		proofs, err := c.Prove(ctx, rs)
		if err != nil {
			t.Fatal(err)
		}
		cp, err := ledger.VerifyReceipt(proofs[0], pub.VerifierKey)
		if err != nil {
			t.Fatalf("receipt %d: %v", i, err)
		}
		if cp.Size != rs[0].LeafIndex+1 {
			t.Errorf("receipt %d: checkpoint of %d leaves for leaf %d, want the commit's own tree", i, cp.Size, rs[0].LeafIndex)
		}
	}
	if d := st.sizes.Load() - sizes; d != 0 {
		t.Errorf("signing read the ledger's size %d times", d)
	}
	if d := st.hashes.Load() - hashes; d != 0 {
		t.Errorf("proofs read stored hashes %d times", d)
	}
}
