package pages

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/verify"
	"github.com/sandik-dev/sandik/web/handler"
)

// comparisonShown bounds the discrepancies listed on the page; the CSV
// holds them all.
const comparisonShown = 500

type cmpRow struct {
	Box, Name, Href, Outcome, Fields, Margin string
	Deltas                                   []string
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
	Action                   string // where the draft form posts
	Children                 []cmpChild
	Rows                     []cmpRow
	More                     int
	Flags                    []flagRow
	CanCase                  bool
	Filer                    string
	Sorts                    []sortLink
	Tune                     thresholdForm
}

type sortLink struct {
	Label, Href string
	Current     bool
}

// comparisonPage shows where the official figures differ from the verified
// sheets in an area, box by box, with the effect on the margin of the two
// leaders, the areas below, and the unusual boxes.
func (p *Pages) comparisonPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.comparison(w, r, u, http.StatusOK, nil)
}

// comparison renders the comparison page; edit, when not nil, is a save of
// the thresholds that was refused, shown in the tuning form.
func (p *Pages) comparison(w http.ResponseWriter, r *http.Request, u sandik.User, status int, edit *thresholdEdit) error {
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
	name := func(c sandik.ChoiceCode) string {
		if i := rc.ChoiceIndex(c); i >= 0 {
			return rc.Choices[i].Name
		}
		return string(c)
	}
	v.Pair = l.F("cmp.pair", name(rep.A), name(rep.B))
	v.NetHelp = l.F("cmp.net.help", name(rep.A))
	v.Net = signed(l, rep.Summary.NetMarginEffect)
	for _, c := range rc.Choices {
		v.Choices = append(v.Choices, c.Name)
	}
	for _, o := range verify.Outcomes {
		v.Outcomes = append(v.Outcomes, l.T("out."+string(o)))
		v.Counts = append(v.Counts, l.Int(rep.Summary.Boxes[o]))
	}
	for _, c := range rep.Children {
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
	diffs := verify.Filter(rep.Boxes, verify.Discrepancy)
	verify.Sort(diffs, key)
	for i, b := range diffs {
		if i == comparisonShown {
			v.More = len(diffs) - i
			break
		}
		row := cmpRow{Box: string(b.Box), Name: b.Name, Href: areaHref(race, b.Box, sandik.LevelSandik), Outcome: l.T("out." + string(b.Outcome)),
			Margin: signed(l, b.MarginEffect)}
		for _, f := range b.Fields {
			if row.Fields != "" {
				row.Fields += ", "
			}
			row.Fields += l.T(fieldKey(f.Field)) + " " + l.Num(f.Sheet) + " → " + l.Num(f.Official)
		}
		for _, d := range b.VoteDelta {
			row.Deltas = append(row.Deltas, signed(l, d))
		}
		v.Rows = append(v.Rows, row)
	}
	flags, figs, _, err := view.Anomalies(race, area, center.AnomalyOfficial, th)
	if err != nil {
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
			Kind: string(f.Kind), Message: f.Message(l.Code)})
	}
	return p.render(w, status, "comparison", v)
}

// fieldKey maps a sheet field to its message key.
func fieldKey(f string) string {
	switch f {
	case "valid_without_objection":
		return "valid_without"
	case "valid_upon_objection":
		return "valid_upon"
	}
	return f
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

// comparisonCSV exports an area's discrepancies like the API's CSV.
func (p *Pages) comparisonCSV(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	view := p.c.View(u)
	rep, _, err := view.Compare(race, area, verify.Options{Basis: verify.BasisVerified})
	if err != nil {
		return err
	}
	rc, _ := view.Registry().Race(race)
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	if err := verify.WriteCSV(&buf, rc, verify.Filter(rep.Boxes, verify.Discrepancy), p.langOf(r).Code); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="comparison-`+handler.SafeName(string(race))+"-"+handler.SafeName(string(area))+`.csv"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
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
	if len(boxes) == 0 {
		return sandik.Invalid("no box selected", []sandik.Problem{{Field: "box", Rule: sandik.RuleRequired, Message: "select at least one box"}})
	}
	filer := r.PostForm.Get("filer")
	if filer == "" {
		filer = u.Name
	}
	cases, err := p.c.DraftFromDiscrepancies(r.Context(), u, race, area, boxes, filer)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/itiraz?made="+strconv.Itoa(len(cases)), http.StatusSeeOther)
	return nil
}
