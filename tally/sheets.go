package tally

import (
	"github.com/sandik-dev/sandik"
)

// ref names a sheet kept in a race's arena; 0 is no sheet. Boxes, their
// entries and the official figures hold refs rather than slices: four
// bytes instead of a slice header and a small allocation of its own, and
// a million boxes of a national night stay out of the collector's way.
type ref uint32

// chunkSheets is how many sheets one block of an arena holds. Blocks are
// never moved, so growing the arena copies nothing.
const chunkSheets = 1 << 10

// arena keeps a race's sheets in fixed blocks of int32s, width figures
// each. A dropped sheet's room is reused by the next one.
type arena struct {
	width  int
	chunks [][]int32
	n      uint32 // refs handed out so far
	free   []ref
}

// get returns sheet r; it stays valid until r is dropped.
func (a *arena) get(r ref) []int32 {
	if r == 0 {
		return nil
	}
	i := uint32(r) - 1
	c := a.chunks[i/chunkSheets]
	off := int(i%chunkSheets) * a.width
	return c[off : off+a.width : off+a.width]
}

// add keeps a copy of sheet and returns its ref.
func (a *arena) add(sheet []int32) ref {
	var r ref
	if n := len(a.free); n > 0 {
		r, a.free = a.free[n-1], a.free[:n-1]
	} else {
		if a.n%chunkSheets == 0 {
			a.chunks = append(a.chunks, make([]int32, chunkSheets*a.width))
		}
		a.n++
		r = ref(a.n)
	}
	copy(a.get(r), sheet)
	return r
}

// drop gives r's room back; 0 is ignored.
func (a *arena) drop(r ref) {
	if r != 0 {
		a.free = append(a.free, r)
	}
}

// users interns the users of an engine's entries: a national night has
// millions of entries by a few hundred thousand people, and an entry holds
// its person as a number into this table instead of a string of its own.
type users struct {
	idx   map[sandik.UserID]uint32
	names []sandik.UserID
}

func (u *users) intern(id sandik.UserID) uint32 {
	if i, ok := u.idx[id]; ok {
		return i
	}
	if u.idx == nil {
		u.idx = map[sandik.UserID]uint32{}
	}
	i := uint32(len(u.names))
	// A copy of its own: the id the store decoded may share its memory
	// with the rest of the row.
	id = sandik.UserID(string([]byte(id)))
	u.idx[id] = i
	u.names = append(u.names, id)
	return i
}

func (u *users) name(i uint32) sandik.UserID { return u.names[i] }
