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
	max   int // hashes the tail holds at most, its capacity included

	// filling is held by a fillGap reading a gap, so that the proofs
	// that find it wait for that one read rather than each make theirs.
	filling sync.Mutex

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

// maxTail is 16 MiB of hashes, the last 130,000 to 260,000 leaves. Proofs
// are asked for as entries are acknowledged, of leaves a checkpoint or
// two old, so that is minutes of a national night's peak; the larger
// subtrees on their left have their roots in old. It was 64 MiB, and with
// the slice's spare capacity and the copy at each trim the tail took up
// to 110 MiB of a national night's heap.
const (
	maxTail = 1 << 19
	maxOld  = 1 << 16
)

func newHashCache(s sandik.LedgerStore) *hashCache {
	return &hashCache{store: s, max: maxTail, old: map[int64]tlog.Hash{}, early: map[int64][][32]byte{}}
}

// hashBytes is one stored hash in old with its slot in the map (an
// estimate: a slot costs about twice its key and value).
const hashBytes = 2 * (8 + 32)

// bytes is about what the cache holds in memory, for /metrics.
func (c *hashCache) bytes() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := 32*int64(cap(c.tail)) + hashBytes*int64(len(c.old))
	for _, hs := range c.early {
		n += 32 * int64(cap(hs))
	}
	return n
}

func (c *hashCache) reader(ctx context.Context) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) { return c.read(ctx, idx) })
}

func (c *hashCache) read(ctx context.Context, idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	miss, at, past := c.hits(idx, out)
	// A few gaps at most lie between the tail and what a proof of a fresh
	// leaf needs: one per commit of another server since this one's last.
	for tries := 0; past && tries < 4; tries++ {
		filled, err := c.fillGap(ctx)
		if err != nil {
			return nil, err
		}
		if !filled {
			break
		}
		miss, at, past = c.hits(idx, out)
	}
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

// hits copies into out the hashes of idx the cache holds, and returns
// the indexes it lacks with their places in idx; past says whether one
// of them lies past the tail's end while a growth waits there (a gap
// fillGap can close).
func (c *hashCache) hits(idx []int64, out []tlog.Hash) (miss []int64, at []int, past bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	end := c.base + int64(len(c.tail))
	for i, x := range idx {
		if k := x - c.base; k >= 0 && k < int64(len(c.tail)) {
			out[i] = c.tail[k]
		} else if h, ok := c.old[x]; ok {
			out[i] = h
		} else {
			miss, at = append(miss, x), append(at, i)
			past = past || x >= end
		}
	}
	return miss, at, past && len(c.tail) > 0 && len(c.early) > 0
}

// fillGap reads, in one ranged read, the stored hashes between the
// tail's end and the first growth waiting past it: the leaves another
// server added between two commits of this one. Without it, until the
// next signing round read the gap, every proof of this server's fresh
// leaves read its own hashes from the database (with two instances, one
// read per receipt). Callers wait for a fill under way, then find its
// hashes in the tail. filled is false when there was no gap to fill, or
// one too long to keep.
func (c *hashCache) fillGap(ctx context.Context) (filled bool, err error) {
	c.filling.Lock()
	defer c.filling.Unlock()
	c.mu.RLock()
	end, next := c.base+int64(len(c.tail)), int64(-1)
	for f := range c.early {
		if f > end && (next < 0 || f < next) {
			next = f
		}
	}
	c.mu.RUnlock()
	if next < 0 {
		// Nothing waits past the tail: a fill that ran while this
		// caller waited may have closed the gap.
		return true, nil
	}
	if next-end > int64(c.max/2) {
		return false, nil
	}
	idx := make([]int64, next-end)
	for i := range idx {
		idx[i] = end + int64(i)
	}
	hs, err := c.store.LedgerHashes(ctx, idx)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// The tail only grows at its end (a trim moves its base), so the gap
	// read still starts at or before the end.
	c.extend(end, hs)
	c.drain()
	return true, nil
}

// grow reads the stored hashes of leaves [from, to) into the tail.
func (c *hashCache) grow(ctx context.Context, from, to int64) error {
	lo, hi := tlog.StoredHashCount(from), tlog.StoredHashCount(to)
	c.mu.RLock()
	end, kept := c.base+int64(len(c.tail)), len(c.tail) > 0
	c.mu.RUnlock()
	if kept {
		lo = end // fill a gap so the tail stays contiguous; skip what it has
	}
	if hi <= lo {
		return nil
	}
	if keep := int64(c.max / 2); hi-lo > keep {
		// The tail restarts past what it would keep anyway (the first
		// round after a start, or a long gap another server filled):
		// reading all of it would hold the whole log's hashes at once.
		lo = hi - keep
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
	if cur := c.base + int64(len(c.tail)); len(c.tail) == 0 || cur < lo {
		c.base, c.tail = lo, c.tail[:0]
	}
	c.extend(lo, hs)
	c.drain()
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
	if k := end - from; k < int64(len(hs)) {
		hs = hs[k:]
	} else {
		return
	}
	c.room(len(hs))
	for _, h := range hs {
		c.tail = append(c.tail, tlog.Hash(h))
	}
}

// room makes the tail's capacity hold n more hashes, never more than
// c.max in all: append would grow it by a quarter past the bound, and a
// trim that copied the kept half into a slice of its length alone would
// make the next append grow it again. Past the bound the older hashes
// go, down to half of it, within the same array. The caller holds c.mu.
func (c *hashCache) room(n int) {
	if len(c.tail)+n <= cap(c.tail) {
		return
	}
	if len(c.tail)+n <= c.max {
		next := make([]tlog.Hash, len(c.tail), min(c.max, max(2*cap(c.tail), len(c.tail)+n, 1024)))
		copy(next, c.tail)
		c.tail = next
		return
	}
	keep := min(len(c.tail), c.max/2, max(c.max-n, 0))
	c.base += int64(len(c.tail) - keep)
	if cap(c.tail) >= keep+n {
		// Readers copy hashes out under c.mu, so the kept ones can move
		// down in place: no new array, no old one left as garbage.
		c.tail = c.tail[:copy(c.tail, c.tail[len(c.tail)-keep:])]
		return
	}
	next := make([]tlog.Hash, keep, max(c.max, keep+n))
	copy(next, c.tail[len(c.tail)-keep:])
	c.tail = next
}
