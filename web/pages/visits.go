package pages

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/blob"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/web/api"
)

// Visits recorded on the spot from a phone (one column, big fields, a
// photo from the camera), a visit's page, the photos, and the overdue
// board of commitments.

type visitRow struct {
	Href, When, Target, Kind, From string
	Photos, Commitments            int
}

type visitsView struct {
	base
	Rows     []visitRow
	Record   bool
	Units    []unitOption
	Targets  []unitOption
	Tours    []unitOption
	Kinds    []unitOption
	Form     url.Values
	Now      string
	Due      string
	Problems []string
	Area     string
}

func (p *Pages) unitNames(r *http.Request) (map[sandik.UnitCode]sandik.Unit, error) {
	all, err := p.c.Org().Units(r.Context())
	if err != nil {
		return nil, err
	}
	out := make(map[sandik.UnitCode]sandik.Unit, len(all))
	for _, un := range all {
		out[un.Code] = un
	}
	return out, nil
}

func (p *Pages) visitsPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.renderVisits(w, r, u, http.StatusOK, url.Values{}, nil)
}

func (p *Pages) renderVisits(w http.ResponseWriter, r *http.Request, u sandik.User, status int, form url.Values, problems []string) error {
	ctx := r.Context()
	v := visitsView{base: p.baseOf(r, u, "visits.title"), Form: form, Problems: problems, Area: r.URL.Query().Get("alan")}
	now := p.now().In(sandik.Istanbul())
	v.Now = now.Format("2006-01-02T15:04")
	v.Due = now.AddDate(0, 0, 14).Format(time.DateOnly)
	visits, err := p.c.Visits(ctx, u, sandik.AreaCode(v.Area), sandik.TourID(r.URL.Query().Get("tur")))
	if err != nil {
		return err
	}
	units, err := p.unitNames(r)
	if err != nil {
		return err
	}
	// The latest 200: the list is to find a recent visit, the scorecard
	// counts them all.
	visits = visits[:min(len(visits), 200)]
	for _, x := range visits {
		target := x.Target.Institution
		switch {
		case x.Target.Unit != "":
			target = units[x.Target.Unit].Name
		case x.Target.Municipality != "":
			target = string(x.Target.Municipality)
		case x.Target.Person != "":
			target = string(x.Target.Person)
		}
		v.Rows = append(v.Rows, visitRow{Href: "/ziyaretler/" + url.PathEscape(string(x.ID)), When: v.L.Time(x.At), Target: target,
			Kind: v.L.T("visit.kind." + string(x.Kind)), From: units[x.FromUnit].Name, Photos: len(x.Photos)})
	}
	visible, err := p.visibleUnits(r, u)
	if err != nil {
		return err
	}
	v.Record = u.Role.CanAdjudicate()
	for _, un := range visible {
		v.Units = append(v.Units, unitOption{Code: string(un.Code), Name: un.Name, Selected: string(un.Code) == form.Get("from_unit")})
		v.Targets = append(v.Targets, unitOption{Code: string(un.Code), Name: un.Name, Selected: string(un.Code) == form.Get("target")})
	}
	collation.Sort(v.Units, func(o unitOption) string { return o.Name })
	collation.Sort(v.Targets, func(o unitOption) string { return o.Name })
	tours, err := p.c.Tours(ctx, u)
	if err != nil {
		return err
	}
	for _, t := range tours {
		v.Tours = append(v.Tours, unitOption{Code: string(t.ID), Name: t.Title, Selected: string(t.ID) == form.Get("tour")})
	}
	for _, k := range sandik.VisitKinds() {
		v.Kinds = append(v.Kinds, unitOption{Code: string(k), Name: v.L.T("visit.kind." + string(k)), Selected: string(k) == form.Get("kind")})
	}
	return p.render(w, status, "visits", v)
}

// recordVisit takes the phone's form: the visit, up to three
// commitments and a photo, kept first so that the visit can name it.
func (p *Pages) recordVisit(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	lim := blob.DefaultLimits()
	r.Body = http.MaxBytesReader(w, r.Body, int64(lim.MaxBytes)+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return sandik.Errorf(sandik.ETooLarge, "the form could not be read (a photo is at most %d MB): %v", lim.MaxBytes>>20, err)
	}
	defer r.MultipartForm.RemoveAll()
	f := r.PostForm
	fail := func(err error) error {
		if code := sandik.CodeOf(err); code == sandik.EInvalid || code == sandik.EConflict {
			return p.renderVisits(w, r, u, http.StatusUnprocessableEntity, f, problemLines(err))
		}
		return err
	}
	at, err := time.ParseInLocation("2006-01-02T15:04", f.Get("at"), sandik.Istanbul())
	if err != nil {
		return fail(sandik.Invalid("invalid visit", []sandik.Problem{{Field: "at", Rule: sandik.RuleInvalidValue, Message: "a day and time"}}))
	}
	v := sandik.Visit{FromUnit: sandik.UnitCode(f.Get("from_unit")), Target: sandik.VisitTarget{Unit: sandik.UnitCode(f.Get("target"))},
		Kind: sandik.VisitKind(f.Get("kind")), At: at, Place: strings.TrimSpace(f.Get("place")), Notes: strings.TrimSpace(f.Get("notes")),
		Tour: sandik.TourID(f.Get("tour"))}
	for _, id := range strings.FieldsFunc(f.Get("visitors"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' }) {
		v.Visitors = append(v.Visitors, sandik.PersonID(id))
	}
	if file, _, err := r.FormFile("photo"); err == nil {
		data, err := io.ReadAll(io.LimitReader(file, int64(lim.MaxBytes)+1))
		file.Close()
		if err != nil {
			return err
		}
		ph, err := p.c.PutPhoto(r.Context(), u, data)
		if err != nil {
			return fail(err)
		}
		v.Photos = append(v.Photos, ph.Sum)
	}
	var cs []sandik.Commitment
	for i := 1; i <= 3; i++ {
		text := strings.TrimSpace(f.Get(fmt.Sprintf("c%d_text", i)))
		if text == "" {
			continue
		}
		c := sandik.Commitment{Text: text, Due: sandik.Date(f.Get(fmt.Sprintf("c%d_due", i)))}
		if owner := f.Get(fmt.Sprintf("c%d_owner", i)); owner != "" {
			c.OwnerUnit = sandik.UnitCode(owner)
		}
		cs = append(cs, c)
	}
	stored, _, err := p.c.RecordVisit(r.Context(), u, v, cs)
	if err != nil {
		return fail(err)
	}
	http.Redirect(w, r, "/ziyaretler/"+url.PathEscape(string(stored.ID)), http.StatusSeeOther)
	return nil
}

type commitRow struct {
	ID, Text, Owner, Due, State, Href string
	Overdue, Open, Change             bool
	Chain                             []string
}

type visitView struct {
	base
	Visit       sandik.Visit
	When        string
	From        string
	Target      string
	Kind        string
	Photos      []string
	Commitments []commitRow
}

func (p *Pages) visitPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	d, err := p.c.Visit(r.Context(), u, sandik.VisitID(r.PathValue("id")))
	if err != nil {
		return err
	}
	units, err := p.unitNames(r)
	if err != nil {
		return err
	}
	v := visitView{base: p.baseOf(r, u, "visit.title"), Visit: d.Visit, When: "", Photos: d.Visit.Photos}
	v.When = v.L.Time(d.Visit.At)
	v.From = units[d.Visit.FromUnit].Name
	v.Target = units[d.Visit.Target.Unit].Name
	if v.Target == "" {
		v.Target = d.Visit.Target.Institution + string(d.Visit.Target.Municipality) + string(d.Visit.Target.Person)
	}
	v.Kind = v.L.T("visit.kind." + string(d.Visit.Kind))
	change := p.c.OrgAllow(u, d.Visit.Area, true) == nil
	for i, c := range d.Commitments {
		v.Commitments = append(v.Commitments, p.commitRow(v.L, units, c, change, d.Chains[i]))
	}
	return p.render(w, http.StatusOK, "visit", v)
}

func (p *Pages) commitRow(l *lang, units map[sandik.UnitCode]sandik.Unit, c sandik.Commitment, change bool, chain []sandik.Commitment) commitRow {
	owner := units[c.OwnerUnit].Name
	if c.OwnerPerson != "" {
		owner = string(c.OwnerPerson)
	}
	state := c.DueState(p.now())
	row := commitRow{ID: string(c.ID), Text: c.Text, Owner: owner, Due: string(c.Due), State: l.T("commit.state." + string(state)),
		Href: "/ziyaretler/" + url.PathEscape(string(c.Visit)), Overdue: state == sandik.DueOverdue, Open: c.Status == sandik.CommitOpen, Change: change}
	for _, x := range chain {
		if x.ID != c.ID {
			row.Chain = append(row.Chain, string(x.Due)+" · "+x.Text)
		}
	}
	return row
}

func (p *Pages) visitPhoto(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	sum := r.PathValue("sha256")
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		return sandik.Errorf(sandik.ENotFound, "no photo %q", sum)
	}
	data, err := p.c.Photo(r.Context(), u, sum)
	if err != nil {
		return err
	}
	api.ServePhoto(w, sum, data)
	return nil
}

type boardView struct {
	base
	Columns []boardColumn
	Area    string
}

type boardColumn struct {
	Title string
	Rows  []commitRow
	Class string
}

func (p *Pages) boardPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	area := r.URL.Query().Get("alan")
	b, err := p.c.DueBoard(r.Context(), u, sandik.AreaCode(area))
	if err != nil {
		return err
	}
	units, err := p.unitNames(r)
	if err != nil {
		return err
	}
	v := boardView{base: p.baseOf(r, u, "board.title"), Area: area}
	for _, col := range []struct {
		key, class string
		cs         []sandik.Commitment
	}{{"commit.state.overdue", "overdue", b.Overdue}, {"commit.state.due_today", "today", b.DueToday}, {"commit.state.later", "later", b.Later}} {
		bc := boardColumn{Title: v.L.T(col.key), Class: col.class}
		for _, c := range col.cs {
			bc.Rows = append(bc.Rows, p.commitRow(v.L, units, c, p.c.OrgAllow(u, c.Area, true) == nil, nil))
		}
		v.Columns = append(v.Columns, bc)
	}
	return p.render(w, http.StatusOK, "board", v)
}

func (p *Pages) setCommitment(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	c, err := p.c.SetCommitmentStatus(r.Context(), u, sandik.CommitmentID(r.PathValue("id")), sandik.CommitmentStatus(r.PostForm.Get("status")))
	if err != nil {
		return err
	}
	back := r.PostForm.Get("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/ziyaretler/" + url.PathEscape(string(c.Visit))
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// pctF writes a percentage held as a float like Pct: "%61,0", "61.0%".
func pctF(l *lang, f float64) string {
	v := strconv.FormatFloat(f, 'f', 1, 64)
	if l.Code == "en" {
		return v + "%"
	}
	return "%" + strings.Replace(v, ".", ",", 1)
}
