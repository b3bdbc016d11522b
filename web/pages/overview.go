package pages

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/verify"
	"github.com/sandik-dev/sandik/web/pages/percent"
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
	Locator  template.HTML // where the area lies, beside a tile map
	MapNote  string        // what the map is drawn from, with the attribution its data needs
	LocNote  string        // the same for the locator
	Metric   string
	Metrics  []metricLink
	Legend   []legendItem
	Seq      int64
	Live     string // the live stream's URL
	Export   string // the export URL without extension
	// ChoiceHref links each headline choice figure, by "p.c3" or "v.c3",
	// to the children table sorted by that figure: where it comes from.
	// Empty when the area has no children.
	ChoiceHref map[string]string
	Sort       *childSort // the order the table was asked for, if any
	// Official: published figures exist for some box of the area, shown
	// beside the sheets.
	Official bool
	// Phases are the views shown side by side: provisional and verified,
	// and "as recounted" once a box of the area has a settled recount.
	Phases   []string
	Late     []lateRow     // the areas below that miss boxes, the latest first
	LateMore int           // late areas beyond those listed
	Chart    template.HTML // arrivals over time
	Arrivals []arrivalRow  // the chart as a table

	// Rollup links the roll-up of every race of this race's kind over the
	// area (feed_rollup.go); empty for a race without a kind.
	Rollup, RollupText string
}

// lateRow is an area below that still misses boxes; its figures are live
// texts (K) under its code.
type lateRow struct {
	Code, Name, Href string
	Boxes            []missingBox // the first of its missing boxes
	More             int          // its missing boxes not listed
}

// missingBox is a box with no entry yet.
type missingBox struct {
	Name, Where, Href string
	// Phone is the phone of the box's observer. The organisation's
	// records of observers will fill it (observerPhone); until then it is
	// empty and the page shows no phone column.
	Phone string
}

// arrivalRow is one bar of the arrivals chart.
type arrivalRow struct{ From, To, N, Total string }

type crumb struct{ Name, Href string }

type choiceRow struct {
	Name, Colour string
	I            int
}

type childRow struct {
	Code, Name, Href string
	Box              bool
	Sorted           string // the figure the table is sorted by, when it is
	t                *tally.Totals
}

// childSort is an order of the children table asked for in the URL
// (?sort=p.c3): by one choice's votes, provisional (p) or verified (v),
// most first, shown in a column of its own beside the area's name.
type childSort struct {
	Key   string // as in the URL
	Label string // the choice
	Sub   string // which figures, and of which data version
}

// sortKey is the URL form of a choice figure: "p.c3", "v.c0".
func sortKey(phase string, choice int) string { return phase + ".c" + strconv.Itoa(choice) }

// parseSort reads a sort key of a race with n choices. Anything else —
// another column, a choice out of range, "p.c03" — is not an order the
// server knows, and the table keeps its usual one: a stale or edited link
// still shows the page.
func parseSort(key string, n int) (phase string, choice int, ok bool) {
	phase, idx, found := strings.Cut(key, ".c")
	if !found || phase != "p" && phase != "v" {
		return "", 0, false
	}
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 || i >= n || strconv.Itoa(i) != idx {
		return "", 0, false
	}
	return phase, i, true
}

// voteOf returns choice i's votes in c; 0 when c has none yet.
func voteOf(c *tally.Counts, i int) int64 {
	if i < len(c.Votes) {
		return c.Votes[i]
	}
	return 0
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
// A live update (live) sends only the texts, meters and colours that move
// (K, Meter, Fill): the map, the late areas and the arrivals chart are
// left out, and each child's latest arrival is read from figures the tally
// keeps instead of a walk over every box below the area.
func (p *Pages) overviewOf(l *lang, u sandik.User, race sandik.RaceCode, code sandik.AreaCode, mkey string, live bool) (*overviewView, error) {
	view := p.c.View(u)
	reg := view.Registry()
	rc, ok := reg.Race(race)
	if !ok {
		return nil, sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	at, err := view.Totals(race, code)
	if err != nil {
		return nil, err
	}
	area, _ := reg.Area(code)
	// The areas below in Turkish order (Bağcılar before Bayrampaşa,
	// Mahalle 2 before Mahalle 10), whatever order the registry has.
	collation.Sort(at.Children, func(t tally.Totals) string { return t.Name })
	m := metricOf(mkey)
	v := &overviewView{
		Area: area, Totals: at.Totals, Seq: at.Seq, Metric: m.Key,
		K: map[string]string{}, Meter: map[string]float64{}, Fill: map[string]string{},
		Live:   areaHref(race, code, sandik.LevelIl) + "/live?m=" + m.Key,
		Export: areaHref(race, code, sandik.LevelIl) + "/export",
	}
	if k := sandik.RaceKind(rc); k != "" && u.Role.SeesAllEntries() {
		v.Rollup, v.RollupText = rollupHref("/toplamlar", rc.Election, k, code), l.F("rollup.link", k)
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
	v.Official = t.BoxesOfficial > 0
	phases := map[string]*tally.Counts{"p": &t.Provisional, "v": &t.Verified}
	v.Phases = []string{"p", "v"}
	if t.BoxesRecounted > 0 {
		// The third view: verified, each settled recount in place of its box.
		phases["r"] = &t.Recounted
		v.Phases = append(v.Phases, "r")
		k["recounted.of"] = l.F("recounted.of", l.Int(t.BoxesRecounted))
	}
	if v.Official {
		phases["o"] = &t.Official
		k["official.of"] = l.F("official.of", l.Int(t.BoxesOfficial), l.Int(t.BoxesExpected))
	}
	for phase, c := range phases {
		k[phase+".voted"] = l.Num(c.Voted)
		k[phase+".valid"] = l.Num(c.ValidTotal)
		k[phase+".invalid"] = l.Num(c.Invalid)
		k[phase+".turnout"] = l.Pct(c.Voted, c.Registered)
		ld := leadOf(l, rc, c)
		k[phase+".leader"], k[phase+".margin"] = ld.leader, ld.margin
		if phase == "p" { // the headline's
			k["p.second"], k["p.lshare"], k["p.sshare"] = ld.second, ld.lshare, ld.sshare
		}
		for i := range rc.Choices {
			n := voteOf(c, i)
			is := strconv.Itoa(i)
			k[phase+".c"+is] = l.Num(n)
			k[phase+".s"+is] = pctDec(l, n, c.ValidTotal, ld.dec)
			v.Meter[phase+".s"+is] = ratio(n, c.ValidTotal)
		}
	}
	for i := range at.Children {
		ch := &at.Children[i]
		id := string(ch.Area)
		v.Children = append(v.Children, childRow{Code: id, Name: ch.Name, Href: areaHref(race, ch.Area, ch.Level), Box: ch.Level == sandik.LevelSandik, t: ch})
		// The share first: the table sorts this column by it.
		k[id+".rep"] = l.Pct(int64(ch.BoxesReported), int64(ch.BoxesExpected)) + " (" + l.Int(ch.BoxesReported) + "/" + l.Int(ch.BoxesExpected) + ")"
		k[id+".ver"] = l.Pct(int64(ch.BoxesVerified), int64(ch.BoxesExpected))
		k[id+".conf"] = l.Int(ch.BoxesConflict)
		k[id+".turnout"] = l.Pct(ch.Provisional.Voted, ch.Provisional.Registered)
		k[id+".valid"] = l.Num(ch.Provisional.ValidTotal)
		ld := leadOf(l, rc, &ch.Provisional)
		k[id+".leader"], k[id+".margin"] = ld.leader, ld.margin
		// Only a late area has a row of missing boxes to keep live; one
		// that completes keeps its row until the page is reloaded.
		if ch.BoxesReported < ch.BoxesExpected {
			k[id+".miss"] = l.Int(ch.BoxesExpected - ch.BoxesReported)
		}
		k[id+".last"] = "–"
		if v.Official {
			k[id+".off"] = l.Int(ch.BoxesOfficial) + "/" + l.Int(ch.BoxesExpected)
		}
		v.Fill[id] = m.fill(ch)
	}
	if live {
		return v, lastsOf(l, view, rc, v)
	}
	if len(at.Children) > 0 {
		v.Map, v.MapNote = p.mapOf(rc, at.Children, m, l)
		if !strings.Contains(string(v.Map), "outlines") {
			v.Locator, v.LocNote = p.locatorOf(reg, code, l)
		}
	}
	if err := p.lateOf(l, view, rc, v); err != nil {
		return nil, err
	}
	return v, nil
}

func ratio(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// lead is who leads a count and by how much, written with as many
// decimals as the race needs: a close race never reads "%0,0".
type lead struct {
	leader, second, margin string
	lshare, sshare         string
	dec                    int // decimals of the shares
}

func leadOf(l *lang, rc *sandik.Race, c *tally.Counts) lead {
	first, second := verify.Leaders(c.Votes)
	if first < 0 || c.ValidTotal == 0 {
		return lead{"–", "–", "–", "–", "–", 1}
	}
	gap := c.Votes[first]
	if second >= 0 {
		gap -= c.Votes[second]
	}
	// The shares take the margin's decimals, so that they differ by it.
	dec := max(percent.Decimals(c.Votes, c.ValidTotal), percent.MarginDecimals(gap, c.ValidTotal))
	ld := lead{leader: rc.Choices[first].Name, second: "–", sshare: "–", dec: dec,
		lshare: pctDec(l, c.Votes[first], c.ValidTotal, dec)}
	if second >= 0 {
		ld.second = rc.Choices[second].Name
		ld.sshare = pctDec(l, c.Votes[second], c.ValidTotal, dec)
	}
	ld.margin = l.Num(gap) + " (" + pctDec(l, gap, c.ValidTotal, dec) + ")"
	return ld
}

// pctDec writes part/whole as a percentage with dec decimals, the way
// lang.Pct does with one.
func pctDec(l *lang, part, whole int64, dec int) string {
	return percent.Format(part, whole, dec, l.Code == "en")
}

// linkChoices links every headline choice figure to the children table
// sorted by it. Only the page needs the links, not the live stream.
func (v *overviewView) linkChoices(rc *sandik.Race) {
	if len(v.Children) == 0 {
		return
	}
	v.ChoiceHref = map[string]string{}
	for _, p := range []string{"p", "v"} {
		for i := range rc.Choices {
			q := url.Values{"m": {v.Metric}, "sort": {sortKey(p, i)}}
			v.ChoiceHref[sortKey(p, i)] = areaHref(rc.Code, v.Area.Code, sandik.LevelIl) + "?" + q.Encode() + "#children"
		}
	}
}

// sortChildren orders the children table by the figure key names (see
// parseSort), most first, children with equal figures keeping their
// order, and fills the column that shows the figure. The column is not in
// the live stream's texts, so its header names the data version it
// shows; the rest of the row stays live.
func (v *overviewView) sortChildren(l *lang, rc *sandik.Race, key string, seq int64, at string) {
	phase, i, ok := parseSort(key, len(rc.Choices))
	if !ok || len(v.Children) == 0 {
		return
	}
	counts := func(c *childRow) *tally.Counts {
		if phase == "v" {
			return &c.t.Verified
		}
		return &c.t.Provisional
	}
	slices.SortStableFunc(v.Children, func(a, b childRow) int {
		return cmp.Compare(voteOf(counts(&b), i), voteOf(counts(&a), i))
	})
	for j := range v.Children {
		c := counts(&v.Children[j])
		n := voteOf(c, i)
		v.Children[j].Sorted = l.Num(n) + " (" + l.Pct(n, c.ValidTotal) + ")"
	}
	// Colouring the map another way keeps the order.
	for j := range v.Metrics {
		v.Metrics[j].Href += "&sort=" + sortKey(phase, i)
	}
	which := map[string]string{"p": "provisional", "v": "verified"}[phase]
	v.Sort = &childSort{Key: sortKey(phase, i), Label: rc.Choices[i].Name,
		Sub: l.T(which) + " · " + l.F("overview.updated", at)}
}

// overview is the page of one area of a race: totals, map and children.
// A box has its own page.
func (p *Pages) overview(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, code := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	if a, ok := p.c.Registry().Area(code); ok && a.Level == sandik.LevelSandik {
		http.Redirect(w, r, areaHref(race, code, a.Level), http.StatusSeeOther)
		return nil
	}
	l := p.langOf(r)
	v, err := p.overviewOf(l, u, race, code, r.URL.Query().Get("m"), false)
	if err != nil {
		return err
	}
	v.base = p.baseOf(r, u, "nav.overview")
	v.base.Race, _ = p.c.Registry().Race(race)
	v.Title = v.Area.Name + " · " + v.base.Race.Name
	v.K["fresh"] = l.F("overview.updated", l.Clock(p.now()))
	v.linkChoices(v.base.Race)
	v.sortChildren(l, v.base.Race, r.URL.Query().Get("sort"), v.Seq, l.Clock(p.now()))
	return p.render(w, http.StatusOK, "overview", v)
}
