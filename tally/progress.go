package tally

import (
	"slices"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
)

// Progress is how the boxes below an area have come in, child by child:
// what a coordinator needs to see where the night is late.
type Progress struct {
	Seq      int64           `json:"seq"`
	Children []ChildProgress `json:"children"` // in the tree's order, as Totals lists them
}

// ChildProgress is the arrivals of the boxes below one child of an area
// (the child itself when it is a box).
type ChildProgress struct {
	Area sandik.AreaCode `json:"area"`
	// Arrived holds when each reported box's first entry arrived, in the
	// tree's order (not sorted: a national overview of every box was
	// sorted on each live update, most of the night's CPU). A person
	// replacing their entry later does not move it.
	Arrived []time.Time `json:"arrived"`
	// Missing lists the boxes with no entry yet, in the tree's order.
	Missing []sandik.AreaCode `json:"missing"`
}

// Last is when the child's latest box arrived; zero when none has.
func (c *ChildProgress) Last() time.Time {
	var last time.Time
	for _, t := range c.Arrived {
		if t.After(last) {
			last = t
		}
	}
	return last
}

// Progress returns the arrivals below area in race, per direct child. Its
// cost is a walk over the area's boxes, paid once per version of the
// figures (seq) and area however many ask: every live overview of the
// area renders at each version, one per user whose rights are scoped,
// and the country's walk is over every box of the race. The slices in
// the children are shared with other callers and must not be changed;
// the Children slice itself is the caller's.
func (e *Engine) Progress(race sandik.RaceCode, area sandik.AreaCode) (Progress, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	key := progressKey{race, area}
	if p, ok := e.progress.get(key, e.seq); ok {
		return p, nil
	}
	p, err := e.progressOf(race, area)
	if err == nil {
		e.progress.put(key, p)
		p.Children = slices.Clone(p.Children)
	}
	return p, err
}

// ChildLast is when the latest box below a child of an area arrived.
type ChildLast struct {
	Area sandik.AreaCode `json:"area"`
	Last time.Time       `json:"last"` // zero when no box below has
}

// Lasts returns, per direct child of area in race in the tree's order,
// when its latest box arrived: the Last of Progress's children, read from
// figures kept as entries apply, so it costs a look at each child, not a
// walk over the boxes. A live overview needs only this at each update.
func (e *Engine) Lasts(race sandik.RaceCode, area sandik.AreaCode) ([]ChildLast, int64, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	rt, err := e.race(race)
	if err != nil {
		return nil, 0, err
	}
	at := func(ns int64) time.Time {
		if ns == 0 {
			return time.Time{}
		}
		return time.Unix(0, ns).UTC()
	}
	if bi, ok := rt.boxIdx[area]; ok {
		return []ChildLast{{Area: area, Last: at(rt.boxes[bi].first)}}, e.seq, nil
	}
	ni, ok := rt.nodeIdx[area]
	if !ok {
		return nil, 0, sandik.Errorf(sandik.ENotFound, "area %q is not part of race %q", area, race)
	}
	n := &rt.nodes[ni]
	out := make([]ChildLast, 0, len(n.childNodes)+len(n.childBoxes))
	for _, c := range n.childNodes {
		out = append(out, ChildLast{Area: rt.nodes[c].area.Code, Last: at(rt.lastOf(c))})
	}
	for _, bi := range n.childBoxes {
		out = append(out, ChildLast{Area: rt.info[bi].area.Code, Last: at(rt.boxes[bi].first)})
	}
	return out, e.seq, nil
}

// progressOf walks the boxes below area; the caller holds e.mu.
func (e *Engine) progressOf(race sandik.RaceCode, area sandik.AreaCode) (Progress, error) {
	rt, err := e.race(race)
	if err != nil {
		return Progress{}, err
	}
	out := Progress{Seq: e.seq, Children: []ChildProgress{}}
	if bi, ok := rt.boxIdx[area]; ok {
		out.Children = append(out.Children, rt.progressOfBox(bi))
		return out, nil
	}
	ni, ok := rt.nodeIdx[area]
	if !ok {
		return Progress{}, sandik.Errorf(sandik.ENotFound, "area %q is not part of race %q", area, race)
	}
	n := &rt.nodes[ni]
	for _, c := range n.childNodes {
		cp := ChildProgress{Area: rt.nodes[c].area.Code, Arrived: []time.Time{}, Missing: []sandik.AreaCode{}}
		rt.collect(c, &cp)
		out.Children = append(out.Children, cp)
	}
	for _, c := range n.childBoxes {
		out.Children = append(out.Children, rt.progressOfBox(c))
	}
	return out, nil
}

func (rt *raceTally) progressOfBox(bi int32) ChildProgress {
	cp := ChildProgress{Area: rt.info[bi].area.Code, Arrived: []time.Time{}, Missing: []sandik.AreaCode{}}
	rt.addBox(bi, &cp)
	return cp
}

// collect adds the boxes below node ni to cp, in the tree's order.
func (rt *raceTally) collect(ni int32, cp *ChildProgress) {
	n := &rt.nodes[ni]
	for _, c := range n.childNodes {
		rt.collect(c, cp)
	}
	for _, bi := range n.childBoxes {
		rt.addBox(bi, cp)
	}
}

func (rt *raceTally) addBox(bi int32, cp *ChildProgress) {
	b := &rt.boxes[bi]
	if b.status == sandik.StatusMissing || b.first == 0 {
		cp.Missing = append(cp.Missing, rt.info[bi].area.Code)
		return
	}
	cp.Arrived = append(cp.Arrived, time.Unix(0, b.first).UTC())
}

// progressCache keeps the last progress of each area for its version of
// the figures, up to maxProgressItems arrival times and missing boxes in
// all (about 50 MB), past which it starts again.
type progressCache struct {
	mu    sync.Mutex
	m     map[progressKey]Progress
	items int
}

type progressKey struct {
	race sandik.RaceCode
	area sandik.AreaCode
}

const maxProgressItems = 2_000_000

// get returns the kept progress of key at seq, its Children cloned.
func (c *progressCache) get(key progressKey, seq int64) (Progress, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[key]
	if !ok || p.Seq != seq {
		return Progress{}, false
	}
	p.Children = slices.Clone(p.Children)
	return p, true
}

func (c *progressCache) put(key progressKey, p Progress) {
	n := 0
	for _, ch := range p.Children {
		n += len(ch.Arrived) + len(ch.Missing)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[key]; ok {
		for _, ch := range old.Children {
			c.items -= len(ch.Arrived) + len(ch.Missing)
		}
	}
	if c.m == nil || c.items+n > maxProgressItems {
		c.m, c.items = map[progressKey]Progress{}, 0
	}
	c.m[key] = p
	c.items += n
}
