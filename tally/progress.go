package tally

import (
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
// cost is a walk over the area's boxes, which the overview pays once per
// version of the figures, like Totals.
func (e *Engine) Progress(race sandik.RaceCode, area sandik.AreaCode) (Progress, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
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
