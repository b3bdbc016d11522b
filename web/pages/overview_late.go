package pages

import (
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/web/pages/arrivals"
)

// The late areas listed, and their boxes: more for the latest few, which
// the coordinator phones first, a handful for the others. The rest are in
// the table of areas below, sorted by the share of boxes in.
const (
	lateAreas      = 10
	lateFirst      = 3
	lateFirstBoxes = 10
	lateBoxes      = 3
)

// lateOf fills the areas below that miss boxes, the latest first, with
// their first missing boxes and the time of their latest arrival, and
// the arrivals over time.
func (p *Pages) lateOf(l *lang, view *center.View, rc *sandik.Race, v *overviewView) error {
	if len(v.Children) == 0 {
		return nil
	}
	pr, err := view.Progress(rc.Code, v.Area.Code)
	if err != nil {
		return err
	}
	reg := view.Registry()
	byCode := map[sandik.AreaCode]*tally.ChildProgress{}
	var times []time.Time
	for i := range pr.Children {
		byCode[pr.Children[i].Area] = &pr.Children[i]
	}
	var areas []arrivals.Area
	hrefs := map[string]string{}
	for _, c := range v.Children {
		hrefs[c.Code] = c.Href
		cp, ok := byCode[sandik.AreaCode(c.Code)]
		if !ok {
			continue
		}
		times = append(times, cp.Arrived...)
		a := arrivals.Area{Code: c.Code, Name: c.Name, Expected: c.t.BoxesExpected, Reported: c.t.BoxesReported, Last: cp.Last()}
		for _, b := range cp.Missing {
			a.Missing = append(a.Missing, string(b))
		}
		if !a.Last.IsZero() {
			v.K[c.Code+".last"] = l.Clock(a.Last)
		}
		areas = append(areas, a)
	}
	late := arrivals.Late(areas)
	v.LateMore = max(0, len(late)-lateAreas)
	for i, a := range late[:min(len(late), lateAreas)] {
		row := lateRow{Code: a.Code, Name: a.Name, Href: hrefs[a.Code]}
		if len(a.Missing) == 1 && a.Missing[0] == a.Code {
			v.Late = append(v.Late, row) // a box: its row names it already
			continue
		}
		n := lateBoxes
		if i < lateFirst {
			n = lateFirstBoxes
		}
		for _, b := range a.Missing[:min(n, len(a.Missing))] {
			row.Boxes = append(row.Boxes, p.missingBox(reg, rc.Code, sandik.AreaCode(b), sandik.AreaCode(a.Code)))
		}
		row.More = len(a.Missing) - len(row.Boxes)
		v.Late = append(v.Late, row)
	}
	buckets, step := arrivals.Buckets(times, p.loc)
	hm := func(t time.Time) string { return t.In(p.loc).Format("15:04") }
	if len(buckets) > 0 {
		v.Chart = arrivals.Chart(buckets, l.F("arrivals.label", l.Int(len(times)), hm(buckets[0].Start), hm(buckets[len(buckets)-1].Start.Add(step))), hm)
	}
	for _, b := range buckets {
		v.Arrivals = append(v.Arrivals, arrivalRow{From: hm(b.Start), To: hm(b.Start.Add(step)), N: l.Int(b.N), Total: l.Int(b.Total)})
	}
	return nil
}

// lastsOf fills the time of each child's latest arrival, as lateOf does,
// for a live update.
func lastsOf(l *lang, view *center.View, rc *sandik.Race, v *overviewView) error {
	if len(v.Children) == 0 {
		return nil
	}
	lasts, err := view.Lasts(rc.Code, v.Area.Code)
	if err != nil {
		return err
	}
	for _, c := range lasts {
		if _, shown := v.K[string(c.Area)+".last"]; shown && !c.Last.IsZero() {
			v.K[string(c.Area)+".last"] = l.Clock(c.Last)
		}
	}
	return nil
}

// missingBox names box the way a coordinator on the phone needs it: its
// name, and where it stands below the late area (mahalle, school).
func (p *Pages) missingBox(reg *sandik.Registry, race sandik.RaceCode, box, under sandik.AreaCode) missingBox {
	a, _ := reg.Area(box)
	mb := missingBox{Name: a.Name, Href: areaHref(race, box, sandik.LevelSandik), Phone: p.observerPhone(box)}
	var where []string
	for _, anc := range reg.Ancestors(box) {
		if anc == under {
			break
		}
		an, _ := reg.Area(anc)
		where = append([]string{an.Name}, where...)
	}
	// A school is named with its mahalle ("Mahalle 3 / Okul 2"): keep the
	// nearest name only when it already holds the one above.
	if len(where) == 2 && strings.HasPrefix(where[1], where[0]) {
		where = where[1:]
	}
	mb.Where = strings.Join(where, " · ")
	return mb
}

// observerPhone is the hook for the phone of box's observer, which the
// organisation's records (people and their assignments) will hold. There
// is none yet, and none is made up.
func (p *Pages) observerPhone(sandik.AreaCode) string { return "" }
