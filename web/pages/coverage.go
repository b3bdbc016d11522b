package pages

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/web/pages/mapdraw"
)

// The coverage page (/kapsama): how the boxes of an area are watched, a
// map of the share covered per child, the table of children and the gaps
// with a form to assign a person to one. The silent page (/sessiz): the
// boxes whose observers have sent nothing, with the phone to call.

// Bounds of what one page lists; the rest is counted and reached by
// narrowing the area.
const (
	maxGapRows    = 300
	maxCandidates = 500
)

// coverageBands are the upper bounds of the map's bands of the share of
// boxes covered: fine near the top, where a district is nearly done.
var coverageBands = metric{Key: "coverage", bounds: []float64{50, 70, 80, 90, 95, 100}}

type coverageRow struct {
	Name, Href                      string
	Boxes, None, One, Many, Covered string
}

type gapRow struct {
	Box, Name, Place, Assign string
	Selected                 bool
}

type option struct {
	Value, Text string
	Selected    bool
}

type coverageView struct {
	base
	Election   sandik.Election
	Elections  []option
	Area       sandik.Area
	Crumbs     []crumb
	Counts     []coverageRow // the area's own line
	Children   []coverageRow
	Map        template.HTML
	MapNote    string
	Legend     []legendItem
	Gaps       []gapRow
	GapsMore   string
	People     []option
	PeopleMore string
	Done       string
	Silent     string
}

// electionAndArea reads ?election and ?area: the first election and, for
// a user limited to areas, their first area, else the scope of the
// election's first race.
func (p *Pages) electionAndArea(r *http.Request, u sandik.User) (sandik.Election, sandik.AreaCode, error) {
	reg := p.c.Registry()
	q := r.URL.Query()
	var e sandik.Election
	if code := q.Get("election"); code != "" {
		var ok bool
		if e, ok = reg.Election(sandik.ElectionCode(code)); !ok {
			return e, "", sandik.Errorf(sandik.ENotFound, "election %q does not exist", code)
		}
	} else if len(reg.Elections) > 0 {
		e = reg.Elections[0]
	} else {
		return e, "", sandik.Errorf(sandik.ENotFound, "the registry holds no election yet")
	}
	area := sandik.AreaCode(q.Get("area"))
	if area == "" {
		switch {
		case u.Scoped() && len(u.Areas) > 0:
			area = u.Areas[0]
		default:
			for i := range reg.Races {
				if reg.Races[i].Election == e.Code {
					area = reg.Races[i].Scope
					break
				}
			}
		}
	}
	if _, ok := reg.Area(area); !ok {
		return e, "", sandik.Errorf(sandik.ENotFound, "area %q does not exist", area)
	}
	return e, area, nil
}

func coverageHref(path string, e sandik.ElectionCode, a sandik.AreaCode) string {
	return path + "?" + url.Values{"election": {string(e)}, "area": {string(a)}}.Encode()
}

func (p *Pages) coveragePage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ctx := r.Context()
	e, area, err := p.electionAndArea(r, u)
	if err != nil {
		return err
	}
	view := p.c.View(u)
	cov, err := view.Coverage(ctx, e.Code, area)
	if err != nil {
		return err
	}
	reg := view.Registry()
	l := p.langOf(r)
	a, _ := reg.Area(area)
	v := coverageView{base: p.baseOf(r, u, "cov.title"), Election: e, Area: a}
	for _, el := range reg.Elections {
		v.Elections = append(v.Elections, option{Value: string(el.Code), Text: el.Name, Selected: el.Code == e.Code})
	}
	v.Crumbs = p.coverageCrumbs(reg, u, e.Code, area)
	v.Counts = []coverageRow{countsRow(l, a.Name, "", cov.Counts)}
	shapes := make([]mapdraw.Shape, 0, len(cov.Children))
	for _, c := range cov.Children {
		ca, _ := reg.Area(c.Area)
		href := ""
		if ca.Level != sandik.LevelSandik && reg.InScope(u, c.Area) {
			href = coverageHref("/kapsama", e.Code, c.Area)
		}
		v.Children = append(v.Children, countsRow(l, c.Name, href, c.Counts))
		shapes = append(shapes, mapdraw.Shape{Key: string(c.Area), Name: c.Name, Href: href,
			Fill:  coverageBands.bandOf(float64(c.Covered()) * 100 / float64(max(c.Boxes, 1))),
			Title: c.Name + ": " + l.F("cov.map.title", l.Int(c.Covered()), l.Int(c.Boxes))})
	}
	if len(shapes) > 0 {
		if mapdraw.Knows(p.istanbul, shapes) && allLevel(reg, cov.Children, sandik.LevelIlce) {
			v.Map, v.MapNote = mapdraw.Outlines(p.istanbul, shapes, l.T("cov.map.label"), true), l.T("overview.map.ist")
		} else {
			v.Map, v.MapNote = mapdraw.Tiles(shapes, l.T("cov.map.label")), l.T("map.tiles")
		}
		lo := 0.0
		for i, b := range coverageBands.bounds {
			v.Legend = append(v.Legend, legendItem{coverageBands.band(i), l.F("map.band", l.Float(lo), l.Float(b))})
			lo = b
		}
	}
	box := sandik.AreaCode(r.URL.Query().Get("box"))
	for _, g := range cov.Gaps[:min(len(cov.Gaps), maxGapRows)] {
		v.Gaps = append(v.Gaps, gapRow{Box: string(g.Box), Name: g.Name, Place: placeText(g.Place), Selected: g.Box == box,
			Assign: coverageHref("/kapsama", e.Code, area) + "&box=" + url.QueryEscape(string(g.Box)) + "#ata"})
	}
	if n := len(cov.Gaps) - len(v.Gaps); n > 0 {
		v.GapsMore = l.F("cov.gaps.more", l.Int(n))
	}
	if len(v.Gaps) > 0 && u.Role.CanAdjudicate() {
		if v.People, v.PeopleMore, err = p.candidates(ctx, l, u, area); err != nil {
			return err
		}
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if da, ok := reg.Area(sandik.AreaCode(done)); ok {
			v.Done = l.F("cov.done", da.Name)
		}
	}
	if u.Role.CanAdjudicate() {
		v.Silent = coverageHref("/sessiz", e.Code, area)
	}
	return p.render(w, http.StatusOK, "coverage", v)
}

// bandOf is the colour of the band pct falls in.
func (m metric) bandOf(pct float64) string {
	for i, b := range m.bounds {
		if pct < b {
			return m.band(i)
		}
	}
	return m.band(len(m.bounds) - 1)
}

func allLevel(reg *sandik.Registry, cs []org.ChildCoverage, level sandik.AreaLevel) bool {
	for _, c := range cs {
		if a, _ := reg.Area(c.Area); a.Level != level {
			return false
		}
	}
	return true
}

func countsRow(l *lang, name, href string, c org.Counts) coverageRow {
	return coverageRow{Name: name, Href: href, Boxes: l.Int(c.Boxes), None: l.Int(c.None), One: l.Int(c.One), Many: l.Int(c.Many),
		Covered: l.Pct(int64(c.Covered()), int64(c.Boxes))}
}

// coverageCrumbs leads from the widest area the user may read down to
// area.
func (p *Pages) coverageCrumbs(reg *sandik.Registry, u sandik.User, e sandik.ElectionCode, area sandik.AreaCode) []crumb {
	var out []crumb
	chain := append([]sandik.AreaCode{area}, reg.Ancestors(area)...)
	for _, c := range chain {
		if !reg.InScope(u, c) {
			break
		}
		a, _ := reg.Area(c)
		if a.Level == sandik.LevelCountry {
			break
		}
		out = append([]crumb{{Name: a.Name, Href: coverageHref("/kapsama", e, c)}}, out...)
	}
	return out
}

// candidates are the people who may be assigned to a box of area: those
// whose home unit works in area, above it or inside it, where u may read
// them, by name in Turkish.
func (p *Pages) candidates(ctx context.Context, l *lang, u sandik.User, area sandik.AreaCode) ([]option, string, error) {
	reg := p.c.Registry()
	units, err := p.c.Org().Units(ctx)
	if err != nil {
		return nil, "", err
	}
	var people []sandik.Person
	for _, un := range units {
		if !(reg.Contains(un.Area, area) || reg.Contains(area, un.Area)) || p.c.OrgAllow(u, un.Area, false) != nil {
			continue
		}
		ps, err := p.c.Org().People(ctx, sandik.PeopleFilter{Home: un.Code, Limit: maxCandidates + 1})
		if err != nil {
			return nil, "", err
		}
		people = append(people, ps...)
		if len(people) > maxCandidates {
			break
		}
	}
	more := ""
	if len(people) > maxCandidates {
		people, more = people[:maxCandidates], l.F("cov.people.more", l.Int(maxCandidates))
	}
	collation.Sort(people, func(p sandik.Person) string { return p.Name })
	out := make([]option, len(people))
	for i, pe := range people {
		out[i] = option{Value: string(pe.ID), Text: pe.Name}
	}
	return out, more, nil
}

// assignGap assigns a person to a box from the coverage page's form and
// goes back to the page, where the gap is gone.
func (p *Pages) assignGap(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return sandik.Errorf(sandik.EInvalid, "unreadable form: %v", err)
	}
	e := sandik.ElectionCode(r.PostForm.Get("election"))
	area := sandik.AreaCode(r.PostForm.Get("area"))
	box := sandik.AreaCode(r.PostForm.Get("box"))
	a := sandik.Assignment{Election: e, Box: box, Person: sandik.PersonID(r.PostForm.Get("person")), Note: strings.TrimSpace(r.PostForm.Get("note"))}
	if _, err := p.c.SaveAssignments(r.Context(), u, []sandik.Assignment{a}); err != nil {
		return err
	}
	http.Redirect(w, r, coverageHref("/kapsama", e, area)+"&done="+url.QueryEscape(string(box)), http.StatusSeeOther)
	return nil
}

type silentRow struct {
	Box, Name, Place, BoxHref string
	Observers                 []observerRow
	Minutes                   string
}

type observerRow struct {
	Name   string
	Phones []telLink
}

// telLink is a click-to-call link. The number was checked as digits
// with a leading + when stored (sandik.NormalPhone), so it is safe as a
// tel: URL, which html/template would otherwise refuse.
type telLink struct {
	Tel  template.URL
	Text string
}

type silentView struct {
	base
	Election  sandik.Election
	Elections []option
	Area      sandik.Area
	Crumbs    []crumb
	Rule      string
	Early     string
	Boxes     []silentRow
	More      string
	Coverage  string
	Withheld  string
}

func (p *Pages) silentPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	e, area, err := p.electionAndArea(r, u)
	if err != nil {
		return err
	}
	view := p.c.View(u)
	s, err := view.Silent(r.Context(), e.Code, area, "", maxGapRows)
	if err != nil {
		return err
	}
	reg := view.Registry()
	l := p.langOf(r)
	a, _ := reg.Area(area)
	v := silentView{base: p.baseOf(r, u, "silent.title"), Election: e, Area: a, Coverage: coverageHref("/kapsama", e.Code, area)}
	for _, el := range reg.Elections {
		v.Elections = append(v.Elections, option{Value: string(el.Code), Text: el.Name, Selected: el.Code == e.Code})
	}
	for _, c := range p.coverageCrumbs(reg, u, e.Code, area) {
		c.Href = strings.Replace(c.Href, "/kapsama?", "/sessiz?", 1)
		v.Crumbs = append(v.Crumbs, c)
	}
	v.Rule = l.F("silent.rule", l.Clock(s.PollsClosed)[:5], l.Int(s.Minutes))
	if s.Withheld != "" {
		v.Withheld = l.T("silent.withheld")
	}
	if len(s.Boxes) == 0 && s.SinceClose < s.Minutes {
		v.Early = l.F("silent.early", l.Clock(s.From)[:5])
	}
	for _, b := range s.Boxes {
		row := silentRow{Box: string(b.Box), Name: b.Name, Place: placeText(b.Place), Minutes: l.F("silent.min", l.Int(s.SinceClose))}
		if rc := firstRaceOf(reg, e.Code, b.Box); rc != "" {
			row.BoxHref = areaHref(rc, b.Box, sandik.LevelSandik)
		}
		for _, o := range b.Observers {
			or := observerRow{Name: o.Name}
			for _, ph := range o.Phones {
				or.Phones = append(or.Phones, telLink{Tel: template.URL("tel:" + ph), Text: phoneText(ph)})
			}
			row.Observers = append(row.Observers, or)
		}
		v.Boxes = append(v.Boxes, row)
	}
	if n := s.Total - len(s.Boxes); n > 0 {
		v.More = l.F("cov.gaps.more", l.Int(n))
	}
	return p.render(w, http.StatusOK, "silent", v)
}

// placeText names a place the way a coordinator on the phone says it:
// a school named with its mahalle ("Mahalle 3 / Okul 1") stands for
// both, as on the overview's late boxes.
func placeText(place []string) string {
	var out []string
	for i, p := range place {
		if i+1 < len(place) && strings.HasPrefix(place[i+1], p+" / ") {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, " · ")
}

// firstRaceOf is the first race of election that box takes part in.
func firstRaceOf(reg *sandik.Registry, e sandik.ElectionCode, box sandik.AreaCode) sandik.RaceCode {
	for i := range reg.Races {
		if rc := &reg.Races[i]; rc.Election == e && reg.InRace(rc, box) {
			return rc.Code
		}
	}
	return ""
}

// phoneText writes a Turkish number as people read it: +90 532 123 45 67.
func phoneText(ph string) string {
	d, ok := strings.CutPrefix(ph, "+90")
	if !ok || len(d) != 10 {
		return ph
	}
	return "+90 " + d[:3] + " " + d[3:6] + " " + d[6:8] + " " + d[8:]
}
