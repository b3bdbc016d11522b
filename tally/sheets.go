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

// arena keeps a race's sheets in fixed blocks, width figures each: as
// 16-bit figures while every figure kept fits (a box has a few hundred
// voters; a sheet's figures are then half the room, about 55 MB less on
// a national night), as 32-bit ones from the first that does not, when
// every block is widened once. A dropped sheet's room is reused by the
// next one.
type arena struct {
	width  int
	narrow [][]uint16 // the blocks while every figure fits in 16 bits
	wide   [][]int32  // the blocks once one did not; narrow is then nil
	n      uint32     // refs handed out so far
	free   []ref
}

// view is a sheet as read: its figures in one of two widths, or neither
// for no sheet. One read from an arena stays valid until its ref is
// dropped or another sheet is added.
type view struct {
	n []uint16
	w []int32
}

// wideView is a sheet held outside an arena, such as one being applied.
func wideView(sheet []int32) view { return view{w: sheet} }

// len is the number of figures, 0 for no sheet.
func (v view) len() int { return len(v.n) + len(v.w) }

// at is figure i.
func (v view) at(i int) int64 {
	if v.n != nil {
		return int64(v.n[i])
	}
	return int64(v.w[i])
}

// get returns sheet r (no sheet for 0).
func (a *arena) get(r ref) view {
	if r == 0 {
		return view{}
	}
	i := uint32(r) - 1
	off := int(i%chunkSheets) * a.width
	if a.wide != nil {
		c := a.wide[i/chunkSheets]
		return view{w: c[off : off+a.width : off+a.width]}
	}
	c := a.narrow[i/chunkSheets]
	return view{n: c[off : off+a.width : off+a.width]}
}

// fitsNarrow reports whether every figure of sheet fits in 16 bits.
func fitsNarrow(sheet []int32) bool {
	for _, x := range sheet {
		if x < 0 || x > 0xffff {
			return false
		}
	}
	return true
}

// widen moves every block to 32-bit figures.
func (a *arena) widen() {
	a.wide = make([][]int32, len(a.narrow))
	for i, c := range a.narrow {
		w := make([]int32, len(c))
		for j, x := range c {
			w[j] = int32(x)
		}
		a.wide[i] = w
	}
	a.narrow = nil
}

// add keeps a copy of sheet and returns its ref.
func (a *arena) add(sheet []int32) ref {
	if a.wide == nil && !fitsNarrow(sheet) {
		a.widen()
	}
	var r ref
	if n := len(a.free); n > 0 {
		r, a.free = a.free[n-1], a.free[:n-1]
	} else {
		if a.n%chunkSheets == 0 {
			if a.wide != nil {
				a.wide = append(a.wide, make([]int32, chunkSheets*a.width))
			} else {
				a.narrow = append(a.narrow, make([]uint16, chunkSheets*a.width))
			}
		}
		a.n++
		r = ref(a.n)
	}
	v := a.get(r)
	if v.w != nil {
		copy(v.w, sheet)
	} else {
		for i, x := range sheet {
			v.n[i] = uint16(x)
		}
	}
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
