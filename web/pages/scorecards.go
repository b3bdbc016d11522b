package pages

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/csvcell"
)

// The district scorecard, the province table (sortable by every column,
// exported as CSV and XLSX) and sister districts with their goals and
// suggested pairs.

type figure struct {
	Label, Value, Href string
}

type scorecardView struct {
	base
	Card    sandik.Scorecard
	Figures []figure
	Vacant  []string
}

func (p *Pages) scorecardFigures(l *lang, sc sandik.Scorecard) []figure {
	link := func(k string) string {
		h := sc.Links[k]
		// The links name the API; the pages show the same rows.
		switch k {
		case "visits":
			return "/ziyaretler?alan=" + url.QueryEscape(string(sc.Area))
		case "commitments":
			return "/taahhutler?alan=" + url.QueryEscape(string(sc.Area))
		case "meetings":
			return "/toplantilar"
		case "decisions":
			return "/kararlar?birim=" + url.QueryEscape(string(sc.Unit))
		case "vacant":
			return "/birimler/" + url.PathEscape(string(sc.Unit))
		case "result":
			return "/belediyeler"
		case "coverage":
			return "/kapsama"
		}
		return h
	}
	result := "–"
	if sc.Election != "" {
		result = fmt.Sprintf("%s · %s (%s)", pctF(l, sc.Share), l.F("score.rank_n", sc.Rank), l.T("score.basis."+sc.Basis))
	}
	change := "–"
	if sc.HasPrev {
		change = fmt.Sprintf("%+.1f", sc.Change)
		if l.Code != "en" {
			change = strings.Replace(change, ".", ",", 1)
		}
	}
	outcome := "–"
	if sc.Outcome != "" {
		outcome = l.T("outcome."+sc.Outcome) + " · " + pctF(l, sc.MarginPts)
	}
	cov := "–"
	if sc.Boxes > 0 {
		cov = fmt.Sprintf("%s (%s / %s)", pctF(l, sc.Coverage), l.Int(sc.Covered), l.Int(sc.Boxes))
	}
	return []figure{
		{l.T("score.result"), result, link("result")},
		{l.T("score.change"), change, link("result")},
		{l.T("score.municipality"), outcome, link("result")},
		{l.T("score.coverage"), cov, link("coverage")},
		{l.T("score.meetings"), l.F("score.meetings_n", l.Int(sc.Meetings), l.Int(sc.Attended)), link("meetings")},
		{l.T("score.visits"), l.Int(sc.Visits), link("visits")},
		{l.T("score.commitments"), l.F("score.open_overdue", l.Int(sc.OpenCommitments), l.Int(sc.OverdueCommitments)), link("commitments")},
		{l.T("score.decisions"), l.F("score.open_overdue", l.Int(sc.OpenDecisions), l.Int(sc.OverdueDecisions)), link("decisions")},
		{l.T("score.vacant"), l.Int(len(sc.Vacant)), link("vacant")},
	}
}

func (p *Pages) scorecardPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	sc, err := p.c.Scorecard(r.Context(), u, sandik.UnitCode(r.PathValue("unit")))
	if err != nil {
		return err
	}
	v := scorecardView{base: p.baseOf(r, u, "score.title"), Card: sc}
	v.Title = v.L.F("score.title_of", sc.Name)
	v.Figures = p.scorecardFigures(v.L, sc)
	kinds, err := p.c.Org().PositionKinds(r.Context())
	if err != nil {
		return err
	}
	names := map[sandik.KindCode]string{}
	for _, k := range kinds {
		names[k.Code] = k.Name
	}
	for _, k := range sc.Vacant {
		v.Vacant = append(v.Vacant, names[k])
	}
	return p.render(w, http.StatusOK, "scorecard", v)
}

type scoreColumn struct {
	Key, Label, Href, Sort string
}

type scoreRow struct {
	Href  string
	Cells []string
}

type scorecardsView struct {
	base
	Area    string
	Columns []scoreColumn
	Rows    []scoreRow
	CSV     string
	XLSX    string
}

// tableOf is the province table's header and rows as text, for the page
// and both exports alike.
func (p *Pages) tableOf(r *http.Request, l *lang, u sandik.User) (area, sort string, desc bool, cols []string, cards []sandik.Scorecard, rows [][]string, err error) {
	q := r.URL.Query()
	area, sort, desc = q.Get("alan"), q.Get("sirala"), q.Get("azalan") == "1"
	if area == "" {
		if len(u.Areas) > 0 {
			area = string(u.Areas[0])
		}
		if reg := p.c.Registry(); area == "" || (len(reg.Roots()) > 0 && area == string(reg.Roots()[0])) {
			area = ""
		}
	}
	if sort == "" {
		sort = "name"
	}
	cards, err = p.c.Scorecards(r.Context(), u, sandik.AreaCode(area), sort, desc)
	if err != nil {
		return
	}
	cols = sandik.ScoreColumns()
	for _, sc := range cards {
		out := "–"
		if sc.Outcome != "" {
			out = l.T("outcome." + sc.Outcome)
		}
		rank := "–"
		if sc.Rank > 0 {
			rank = l.Int(sc.Rank)
		}
		change := "–"
		if sc.HasPrev {
			change = strings.Replace(fmt.Sprintf("%+.1f", sc.Change), ".", map[bool]string{true: ".", false: ","}[l.Code == "en"], 1)
		}
		rows = append(rows, []string{sc.Name, pctF(l, sc.Share), rank, change, out, pctF(l, sc.MarginPts), pctF(l, sc.Coverage),
			l.Int(sc.Meetings), l.Int(sc.Attended), l.Int(sc.Visits), l.Int(sc.OpenCommitments), l.Int(sc.OverdueCommitments),
			l.Int(sc.OpenDecisions), l.Int(sc.OverdueDecisions), l.Int(len(sc.Vacant))})
	}
	return
}

func (p *Pages) scorecardsPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	v := scorecardsView{base: p.baseOf(r, u, "scores.title")}
	area, sort, desc, cols, cards, rows, err := p.tableOf(r, v.L, u)
	if err != nil {
		return err
	}
	v.Area = area
	for _, c := range cols {
		q := url.Values{"sirala": {c}}
		if area != "" {
			q.Set("alan", area)
		}
		mark := ""
		if c == sort {
			mark = "ascending"
			if desc {
				mark = "descending"
			} else {
				q.Set("azalan", "1")
			}
		}
		v.Columns = append(v.Columns, scoreColumn{Key: c, Label: v.L.T("scores.col." + c), Href: "/karne?" + q.Encode(), Sort: mark})
	}
	for i, sc := range cards {
		v.Rows = append(v.Rows, scoreRow{Href: "/karne/" + url.PathEscape(string(sc.Unit)), Cells: rows[i]})
	}
	q := r.URL.Query()
	v.CSV, v.XLSX = "/karne.csv?"+q.Encode(), "/karne.xlsx?"+q.Encode()
	return p.render(w, http.StatusOK, "scorecards", v)
}

func (p *Pages) scorecardsCSV(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	l := p.langOf(r)
	_, _, _, cols, _, rows, err := p.tableOf(r, l, u)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csvcell.NewWriter(&buf)
	cw.Comma = ';'
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = l.T("scores.col." + c)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="ilce-karneleri.csv"`)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

func (p *Pages) scorecardsXLSX(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	l := p.langOf(r)
	_, _, _, cols, cards, _, err := p.tableOf(r, l, u)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Karne"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellStr(sheet, cell, l.T("scores.col."+c))
	}
	for j, sc := range cards {
		outcome := ""
		if sc.Outcome != "" {
			outcome = l.T("outcome." + sc.Outcome)
		}
		vals := []any{sc.Name, round1(sc.Share), sc.Rank, round1(sc.Change), outcome, round1(sc.MarginPts), round1(sc.Coverage), sc.Meetings, sc.Attended,
			sc.Visits, sc.OpenCommitments, sc.OverdueCommitments, sc.OpenDecisions, sc.OverdueDecisions, len(sc.Vacant)}
		for i, val := range vals {
			cell, _ := excelize.CoordinatesToCellName(i+1, j+2)
			if s, ok := val.(string); ok {
				f.SetCellStr(sheet, cell, s) // a name is text, never a formula
			} else {
				f.SetCellValue(sheet, cell, val)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="ilce-karneleri.xlsx"`)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

func round1(f float64) float64 { return float64(int64(f*10+0.5*sign(f))) / 10 }

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

type suggestionRow struct {
	Weak, Partner, KM, Sentence string
}

type sistersView struct {
	base
	Pairs       []pairRow
	Suggestions []suggestionRow
	Names       map[sandik.UnitCode]string
	Area        string
	Cross       bool
	Pair        bool
	Districts   []unitOption
	Problems    []string
	Day         string
}

type pairRow struct {
	Title   string
	Units   []figure
	Start   string
	Joint   int
	Goals   []goalRow
	Current bool
}

type goalRow struct {
	Text, Current, Percent string
	Pct                    int
	Met                    bool
}

func (p *Pages) sistersPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.renderSisters(w, r, u, http.StatusOK, nil)
}

func (p *Pages) renderSisters(w http.ResponseWriter, r *http.Request, u sandik.User, status int, problems []string) error {
	ctx := r.Context()
	v := sistersView{base: p.baseOf(r, u, "sisters.title"), Problems: problems, Pair: u.Role.CanAdjudicate(), Day: string(sandik.DateOf(p.now()))}
	q := r.URL.Query()
	v.Area, v.Cross = q.Get("alan"), q.Get("iller") == "1"
	pairs, err := p.c.SisterPairs(ctx, u)
	if err != nil {
		return err
	}
	for _, pv := range pairs {
		row := pairRow{Start: string(pv.Pair.Start), Joint: len(pv.Joint), Current: pv.Current}
		var names []string
		for _, code := range pv.Pair.Units {
			names = append(names, pv.Names[code])
			row.Units = append(row.Units, figure{Label: pv.Names[code], Href: "/karne/" + url.PathEscape(string(code))})
		}
		row.Title = strings.Join(names, " – ")
		for _, g := range pv.Progress {
			unit := pv.Names[g.Goal.Unit]
			text := v.L.F("goal."+string(g.Goal.Metric), unit, fmtGoal(v.L, g.Goal.Metric, g.Goal.From), fmtGoal(v.L, g.Goal.Metric, g.Goal.Target), string(g.Goal.By))
			row.Goals = append(row.Goals, goalRow{Text: text, Current: fmtGoal(v.L, g.Goal.Metric, g.Current), Percent: pctF(v.L, g.Percent), Pct: int(g.Percent), Met: g.Met})
		}
		v.Pairs = append(v.Pairs, row)
	}
	if v.Area == "" && len(u.Areas) > 0 {
		if a, ok := p.c.Registry().Area(u.Areas[0]); ok && a.Level == sandik.LevelIl {
			v.Area = string(a.Code)
		}
	}
	visible, err := p.visibleUnits(r, u)
	if err != nil {
		return err
	}
	v.Names = map[sandik.UnitCode]string{}
	for _, un := range visible {
		v.Names[un.Code] = un.Name
		if un.Kind == sandik.UnitIlce {
			v.Districts = append(v.Districts, unitOption{Code: string(un.Code), Name: un.Name})
		}
	}
	collation.Sort(v.Districts, func(o unitOption) string { return o.Name })
	if v.Area != "" {
		sug, err := p.c.Suggestions(ctx, u, sandik.AreaCode(v.Area), v.Cross)
		if err != nil {
			return err
		}
		names, err := p.unitNames(r)
		if err != nil {
			return err
		}
		for _, s := range sug {
			text := s.Sentence
			if v.L.Code == "en" {
				text = s.SentenceEN
			}
			v.Suggestions = append(v.Suggestions, suggestionRow{Weak: names[s.Weak].Name, Partner: names[s.Partner].Name,
				KM: v.L.Int(int(math.Round(s.KM))), Sentence: text})
		}
		// By the weak district in Turkish order; each one's partners stay
		// nearest first.
		collation.Sort(v.Suggestions, func(s suggestionRow) string { return s.Weak })
	}
	return p.render(w, status, "sisters", v)
}

func fmtGoal(l *lang, m sandik.GoalMetric, f float64) string {
	if m == sandik.MetricCoverage || m == sandik.MetricShare {
		return pctF(l, f)
	}
	return l.Int(int(f))
}

// createPair pairs two districts with one goal, from the sisters' page.
func (p *Pages) createPair(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	pair := sandik.SisterPair{Units: []sandik.UnitCode{sandik.UnitCode(f.Get("a")), sandik.UnitCode(f.Get("b"))}, Start: sandik.Date(f.Get("start"))}
	if m := f.Get("metric"); m != "" {
		var from, target float64
		_, err1 := fmt.Sscan(strings.Replace(f.Get("from"), ",", ".", 1), &from)
		_, err2 := fmt.Sscan(strings.Replace(f.Get("target"), ",", ".", 1), &target)
		if err1 != nil || err2 != nil {
			return p.renderSisters(w, r, u, http.StatusUnprocessableEntity, []string{"goals[0].target: " + p.langOf(r).T("sisters.numbers")})
		}
		g := sandik.SisterGoal{Metric: sandik.GoalMetric(m), From: from, Target: target, By: sandik.Date(f.Get("by"))}
		if g.Metric != sandik.MetricJointVisits {
			g.Unit = pair.Units[1]
		}
		pair.Goals = append(pair.Goals, g)
	}
	if _, err := p.c.CreateSisterPair(r.Context(), u, pair); err != nil {
		if code := sandik.CodeOf(err); code == sandik.EInvalid || code == sandik.EConflict {
			return p.renderSisters(w, r, u, http.StatusUnprocessableEntity, problemLines(err))
		}
		return err
	}
	http.Redirect(w, r, "/kardes", http.StatusSeeOther)
	return nil
}
