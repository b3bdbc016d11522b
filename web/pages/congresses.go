package pages

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/refusal"
)

// The congresses' pages (docs/congresses.md): the organiser's list and
// congress page, the check-in desk for a tablet at the door, the
// counting committee's boxes and the live results. Who may do what is
// the centre's (center/congress.go); the sheets are entered on /entry
// like any box's, and their conflicts settled on the box's page.

type congressRow struct {
	Href, Title, Date, Unit, Level, State string
}

type periodRow struct {
	Congress, Level, Name, From, To, Source string
}

type congressesView struct {
	base
	Rows     []congressRow
	Calendar []periodRow
	Organise bool
	Units    []unitOption
	Levels   []kindOption
	Form     url.Values
	Problems []string
}

func congressHref(id sandik.CongressID, rest string) string {
	return "/kongreler/" + url.PathEscape(string(id)) + rest
}

// congressProblems says in the reader's language what is wrong.
func congressProblems(l *lang, err error) []string {
	var out []string
	for _, pr := range sandik.ProblemsOf(err) {
		if msg.Has("rule." + pr.Rule) {
			// A rule the catalogue names reads whole in the reader's
			// language; the field would be a code among its words.
			out = append(out, refusal.Text(msg.Of(l.Code), pr))
			continue
		}
		out = append(out, pr.Field+": "+pr.Message)
	}
	if len(out) == 0 {
		out = append(out, sandik.MessageOf(err))
	}
	return out
}

// refused reports whether err is a refusal the page shows beside its
// form rather than as an error page.
func refused(err error) bool {
	switch sandik.CodeOf(err) {
	case sandik.EInvalid, sandik.EConflict:
		return true
	case sandik.EForbidden:
		// A check-in refused names the rule; a user without the right
		// gets the error page.
		return len(sandik.ProblemsOf(err)) > 0
	}
	return false
}

func (p *Pages) congressesPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.renderCongresses(w, r, u, http.StatusOK, nil, nil)
}

func (p *Pages) renderCongresses(w http.ResponseWriter, r *http.Request, u sandik.User, status int, form url.Values, problems []string) error {
	v := congressesView{base: p.baseOf(r, u, "congress.title"), Form: form, Problems: problems}
	units, err := p.visibleUnits(r, u)
	if err != nil {
		return err
	}
	cs, err := p.c.Congresses(r.Context(), u, sandik.CongressFilter{})
	if err != nil {
		return err
	}
	for _, g := range cs {
		state := v.L.T("congress.state.open")
		if !g.Frozen.IsZero() {
			state = v.L.T("congress.state.frozen")
		}
		v.Rows = append(v.Rows, congressRow{Href: congressHref(g.ID, ""), Title: g.Title, Date: string(g.Date), Unit: units[g.Unit].Name,
			Level: v.L.T("congress.level." + string(g.Level)), State: state})
	}
	for _, pr := range sandik.Calendar(cs, sandik.DefaultCalendar()) {
		v.Calendar = append(v.Calendar, periodRow{Congress: string(pr.Congress), Level: v.L.T("congress.level." + string(pr.Level)),
			Name: v.L.T("congress.period." + pr.Name), From: string(pr.From), To: string(pr.To), Source: pr.Source})
	}
	for _, un := range units {
		if p.c.OrgAllow(u, un.Area, true) == nil {
			v.Units = append(v.Units, unitOption{Code: string(un.Code), Name: un.Name, Selected: form.Get("unit") == string(un.Code)})
		}
	}
	collation.Sort(v.Units, func(o unitOption) string { return o.Name })
	v.Organise = len(v.Units) > 0
	for _, l := range sandik.CongressLevels() {
		v.Levels = append(v.Levels, kindOption{string(l), v.L.T("congress.level." + string(l))})
	}
	return p.render(w, status, "congresses", v)
}

func (p *Pages) createCongress(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	boxes, _ := strconv.Atoi(f.Get("boxes"))
	g := sandik.Congress{ID: sandik.CongressID(strings.TrimSpace(f.Get("id"))), Level: sandik.CongressLevel(f.Get("level")), Unit: sandik.UnitCode(f.Get("unit")),
		Title: strings.TrimSpace(f.Get("title")), Date: sandik.Date(f.Get("date")), Place: strings.TrimSpace(f.Get("place")), Boxes: boxes}
	if g.ID == "" {
		g.ID = sandik.CongressID("k-" + randomHex(4))
	}
	g, err := p.c.CreateCongress(r.Context(), u, g)
	if refused(err) {
		return p.renderCongresses(w, r, u, http.StatusUnprocessableEntity, f, congressProblems(p.langOf(r), err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, congressHref(g.ID, ""), http.StatusSeeOther)
	return nil
}
