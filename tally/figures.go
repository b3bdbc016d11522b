package tally

import (
	"github.com/sandik-dev/sandik"
)

// BoxFigures is what one box says in one race, from every source: the
// input of comparison and anomaly checks.
type BoxFigures struct {
	Box    sandik.AreaCode
	Name   string
	Parent sandik.AreaCode // the area directly above the box
	Status sandik.BoxStatus
	// Registered is the registry's count of voters of the box.
	Registered int64
	// Resolved is the settled sheet (verified or adjudicated), Provisional
	// what the box contributes to provisional totals; nil when none.
	Resolved, Provisional *sandik.Tutanak
	// Entries holds the counted entries' sheets (each user's latest), for
	// checks that compare two typings of the same paper.
	Entries []sandik.Tutanak
	// Official is the published figure (nil when none), with the warnings
	// it was imported with.
	Official         *sandik.Tutanak
	OfficialWarnings sandik.Warnings
	// Recounted is the settled recount (nil when none), with the board's
	// decision reference.
	Recounted *sandik.Tutanak
	Decision  string
}

// Figures returns every box of a race within area (a box, or any area of
// the race's tree), in tree order. It copies, so the result is the
// caller's; its cost is linear in the boxes returned.
func (e *Engine) Figures(race sandik.RaceCode, area sandik.AreaCode) ([]BoxFigures, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	rt, err := e.race(race)
	if err != nil {
		return nil, err
	}
	if bi, ok := rt.boxIdx[area]; ok {
		return []BoxFigures{rt.figures(bi)}, nil
	}
	ni, ok := rt.nodeIdx[area]
	if !ok {
		return nil, sandik.Errorf(sandik.ENotFound, "area %q is not part of race %q", area, race)
	}
	out := make([]BoxFigures, 0, rt.nodes[ni].expected)
	var walk func(ni int32)
	walk = func(ni int32) {
		n := &rt.nodes[ni]
		for _, bi := range n.childBoxes {
			out = append(out, rt.figures(bi))
		}
		for _, c := range n.childNodes {
			walk(c)
		}
	}
	walk(ni)
	return out, nil
}

func (rt *raceTally) figures(bi int32) BoxFigures {
	b, in := &rt.boxes[bi], &rt.info[bi]
	f := BoxFigures{Box: in.area.Code, Name: in.area.Name, Parent: in.area.Parent, Status: b.status, Registered: in.registered}
	if b.res != 0 {
		t := tutanak(rt.sheets.get(b.res))
		f.Resolved = &t
	}
	if b.prov != 0 {
		t := tutanak(rt.sheets.get(b.prov))
		f.Provisional = &t
	}
	for _, en := range b.entries {
		f.Entries = append(f.Entries, tutanak(rt.sheets.get(en.sheet)))
	}
	f.Official, _, f.OfficialWarnings = rt.officialBox(bi)
	if rc := rt.recountedBox(bi); rc != nil && rc.Resolved != nil {
		f.Recounted, f.Decision = rc.Resolved, rc.Decision
	}
	return f
}
