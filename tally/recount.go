package tally

import (
	"cmp"
	"slices"

	"github.com/sandik-dev/sandik"
)

// recounts holds a race's recount sheets (yeniden sayım), apart from the
// night's: each recounted box has a double-entry state of its own, decided
// by the same rule, and once settled its figures replace the box's in the
// "as recounted" view. It is allocated at the first recount sheet, so races
// without recounts cost nothing.
type recounts struct {
	boxes map[int32]*recountBox
	// vals holds, per stored node, the as-recounted figures: each box's
	// settled recount, else its settled sheet of the night.
	vals []int64
	// counted is, per stored node, the boxes with a settled recount.
	counted []int32
}

// recountBox is one box's recount entries with the board's decision
// reference each carries.
type recountBox struct {
	box
	refs   map[uint32]string // each person's latest entry's reference, by user
	adjRef string            // the latest adjudication's reason
	ref    string            // the settled recount's reference
}

// RecountState is where one box's recount stands.
type RecountState struct {
	Status sandik.BoxStatus `json:"status"`
	// Decision is the board's decision reference the settled recount was
	// entered with (for an adjudicated one, the adjudication's reason).
	Decision string `json:"decision,omitempty"`
	// Entries are the recount's counted entries and latest adjudication.
	Entries []Entry `json:"entries"`
	// Resolved is the settled recount (nil unless verified or
	// adjudicated); Provisional the first entry's figures until then.
	Resolved    *sandik.Tutanak `json:"-"`
	Provisional *sandik.Tutanak `json:"-"`
}

// applyRecount records a recount entry or adjudication of a box.
func (rt *raceTally) applyRecount(s *sandik.Submission) bool {
	bi, ok := rt.boxIdx[s.Box]
	if !ok || len(s.Sheet.Votes) != rt.width-fixedFields {
		return false
	}
	if rt.rec == nil {
		w := rt.width
		rt.rec = &recounts{boxes: map[int32]*recountBox{}, vals: make([]int64, rt.stored*w), counted: make([]int32, rt.stored)}
		// Until a recount settles, as recounted is as verified.
		for sl := range rt.stored {
			copy(rt.rec.vals[sl*w:(sl+1)*w], rt.vals[sl*2*w+w:sl*2*w+2*w])
		}
	}
	rb := rt.rec.boxes[bi]
	if rb == nil {
		rb = &recountBox{refs: map[uint32]string{}}
		rt.rec.boxes[bi] = rb
	}
	en := entry{seq: s.Seq, received: s.ReceivedAt.UnixNano(), user: rt.users.intern(s.User), kind: s.Kind}
	if rb.first == 0 {
		rb.first = en.received
	}
	var gone ref
	switch s.Kind {
	case sandik.KindEntry:
		gone = rb.enter(&rt.sheets, en, rt.layout(&s.Sheet))
		rb.refs[en.user] = s.Reason
	case sandik.KindAdjudication:
		gone = rb.adjudicate(&rt.sheets, en, rt.layout(&s.Sheet))
		rb.adjRef = s.Reason
	}
	status, prov, res := rb.decide(rt.quorum)
	old, now := rb.res, res
	if old == 0 {
		old = rt.boxes[bi].res
	}
	if now == 0 {
		now = rt.boxes[bi].res
	}
	w := rt.width
	for p := rt.info[bi].parent; p >= 0; p = rt.nodes[p].parent {
		sl := rt.slot[p]
		if sl < 0 {
			continue
		}
		if old != now {
			addDelta(rt.rec.vals[int(sl)*w:int(sl+1)*w], rt.sheets.get(old), rt.sheets.get(now))
		}
		switch {
		case rb.res == 0 && res != 0:
			rt.rec.counted[sl]++
		case rb.res != 0 && res == 0:
			rt.rec.counted[sl]--
		}
	}
	rt.sheets.drop(gone)
	rb.status, rb.prov, rb.res = status, prov, res
	rb.ref = ""
	switch {
	case status == sandik.StatusAdjudicated:
		rb.ref = rb.adjRef
	case res != 0:
		// The reference of the latest entry of the agreeing sheet.
		for i := len(rb.entries) - 1; i >= 0; i-- {
			if rb.entries[i].sheet == res {
				rb.ref = rb.refs[rb.entries[i].user]
				break
			}
		}
	}
	return true
}

// settledMoved carries a change of box bi's settled figures of the night
// into the as-recounted view of stored node slot sl, unless a settled
// recount stands in for them.
func (rt *raceTally) settledMoved(bi int32, sl int32, old, new view) {
	if rt.rec == nil {
		return
	}
	if rb := rt.rec.boxes[bi]; rb != nil && rb.res != 0 {
		return
	}
	w := rt.width
	addDelta(rt.rec.vals[int(sl)*w:int(sl+1)*w], old, new)
}

// recountedRes returns box bi's settled recount, or 0.
func (rt *raceTally) recountedRes(bi int32) ref {
	if rt.rec == nil {
		return 0
	}
	if rb := rt.rec.boxes[bi]; rb != nil {
		return rb.res
	}
	return 0
}

// recountedBox returns box bi's recount state, or nil when it has none.
func (rt *raceTally) recountedBox(bi int32) *RecountState {
	if rt.rec == nil || rt.rec.boxes[bi] == nil {
		return nil
	}
	rb := rt.rec.boxes[bi]
	st := &RecountState{Status: rb.status, Decision: rb.ref, Entries: make([]Entry, 0, len(rb.entries)+1)}
	for _, en := range rb.entries {
		st.Entries = append(st.Entries, rt.entryOf(&en))
	}
	if rb.adj != nil {
		i, _ := slices.BinarySearchFunc(st.Entries, rb.adj.seq, func(e Entry, seq int64) int { return cmp.Compare(e.Seq, seq) })
		st.Entries = slices.Insert(st.Entries, i, rt.entryOf(rb.adj))
	}
	if rb.res != 0 {
		t := tutanak(rt.sheets.get(rb.res))
		st.Resolved = &t
	}
	if rb.prov != 0 {
		t := tutanak(rt.sheets.get(rb.prov))
		st.Provisional = &t
	}
	return st
}
