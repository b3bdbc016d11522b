package ledger

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Tree is the log as a store holds it: Size leaves, whose stored hashes
// (tlog's layout: the hash of node n at level l has index
// tlog.StoredHashIndex(l, n)) Hashes reads.
type Tree struct {
	Size   int64
	Hashes tlog.HashReader
}

// Append returns the hashes that adding rec as leaf t.Size creates. The
// store keeps them at stored indexes tlog.StoredHashCount(t.Size) onwards,
// in order, in the same transaction as the write itself; the tree then has
// t.Size+1 leaves.
func (t Tree) Append(rec Record) ([]tlog.Hash, error) {
	h, err := LeafHash(rec)
	if err != nil {
		return nil, err
	}
	return tlog.StoredHashesForRecordHash(t.Size, h, t.Hashes)
}

// Head returns the size and root hash of the tree.
func (t Tree) Head() (tlog.Tree, error) {
	h, err := tlog.TreeHash(t.Size, t.Hashes)
	if err != nil {
		return tlog.Tree{}, fmt.Errorf("tree head at %d: %w", t.Size, err)
	}
	return tlog.Tree{N: t.Size, Hash: h}, nil
}

// LeafHash returns the stored hash of leaf index.
func (t Tree) LeafHash(index int64) (tlog.Hash, error) {
	if index < 0 || index >= t.Size {
		return tlog.Hash{}, fmt.Errorf("leaf %d is outside the tree of %d leaves", index, t.Size)
	}
	hs, err := t.Hashes.ReadHashes([]int64{tlog.StoredHashIndex(0, index)})
	if err != nil {
		return tlog.Hash{}, fmt.Errorf("leaf %d: %w", index, err)
	}
	return hs[0], nil
}

// InclusionProof proves that leaf index is in the tree of the first size
// leaves (size ≤ t.Size: a checkpoint is usually a little behind the log).
func (t Tree) InclusionProof(index, size int64) (tlog.RecordProof, error) {
	if size > t.Size || index < 0 || index >= size {
		return nil, fmt.Errorf("no inclusion proof of leaf %d in a tree of %d leaves (the log has %d)", index, size, t.Size)
	}
	p, err := tlog.ProveRecord(size, index, t.Hashes)
	if err != nil {
		return nil, fmt.Errorf("inclusion proof of leaf %d at %d: %w", index, size, err)
	}
	return p, nil
}

// ConsistencyProof proves that the tree of oldSize leaves is a prefix of
// the tree of newSize leaves. oldSize is at least 1: every tree extends the
// empty one, and RFC 6962 has no proof of it.
func (t Tree) ConsistencyProof(oldSize, newSize int64) (tlog.TreeProof, error) {
	if newSize > t.Size || oldSize < 1 || oldSize > newSize {
		return nil, fmt.Errorf("no consistency proof from %d to %d leaves (the log has %d)", oldSize, newSize, t.Size)
	}
	p, err := tlog.ProveTree(newSize, oldSize, t.Hashes)
	if err != nil {
		return nil, fmt.Errorf("consistency proof from %d to %d: %w", oldSize, newSize, err)
	}
	return p, nil
}

// Memory keeps a log's stored hashes in memory: for tests, tools and logs
// small enough to rebuild. It is not safe for concurrent use.
type Memory struct {
	size   int64
	hashes []tlog.Hash
}

// ReadHashes implements tlog.HashReader.
func (m *Memory) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m.hashes)) {
			return nil, fmt.Errorf("no stored hash %d (the log holds %d)", x, len(m.hashes))
		}
		out[i] = m.hashes[x]
	}
	return out, nil
}

// Append adds rec as the next leaf and returns its index.
func (m *Memory) Append(rec Record) (int64, error) {
	hs, err := m.Tree().Append(rec)
	if err != nil {
		return 0, err
	}
	m.hashes = append(m.hashes, hs...)
	m.size++
	return m.size - 1, nil
}

// Size returns the number of leaves.
func (m *Memory) Size() int64 { return m.size }

// Tree returns the log as a Tree.
func (m *Memory) Tree() Tree { return Tree{Size: m.size, Hashes: m} }

// frontier is a HashReader holding only the latest node at each level. When
// leaves are added in order, that is every hash tlog reads to add the next
// leaf or to hash the whole tree, so a log can be rehashed from its records
// in constant memory.
type frontier struct {
	size  int64
	nodes [64]struct {
		n    int64
		hash tlog.Hash
	}
	levels int
}

func (f *frontier) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		l, n := tlog.SplitStoredHashIndex(x)
		if l >= f.levels || f.nodes[l].n != n {
			return nil, fmt.Errorf("ledger: hash %d (level %d, node %d) is not on the frontier", x, l, n)
		}
		out[i] = f.nodes[l].hash
	}
	return out, nil
}

// add appends a leaf and returns the stored hashes it creates.
func (f *frontier) add(leaf tlog.Hash) ([]tlog.Hash, error) {
	hs, err := tlog.StoredHashesForRecordHash(f.size, leaf, f)
	if err != nil {
		return nil, err
	}
	// hs[l] is node size>>l at level l.
	for l, h := range hs {
		f.nodes[l].n, f.nodes[l].hash = f.size>>l, h
	}
	f.levels = max(f.levels, len(hs))
	f.size++
	return hs, nil
}

func (f *frontier) root() (tlog.Hash, error) { return tlog.TreeHash(f.size, f) }
