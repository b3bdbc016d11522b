package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
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
	Tune                     thresholdForm
}

type sortLink struct {
	Label, Href string
	Current     bool
}

// comparisonPage shows where the official figures differ from the verified
// sheets in an area, box by box, with the effect on the margin of the two
// leaders, the areas below, and the unusual boxes.
func (s *Server) comparisonPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return s.comparison(w, r, u, http.StatusOK, nil)
}

// comparison renders the comparison page; edit, when not nil, is a save of
// the thresholds that was refused, shown in the tuning form.
func (s *Server) comparison(w http.ResponseWriter, r *http.Request, u sandik.User, status int, edit *thresholdEdit) error {
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	view := s.c.View(u)
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
	saved, err := s.c.RaceThresholds(r.Context(), race)
	if err != nil {
		return err
	}
	th := saved.Thresholds
	if edit == nil {
		// This view's own tuning; a refused save shows the saved flags.
		if th, err = thresholdsFrom(r, saved.Thresholds); err != nil {
			return err
		}
	} else {
		v.Path = v.Self // the language switch comes back to the page, not the post
	}
	v.Tune = s.tuneForm(r, u, v.L, v.Self, saved, th, edit)
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
	return s.render(w, status, "comparison", v)
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
	view := s.c.View(u)
	rep, _, err := view.Compare(race, area, verify.Options{Basis: verify.BasisVerified})
	if err != nil {
		return err
	}
	rc, _ := view.Registry().Race(race)
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

// thresholdForm is the comparison page's form that tunes the anomaly
// thresholds: for the view alone (a GET with the thresholds as query
// parameters), or saved for everyone (a POST to Action, made on Version).
type thresholdForm struct {
	Fields     []thresholdField
	Action     string
	Version    int
	Saved      string // which thresholds hold for the election, saved by whom
	CanSave    bool
	Overridden bool   // the view's thresholds are not the saved ones
	Notice     string // a save went through
	Problem    string // why a save was refused
	Open       bool   // the form is shown unfolded
}

// thresholdField is one anomaly threshold on the form. Mode is the
// keyboard a phone shows: digits, a decimal point, or letters too for a
// value written with an exponent (1e-05).
type thresholdField struct{ Key, Label, Value, Default, Problem, Mode string }

// thresholdEdit is a refused save: the values sent, what is wrong with
// each, and why.
type thresholdEdit struct {
	values   url.Values        // nil: the saved thresholds
	problems map[string]string // by key, in the page's language
	banner   string
}

func (s *Server) tuneForm(r *http.Request, u sandik.User, l *lang, self string, saved center.ElectionThresholds, th anomaly.Thresholds, edit *thresholdEdit) thresholdForm {
	f := thresholdForm{Action: self + "/thresholds", Version: saved.Version, CanSave: center.CanSaveThresholds(u), Overridden: th != saved.Thresholds}
	name := string(saved.Election)
	if e, ok := s.c.Registry().Election(saved.Election); ok {
		name = e.Name
	}
	if saved.Version == 0 {
		f.Saved = l.F("anom.stored.none", name)
	} else {
		f.Saved = l.F("anom.stored.by", name, saved.Version, saved.UpdatedBy, l.Time(saved.UpdatedAt))
	}
	if r.URL.Query().Get("saved") == "1" {
		f.Notice = l.T("anom.saved")
	}
	def := anomaly.DefaultThresholds()
	for _, key := range anomaly.ThresholdKeys() {
		value, _ := th.Get(key)
		dv, _ := def.Get(key)
		fd := thresholdField{Key: key, Label: l.T("th." + key), Value: value, Default: l.F("anom.default.of", dv), Mode: "decimal"}
		switch {
		case anomaly.IsWhole(key):
			fd.Mode = "numeric"
		case strings.ContainsAny(value+dv, "eE"):
			fd.Mode = "text"
		}
		if edit != nil {
			if edit.values != nil {
				fd.Value = edit.values.Get(key)
			}
			fd.Problem = edit.problems[key]
		}
		f.Fields = append(f.Fields, fd)
	}
	if edit != nil {
		f.Problem, f.Open, f.Overridden = edit.banner, true, false
	}
	f.Open = f.Open || f.Overridden || f.Notice != ""
	return f
}

// saveThresholdsPage saves the tuning form's thresholds for everyone (or
// the defaults, with reset), on the version the form was made on. A
// refused save shows the page again with the values sent and what is
// wrong; a save made meanwhile by someone else is named.
func (s *Server) saveThresholdsPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return sandik.Errorf(eBadRequest, "unreadable form: %v", err)
	}
	race, area := sandik.RaceCode(r.PathValue("race")), sandik.AreaCode(r.PathValue("area"))
	rc, ok := s.c.Registry().Race(race)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "race %q does not exist", race)
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || version < 0 {
		return badParam("version", "must be the version of the thresholds the form was made on (got %q)", r.PostForm.Get("version"))
	}
	saved, err := s.c.RaceThresholds(r.Context(), race)
	if err != nil {
		return err
	}
	l := s.langOf(r)
	edit := &thresholdEdit{values: r.PostForm, problems: map[string]string{}}
	th := anomaly.DefaultThresholds()
	if r.PostForm.Has("reset") {
		edit.values = nil
	} else {
		th = saved.Thresholds
		for _, key := range anomaly.ThresholdKeys() {
			v := strings.TrimSpace(r.PostForm.Get(key))
			if v == "" {
				edit.problems[key] = l.T("anom.required")
			} else if err := th.Set(key, v); err != nil {
				edit.problems[key] = l.F("anom.bad", err.Error())
			}
		}
		// Every field wrong at once, not one reload per field.
		for _, p := range sandik.ProblemsOf(th.Validate()) {
			if _, ok := edit.problems[p.Field]; !ok {
				edit.problems[p.Field] = l.F("anom.bad", p.Message)
			}
		}
	}
	status := http.StatusUnprocessableEntity
	if len(edit.problems) == 0 {
		_, err := s.c.SaveThresholds(r.Context(), u, rc.Election, th, version)
		switch sandik.CodeOf(err) {
		case "":
			http.Redirect(w, r, "/races/"+url.PathEscape(string(race))+"/areas/"+url.PathEscape(string(area))+"/comparison?saved=1", http.StatusSeeOther)
			return nil
		case sandik.EInvalid:
			for _, p := range sandik.ProblemsOf(err) {
				edit.problems[p.Field] = l.F("anom.bad", p.Message)
			}
		case sandik.EConflict:
			cur, rerr := s.c.RaceThresholds(r.Context(), race)
			if rerr != nil {
				return err
			}
			status, edit.banner = http.StatusConflict, l.F("anom.stale", cur.UpdatedBy, cur.Version, l.Time(cur.UpdatedAt))
		default:
			return err
		}
	}
	if edit.banner == "" {
		edit.banner = l.T("anom.invalid")
	}
	return s.comparison(w, r, u, status, edit)
}
