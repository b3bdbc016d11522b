package tally

import (
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
type raceTally struct {
	race   *sandik.Race
	quorum int
	width  int // fixedFields + choices
	*shape

	// vals holds, per node, the provisional figures then the verified
	// ones: node i's provisional sheet is vals[i*2*width:][:width].
	vals      []int64
	status    [][5]int // per node, boxes per sandik.BoxStatus
	boxes     []box
	conflicts map[int32]Conflict
	off       *official // nil until the race has official figures
	rec       *recounts // nil until the race has a recount sheet
	scratch   []int32   // a sheet being applied, before it is kept
}

// shape is the fixed structure of a race's tree. Races of the same
// election over the same scope (mayor, council, muhtar…) share one.
type shape struct {
	nodeIdx map[sandik.AreaCode]int32
	nodes   []node
	boxIdx  map[sandik.AreaCode]int32
	info    []boxInfo
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

func newShape(reg *sandik.Registry, election sandik.ElectionCode, scope sandik.AreaCode) *shape {
	sh := &shape{nodeIdx: map[sandik.AreaCode]int32{}, boxIdx: map[sandik.AreaCode]int32{}}
	sh.addNode(reg, election, scope, -1)
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

func newRaceTally(reg *sandik.Registry, rc *sandik.Race, sh *shape) *raceTally {
	el, _ := reg.Election(rc.Election)
	rt := &raceTally{
		race:      rc,
		quorum:    el.Quorum,
		width:     fixedFields + len(rc.Choices),
		shape:     sh,
		conflicts: map[int32]Conflict{},
	}
	if rt.quorum < 1 {
		rt.quorum = sandik.DefaultQuorum
	}
	rt.vals = make([]int64, len(sh.nodes)*2*rt.width)
	rt.status = make([][5]int, len(sh.nodes))
	for i := range sh.nodes {
		rt.status[i][sandik.StatusMissing] = sh.nodes[i].expected
	}
	rt.boxes = make([]box, len(sh.info))
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
	en := entry{seq: s.Seq, received: s.ReceivedAt.UnixNano(), user: s.User, kind: s.Kind}
	if b.first == 0 {
		b.first = en.received
	}
	switch s.Kind {
	case sandik.KindEntry:
		b.enter(en, rt.layout(&s.Sheet))
	case sandik.KindAdjudication:
		b.adjudicate(en, rt.layout(&s.Sheet))
	}
	rt.settle(bi, s)
	return true
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
	for p := rt.info[bi].parent; p >= 0; p = rt.nodes[p].parent {
		rt.status[p][b.status]--
		rt.status[p][status]++
		base := int(p) * 2 * w
		if !same(prov, b.prov) {
			addDelta(rt.vals[base:base+w], b.prov, prov)
		}
		if !same(res, b.res) {
			addDelta(rt.vals[base+w:base+2*w], b.res, res)
			rt.settledMoved(bi, p, b.res, res)
		}
	}
	switch {
	case status == sandik.StatusConflict && b.status != sandik.StatusConflict:
		rt.conflicts[bi] = Conflict{Race: rt.race.Code, Box: rt.info[bi].area.Code, Since: s.ReceivedAt, Seq: s.Seq}
	case status != sandik.StatusConflict:
		delete(rt.conflicts, bi)
	}
	b.status, b.prov, b.res = status, prov, res
}

// addDelta adds new − old to dst; nil stands for zeros.
func addDelta(dst []int64, old, new []int32) {
	for i, v := range old {
		dst[i] -= int64(v)
	}
	for i, v := range new {
		dst[i] += int64(v)
	}
}
