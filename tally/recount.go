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
	// vals holds, per node, the as-recounted figures: each box's settled
	// recount, else its settled sheet of the night.
	vals []int64
	// counted is, per node, the boxes with a settled recount.
	counted []int
}

// recountBox is one box's recount entries with the board's decision
// reference each carries.
type recountBox struct {
	box
	refs   map[sandik.UserID]string // each person's latest entry's reference
	adjRef string                   // the latest adjudication's reason
	ref    string                   // the settled recount's reference
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
		rt.rec = &recounts{boxes: map[int32]*recountBox{}, vals: make([]int64, len(rt.nodes)*w), counted: make([]int, len(rt.nodes))}
		// Until a recount settles, as recounted is as verified.
		for ni := range rt.nodes {
			copy(rt.rec.vals[ni*w:(ni+1)*w], rt.vals[ni*2*w+w:ni*2*w+2*w])
		}
	}
	rb := rt.rec.boxes[bi]
	if rb == nil {
		rb = &recountBox{refs: map[sandik.UserID]string{}}
		rt.rec.boxes[bi] = rb
	}
	en := entry{seq: s.Seq, received: s.ReceivedAt.UnixNano(), user: s.User, kind: s.Kind}
	if rb.first == 0 {
		rb.first = en.received
	}
	switch s.Kind {
	case sandik.KindEntry:
		rb.enter(en, rt.layout(&s.Sheet))
		rb.refs[s.User] = s.Reason
	case sandik.KindAdjudication:
		rb.adjudicate(en, rt.layout(&s.Sheet))
		rb.adjRef = s.Reason
	}
	status, prov, res := rb.decide(rt.quorum)
	old, now := rb.res, res
	if old == nil {
		old = rt.boxes[bi].res
	}
	if now == nil {
		now = rt.boxes[bi].res
	}
	w := rt.width
	for p := rt.info[bi].parent; p >= 0; p = rt.nodes[p].parent {
		if !same(old, now) {
			addDelta(rt.rec.vals[int(p)*w:int(p+1)*w], old, now)
		}
		switch {
		case rb.res == nil && res != nil:
			rt.rec.counted[p]++
		case rb.res != nil && res == nil:
			rt.rec.counted[p]--
		}
	}
	rb.status, rb.prov, rb.res = status, prov, res
	rb.ref = ""
	switch {
	case status == sandik.StatusAdjudicated:
		rb.ref = rb.adjRef
	case res != nil:
		// The reference of the latest entry of the agreeing sheet.
		for i := len(rb.entries) - 1; i >= 0; i-- {
			if same(rb.entries[i].sheet, res) {
				rb.ref = rb.refs[rb.entries[i].user]
				break
			}
		}
	}
	return true
}

// settledMoved carries a change of box bi's settled figures of the night
// into the as-recounted view, unless a settled recount stands in for them.
func (rt *raceTally) settledMoved(bi int32, p int32, old, new []int32) {
	if rt.rec == nil {
		return
	}
	if rb := rt.rec.boxes[bi]; rb != nil && rb.res != nil {
		return
	}
	w := rt.width
	addDelta(rt.rec.vals[int(p)*w:int(p+1)*w], old, new)
}

// recountedTotals returns node ni's as-recounted figures and the number of
// its boxes with a settled recount.
func (rt *raceTally) recountedTotals(ni int32) (Counts, int) {
	w := rt.width
	if rt.rec == nil {
		base := int(ni) * 2 * w
		return counts64(rt.vals[base+w : base+2*w]), 0
	}
	return counts64(rt.rec.vals[int(ni)*w : int(ni+1)*w]), rt.rec.counted[ni]
}

// recountedBox returns box bi's recount state, or nil when it has none.
func (rt *raceTally) recountedBox(bi int32) *RecountState {
	if rt.rec == nil || rt.rec.boxes[bi] == nil {
		return nil
	}
	rb := rt.rec.boxes[bi]
	st := &RecountState{Status: rb.status, Decision: rb.ref, Entries: make([]Entry, 0, len(rb.entries)+1)}
	for _, en := range rb.entries {
		st.Entries = append(st.Entries, entryOf(&en))
	}
	if rb.adj != nil {
		i, _ := slices.BinarySearchFunc(st.Entries, rb.adj.seq, func(e Entry, seq int64) int { return cmp.Compare(e.Seq, seq) })
		st.Entries = slices.Insert(st.Entries, i, entryOf(rb.adj))
	}
	if rb.res != nil {
		t := tutanak(rb.res)
		st.Resolved = &t
	}
	if rb.prov != nil {
		t := tutanak(rb.prov)
		st.Provisional = &t
	}
	return st
}
