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

type box struct {
	status  sandik.BoxStatus
	entries []entry
	adj     int32 // index in entries of the latest adjudication, or -1
	// prov and res are the figures the box now contributes to provisional
	// and verified totals (nil for none). They alias entries' sheets.
	prov, res []int32
}

type entry struct {
	seq        int64
	received   int64 // unix nanoseconds
	user       sandik.UserID
	kind       sandik.Kind
	superseded bool
	// sheet is shared by equal entries of the box, so that agreement is a
	// pointer comparison.
	sheet []int32
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
	for i := range rt.boxes {
		rt.boxes[i].adj = -1
	}
	return rt
}

// apply records one submission and returns false if it does not belong to
// this race's tree (a box unknown to the registry in force).
func (rt *raceTally) apply(s *sandik.Submission) bool {
	bi, ok := rt.boxIdx[s.Box]
	if !ok || len(s.Sheet.Votes) != rt.width-fixedFields {
		return false
	}
	b := &rt.boxes[bi]
	sheet := rt.intern(b, &s.Sheet)
	if s.Kind == sandik.KindEntry {
		for i := range b.entries {
			e := &b.entries[i]
			if e.kind == sandik.KindEntry && e.user == s.User {
				e.superseded = true
			}
		}
	}
	b.entries = append(b.entries, entry{seq: s.Seq, received: s.ReceivedAt.UnixNano(), user: s.User, kind: s.Kind, sheet: sheet})
	if s.Kind == sandik.KindAdjudication {
		b.adj = int32(len(b.entries) - 1)
	}
	rt.settle(bi, s)
	return true
}

// intern returns a sheet equal to t, shared with an existing entry of the
// box when one is equal.
func (rt *raceTally) intern(b *box, t *sandik.Tutanak) []int32 {
	sheet := make([]int32, rt.width)
	sheet[0], sheet[1], sheet[2] = int32(t.Registered), int32(t.VotedByLaw), int32(t.Voted)
	sheet[3], sheet[4], sheet[5] = int32(t.ValidWithoutObjection), int32(t.ValidUponObjection), int32(t.ValidTotal)
	sheet[6] = int32(t.Invalid)
	for i, v := range t.Votes {
		sheet[fixedFields+i] = int32(v)
	}
	for i := range b.entries {
		if equal(b.entries[i].sheet, sheet) {
			return b.entries[i].sheet
		}
	}
	return sheet
}

func equal(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// same reports whether two interned sheets are the same sheet.
func same(a, b []int32) bool {
	return len(a) > 0 && len(b) > 0 && &a[0] == &b[0]
}

// decide applies the double-entry rule to a box: the latest adjudication
// wins; otherwise, counting only each user's latest entry, a group of equal
// sheets of at least quorum size that outnumbers every other group is
// verified; agreement below quorum is pending; anything else is a conflict.
// Provisional figures are the settled ones, else the earliest counted entry.
func (rt *raceTally) decide(b *box) (status sandik.BoxStatus, prov, res []int32) {
	if b.adj >= 0 {
		s := b.entries[b.adj].sheet
		return sandik.StatusAdjudicated, s, s
	}
	var (
		first, best                      []int32
		counted, groups, bestCount, ties int
	)
	for i := range b.entries {
		e := &b.entries[i]
		if e.kind != sandik.KindEntry || e.superseded {
			continue
		}
		counted++
		if first == nil {
			first = e.sheet
		}
		// Count the group of e once, at its first member.
		dup := false
		for j := 0; j < i; j++ {
			o := &b.entries[j]
			if o.kind == sandik.KindEntry && !o.superseded && same(o.sheet, e.sheet) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		groups++
		n := 0
		for j := i; j < len(b.entries); j++ {
			o := &b.entries[j]
			if o.kind == sandik.KindEntry && !o.superseded && same(o.sheet, e.sheet) {
				n++
			}
		}
		switch {
		case n > bestCount:
			best, bestCount, ties = e.sheet, n, 1
		case n == bestCount:
			ties++
		}
	}
	switch {
	case counted == 0:
		return sandik.StatusMissing, nil, nil
	case bestCount >= rt.quorum && ties == 1:
		return sandik.StatusVerified, best, best
	case groups == 1:
		return sandik.StatusPending, first, nil
	default:
		return sandik.StatusConflict, first, nil
	}
}

// settle recomputes a box's status after a submission and carries the
// change of its contribution up the tree.
func (rt *raceTally) settle(bi int32, s *sandik.Submission) {
	b := &rt.boxes[bi]
	status, prov, res := rt.decide(b)
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
