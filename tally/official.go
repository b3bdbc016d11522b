package tally

import (
	"github.com/sandik-dev/sandik"
)

// official holds a race's published figures, apart from the double-entry
// state: they are compared with the sheets, never counted as an entry.
// It is allocated at the first official row, so races without official
// figures cost nothing.
type official struct {
	sheets []ref   // per box, the latest official figures; 0 for none
	seqs   []int64 // per box, the log position of those figures
	warns  []sandik.Warnings
	vals   []int64 // per stored node, the summed official figures
	boxes  []int32 // per stored node, boxes with official figures
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
			sheets: make([]ref, len(rt.boxes)),
			seqs:   make([]int64, len(rt.boxes)),
			warns:  make([]sandik.Warnings, len(rt.boxes)),
			vals:   make([]int64, rt.stored*rt.width),
			boxes:  make([]int32, rt.stored),
		}
	}
	o := rt.off
	sheet := rt.layout(&s.Sheet)
	old := o.sheets[bi]
	w := rt.width
	for p := rt.info[bi].parent; p >= 0; p = rt.nodes[p].parent {
		sl := rt.slot[p]
		if sl < 0 {
			continue
		}
		addDelta(o.vals[int(sl)*w:int(sl+1)*w], rt.sheets.get(old), wideView(sheet))
		if old == 0 {
			o.boxes[sl]++
		}
	}
	rt.sheets.drop(old)
	o.sheets[bi], o.seqs[bi], o.warns[bi] = rt.sheets.add(sheet), s.Seq, s.Warnings
	return true
}

// officialBox returns box bi's official figures, or nil.
func (rt *raceTally) officialBox(bi int32) (*sandik.Tutanak, int64, sandik.Warnings) {
	if rt.off == nil || rt.off.sheets[bi] == 0 {
		return nil, 0, 0
	}
	t := tutanak(rt.sheets.get(rt.off.sheets[bi]))
	return &t, rt.off.seqs[bi], rt.off.warns[bi]
}

// SameOfficial reports whether t is a box's latest official figures. A
// feed republishes every box on each page and most are unchanged: reading
// each one's whole BoxState (its entries, sheets and recount, copied) to
// compare made about 1.5 KB of garbage a row, some 300 MB for a national
// page, at the moment the night's last burst was still being worked off.
// An unknown race or box, or one without official figures, is not the
// same.
func (e *Engine) SameOfficial(race sandik.RaceCode, box sandik.AreaCode, t *sandik.Tutanak) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	rt, ok := e.races[race]
	if !ok {
		return false
	}
	bi, ok := rt.boxIdx[box]
	if !ok || rt.off == nil || rt.off.sheets[bi] == 0 {
		return false
	}
	v := rt.sheets.get(rt.off.sheets[bi])
	if v.len() != fixedFields+len(t.Votes) {
		return false
	}
	for i, x := range [fixedFields]int64{t.Registered, t.VotedByLaw, t.Voted, t.ValidWithoutObjection,
		t.ValidUponObjection, t.ValidTotal, t.Invalid} {
		if v.at(i) != x {
			return false
		}
	}
	for i, x := range t.Votes {
		if v.at(fixedFields+i) != x {
			return false
		}
	}
	return true
}
