package center

import (
	"context"
	"sync"

	"github.com/sandik-dev/sandik"
	"golang.org/x/mod/sumdb/tlog"
)

// hashCache keeps stored hashes of the ledger in memory for the proofs of
// receipts. Stored hashes never change, so nothing is invalidated: the
// notary appends the hashes of every leaf it signs (one ranged read per
// checkpoint), so a proof of a fresh leaf reads no database; the older
// hashes proofs need (roots of the large subtrees on the left, the same
// for every proof) are kept as they are read, up to a bound.
type hashCache struct {
	store sandik.LedgerStore

	mu   sync.RWMutex
	base int64       // stored index of tail[0]
	tail []tlog.Hash // contiguous stored hashes from base
	old  map[int64]tlog.Hash
	// early holds growths that came before the one they follow, by their
	// first stored index: a store with several writers in flight (the
	// PostgreSQL one) may report its commits out of order, and without
	// them the tail would stop growing at the first gap, every proof
	// after it reading the database.
	early map[int64][][32]byte
}

const (
	maxTail = 1 << 21 // 64 MiB of hashes: about a million leaves
	maxOld  = 1 << 16
)

func newHashCache(s sandik.LedgerStore) *hashCache {
	return &hashCache{store: s, old: map[int64]tlog.Hash{}, early: map[int64][][32]byte{}}
}

func (c *hashCache) reader(ctx context.Context) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) { return c.read(ctx, idx) })
}

func (c *hashCache) read(ctx context.Context, idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	var miss []int64
	var at []int
	c.mu.RLock()
	for i, x := range idx {
		if k := x - c.base; k >= 0 && k < int64(len(c.tail)) {
			out[i] = c.tail[k]
		} else if h, ok := c.old[x]; ok {
			out[i] = h
		} else {
			miss, at = append(miss, x), append(at, i)
		}
	}
	c.mu.RUnlock()
	if len(miss) == 0 {
		return out, nil
	}
	hs, err := c.store.LedgerHashes(ctx, miss)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.old)+len(hs) > maxOld {
		clear(c.old)
	}
	for k, h := range hs {
		out[at[k]] = tlog.Hash(h)
		c.old[miss[k]] = tlog.Hash(h)
	}
	c.mu.Unlock()
	return out, nil
}

// grow reads the stored hashes of leaves [from, to) into the tail.
func (c *hashCache) grow(ctx context.Context, from, to int64) error {
	lo, hi := tlog.StoredHashCount(from), tlog.StoredHashCount(to)
	c.mu.RLock()
	end := c.base + int64(len(c.tail))
	c.mu.RUnlock()
	if len(c.tail) > 0 && lo > end {
		lo = end // fill the gap so the tail stays contiguous
	}
	if len(c.tail) > 0 && lo < end {
		lo = end
	}
	if hi <= lo {
		return nil
	}
	idx := make([]int64, hi-lo)
	for i := range idx {
		idx[i] = lo + int64(i)
	}
	hs, err := c.store.LedgerHashes(ctx, idx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// The writer's commits may have added to the tail meanwhile (add):
	// only what lies past its end now is appended. A tail that stops
	// short of lo cannot be continued and starts again at lo.
	cur := c.base + int64(len(c.tail))
	if len(c.tail) == 0 || cur < lo {
		c.base, c.tail, cur = lo, c.tail[:0], lo
	}
	for i := cur - lo; i < int64(len(hs)); i++ {
		c.tail = append(c.tail, tlog.Hash(hs[i]))
	}
	c.drain()
	c.trim()
	return nil
}

// add keeps hashes that sit at stored indexes from onwards, when they
// continue the tail; after a gap (leaves another server added) it keeps
// nothing, and the next grow reads the gap and them.
func (c *hashCache) add(from int64, hs [][32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if end := c.base + int64(len(c.tail)); from > end {
		if len(c.early) < maxEarly {
			c.early[from] = hs
		}
		return
	}
	c.extend(from, hs)
	c.drain()
	c.trim()
}

// drain extends the tail with the early growths that now follow it. The
// caller holds c.mu.
func (c *hashCache) drain() {
	for len(c.early) > 0 {
		end := c.base + int64(len(c.tail))
		next, ok := int64(-1), false
		for f := range c.early {
			if f <= end {
				next, ok = f, true
				break
			}
		}
		if !ok {
			break
		}
		c.extend(next, c.early[next])
		delete(c.early, next)
	}
}

// maxEarly bounds the growths kept waiting for the one before them.
const maxEarly = 64

// extend appends what hs, from stored index from, adds past the tail's
// end. The caller holds c.mu and has checked from is not past the end.
func (c *hashCache) extend(from int64, hs [][32]byte) {
	end := c.base + int64(len(c.tail))
	for i := end - from; i < int64(len(hs)); i++ {
		c.tail = append(c.tail, tlog.Hash(hs[i]))
	}
}

// trim drops the older half of the tail once it is too long. The caller
// holds c.mu.
func (c *hashCache) trim() {
	if len(c.tail) > maxTail {
		drop := len(c.tail) - maxTail/2
		c.base += int64(drop)
		c.tail = append([]tlog.Hash(nil), c.tail[drop:]...)
	}
}
