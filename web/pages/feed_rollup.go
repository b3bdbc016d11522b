package pages

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/csvcell"
)

// The roll-up page (/toplamlar): every race of one kind of an election
// added up per party over an area, the headline of a local election's
// night, with the area's children and a CSV export.

type rollupChoiceRow struct {
	Name, Races                        string
	Provisional, Verified, Official    string
	ProvShare, VerifiedShare, OffShare string
}

type rollupChildRow struct {
	Name, Href, Races, Boxes, Verified, Official, Leader string
}

type rollupView struct {
	base
	Election  sandik.Election
	Elections []option
	Kind      string
	Kinds     []option
	Area      string // the area's name, or the election's
	Notice    string
	Hidden    string
	Choices   []rollupChoiceRow
	Children  []rollupChildRow
	CSV       string
}

// RollupKinds lists the race kinds of an election in the order first met.
func rollupKinds(reg *sandik.Registry, e sandik.ElectionCode) []string {
	var out []string
	for i := range reg.Races {
		if reg.Races[i].Election != e {
			continue
		}
		if k := sandik.RaceKind(&reg.Races[i]); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func rollupHref(path string, e sandik.ElectionCode, kind string, a sandik.AreaCode) string {
	q := url.Values{"election": {string(e)}, "kind": {kind}}
	if a != "" {
		q.Set("area", string(a))
	}
	return path + "?" + q.Encode()
}

// rollupQuery reads ?election, ?kind and ?area: the first election and
// its first kind; no area is the whole election for users of the whole
// centre and a scoped user's first area otherwise.
func (p *Pages) rollupQuery(r *http.Request, u sandik.User) (sandik.Election, string, sandik.AreaCode, error) {
	reg := p.c.Registry()
	q := r.URL.Query()
	var e sandik.Election
	if code := q.Get("election"); code != "" {
		var ok bool
		if e, ok = reg.Election(sandik.ElectionCode(code)); !ok {
			return e, "", "", sandik.Errorf(sandik.ENotFound, "election %q does not exist", code)
		}
	} else if len(reg.Elections) > 0 {
		e = reg.Elections[0]
	} else {
		return e, "", "", sandik.Errorf(sandik.ENotFound, "the registry holds no election yet")
	}
	kind := q.Get("kind")
	if kind == "" {
		if ks := rollupKinds(reg, e.Code); len(ks) > 0 {
			kind = ks[0]
		}
	}
	area := sandik.AreaCode(q.Get("area"))
	if area == "" && u.Scoped() && len(u.Areas) > 0 {
		area = u.Areas[0]
	}
	return e, kind, area, nil
}

func (p *Pages) rollupPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	e, kind, area, err := p.rollupQuery(r, u)
	if err != nil {
		return err
	}
	l := p.langOf(r)
	view := p.c.View(u)
	reg := view.Registry()
	v := rollupView{base: p.baseOf(r, u, "rollup.title"), Election: e, Kind: kind, Area: e.Name}
	for _, el := range reg.Elections {
		v.Elections = append(v.Elections, option{Value: string(el.Code), Text: el.Name, Selected: el.Code == e.Code})
	}
	for _, k := range rollupKinds(reg, e.Code) {
		v.Kinds = append(v.Kinds, option{Value: k, Text: k, Selected: k == kind})
	}
	if kind == "" {
		return p.render(w, http.StatusOK, "rollup", v)
	}
	rep, err := view.Rollup(e.Code, kind, area)
	if err != nil {
		return err
	}
	if rep.Name != "" {
		v.Area = rep.Name
	}
	v.CSV = rollupHref("/toplamlar.csv", e.Code, kind, area)
	v.Notice = l.F("rollup.notice", l.Int(rep.Races), l.Int(rep.BoxesVerified), l.Int(rep.BoxesExpected), l.Int(rep.BoxesOfficial))
	if rep.RacesHidden > 0 {
		v.Hidden = l.F("rollup.hidden", l.Int(rep.RacesHidden))
	}
	for i, c := range rep.Choices {
		v.Choices = append(v.Choices, rollupChoiceRow{Name: c.Name, Races: l.Int(c.Races),
			Provisional: l.Num(rep.Provisional.Votes[i]), ProvShare: l.Pct(rep.Provisional.Votes[i], rep.Provisional.ValidTotal),
			Verified: l.Num(rep.Verified.Votes[i]), VerifiedShare: l.Pct(rep.Verified.Votes[i], rep.Verified.ValidTotal),
			Official: l.Num(rep.Official.Votes[i]), OffShare: l.Pct(rep.Official.Votes[i], rep.Official.ValidTotal)})
	}
	children := slices.Clone(rep.Children)
	collation.Sort(children, func(c sandik.Rollup) string { return c.Name })
	for _, c := range children {
		row := rollupChildRow{Name: c.Name, Races: l.Int(c.Races), Boxes: l.Int(c.BoxesExpected), Verified: l.Int(c.BoxesVerified), Official: l.Int(c.BoxesOfficial)}
		if reg.InScope(u, c.Area) || !u.Scoped() {
			row.Href = rollupHref("/toplamlar", e.Code, kind, c.Area)
		}
		if i := leader(c.Official.Votes); i >= 0 {
			row.Leader = c.Choices[i].Name + " " + l.Pct(c.Official.Votes[i], c.Official.ValidTotal)
		}
		v.Children = append(v.Children, row)
	}
	return p.render(w, http.StatusOK, "rollup", v)
}

// leader is the index of the most votes, -1 when none has any.
func leader(votes []int64) int {
	best := -1
	for i, n := range votes {
		if n > 0 && (best < 0 || n > votes[best]) {
			best = i
		}
	}
	return best
}

// rollupTable is the roll-up and its children, one row each, with the
// verified and official votes of every party.
func rollupTable(l *lang, rep center.RollupReport) (header []string, rows [][]string) {
	header = []string{l.T("rollup.col.area"), l.T("rollup.col.name"), l.T("rollup.col.races"), l.T("rollup.col.hidden"), l.T("rollup.col.boxes"),
		l.T("rollup.col.verified"), l.T("rollup.col.official"), l.T("rollup.col.registered")}
	for _, phase := range []string{"verified", "official"} {
		pre := l.T(phase) + ": "
		header = append(header, pre+l.T("voted"), pre+l.T("valid_total"), pre+l.T("invalid_total"))
		for _, c := range rep.Choices {
			header = append(header, pre+c.Name)
		}
	}
	row := func(r *sandik.Rollup) []string {
		out := []string{string(r.Area), r.Name, strconv.Itoa(r.Races), strconv.Itoa(r.RacesHidden), strconv.Itoa(r.BoxesExpected),
			strconv.Itoa(r.BoxesVerified), strconv.Itoa(r.BoxesOfficial), strconv.FormatInt(r.Registered, 10)}
		for _, c := range []*sandik.RollupCounts{&r.Verified, &r.Official} {
			out = append(out, strconv.FormatInt(c.Voted, 10), strconv.FormatInt(c.ValidTotal, 10), strconv.FormatInt(c.Invalid, 10))
			// A child's choices are its own; the columns are the whole's.
			for _, rc := range rep.Choices {
				var n int64
				if i := slices.IndexFunc(r.Choices, func(x sandik.RollupChoice) bool { return x.Code == rc.Code }); i >= 0 {
					n = c.Votes[i]
				}
				out = append(out, strconv.FormatInt(n, 10))
			}
		}
		return out
	}
	rows = append(rows, row(&rep.Rollup))
	for i := range rep.Children {
		rows = append(rows, row(&rep.Children[i]))
	}
	return header, rows
}

// rollupCSV writes the roll-up as CSV the way the results export does:
// a byte order mark and semicolons for a Turkish Excel, plain integers.
func (p *Pages) rollupCSV(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	e, kind, area, err := p.rollupQuery(r, u)
	if err != nil {
		return err
	}
	rep, err := p.c.View(u).Rollup(e.Code, kind, area)
	if err != nil {
		return err
	}
	header, rows := rollupTable(p.langOf(r), rep)
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csvcell.NewWriter(&buf)
	cw.Comma = ';'
	cw.Write(header)
	for _, row := range rows {
		cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("roll-up csv: %w", err)
	}
	name := area
	if name == "" {
		name = "tum"
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sandik-%s-%s-%s-v%d.csv"`, e.Code, kind, name, rep.Seq))
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
	return nil
}
