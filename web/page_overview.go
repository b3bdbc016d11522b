package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/tally"
)

// overviewView is everything the overview of one area shows. The figures
// that move live are kept in K (text by key) and Fill (map colour by
// area), so that the first render and every live update come from the
// same code and cannot disagree.
type overviewView struct {
	base
	Area     sandik.Area
	Crumbs   []crumb
	Totals   tally.Totals
	Choices  []choiceRow
	Children []childRow
	K        map[string]string
	Meter    map[string]float64
	Fill     map[string]string
	Map      template.HTML
	Locator  template.HTML // where the area lies in Türkiye, beside a tile map
	Tiles    bool
	Metric   string
	Metrics  []metricLink
	Legend   []legendItem
	Seq      int64
	Live     string // the live stream's URL
	Export   string // the export URL without extension
}

type crumb struct{ Name, Href string }

type choiceRow struct {
	Name, Colour string
	I            int
}

type childRow struct {
	Code, Name, Href string
	Box              bool
}

type metricLink struct {
	Key, Label, Href string
	Current          bool
}

func areaHref(race sandik.RaceCode, a sandik.AreaCode, level sandik.AreaLevel) string {
	if level == sandik.LevelSandik {
		return "/races/" + url.PathEscape(string(race)) + "/boxes/" + url.PathEscape(string(a))
	}
	return "/races/" + url.PathEscape(string(race)) + "/areas/" + url.PathEscape(string(a))
}

// overviewOf builds the view of area in race, coloured by metric key.
func (s *Server) overviewOf(l *lang, race sandik.RaceCode, code sandik.AreaCode, mkey string) (*overviewView, error) {
	reg := s.c.Registry()
	rc, ok := reg.Race(race)
	if !ok {
		return nil, sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	at, err := s.c.Totals(race, code)
	if err != nil {
		return nil, err
	}
	area, _ := reg.Area(code)
	m := metricOf(mkey)
	v := &overviewView{
		Area: area, Totals: at.Totals, Seq: at.Seq, Metric: m.Key,
		K: map[string]string{}, Meter: map[string]float64{}, Fill: map[string]string{},
		Live:   areaHref(race, code, sandik.LevelIl) + "/live?m=" + m.Key,
		Export: areaHref(race, code, sandik.LevelIl) + "/export",
	}
	// The breadcrumb stops at the race's scope: totals exist only below it.
	for _, a := range reg.Ancestors(code) {
		if !reg.Contains(rc.Scope, a) {
			break
		}
		an, _ := reg.Area(a)
		v.Crumbs = append([]crumb{{an.Name, areaHref(race, a, an.Level)}}, v.Crumbs...)
	}
	for _, mm := range mapMetrics {
		v.Metrics = append(v.Metrics, metricLink{mm.Key, l.T("map." + mm.Key), areaHref(race, code, sandik.LevelIl) + "?m=" + mm.Key, mm.Key == m.Key})
	}
	v.Legend = m.legend(l, rc)
	for i, c := range rc.Choices {
		v.Choices = append(v.Choices, choiceRow{c.Name, choicePalette[i%len(choicePalette)], i})
	}
	t := &at.Totals
	k := v.K
	k["verified.of"] = l.F("verified.of", l.Int(t.BoxesVerified), l.Int(t.BoxesExpected))
	k["reported.of"] = l.F("reported.of", l.Int(t.BoxesReported), l.Int(t.BoxesExpected))
	k["rep.pct"] = l.Pct(int64(t.BoxesReported), int64(t.BoxesExpected))
	k["ver.pct"] = l.Pct(int64(t.BoxesVerified), int64(t.BoxesExpected))
	k["conflict"] = l.Int(t.BoxesConflict)
	k["pending"] = l.Int(t.BoxesPending)
	k["registered"] = l.Num(t.Registered)
	v.Meter["rep"] = ratio(int64(t.BoxesReported), int64(t.BoxesExpected))
	v.Meter["ver"] = ratio(int64(t.BoxesVerified), int64(t.BoxesExpected))
	for p, c := range map[string]*tally.Counts{"p": &t.Provisional, "v": &t.Verified} {
		k[p+".voted"] = l.Num(c.Voted)
		k[p+".valid"] = l.Num(c.ValidTotal)
		k[p+".invalid"] = l.Num(c.Invalid)
		k[p+".turnout"] = l.Pct(c.Voted, c.Registered)
		k[p+".leader"], k[p+".margin"] = leadText(l, rc, c)
		for i := range rc.Choices {
			var n int64
			if i < len(c.Votes) {
				n = c.Votes[i]
			}
			is := strconv.Itoa(i)
			k[p+".c"+is] = l.Num(n)
			k[p+".s"+is] = l.Pct(n, c.ValidTotal)
			v.Meter[p+".s"+is] = ratio(n, c.ValidTotal)
		}
	}
	for i := range at.Children {
		ch := &at.Children[i]
		id := string(ch.Area)
		v.Children = append(v.Children, childRow{id, ch.Name, areaHref(race, ch.Area, ch.Level), ch.Level == sandik.LevelSandik})
		k[id+".rep"] = l.Int(ch.BoxesReported) + " / " + l.Int(ch.BoxesExpected)
		k[id+".ver"] = l.Pct(int64(ch.BoxesVerified), int64(ch.BoxesExpected))
		k[id+".conf"] = l.Int(ch.BoxesConflict)
		k[id+".turnout"] = l.Pct(ch.Provisional.Voted, ch.Provisional.Registered)
		k[id+".valid"] = l.Num(ch.Provisional.ValidTotal)
		k[id+".leader"], k[id+".margin"] = leadText(l, rc, &ch.Provisional)
		v.Fill[id] = m.fill(ch)
	}
	v.Map, v.Tiles = drawMap(s.provinces, rc, at.Children, m, l, func(t *tally.Totals) string { return areaHref(race, t.Area, t.Level) })
	if v.Tiles {
		// The nearest province above (or the area itself) locates the tiles.
		for _, a := range append([]sandik.AreaCode{code}, reg.Ancestors(code)...) {
			if an, _ := reg.Area(a); an.Level == sandik.LevelIl {
				v.Locator = drawLocator(s.provinces, an.Name, l)
				break
			}
		}
	}
	return v, nil
}

func ratio(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// leadText names the leading choice and its margin over the second.
func leadText(l *lang, rc *sandik.Race, c *tally.Counts) (leader, margin string) {
	first, second := leaders(c.Votes)
	if first < 0 || c.ValidTotal == 0 {
		return "–", "–"
	}
	gap := c.Votes[first]
	if second >= 0 {
		gap -= c.Votes[second]
	}
	return rc.Choices[first].Name, l.Num(gap) + " (" + l.Pct(gap, c.ValidTotal) + ")"
}

// overview is the page of one area of a race: totals, map and children.
// A box has its own page.
func (s *Server) overview(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, code := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	if a, ok := s.c.Registry().Area(code); ok && a.Level == sandik.LevelSandik {
		http.Redirect(w, r, areaHref(race, code, a.Level), http.StatusSeeOther)
		return nil
	}
	l := s.langOf(r)
	v, err := s.overviewOf(l, race, code, r.URL.Query().Get("m"))
	if err != nil {
		return err
	}
	v.base = s.baseOf(r, u, "nav.overview")
	v.base.Race, _ = s.c.Registry().Race(race)
	v.Title = v.Area.Name + " · " + v.base.Race.Name
	v.K["fresh"] = l.F("fresh", l.Num(v.Seq), l.Clock(s.now()))
	return s.render(w, http.StatusOK, "overview", v)
}
