package ledger

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Edge is the right edge of a tree: the latest node at each level, which
// is every stored hash tlog reads to add a leaf or to hash the whole tree.
// A store keeps one for the log it writes, so that appending a leaf reads
// nothing from the database. An Edge is a value: copying it copies the
// edge, which is how a writer tries a group of leaves and keeps the result
// only if the transaction commits.
type Edge struct{ f frontier }

// LoadEdge reads the edge of the tree of size leaves from its stored
// hashes: one ReadHashes call of about log2(size) indexes.
func LoadEdge(size int64, r tlog.HashReader) (Edge, error) {
	var e Edge
	if size < 0 {
		return e, fmt.Errorf("ledger: tree of %d leaves", size)
	}
	var idx []int64
	for l := 0; size>>l > 0; l++ {
		idx = append(idx, tlog.StoredHashIndex(l, size>>l-1))
	}
	if len(idx) == 0 {
		return e, nil
	}
	hs, err := r.ReadHashes(idx)
	if err != nil {
		return e, fmt.Errorf("ledger: read the edge of the tree of %d leaves: %w", size, err)
	}
	if len(hs) != len(idx) {
		return e, fmt.Errorf("ledger: read the edge of the tree of %d leaves: %d hashes for %d indexes", size, len(hs), len(idx))
	}
	for l, h := range hs {
		e.f.nodes[l].n, e.f.nodes[l].hash = size>>l-1, h
	}
	e.f.levels, e.f.size = len(hs), size
	return e, nil
}

// Size returns the number of leaves of the tree.
func (e *Edge) Size() int64 { return e.f.size }

// Append adds rec as leaf e.Size() and returns the stored hashes it
// creates, to be kept at stored indexes tlog.StoredHashCount(index)
// onwards.
func (e *Edge) Append(rec Record) (index int64, hashes []tlog.Hash, err error) {
	leaf, err := LeafHash(rec)
	if err != nil {
		return 0, nil, err
	}
	index = e.f.size
	hashes, err = e.f.add(leaf)
	return index, hashes, err
}

// Head returns the size and root hash of the tree.
func (e *Edge) Head() (tlog.Tree, error) {
	h, err := e.f.root()
	if err != nil {
		return tlog.Tree{}, err
	}
	return tlog.Tree{N: e.f.size, Hash: h}, nil
}
