package tally

import (
	"slices"

	"github.com/sandik-dev/sandik"
)

// official holds a race's published figures, apart from the double-entry
// state: they are compared with the sheets, never counted as an entry.
// It is allocated at the first official row, so races without official
// figures cost nothing.
type official struct {
	sheets [][]int32 // per box, the latest official figures; nil for none
	seqs   []int64   // per box, the log position of those figures
	warns  []sandik.Warnings
	vals   []int64 // per node, the summed official figures
	boxes  []int   // per node, boxes with official figures
}

// applyOfficial records s as box's official figures; a later official row
// of the same box (a corrected publication) replaces the earlier one.
func (rt *raceTally) applyOfficial(s *sandik.Submission) bool {
	bi, ok := rt.boxIdx[s.Box]
	if !ok || len(s.Sheet.Votes) != rt.width-fixedFields {
		return false
	}
	if rt.off == nil {
		rt.off = &official{
			sheets: make([][]int32, len(rt.boxes)),
			seqs:   make([]int64, len(rt.boxes)),
			warns:  make([]sandik.Warnings, len(rt.boxes)),
			vals:   make([]int64, len(rt.nodes)*rt.width),
			boxes:  make([]int, len(rt.nodes)),
		}
	}
	o := rt.off
	sheet := slices.Clone(rt.layout(&s.Sheet))
	old := o.sheets[bi]
	w := rt.width
	for p := rt.info[bi].parent; p >= 0; p = rt.nodes[p].parent {
		addDelta(o.vals[int(p)*w:int(p+1)*w], old, sheet)
		if old == nil {
			o.boxes[p]++
		}
	}
	o.sheets[bi], o.seqs[bi], o.warns[bi] = sheet, s.Seq, s.Warnings
	return true
}

// officialTotals returns node ni's summed official figures and the number
// of its boxes that have them.
func (rt *raceTally) officialTotals(ni int32) (Counts, int) {
	w := rt.width
	if rt.off == nil {
		return counts64(make([]int64, w)), 0
	}
	return counts64(rt.off.vals[int(ni)*w : int(ni+1)*w]), rt.off.boxes[ni]
}

// officialBox returns box bi's official figures, or nil.
func (rt *raceTally) officialBox(bi int32) (*sandik.Tutanak, int64, sandik.Warnings) {
	if rt.off == nil || rt.off.sheets[bi] == nil {
		return nil, 0, 0
	}
	t := tutanak(rt.off.sheets[bi])
	return &t, rt.off.seqs[bi], rt.off.warns[bi]
}
