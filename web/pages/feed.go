package pages

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/broker"
)

// The official feed's pages: the alerts (/resmi), live, and one box's
// official versions with their provenance and diffs
// (/races/{race}/boxes/{box}/resmi).

const maxAlertRows = 200

type alertRow struct {
	N                        int64
	At, Box, BoxHref, Kind   string
	What, Source, SourceHref string
}

type feedView struct {
	base
	Live, Sig, Self string
	Count, Latest   string
	Fresh           string
	Alerts          []alertRow // newest first
}

// changeText writes a diff in the reader's language: votes by party name
// with a true minus sign, fixed figures by their label.
func changeText(l *lang, cs []sandik.FieldChange) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		name := c.Name
		if !strings.HasPrefix(c.Field, "votes.") {
			for i, f := range sandik.SheetFields {
				if f.Name == c.Field {
					name = l.T(sheetLabels[i])
				}
			}
		}
		d, sign := c.Delta(), "+"
		if d < 0 {
			d, sign = -d, "−"
		}
		parts = append(parts, fmt.Sprintf("%s %s%s", name, sign, l.Num(d)))
	}
	return strings.Join(parts, ", ")
}

func versionsHref(race sandik.RaceCode, box sandik.AreaCode) string {
	return "/races/" + url.PathEscape(string(race)) + "/boxes/" + url.PathEscape(string(box)) + "/resmi"
}

// feedBoxName is "Kadıköy, Sandık 1043": the district and the box.
func feedBoxName(reg *sandik.Registry, box sandik.AreaCode) string {
	a, ok := reg.Area(box)
	if !ok {
		return string(box)
	}
	for _, c := range reg.Ancestors(box) {
		if p, _ := reg.Area(c); p.Level == sandik.LevelIlce {
			return p.Name + ", " + a.Name
		}
	}
	return a.Name
}

func (p *Pages) feedAlerts(r *http.Request, u sandik.User) (feedView, error) {
	l := p.langOf(r)
	view := p.c.View(u)
	reg := view.Registry()
	// Alerts are read oldest first; the page shows the latest ones.
	var all []sandik.FeedAlert
	var after int64
	for {
		as, err := view.Alerts(r.Context(), after, "", 1000)
		if err != nil {
			return feedView{}, err
		}
		all = append(all, as...)
		if len(all) > maxAlertRows {
			all = all[len(all)-maxAlertRows:]
		}
		if len(as) < 1000 {
			break
		}
		after = as[len(as)-1].N
	}
	v := feedView{base: p.baseOf(r, u, "feed.title"), Live: "/resmi/live", Self: "/resmi", Count: l.F("feed.count", l.Int(len(all)))}
	h := fnv.New64a()
	for i := len(all) - 1; i >= 0; i-- {
		a := all[i]
		fmt.Fprintf(h, "%d;", a.N)
		row := alertRow{N: a.N, At: l.Time(a.At), Box: feedBoxName(reg, a.Box), BoxHref: versionsHref(a.Race, a.Box), Kind: l.T("feed.kind." + string(a.Kind)),
			What: changeText(l, a.Changes), Source: a.SourceURL}
		if strings.HasPrefix(a.SourceURL, "https://") || strings.HasPrefix(a.SourceURL, "http://") {
			row.SourceHref = a.SourceURL
		}
		v.Alerts = append(v.Alerts, row)
	}
	v.Sig = fmt.Sprintf("%x", h.Sum64())
	if len(v.Alerts) > 0 {
		a := v.Alerts[0]
		what := a.What
		if what == "" {
			what = a.Kind
		}
		v.Latest = l.F("feed.line", a.Box, a.Kind, what, a.At)
	} else {
		v.Latest = l.T("feed.none")
	}
	return v, nil
}

func (p *Pages) feedPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	v, err := p.feedAlerts(r, u)
	if err != nil {
		return err
	}
	return p.render(w, http.StatusOK, "feed", v)
}

// liveFeed streams the alerts: the latest one's line and the count move
// on the page at once, and a changed list offers a refresh.
func (p *Pages) liveFeed(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if _, err := p.feedAlerts(r, u); err != nil {
		return err
	}
	l := p.langOf(r)
	key := "feed|" + l.Code
	if u.Scoped() {
		key += "|" + string(u.ID)
	}
	return p.stream(w, r, u, key, func(ev broker.Event) (*livePayload, error) {
		v, err := p.feedAlerts(r, u)
		if err != nil {
			return nil, err
		}
		return &livePayload{Seq: ev.Seq, Sig: v.Sig, Time: l.Clock(ev.At), K: map[string]string{
			"count": v.Count, "latest": v.Latest, "fresh": l.F("overview.updated", l.Clock(ev.At))}}, nil
	})
}

type versionCol struct {
	Title, FirstSeen, Source, SourceHref, Diff string
}

type officialRow struct {
	Label  string
	Values []string
	Moved  []bool // the value differs from the version before
}

type feedBoxView struct {
	base
	Area     sandik.Area
	BoxHref  string
	Versions []versionCol
	Rows     []officialRow
}

// feedBoxPage shows every official version of a box side by side, each
// with where and when it was first seen and what changed from the one
// before: every official figure with its provenance.
func (p *Pages) feedBoxPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, box := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("box"))
	l := p.langOf(r)
	view := p.c.View(u)
	vs, err := view.OfficialVersions(r.Context(), race, box)
	if err != nil {
		return err
	}
	reg := view.Registry()
	rc, _ := reg.Race(race)
	area, _ := reg.Area(box)
	v := feedBoxView{base: p.baseOf(r, u, "feed.versions"), Area: area, BoxHref: "/races/" + url.PathEscape(string(race)) + "/boxes/" + url.PathEscape(string(box))}
	v.Race = rc
	for i, ov := range vs {
		col := versionCol{Title: l.F("feed.version", i+1), FirstSeen: l.Time(ov.FirstSeen), Source: ov.SourceURL, Diff: l.T("feed.first")}
		if ov.SourceURL == "" {
			col.Source = l.T("feed.manual")
		} else if strings.HasPrefix(ov.SourceURL, "https://") || strings.HasPrefix(ov.SourceURL, "http://") {
			col.SourceHref = ov.SourceURL
		}
		if i > 0 {
			col.Diff = changeText(l, ov.Changes)
		}
		v.Versions = append(v.Versions, col)
	}
	add := func(label string, get func(*sandik.Tutanak) int64) {
		row := officialRow{Label: label}
		for i := range vs {
			n := get(&vs[i].Sheet)
			row.Values = append(row.Values, l.Num(n))
			row.Moved = append(row.Moved, i > 0 && n != get(&vs[i-1].Sheet))
		}
		v.Rows = append(v.Rows, row)
	}
	for i, f := range sandik.SheetFields {
		add(l.T(sheetLabels[i]), f.Get)
	}
	for i, c := range rc.Choices {
		add(c.Name, func(t *sandik.Tutanak) int64 {
			if i < len(t.Votes) {
				return t.Votes[i]
			}
			return 0
		})
	}
	return p.render(w, http.StatusOK, "feedbox", v)
}
