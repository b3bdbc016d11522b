package tally

import (
	"time"

	"github.com/sandik-dev/sandik"
)

// fixedFields is the number of sheet figures before the votes; a sheet is
// held as int32s [registered, voted_by_law, voted, without, upon, valid,
// invalid, votes...]. sandik.MaxSheetNumber keeps every figure in range.
const fixedFields = 7

// raceTally is the aggregation tree of one race: a node per area of the
// race's scope that is not a box, and per-box double-entry state. A box's
// change applies its delta to its ancestors only, so an update costs
// O(depth × choices) however large the race.
//
// Only nodes of at least storedMin boxes keep their figures (shape.slot):
// the many small areas at the bottom of the tree (buildings, villages,
// most neighbourhoods) are summed from their boxes when read, which costs
// at most storedMin boxes each. On a national night that keeps a few
// thousand nodes' figures instead of a quarter of a million per race.
type raceTally struct {
	race   *sandik.Race
	quorum int
	width  int // fixedFields + choices
	*shape
	users *users // the engine's, shared by its races

	// vals holds, per stored node, the provisional figures then the
	// verified ones: slot s's provisional sheet is vals[s*2*width:][:width].
	vals      []int64
	status    [][5]int32 // per stored node, boxes per sandik.BoxStatus
	boxes     []box
	sheets    arena
	conflicts map[int32]Conflict
	off       *official // nil until the race has official figures
	rec       *recounts // nil until the race has a recount sheet
	scratch   []int32   // a sheet being applied, before it is kept
	// last is, per stored node (slot), when the latest box below it
	// arrived (its first entry, Unix nanoseconds; 0 while none has): a
	// live overview names each child's latest arrival at every update, and
	// a walk over the boxes below the country for it was most of a
	// national night's CPU. A small node looks at its few boxes instead.
	last []int64
	// changed is, per stored node, the latest submission that moved what
	// the public reads below it (settled, official and recounted figures;
	// not a pending entry): a version of those figures that every instance
	// reading the same log names alike, whenever it looks. Public snapshots
	// are numbered by it. boxChanged is the same per box; a small node
	// takes the latest of its boxes'.
	changed    []change
	boxChanged []change
}

// change is a Change as kept: a log position and Unix nanoseconds.
type change struct{ seq, at int64 }

// storedMin is the least number of boxes of a node whose figures are kept
// rather than summed from its boxes when read.
const storedMin = 32

// shape is the fixed structure of a race's tree. Races of the same
// election over the same scope (mayor, council, muhtar…) share one.
type shape struct {
	nodeIdx map[sandik.AreaCode]int32
	nodes   []node
	boxIdx  map[sandik.AreaCode]int32
	info    []boxInfo
	// slot is, per node, its row in the stored figures, or -1 for a node
	// summed from its boxes when read; stored counts the rows.
	slot   []int32
	stored int
}

type shapeKey struct {
	election sandik.ElectionCode
	scope    sandik.AreaCode
}

type node struct {
	area       *sandik.Area
	parent     int32 // -1 for the race's scope
	childNodes []int32
	childBoxes []int32
	expected   int
	registered int64
}

type boxInfo struct {
	area       *sandik.Area
	parent     int32
	registered int64
}

func newShape(reg *sandik.Registry, election sandik.ElectionCode, scope sandik.AreaCode, stored int) *shape {
	sh := &shape{nodeIdx: map[sandik.AreaCode]int32{}, boxIdx: map[sandik.AreaCode]int32{}}
	sh.addNode(reg, election, scope, -1)
	sh.slot = make([]int32, len(sh.nodes))
	for i := range sh.nodes {
		sh.slot[i] = -1
		if sh.nodes[i].expected >= stored || sh.nodes[i].parent < 0 {
			sh.slot[i] = int32(sh.stored)
			sh.stored++
		}
	}
	return sh
}

// addNode adds area code and its subtree below parent; boxes registered for
// the election become leaves, other boxes are not part of the race.
func (sh *shape) addNode(reg *sandik.Registry, election sandik.ElectionCode, code sandik.AreaCode, parent int32) {
	a, ok := reg.AreaRef(code)
	if !ok {
		return
	}
	if a.Level == sandik.LevelSandik {
		n, ok := reg.Registered(election, code)
		if !ok || parent < 0 {
			return
		}
		bi := int32(len(sh.info))
		sh.info = append(sh.info, boxInfo{area: a, parent: parent, registered: n})
		sh.boxIdx[code] = bi
		sh.nodes[parent].childBoxes = append(sh.nodes[parent].childBoxes, bi)
		for p := parent; p >= 0; p = sh.nodes[p].parent {
			sh.nodes[p].expected++
			sh.nodes[p].registered += n
		}
		return
	}
	ni := int32(len(sh.nodes))
	sh.nodes = append(sh.nodes, node{area: a, parent: parent})
	sh.nodeIdx[code] = ni
	if parent >= 0 {
		sh.nodes[parent].childNodes = append(sh.nodes[parent].childNodes, ni)
	}
	for _, c := range reg.Children(code) {
		sh.addNode(reg, election, c, ni)
	}
}

// eachBox calls f for every box below node ni, in the tree's order.
func (sh *shape) eachBox(ni int32, f func(bi int32)) {
	n := &sh.nodes[ni]
	for _, bi := range n.childBoxes {
		f(bi)
	}
	for _, c := range n.childNodes {
		sh.eachBox(c, f)
	}
}

func newRaceTally(reg *sandik.Registry, rc *sandik.Race, sh *shape, us *users) *raceTally {
	el, _ := reg.Election(rc.Election)
	rt := &raceTally{
		race:      rc,
		quorum:    el.Quorum,
		width:     fixedFields + len(rc.Choices),
		shape:     sh,
		users:     us,
		conflicts: map[int32]Conflict{},
	}
	if rt.quorum < 1 {
		rt.quorum = sandik.DefaultQuorum
	}
	rt.sheets.width = rt.width
	rt.vals = make([]int64, sh.stored*2*rt.width)
	rt.status = make([][5]int32, sh.stored)
	for i := range sh.nodes {
		if s := sh.slot[i]; s >= 0 {
			rt.status[s][sandik.StatusMissing] = int32(sh.nodes[i].expected)
		}
	}
	rt.boxes = make([]box, len(sh.info))
	rt.last = make([]int64, sh.stored)
	rt.changed = make([]change, sh.stored)
	rt.boxChanged = make([]change, len(sh.info))
	rt.scratch = make([]int32, rt.width)
	return rt
}

// apply records one submission and returns false if it does not belong to
// this race's tree (a box unknown to the registry in force). Its cost
// grows with the number of people who entered the box, not with the
// number of entries the box has had.
func (rt *raceTally) apply(s *sandik.Submission) bool {
	bi, ok := rt.boxIdx[s.Box]
	if !ok || len(s.Sheet.Votes) != rt.width-fixedFields {
		return false
	}
	b := &rt.boxes[bi]
	en := entry{seq: s.Seq, received: s.ReceivedAt.UnixNano(), user: rt.users.intern(s.User), kind: s.Kind}
	if b.first == 0 {
		b.first = en.received
		rt.arrived(bi, en.received)
	}
	var gone ref
	switch s.Kind {
	case sandik.KindEntry:
		gone = b.enter(&rt.sheets, en, rt.layout(&s.Sheet))
	case sandik.KindAdjudication:
		gone = b.adjudicate(&rt.sheets, en, rt.layout(&s.Sheet))
	}
	rt.settle(bi, s)
	// Only now: settling took the old contribution, which may be this
	// sheet, off the totals.
	rt.sheets.drop(gone)
	return true
}

// publicMoved marks s as the latest change of what the public reads of
// box bi and of every node above it.
func (rt *raceTally) publicMoved(bi int32, s *sandik.Submission) {
	c := change{s.Seq, s.ReceivedAt.UnixNano()}
	rt.boxChanged[bi] = c
	for p := rt.info[bi].parent; p >= 0; p = rt.nodes[p].parent {
		if sl := rt.slot[p]; sl >= 0 {
			rt.changed[sl] = c
		}
	}
}

// changeOf returns node ni's latest public change: kept for a stored
// node, the latest of its few boxes' for a small one.
func (rt *raceTally) changeOf(ni int32) Change {
	var c change
	if sl := rt.slot[ni]; sl >= 0 {
		c = rt.changed[sl]
	} else {
		rt.eachBox(ni, func(bi int32) {
			if b := rt.boxChanged[bi]; b.seq > c.seq {
				c = b
			}
		})
	}
	return c.public()
}

func (c change) public() Change {
	if c.seq == 0 {
		return Change{}
	}
	return Change{Seq: c.seq, At: time.Unix(0, c.at).UTC()}
}

// settledAs is what the public reads of a box's status: verified,
// adjudicated, or neither.
func settledAs(s sandik.BoxStatus) sandik.BoxStatus {
	if s == sandik.StatusVerified || s == sandik.StatusAdjudicated {
		return s
	}
	return sandik.StatusMissing
}

// arrived carries box bi's first arrival at t up to the latest of its
// ancestors. An ancestor already as late stops the climb: every node above
// it is at least as late.
func (rt *raceTally) arrived(bi int32, t int64) {
	for p := rt.info[bi].parent; p >= 0; p = rt.nodes[p].parent {
		sl := rt.slot[p]
		if sl < 0 {
			continue
		}
		if rt.last[sl] >= t {
			return
		}
		rt.last[sl] = t
	}
}

// lastOf returns when the latest box below node ni arrived (0: none has).
func (rt *raceTally) lastOf(ni int32) int64 {
	if sl := rt.slot[ni]; sl >= 0 {
		return rt.last[sl]
	}
	var last int64
	rt.eachBox(ni, func(bi int32) { last = max(last, rt.boxes[bi].first) })
	return last
}

// layout writes t in the engine's layout to rt.scratch and returns it; it
// is valid until the next call.
func (rt *raceTally) layout(t *sandik.Tutanak) []int32 {
	sheet := rt.scratch
	sheet[0], sheet[1], sheet[2] = int32(t.Registered), int32(t.VotedByLaw), int32(t.Voted)
	sheet[3], sheet[4], sheet[5] = int32(t.ValidWithoutObjection), int32(t.ValidUponObjection), int32(t.ValidTotal)
	sheet[6] = int32(t.Invalid)
	for i, v := range t.Votes {
		sheet[fixedFields+i] = int32(v)
	}
	return sheet
}

// settle recomputes a box's status after a submission and carries the
// change of its contribution up the tree.
func (rt *raceTally) settle(bi int32, s *sandik.Submission) {
	b := &rt.boxes[bi]
	status, prov, res := b.decide(rt.quorum)
	w := rt.width
	oldProv, newProv := rt.sheets.get(b.prov), rt.sheets.get(prov)
	oldRes, newRes := rt.sheets.get(b.res), rt.sheets.get(res)
	for p := rt.info[bi].parent; p >= 0; p = rt.nodes[p].parent {
		sl := rt.slot[p]
		if sl < 0 {
			continue
		}
		rt.status[sl][b.status]--
		rt.status[sl][status]++
		base := int(sl) * 2 * w
		if prov != b.prov {
			addDelta(rt.vals[base:base+w], oldProv, newProv)
		}
		if res != b.res {
			addDelta(rt.vals[base+w:base+2*w], oldRes, newRes)
			rt.settledMoved(bi, sl, oldRes, newRes)
		}
	}
	if res != b.res || settledAs(status) != settledAs(b.status) {
		rt.publicMoved(bi, s)
	}
	switch {
	case status == sandik.StatusConflict && b.status != sandik.StatusConflict:
		rt.conflicts[bi] = Conflict{Race: rt.race.Code, Box: rt.info[bi].area.Code, Since: s.ReceivedAt, Seq: s.Seq}
	case status != sandik.StatusConflict:
		delete(rt.conflicts, bi)
	}
	b.status, b.prov, b.res = status, prov, res
}

// addDelta adds new − old to dst; no sheet stands for zeros.
func addDelta(dst []int64, old, new view) {
	for i, v := range old.n {
		dst[i] -= int64(v)
	}
	for i, v := range old.w {
		dst[i] -= int64(v)
	}
	for i, v := range new.n {
		dst[i] += int64(v)
	}
	for i, v := range new.w {
		dst[i] += int64(v)
	}
}
