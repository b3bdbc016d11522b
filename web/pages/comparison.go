package pages

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/verify"
	"github.com/sandik-dev/sandik/web/comparefile"
	"github.com/sandik-dev/sandik/web/handler"
)

// comparisonShown bounds the discrepancies listed on the page; the CSV
// holds them all.
const comparisonShown = 500

type cmpRow struct {
	Box, Name, Href, Outcome, Fields, Margin, Effect string
	Deltas                                           []string
	// HeldBy is the open case that already holds the box: it is not
	// ticked, and a new draft leaves it out.
	HeldBy, HeldHref string
}

type cmpChild struct {
	Href, Name, Net string
	Counts          []string // per verify.Outcomes
}

type flagRow struct{ Box, Name, Href, Kind, Message string }

type comparisonView struct {
	base
	Area                     sandik.Area
	Choices                  []string
	Outcomes                 []string // headings, in verify.Outcomes order
	Counts                   []string
	Net, Pair, NetHelp, Self string
	HeldNote                 string
	Problem                  string // why a draft from the page was refused
	Action                   string // where the draft form posts
	Children                 []cmpChild
	Rows                     []cmpRow
	More                     int
	Flags                    []flagRow
	Swings                   []swingLink // the earlier races whose swings may join the flags
	CanCase                  bool
	Filer                    string
	Sorts                    []sortLink
	Tune                     thresholdForm
	// EffectSort and BoxSort are the aria-sort of the effect and the box
	// columns: the rows follow the chosen sort, not the boxes' names.
	EffectSort, BoxSort string
}

type sortLink struct {
	Label, Href string
	Current     bool
}

// comparisonPage shows where the official figures differ from the verified
// sheets in an area, box by box, with the effect on the margin of the two
// leaders, the areas below, and the unusual boxes.
func (p *Pages) comparisonPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.comparison(w, r, u, http.StatusOK, nil, "")
}

// comparison renders the comparison page; edit, when not nil, is a save of
// the thresholds that was refused, shown in the tuning form, and problem
// says why a draft from the page was refused.
func (p *Pages) comparison(w http.ResponseWriter, r *http.Request, u sandik.User, status int, edit *thresholdEdit, problem string) error {
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	view := p.c.View(u)
	reg := view.Registry()
	rc, ok := reg.Race(race)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	a, ok := reg.Area(area)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "area %q does not exist", area)
	}
	rep, _, err := view.Compare(race, area, verify.Options{Basis: verify.BasisVerified})
	if err != nil {
		return err
	}
	v := &comparisonView{base: p.baseOf(r, u, "cmp.title"), Area: a, CanCase: u.Role.CanManageCases(), Filer: u.Name,
		Self:   "/races/" + url.PathEscape(string(race)) + "/areas/" + url.PathEscape(string(area)) + "/comparison",
		Action: "/races/" + url.PathEscape(string(race)) + "/areas/" + url.PathEscape(string(area)) + "/cases"}
	v.Race = rc
	l := v.L
	if problem != "" {
		v.Problem = problem
		v.Path = v.Self // the language switch comes back to the page, not the post
	}
	name := func(c sandik.ChoiceCode) string {
		if i := rc.ChoiceIndex(c); i >= 0 {
			return rc.Choices[i].Name
		}
		return string(c)
	}
	lg := msg.Of(l.Code)
	an, bn := name(rep.A), name(rep.B)
	v.Pair = l.F("cmp.pair", an, bn)
	v.NetHelp = comparefile.Net(lg, an, bn, rep.Summary.NetMarginEffect)
	v.Net = signed(l, rep.Summary.NetMarginEffect)
	holders, err := p.holders(r, view, u, race)
	if err != nil {
		return err
	}
	for _, c := range rc.Choices {
		v.Choices = append(v.Choices, c.Name)
	}
	for _, o := range verify.Outcomes {
		v.Outcomes = append(v.Outcomes, l.T("out."+string(o)))
		v.Counts = append(v.Counts, l.Int(rep.Summary.Boxes[o]))
	}
	children := slices.Clone(rep.Children)
	collation.Sort(children, func(c verify.Summary) string { return c.Name })
	for _, c := range children {
		ch := cmpChild{Href: "/races/" + url.PathEscape(string(race)) + "/areas/" + url.PathEscape(string(c.Area)) + "/comparison",
			Name: c.Name, Net: signed(l, c.NetMarginEffect)}
		for _, o := range verify.Outcomes {
			ch.Counts = append(ch.Counts, l.Int(c.Boxes[o]))
		}
		v.Children = append(v.Children, ch)
	}
	key, err := verify.ParseSort(r.URL.Query().Get("sort"))
	if err != nil {
		return err
	}
	saved, err := p.c.RaceThresholds(r.Context(), race)
	if err != nil {
		return err
	}
	th := saved.Thresholds
	if edit == nil {
		// This view's own tuning; a refused save shows the saved flags.
		if th, err = handler.ThresholdsFrom(r, saved.Thresholds); err != nil {
			return err
		}
	} else {
		v.Path = v.Self // the language switch comes back to the page, not the post
	}
	v.Tune = p.tuneForm(r, u, v.L, v.Self, saved, th, edit)
	for _, k := range []struct {
		key   verify.SortKey
		label string
	}{{verify.SortOutcome, "sort.outcome"}, {verify.SortMargin, "sort.margin"}, {verify.SortVotes, "sort.votes"}, {verify.SortBox, "sort.box"}} {
		q := r.URL.Query()
		q.Set("sort", string(k.key))
		v.Sorts = append(v.Sorts, sortLink{Label: l.T(k.label), Href: v.Self + "?" + q.Encode(), Current: k.key == key})
	}
	v.EffectSort, v.BoxSort = "other", "none"
	switch key {
	case verify.SortBox:
		v.EffectSort, v.BoxSort = "none", "ascending"
	case verify.SortMargin:
		v.EffectSort = "descending"
	}
	diffs := verify.Filter(rep.Boxes, verify.Discrepancy)
	verify.Sort(diffs, key)
	for i, b := range diffs {
		if i == comparisonShown {
			v.More = len(diffs) - i
			break
		}
		row := cmpRow{Box: string(b.Box), Name: boxName(reg, b.Box, l), Href: areaHref(race, b.Box, sandik.LevelSandik), Outcome: l.T("out." + string(b.Outcome)),
			Margin: signed(l, b.MarginEffect), Effect: comparefile.Effect(lg, an, bn, b.MarginEffect), Fields: comparefile.Fields(lg, rc, &b)}
		for _, d := range b.VoteDelta {
			row.Deltas = append(row.Deltas, comparefile.Delta(lg, d))
		}
		if h, ok := holders[b.Box]; ok {
			row.HeldBy, row.HeldHref = l.F("cmp.held", h.ID), "/itiraz/"+url.PathEscape(string(h.ID))
			v.HeldNote = l.T("cmp.held.note")
		}
		v.Rows = append(v.Rows, row)
	}
	flags, figs, _, err := view.Anomalies(race, area, center.AnomalyOfficial, th)
	if err != nil {
		return err
	}
	if flags, v.Swings, err = withSwings(view, u, rc, area, v.Self, sandik.RaceCode(r.URL.Query().Get("previous")), flags, l); err != nil {
		return err
	}
	names := map[sandik.AreaCode]string{}
	for i := range figs {
		names[figs[i].Box] = figs[i].Name
	}
	for i, f := range flags {
		if i == comparisonShown {
			break
		}
		v.Flags = append(v.Flags, flagRow{Box: string(f.Box), Name: names[f.Box], Href: areaHref(race, f.Box, sandik.LevelSandik),
			Kind: l.T("doc.anomaly." + string(f.Kind)), Message: f.Message(l.Code)})
	}
	return p.render(w, status, "comparison", v)
}

// signed writes a number with its sign, Turkish style: +1.234, −56.
func signed(l *lang, n int64) string {
	switch {
	case n > 0:
		return "+" + l.Num(n)
	case n < 0:
		return "−" + l.Num(-n)
	}
	return "0"
}

// comparisonCSV exports an area's discrepancies in the reader's language,
// semicolon-separated like the results export, in the page's order.
func (p *Pages) comparisonCSV(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	view := p.c.View(u)
	rep, _, err := view.Compare(race, area, verify.Options{Basis: verify.BasisVerified})
	if err != nil {
		return err
	}
	key, err := verify.ParseSort(r.URL.Query().Get("sort"))
	if err != nil {
		return err
	}
	rc, _ := view.Registry().Race(race)
	holders, err := p.holders(r, view, u, race)
	if err != nil {
		return err
	}
	name := func(c sandik.ChoiceCode) string {
		if i := rc.ChoiceIndex(c); i >= 0 {
			return rc.Choices[i].Name
		}
		return string(c)
	}
	diffs := verify.Filter(rep.Boxes, verify.Discrepancy)
	verify.Sort(diffs, key)
	data, err := comparefile.Sheet{Race: rc, A: name(rep.A), B: name(rep.B), Holders: holders}.CSV(msg.Of(p.langOf(r).Code), diffs)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="comparison-`+handler.SafeName(string(race))+"-"+handler.SafeName(string(area))+`.csv"`)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
	return nil
}

// holders maps the boxes of race to the open case holding each, for
// those who handle cases; others see no cases and get none.
func (p *Pages) holders(r *http.Request, view *center.View, u sandik.User, race sandik.RaceCode) (map[sandik.AreaCode]*itiraz.Case, error) {
	if !u.Role.CanManageCases() {
		return nil, nil
	}
	cases, err := view.Cases(r.Context(), race)
	if err != nil {
		return nil, err
	}
	return center.Holders(cases), nil
}

// draftCases turns the boxes ticked on the comparison page into draft
// cases and shows the deadline board.
func (p *Pages) draftCases(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return sandik.Errorf(handler.EBadRequest, "unreadable form: %v", err)
	}
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	var boxes []sandik.AreaCode
	for _, b := range r.PostForm["box"] {
		boxes = append(boxes, sandik.AreaCode(b))
	}
	l := p.langOf(r)
	if len(boxes) == 0 {
		return p.comparison(w, r, u, http.StatusUnprocessableEntity, nil, l.T("cmp.pick"))
	}
	filer := r.PostForm.Get("filer")
	if filer == "" {
		filer = u.Name
	}
	d, err := p.c.DraftCases(r.Context(), u, race, area, boxes, filer)
	if sandik.CodeOf(err) == sandik.EInvalid && len(d.Cases) == 0 {
		// The figures changed since the page was drawn: a ticked box is
		// no longer a discrepancy. The page drawn again shows why.
		return p.comparison(w, r, u, http.StatusUnprocessableEntity, nil, l.F("cmp.stale", l.Int(len(sandik.ProblemsOf(err)))))
	}
	if err != nil {
		return err
	}
	q := url.Values{"made": {strconv.Itoa(len(d.Cases))}}
	if len(d.Held) > 0 {
		// The board names the boxes left out and the case holding each.
		codes := make([]string, 0, min(len(d.Held), maxHeldShown))
		for _, h := range d.Held[:min(len(d.Held), maxHeldShown)] {
			codes = append(codes, string(h.Box))
		}
		q.Set("race", string(race))
		q.Set("held", strings.Join(codes, " "))
		q.Set("nheld", strconv.Itoa(len(d.Held)))
	}
	http.Redirect(w, r, "/itiraz?"+q.Encode(), http.StatusSeeOther)
	return nil
}
