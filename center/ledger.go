package center

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

// notary signs checkpoints of the store's ledger and proves receipts
// against them. One goroutine signs: at every tick when the log grew, and
// at once when a caller waits for a checkpoint covering its leaf, so that
// callers arriving together share one signature (as they share a commit).
// Only the ticks' checkpoints are saved, to the store and to the file
// beside the key, so that an on-demand signature costs no write.
type notary struct {
	store  sandik.LedgerStore
	signer *ledger.Signer
	file   string // the latest saved checkpoint, beside the key
	every  time.Duration
	now    func() time.Time

	latest atomic.Pointer[sandik.SignedCheckpoint]
	grown  atomic.Pointer[sandik.LedgerGrowth] // the writer's latest commit
	want   atomic.Int64                        // the largest size a caller waits for
	wake   chan struct{}
	mu     sync.Mutex
	signed chan struct{} // closed and replaced at every new checkpoint
	saved  int64         // size of the last checkpoint saved
	saving sync.Mutex    // held while a checkpoint is being saved
	cache  *hashCache
}

// CheckpointFile is where the server keeps the latest checkpoint it
// saved, beside the key at keyPath: out of reach of an edit of the
// database, for `sandik log verify`.
func CheckpointFile(keyPath string) string { return keyPath + ".checkpoint" }

// openSigner loads the ledger key, generating it first if the file does
// not exist.
func openSigner(path, origin string, log interface{ Info(string, ...any) }) (*ledger.Signer, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		vkey, err := ledger.GenerateKey(path, origin)
		if err != nil {
			return nil, err
		}
		log.Info("generated a new ledger key", "path", path, "verifier_key", vkey)
	}
	s, err := ledger.LoadSigner(path)
	if err != nil {
		return nil, err
	}
	log.Info("ledger key loaded", "path", path, "verifier_key", s.VerifierKey())
	return s, nil
}

func newNotary(store sandik.LedgerStore, signer *ledger.Signer, keyPath string, every time.Duration, now func() time.Time) *notary {
	return &notary{store: store, signer: signer, file: CheckpointFile(keyPath), every: every, now: now,
		wake: make(chan struct{}, 1), signed: make(chan struct{}), saved: -1, cache: newHashCache(store)}
}

// hashes reads the store's stored hashes for package ledger.
func hashes(ctx context.Context, s sandik.LedgerStore) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		hs, err := s.LedgerHashes(ctx, idx)
		if err != nil {
			return nil, err
		}
		out := make([]tlog.Hash, len(hs))
		for i, h := range hs {
			out[i] = tlog.Hash(h)
		}
		return out, nil
	})
}

// run signs until ctx ends. Saving goes through the store's writer and
// an fsync, so it runs beside the signing loop, not in it: callers
// waiting for a signature never wait for a save.
func (n *notary) run(ctx context.Context, onErr func(error)) {
	t := time.NewTicker(n.every)
	defer t.Stop()
	var saves sync.WaitGroup
	defer saves.Wait()
	for {
		save := false
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			save = true
		case <-n.wake:
		}
		if err := n.sign(ctx, save); err != nil && ctx.Err() == nil {
			onErr(err)
			continue
		}
		if save && n.saving.TryLock() {
			saves.Go(func() {
				defer n.saving.Unlock()
				if err := n.save(ctx); err != nil && ctx.Err() == nil {
					onErr(err)
				}
			})
		}
	}
}

// grew is the store's commit hook: it keeps the hashes the commit
// added for proofs and wakes the signer, which signs the writer's own
// root without reading the database.
func (n *notary) grew(g sandik.LedgerGrowth) {
	n.cache.add(g.HashFrom, g.Hashes)
	g.Hashes = nil
	for {
		cur := n.grown.Load()
		if cur != nil && cur.Size >= g.Size {
			break
		}
		if n.grown.CompareAndSwap(cur, &g) {
			break
		}
	}
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// sign signs the tree the writer last committed if it is newer than the
// latest checkpoint; then, on a tick or when a caller waits for more
// (leaves another server added), the head read from the store.
func (n *notary) sign(ctx context.Context, fromStore bool) error {
	cur := n.latest.Load()
	if g := n.grown.Load(); g != nil && (cur == nil || g.Size > cur.Size) {
		if err := n.publish(tlog.Tree{N: g.Size, Hash: tlog.Hash(g.Root)}); err != nil {
			return err
		}
		cur = n.latest.Load()
	}
	if !fromStore && cur != nil && cur.Size >= n.want.Load() {
		return nil
	}
	size, err := n.store.LedgerSize(ctx)
	if err != nil {
		return err
	}
	if cur != nil && size <= cur.Size {
		return nil
	}
	var from int64
	if cur != nil {
		from = cur.Size
	}
	if err := n.cache.grow(ctx, from, size); err != nil {
		return err
	}
	head, err := ledger.Tree{Size: size, Hashes: n.cache.reader(ctx)}.Head()
	if err != nil {
		return err
	}
	return n.publish(head)
}

// publish signs head and makes it the latest checkpoint, waking the
// callers that wait for one.
func (n *notary) publish(head tlog.Tree) error {
	signed, err := n.signer.Sign(head)
	if err != nil {
		return err
	}
	n.latest.Store(&sandik.SignedCheckpoint{Size: head.N, Signed: signed, Time: n.now().UTC()})
	n.mu.Lock()
	close(n.signed)
	n.signed = make(chan struct{})
	n.mu.Unlock()
	return nil
}

// save keeps the latest checkpoint in the store and in the file beside
// the key, unless it is kept already. The caller holds n.saving.
func (n *notary) save(ctx context.Context) error {
	cur := n.latest.Load()
	if cur == nil || cur.Size == n.saved {
		return nil
	}
	if err := n.store.SaveCheckpoint(ctx, *cur); err != nil {
		return err
	}
	if err := writeFileAtomic(n.file, cur.Signed); err != nil {
		return err
	}
	n.saved = cur.Size
	return nil
}

// covering returns a signed checkpoint of at least size leaves, asking
// the signer for one if the latest is smaller.
func (n *notary) covering(ctx context.Context, size int64) (*sandik.SignedCheckpoint, error) {
	for {
		n.mu.Lock()
		signed := n.signed
		n.mu.Unlock()
		if cp := n.latest.Load(); cp != nil && cp.Size >= size {
			return cp, nil
		}
		for w := n.want.Load(); w < size && !n.want.CompareAndSwap(w, size); w = n.want.Load() {
		}
		select {
		case n.wake <- struct{}{}:
		default:
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for a checkpoint of %d leaves: %w", size, ctx.Err())
		case <-signed:
		}
	}
}

// prove returns the ledger receipt of each store receipt.
func (n *notary) prove(ctx context.Context, rs []sandik.Receipt) ([]ledger.Receipt, error) {
	var need int64
	for _, r := range rs {
		if r.LeafIndex < 0 {
			return nil, sandik.Errorf(sandik.EInternal, "submission %q has no leaf in the ledger", r.ID)
		}
		need = max(need, r.LeafIndex+1)
	}
	cp, err := n.covering(ctx, need)
	if err != nil {
		return nil, err
	}
	tree := ledger.Tree{Size: cp.Size, Hashes: n.cache.reader(ctx)}
	out := make([]ledger.Receipt, len(rs))
	for i, r := range rs {
		leaf, err := tree.LeafHash(r.LeafIndex)
		if err != nil {
			return nil, err
		}
		proof, err := tree.InclusionProof(r.LeafIndex, cp.Size)
		if err != nil {
			return nil, err
		}
		out[i] = ledger.Receipt{LeafIndex: r.LeafIndex, LeafHash: leaf, Checkpoint: string(cp.Signed), Proof: proof}
	}
	return out, nil
}

// writeFileAtomic replaces path with data, so that a crash leaves the old
// file or the new one, never half of one. The temporary file's name is
// its own: two instances on one machine share the key's checkpoint file,
// and with one fixed name each renamed the other's away mid-write.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write checkpoint file: %w", err)
	}
	tmp := f.Name()
	if err = f.Chmod(0o600); err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write checkpoint file: %w", err)
	}
	return nil
}

// openNotary loads or makes the ledger key and signs a first checkpoint,
// so that one is saved before the first write is answered.
func (c *Center) openNotary(ctx context.Context, cfg Config) error {
	if cfg.LedgerKey == "" {
		return nil
	}
	origin := cfg.LedgerOrigin
	if origin == "" {
		origin = "sandik.local/ledger"
	}
	every := cfg.CheckpointEvery
	if every <= 0 {
		every = time.Second
	}
	signer, err := openSigner(cfg.LedgerKey, origin, c.log)
	if err != nil {
		return err
	}
	n := newNotary(c.store, signer, cfg.LedgerKey, every, c.now)
	n.saving.Lock()
	defer n.saving.Unlock()
	if err := errors.Join(n.sign(ctx, true), n.save(ctx)); err != nil {
		return fmt.Errorf("sign the first ledger checkpoint: %w", err)
	}
	c.store.WatchLedger(n.grew)
	c.notary = n
	return nil
}

// Ledger is what the centre publishes of its log: the latest signed
// checkpoint and the key that verifies it.
type Ledger struct {
	VerifierKey string
	Checkpoint  sandik.SignedCheckpoint
}

// Ledger returns the latest signed checkpoint; EUnavailable when the
// server signs none.
func (c *Center) Ledger(ctx context.Context) (Ledger, error) {
	if c.notary == nil {
		return Ledger{}, sandik.Errorf(sandik.EUnavailable, "this server keeps no signed ledger")
	}
	cp, err := c.notary.covering(ctx, 0)
	if err != nil {
		return Ledger{}, err
	}
	return Ledger{VerifierKey: c.notary.signer.VerifierKey(), Checkpoint: *cp}, nil
}

// LedgerCacheBytes is about what the ledger's hashes kept in memory for
// receipts' proofs hold (bounded: hashcache.go); 0 when the server signs
// no ledger.
func (c *Center) LedgerCacheBytes() int64 {
	if c.notary == nil {
		return 0
	}
	return c.notary.cache.bytes()
}

// Prove returns the ledger receipt of each of rs, against a checkpoint
// signed for them if none yet covers them; nil when the server signs no
// ledger.
func (c *Center) Prove(ctx context.Context, rs []sandik.Receipt) ([]ledger.Receipt, error) {
	if c.notary == nil {
		return nil, nil
	}
	return c.notary.prove(ctx, rs)
}

// ConsistencyProof proves that the ledger's tree of from leaves is a
// prefix of its tree of to leaves, for an observer who holds a checkpoint
// of each.
func (c *Center) ConsistencyProof(ctx context.Context, from, to int64) (tlog.TreeProof, error) {
	size, err := c.store.LedgerSize(ctx)
	if err != nil {
		return nil, err
	}
	if from < 1 || from > to || to > size {
		return nil, sandik.Errorf(sandik.EInvalid, "no consistency proof from %d to %d leaves: want 1 ≤ from ≤ to ≤ %d", from, to, size)
	}
	return ledger.Tree{Size: size, Hashes: hashes(ctx, c.store)}.ConsistencyProof(from, to)
}
