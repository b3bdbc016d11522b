package center

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"github.com/sandik-dev/sandik"
	"golang.org/x/mod/sumdb/tlog"
)

// hashStore serves stored hash i as sha256(i); during calls it can run
// a commit's add, as the writer does concurrently.
type hashStore struct {
	sandik.LedgerStore
	reads  int
	most   int // the most hashes one read asked for
	during func()
}

func storedHash(i int64) [32]byte {
	return sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i)))
}

func (s *hashStore) LedgerHashes(_ context.Context, idx []int64) ([][32]byte, error) {
	s.reads++
	s.most = max(s.most, len(idx))
	if s.during != nil {
		f := s.during
		s.during = nil
		f()
	}
	out := make([][32]byte, len(idx))
	for i, x := range idx {
		out[i] = storedHash(x)
	}
	return out, nil
}

func hashesFrom(from, to int64) [][32]byte {
	var hs [][32]byte
	for i := from; i < to; i++ {
		hs = append(hs, storedHash(i))
	}
	return hs
}

// TestHashCacheKeepsItsTailWhenCommitsRace: a signing round reads the
// hashes past the tail while commits append to it. The tail must stay
// whole; dropping it (as once happened at every tick under load) sent
// every proof back to the database.
func TestHashCacheKeepsItsTailWhenCommitsRace(t *testing.T) {
	st := &hashStore{}
	c := newHashCache(st)
	ctx := context.Background()
	c.add(0, hashesFrom(0, tlog.StoredHashCount(100)))
	// The round reads from the tail's end to the tree of 150 leaves;
	// meanwhile a commit adds the hashes of leaves 100 to 120.
	st.during = func() {
		c.add(tlog.StoredHashCount(100), hashesFrom(tlog.StoredHashCount(100), tlog.StoredHashCount(120)))
	}
	if err := c.grow(ctx, 100, 150); err != nil {
		t.Fatal(err)
	}
	// A commit after the round continues the tail.
	c.add(tlog.StoredHashCount(150), hashesFrom(tlog.StoredHashCount(150), tlog.StoredHashCount(160)))
	reads := st.reads
	readAll(t, c, 160)
	if st.reads != reads {
		t.Errorf("reading the hashes of 160 leaves went to the store %d times; the tail was dropped", st.reads-reads)
	}
	// A commit past a gap (another server's leaves in between) is not
	// kept, and the next grow fills the gap and continues.
	c.add(tlog.StoredHashCount(170), hashesFrom(tlog.StoredHashCount(170), tlog.StoredHashCount(175)))
	if end := c.base + int64(len(c.tail)); end != tlog.StoredHashCount(160) {
		t.Errorf("after a gap the tail ends at %d, want %d", end, tlog.StoredHashCount(160))
	}
	if err := c.grow(ctx, 160, 180); err != nil {
		t.Fatal(err)
	}
	if end := c.base + int64(len(c.tail)); c.base != 0 || end != tlog.StoredHashCount(180) {
		t.Errorf("tail [%d, %d), want [0, %d)", c.base, end, tlog.StoredHashCount(180))
	}
}

// Commits reported out of order (PostgreSQL keeps two group commits in
// flight, and the second may tell its growth before the first) must
// still extend the tail: before, the later one was dropped at the gap
// and every proof from then on read the database.
func TestHashCacheTakesCommitsOutOfOrder(t *testing.T) {
	st := &hashStore{}
	c := newHashCache(st)
	at := tlog.StoredHashCount
	c.add(0, hashesFrom(0, at(100)))
	c.add(at(120), hashesFrom(at(120), at(130))) // the second commit first
	c.add(at(100), hashesFrom(at(100), at(120)))
	c.add(at(140), hashesFrom(at(140), at(150)))
	c.add(at(130), hashesFrom(at(130), at(140)))
	if end := c.base + int64(len(c.tail)); c.base != 0 || end != at(150) {
		t.Fatalf("tail [%d, %d), want [0, %d)", c.base, end, at(150))
	}
	readAll(t, c, 150)
	if st.reads != 0 {
		t.Errorf("reading the hashes of 150 leaves went to the store %d times", st.reads)
	}
	if len(c.early) != 0 {
		t.Errorf("%d growths still wait", len(c.early))
	}
}

// Another server's leaves between two commits of this one leave a gap
// before this one's growth. The proofs of its fresh leaves need the gap's
// hashes: the first proof reads the gap in one read, the tail takes it
// and the growth after it, and the proofs after it read nothing. Before,
// each proof read its own hashes until the next signing round, one read
// of the database per receipt with two instances.
func TestHashCacheFillsAnotherServersGapOnce(t *testing.T) {
	st := &hashStore{}
	c := newHashCache(st)
	at := tlog.StoredHashCount
	c.add(0, hashesFrom(0, at(100)))
	// Leaves 100 to 120 are another server's; this one commits 120 to 130.
	c.add(at(120), hashesFrom(at(120), at(130)))
	readAll(t, c, 130)
	if st.reads != 1 || st.most != int(at(120)-at(100)) {
		t.Errorf("the first proof past the gap: %d reads, the largest of %d hashes; want one read of the gap's %d",
			st.reads, st.most, at(120)-at(100))
	}
	if end := c.base + int64(len(c.tail)); c.base != 0 || end != at(130) || len(c.early) != 0 {
		t.Errorf("tail [%d, %d) with %d growths waiting, want [0, %d) and none", c.base, end, len(c.early), at(130))
	}
	// Two more gaps, then proofs of the newest leaves: one read per gap,
	// each of the gap alone, and the tail holds every leaf after them.
	c.add(at(140), hashesFrom(at(140), at(150)))
	c.add(at(160), hashesFrom(at(160), at(170)))
	reads := st.reads
	st.most = 0
	for range 10 {
		readAll(t, c, 170)
	}
	gap := max(at(140)-at(130), at(160)-at(150))
	if st.reads-reads != 2 || st.most > int(gap) {
		t.Errorf("ten proofs past two gaps: %d reads, the largest of %d hashes; want 2 of at most %d",
			st.reads-reads, st.most, gap)
	}
	if end := c.base + int64(len(c.tail)); end != at(170) || len(c.early) != 0 {
		t.Errorf("tail ends at %d with %d growths waiting, want %d and none", end, len(c.early), at(170))
	}
}

// readAll reads every stored hash of a tree of n leaves through c and
// checks each.
func readAll(t *testing.T, c *hashCache, n int64) {
	t.Helper()
	all := make([]int64, tlog.StoredHashCount(n))
	for i := range all {
		all[i] = int64(i)
	}
	got, err := c.read(context.Background(), all)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range got {
		if h != tlog.Hash(storedHash(int64(i))) {
			t.Fatalf("stored hash %d is wrong in the cache", i)
		}
	}
}

// The tail keeps to its bound, its spare capacity included, however many
// commits extend it, and still answers every hash of the leaves a proof
// is asked for (the last half of the bound) without the store. It was
// trimmed only past the bound and append grew its capacity by a quarter
// beyond it first: 64 MiB of bound held up to 80 MiB, and 32 more at each
// trim's copy.
func TestHashCacheKeepsToItsBound(t *testing.T) {
	st := &hashStore{}
	c := newHashCache(st)
	c.max = 1000
	at := tlog.StoredHashCount
	var n int64
	for n < 20_000 {
		next := n + 1 + n%37 // commits of 1 to 37 leaves
		c.add(at(n), hashesFrom(at(n), at(next)))
		n = next
		if cap(c.tail) > c.max {
			t.Fatalf("after %d leaves the tail's capacity is %d hashes, bound %d", n, cap(c.tail), c.max)
		}
		if end := c.base + int64(len(c.tail)); end != at(n) {
			t.Fatalf("after %d leaves the tail ends at %d, want %d", n, end, at(n))
		}
	}
	if got, want := c.bytes(), int64(32*c.max); got > want {
		t.Errorf("the cache reckons %d bytes, bound %d", got, want)
	}
	// At the bound the older hashes move down within the same array: the
	// commits that pass a trim allocate no new one.
	array, base := &c.tail[:1][0], c.base
	for range 300 {
		c.add(at(n), hashesFrom(at(n), at(n+1)))
		n++
	}
	if c.base == base {
		t.Fatal("300 more leaves passed no trim; the test proves nothing")
	}
	if &c.tail[:1][0] != array {
		t.Error("a trim at the bound allocated a new array")
	}
	var fresh []int64
	for i := at(n) - int64(c.max/2); i < at(n); i++ {
		fresh = append(fresh, i)
	}
	got, err := c.read(context.Background(), fresh)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range got {
		if h != tlog.Hash(storedHash(fresh[i])) {
			t.Fatalf("stored hash %d is wrong in the cache", fresh[i])
		}
	}
	if st.reads != 0 {
		t.Errorf("reading the last %d hashes went to the store %d times", len(fresh), st.reads)
	}
}

// The first signing round after a start reads no more of the log's
// hashes than the tail keeps, not all of them at once (4 million, 128
// MiB, for a national night's log), and the tree's head it signs is
// still the log's.
func TestHashCacheStartReadsWhatItKeeps(t *testing.T) {
	st := &hashStore{}
	c := newHashCache(st)
	c.max = 1000
	const n = 50_000
	if err := c.grow(context.Background(), 0, n); err != nil {
		t.Fatal(err)
	}
	if st.most > c.max/2 {
		t.Errorf("the first round read %d hashes at once; the tail keeps %d", st.most, c.max/2)
	}
	if end := c.base + int64(len(c.tail)); end != tlog.StoredHashCount(n) || len(c.tail) > c.max/2 {
		t.Errorf("tail [%d, %d), want %d hashes ending at %d", c.base, end, c.max/2, tlog.StoredHashCount(n))
	}
	got, err := tlog.TreeHash(n, c.reader(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	want, err := tlog.TreeHash(n, hashes(context.Background(), &hashStore{}))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Error("the head read through the cache differs from the log's")
	}
}
