package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"golang.org/x/mod/sumdb/tlog"
)

// LedgerQueries are the statements LedgerReads runs. Hashes selects idx
// and hash of the stored hashes whose indexes the one argument HashesArg
// makes of a list holds; Records selects idx, kind, ref, seq and
// content_hash from idx $1 on, up to $2 rows; Latest selects size, signed
// and signed_at of the largest checkpoint; Save inserts size, signed and
// signed_at, leaving a stored size as it is; Batch selects the members
// of the batch leaf at idx $1.
type LedgerQueries struct {
	Size, Hashes, Records, Latest, Save, Batch string
	HashesArg                                  func([]int64) any
}

// LedgerReads implement sandik.LedgerStore over a dialect's statements.
type LedgerReads struct {
	db   DB
	exec Exec
	q    LedgerQueries
}

// NewLedgerReads returns the ledger reads of a store; exec runs the
// checkpoint insert on the store's writer.
func NewLedgerReads(db DB, exec Exec, q LedgerQueries) LedgerReads {
	return LedgerReads{db: db, exec: exec, q: q}
}

// LedgerSize implements sandik.LedgerStore.
func (l LedgerReads) LedgerSize(ctx context.Context) (int64, error) {
	n, _, err := One(ctx, l.db, "read ledger size", func(row Row) (int64, error) {
		var n int64
		err := row.Scan(&n)
		return n, err
	}, l.q.Size)
	return n, err
}

// LedgerHashes implements sandik.LedgerStore.
func (l LedgerReads) LedgerHashes(ctx context.Context, indexes []int64) ([][32]byte, error) {
	return ReadLedgerHashes(ctx, l.db, l.q, indexes)
}

// ReadLedgerHashes reads stored hashes through db, which may be a
// writer's transaction.
func ReadLedgerHashes(ctx context.Context, db DB, q LedgerQueries, indexes []int64) ([][32]byte, error) {
	if len(indexes) == 0 {
		return [][32]byte{}, nil
	}
	got := make(map[int64][32]byte, len(indexes))
	err := Each(ctx, db.Query, func(row Row) error {
		var (
			idx int64
			h   []byte
		)
		if err := row.Scan(&idx, &h); err != nil {
			return err
		}
		if len(h) != 32 {
			return fmt.Errorf("stored hash %d has %d bytes", idx, len(h))
		}
		got[idx] = [32]byte(h)
		return nil
	}, q.Hashes, q.HashesArg(indexes))
	if err != nil {
		return nil, db.fail("read ledger hashes", err)
	}
	out := make([][32]byte, len(indexes))
	for i, x := range indexes {
		h, ok := got[x]
		if !ok {
			return nil, sandik.Errorf(sandik.ENotFound, "ledger hash %d is not stored", x)
		}
		out[i] = h
	}
	return out, nil
}

// LedgerRecords implements sandik.LedgerStore.
func (l LedgerReads) LedgerRecords(ctx context.Context, from int64, limit int) ([]sandik.LedgerRecord, error) {
	if limit <= 0 {
		return []sandik.LedgerRecord{}, nil
	}
	return All(ctx, l.db, fmt.Sprintf("read ledger records from %d", from), func(row Row) (sandik.LedgerRecord, error) {
		var (
			r    sandik.LedgerRecord
			kind int64
			h    []byte
		)
		if err := row.Scan(&r.Index, &kind, &r.ID, &r.Seq, &h); err != nil {
			return r, err
		}
		if len(h) != 32 || kind < 0 || kind > 255 {
			return r, fmt.Errorf("ledger record %d: kind %d, content hash of %d bytes", r.Index, kind, len(h))
		}
		r.Kind, r.ContentHash = uint8(kind), [32]byte(h)
		return r, nil
	}, l.q.Records, from, limit)
}

// LedgerBatch implements sandik.LedgerStore.
func (l LedgerReads) LedgerBatch(ctx context.Context, index int64) ([]byte, error) {
	b, found, err := One(ctx, l.db, fmt.Sprintf("read the members of batch leaf %d", index), func(row Row) ([]byte, error) {
		var b []byte
		err := row.Scan(&b)
		return b, err
	}, l.q.Batch, index)
	if err == nil && !found {
		return nil, sandik.Errorf(sandik.ENotFound, "no members are kept for ledger leaf %d", index)
	}
	return b, err
}

// SaveCheckpoint implements sandik.LedgerStore.
func (l LedgerReads) SaveCheckpoint(ctx context.Context, c sandik.SignedCheckpoint) error {
	if err := l.exec(ctx, l.q.Save, c.Size, string(c.Signed), Nanos(c.Time)); err != nil {
		return fmt.Errorf("%s: save checkpoint of %d leaves: %w", l.db.Name, c.Size, err)
	}
	return nil
}

// LatestCheckpoint implements sandik.LedgerStore.
func (l LedgerReads) LatestCheckpoint(ctx context.Context) (sandik.SignedCheckpoint, error) {
	c, found, err := One(ctx, l.db, "read latest checkpoint", func(row Row) (sandik.SignedCheckpoint, error) {
		var (
			c      sandik.SignedCheckpoint
			signed string
			at     int64
		)
		err := row.Scan(&c.Size, &signed, &at)
		c.Signed, c.Time = []byte(signed), Time(at)
		return c, err
	}, l.q.Latest)
	if err == nil && !found {
		return c, sandik.Errorf(sandik.ENotFound, "no ledger checkpoint is stored")
	}
	return c, err
}

// HashReader reads stored hashes through db for package ledger.
func HashReader(ctx context.Context, db DB, q LedgerQueries) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		hs, err := ReadLedgerHashes(ctx, db, q, indexes)
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

// EdgeCache is a writer's copy of the ledger's right edge, so that adding
// leaves reads nothing. It only ever holds an edge whose leaves were
// committed: the ledger is append-only, so a committed tree of a given
// size is the only one of that size, and the writer, which sees the
// committed size inside its transaction once it holds the log's lock,
// can trust a cached edge of that size without reading a hash.
type EdgeCache struct {
	mu    sync.Mutex
	edge  ledger.Edge
	watch func(sandik.LedgerGrowth)
}

// Watch has fn told of every committed growth from now on.
func (c *EdgeCache) Watch(fn func(sandik.LedgerGrowth)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watch = fn
}

// At returns the edge of the tree of size leaves: the cached one when it
// has that size, otherwise the one read through r.
func (c *EdgeCache) At(size int64, r tlog.HashReader) (ledger.Edge, error) {
	c.mu.Lock()
	e := c.edge
	c.mu.Unlock()
	if e.Size() == size {
		return e, nil
	}
	return ledger.LoadEdge(size, r)
}

// Grown is what a transaction did to the ledger: the edge it left and
// the rows it added.
type Grown struct {
	Edge   ledger.Edge
	Leaves Leaves
}

// Committed keeps g's edge, whose transaction has committed, unless a
// larger one is kept already, and tells the watcher.
func (c *EdgeCache) Committed(g Grown) {
	e, lv := g.Edge, g.Leaves
	c.mu.Lock()
	if e.Size() > c.edge.Size() {
		c.edge = e
	}
	watch := c.watch
	c.mu.Unlock()
	if watch == nil || len(lv.Records) == 0 {
		return
	}
	head, err := e.Head()
	if err != nil {
		return // an empty tree: nothing grew
	}
	watch(sandik.LedgerGrowth{Size: head.N, Root: head.Hash, HashFrom: lv.HashFrom, Hashes: lv.Hashes})
}

// Leaves are the rows a transaction adds to the ledger: its records, the
// first leaf's index, and the stored hashes from stored index HashFrom on;
// Members, when set, holds beside each batch leaf the members kept for it
// (nil beside a leaf of one record).
type Leaves struct {
	Records  []ledger.Record
	First    int64
	HashFrom int64
	Hashes   [][32]byte
	Members  [][]byte
}

// AppendLeaves appends recs to e and returns their rows.
func AppendLeaves(e *ledger.Edge, recs []ledger.Record) (Leaves, error) {
	lv := Leaves{Records: recs, First: e.Size(), HashFrom: tlog.StoredHashCount(e.Size())}
	lv.Hashes = make([][32]byte, 0, 2*len(recs)+1)
	for _, r := range recs {
		_, hs, err := e.Append(r)
		if err != nil {
			return Leaves{}, err
		}
		for _, h := range hs {
			lv.Hashes = append(lv.Hashes, [32]byte(h))
		}
	}
	return lv, nil
}

// AppendBatches appends recs to e as batch leaves of ledger.BatchSize
// records each and returns their rows, the members beside each leaf:
// for a bulk change, whose records would otherwise cost more rows than
// the change itself. The batches are hashed and encoded on every core
// (a national import has 810 of them); their leaves go in in order.
func AppendBatches(e *ledger.Edge, recs []ledger.Record) (Leaves, error) {
	n := (len(recs) + ledger.BatchSize - 1) / ledger.BatchSize
	leaves := make([]ledger.Record, n)
	members := make([][]byte, n)
	errs := make([]error, n)
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				b, err := ledger.NewBatch(recs[i*ledger.BatchSize : min((i+1)*ledger.BatchSize, len(recs))])
				if err == nil {
					leaves[i] = b.Leaf
					members[i], err = b.MarshalMembers()
				}
				errs[i] = err
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Leaves{}, err
	}
	lv, err := AppendLeaves(e, leaves)
	if err != nil {
		return Leaves{}, err
	}
	lv.Members = members
	return lv, nil
}

// AdoptedRecords checks records to adopt and makes them ledger records.
func AdoptedRecords(recs []sandik.LedgerRecord) ([]ledger.Record, error) {
	out := make([]ledger.Record, len(recs))
	for i, r := range recs {
		out[i] = ledger.Record{Kind: ledger.Kind(r.Kind), ID: r.ID, Seq: r.Seq, ContentHash: r.ContentHash}
		if out[i].Kind == ledger.KindBatch {
			// Its members would not be kept: nothing could check them.
			return nil, sandik.Errorf(sandik.EInvalid, "adopt record %d: a batch leaf is never adopted", i)
		}
		if err := out[i].Validate(); err != nil {
			return nil, sandik.Errorf(sandik.EInvalid, "adopt record %d: %v", i, err)
		}
	}
	return out, nil
}
