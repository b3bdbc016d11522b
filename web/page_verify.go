package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/verify"
)

// seesAll wraps h for the roles that see every entry: coordinators, admins
// and lawyers.
func seesAll(h pageFunc) pageFunc {
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		if !u.Role.SeesAllEntries() {
			return sandik.Errorf(sandik.EForbidden, "this page is for coordinators and lawyers")
		}
		return h(w, r, u)
	}
}

// managesCases wraps h for those who handle objections.
func managesCases(h pageFunc) pageFunc {
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		if !u.Role.CanManageCases() {
			return sandik.Errorf(sandik.EForbidden, "objections are for lawyers, coordinators and admins")
		}
		return h(w, r, u)
	}
}

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
	Thresholds               []thresholdField
}

type sortLink struct {
	Label, Href string
	Current     bool
}

// thresholdField is one anomaly threshold on the page's tuning form.
type thresholdField struct{ Key, Value string }

// comparisonPage shows where the official figures differ from the verified
// sheets in an area, box by box, with the effect on the margin of the two
// leaders, the areas below, and the unusual boxes.
func (s *Server) comparisonPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	reg := s.c.Registry()
	rc, ok := reg.Race(race)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	a, ok := reg.Area(area)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "area %q does not exist", area)
	}
	rep, _, err := s.c.CompareFor(u, race, area, verify.Options{Basis: verify.BasisVerified})
	if err != nil {
		return err
	}
	v := &comparisonView{base: s.baseOf(r, u, "cmp.title"), Area: a, CanCase: u.Role.CanManageCases(), Filer: u.Name,
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
	th, err := thresholdsFrom(r)
	if err != nil {
		return err
	}
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
	flags, figs, _, err := s.c.AnomaliesFor(u, race, area, center.AnomalyOfficial, th)
	if err != nil {
		return err
	}
	tb, _ := json.Marshal(th)
	var tm map[string]any
	json.Unmarshal(tb, &tm)
	for _, k := range slices.Sorted(maps.Keys(tm)) {
		v.Thresholds = append(v.Thresholds, thresholdField{Key: k, Value: fmt.Sprint(tm[k])})
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
	return s.render(w, http.StatusOK, "comparison", v)
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
func (s *Server) comparisonCSV(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	rep, _, err := s.c.CompareFor(u, race, area, verify.Options{Basis: verify.BasisVerified})
	if err != nil {
		return err
	}
	rc, _ := s.c.Registry().Race(race)
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	if err := verify.WriteCSV(&buf, rc, verify.Filter(rep.Boxes, verify.Discrepancy), s.langOf(r).Code); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="comparison-`+safeName(string(race))+"-"+safeName(string(area))+`.csv"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

// draftCases turns the boxes ticked on the comparison page into draft
// cases and shows the deadline board.
func (s *Server) draftCases(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return sandik.Errorf(eBadRequest, "unreadable form: %v", err)
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
	cases, err := s.c.DraftFromDiscrepancies(r.Context(), u, race, area, boxes, filer)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/itiraz?made="+strconv.Itoa(len(cases)), http.StatusSeeOther)
	return nil
}
