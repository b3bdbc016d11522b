package pages

import (
	"cmp"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/web/handler"
)

// People's pages: the list of the people of the units a user may see,
// and a person's page, whose phones, e-mail and note go through the
// centre's ShowContact (the table of who sees them, and the log).

// peoplePage is how many people one page of the list shows; maxListed
// how many one list sorts, past which a unit must be chosen.
const (
	peoplePage = 50
	maxListed  = 20_000
)

type unitOption struct {
	Code     string
	Name     string
	Selected bool
}

type personRow struct {
	Href    string
	Name    string
	Removed bool
	Unit    string
}

type peopleView struct {
	base
	Units       []unitOption
	Unit        string
	Rows        []personRow
	Count       string
	Page, Pages int
	PageOf      string
	Prev, Next  string
	TooMany     string
}

// visibleUnits are the units whose area u may read, by code.
func (p *Pages) visibleUnits(r *http.Request, u sandik.User) (map[sandik.UnitCode]sandik.Unit, error) {
	all, err := p.c.Org().Units(r.Context())
	if err != nil {
		return nil, err
	}
	out := make(map[sandik.UnitCode]sandik.Unit, len(all))
	for _, un := range all {
		if p.c.OrgAllow(u, un.Area, false) == nil {
			out[un.Code] = un
		}
	}
	return out, nil
}

// peopleList lists the people of the units u may see, in Turkish
// alphabetical order, a page at a time; ?birim= keeps one unit's.
// Contacts are not listed: they are on each person's page, one logged
// view at a time.
func (p *Pages) peopleList(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ctx := r.Context()
	v := peopleView{base: p.baseOf(r, u, "people.title")}
	units, err := p.visibleUnits(r, u)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v.Unit = q.Get("birim")
	if _, ok := units[sandik.UnitCode(v.Unit)]; v.Unit != "" && !ok {
		return sandik.Errorf(sandik.ENotFound, "no unit %q among those you may see", v.Unit)
	}
	for _, un := range units {
		v.Units = append(v.Units, unitOption{Code: string(un.Code), Name: un.Name, Selected: string(un.Code) == v.Unit})
	}
	collation.Sort(v.Units, func(o unitOption) string { return o.Name })
	var people []sandik.Person
	for f := (sandik.PeopleFilter{Home: sandik.UnitCode(v.Unit), Limit: 5000}); ; {
		batch, err := p.c.Org().People(ctx, f)
		if err != nil {
			return err
		}
		for _, pe := range batch {
			if _, ok := units[pe.Home]; ok {
				people = append(people, pe.HideContact())
			}
		}
		if len(people) > maxListed {
			// Sorting a province's members on every request would be the
			// page's whole cost; one unit at a time is what a reader reads.
			v.TooMany = v.L.F("people.too_many", v.L.Num(maxListed))
			return p.render(w, http.StatusOK, "people", v)
		}
		if len(batch) < f.Limit {
			break
		}
		f.After = batch[len(batch)-1].ID
	}
	collation.Sort(people, func(pe sandik.Person) string { return pe.Name })
	// Erased people have no name; they go last, by id.
	erased := func(pe sandik.Person) int {
		if pe.Erased != "" {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(people, func(a, b sandik.Person) int { return erased(a) - erased(b) })
	v.Count = v.L.F("people.count", v.L.Num(int64(len(people))))
	v.Pages = max(1, (len(people)+peoplePage-1)/peoplePage)
	v.Page = 1
	if s := q.Get("sayfa"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > v.Pages {
			return sandik.Invalid("invalid page", []sandik.Problem{{Field: "sayfa", Rule: sandik.RuleInvalidValue, Message: "a page from 1 to " + strconv.Itoa(v.Pages)}})
		}
		v.Page = n
	}
	v.PageOf = v.L.F("people.page_of", v.L.Num(int64(v.Page)), v.L.Num(int64(v.Pages)))
	link := func(page int) string {
		q := url.Values{}
		if v.Unit != "" {
			q.Set("birim", v.Unit)
		}
		q.Set("sayfa", strconv.Itoa(page))
		return "/kisiler?" + q.Encode()
	}
	if v.Page > 1 {
		v.Prev = link(v.Page - 1)
	}
	if v.Page < v.Pages {
		v.Next = link(v.Page + 1)
	}
	for _, pe := range people[min(len(people), (v.Page-1)*peoplePage):min(len(people), v.Page*peoplePage)] {
		v.Rows = append(v.Rows, personRow{Href: "/kisiler/" + url.PathEscape(string(pe.ID)), Name: p.shownName(v.L, pe),
			Removed: pe.Erased != "", Unit: units[pe.Home].Name})
	}
	return p.render(w, http.StatusOK, "people", v)
}

func (p *Pages) shownName(l *lang, pe sandik.Person) string {
	if pe.Erased != "" {
		return l.T("people.removed")
	}
	return pe.Name
}

type termRow struct {
	Kind, Unit, UnitHref, From, To, Source string
	Current                                bool
}

type phoneLink struct {
	Number, Label string
	// Href is a tel: link, which html/template would refuse as a URL of
	// an unknown scheme; the number is validated (NormalPhone: a + and
	// digits), so it is safe as it is.
	Href template.URL
}

type personView struct {
	base
	Person   sandik.Person
	Name     string
	Home     sandik.Unit
	HomeHref string
	Terms    []termRow
	Phones   []phoneLink
	MaySee   bool   // the table lets the user see the contacts
	Logged   bool   // a phone or e-mail was shown, so logged
	Limited  bool   // over the minute's limit
	Erased   string // the erasure, said
	Admin    bool
	Export   string
	Done     bool
	Problem  string
}

// personPage shows a person: name, home unit, positions held over time
// (current first), and phones as tel: links when ShowContact allows.
func (p *Pages) personPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	v, err := p.personView(r, u)
	if err != nil {
		return err
	}
	v.Done = r.URL.Query().Get("silindi") == "1" && v.Person.Erased != ""
	return p.render(w, http.StatusOK, "person", v)
}

func (p *Pages) personView(r *http.Request, u sandik.User) (personView, error) {
	ctx := r.Context()
	v := personView{base: p.baseOf(r, u, "org.person")}
	pe, err := p.c.Org().Person(ctx, sandik.PersonID(r.PathValue("id")))
	if err != nil {
		return v, err
	}
	if v.Home, err = p.c.Org().Unit(ctx, pe.Home); err != nil {
		return v, err
	}
	if err := p.c.OrgAllow(u, v.Home.Area, false); err != nil {
		return v, err
	}
	v.HomeHref = "/birimler/" + url.PathEscape(string(v.Home.Code))
	switch shown, err := p.c.ShowContact(ctx, u, pe, v.Home.Area); {
	case sandik.CodeOf(err) == sandik.ETooMany:
		v.Limited, pe = true, shown
	case err != nil:
		return v, err
	default:
		v.MaySee = p.c.Registry().AllowContact(u, v.Home.Area) == nil
		v.Logged = v.MaySee && sandik.Logged(shown.ContactFields())
		pe = shown
	}
	v.Person, v.Name, v.Title = pe, p.shownName(v.L, pe), p.shownName(v.L, pe)
	for _, ph := range pe.Phones {
		v.Phones = append(v.Phones, phoneLink{Number: ph, Href: template.URL("tel:" + ph), Label: v.L.F("person.call", ph)})
	}
	if pe.Erased != "" {
		v.Erased = v.L.F("person.erased", day(v.L, pe.Erased), pe.EraseReason)
	}
	v.Admin = u.Role == sandik.RoleAdmin
	v.Export = "/kisiler/" + url.PathEscape(string(pe.ID)) + "/export.json"
	terms, err := p.c.Org().Positions(ctx, sandik.PositionFilter{Person: pe.ID})
	if err != nil {
		return v, err
	}
	kinds, err := p.c.PositionKinds(ctx)
	if err != nil {
		return v, err
	}
	kindName := map[sandik.KindCode]string{}
	for _, k := range kinds {
		kindName[k.Code] = k.Name
	}
	today := sandik.DateOf(p.now())
	// Current first, then the latest ended; by start within each.
	slices.SortFunc(terms, func(a, b sandik.Position) int {
		if ca, cb := a.HeldOn(today), b.HeldOn(today); ca != cb {
			if ca {
				return -1
			}
			return 1
		}
		return cmp.Or(strings.Compare(string(b.Start), string(a.Start)), strings.Compare(string(a.ID), string(b.ID)))
	})
	for _, t := range terms {
		row := termRow{Kind: cmp.Or(kindName[t.Kind], string(t.Kind)), Unit: string(t.Unit), UnitHref: "/birimler/" + url.PathEscape(string(t.Unit)),
			From: day(v.L, t.Start), To: v.L.T("person.open_end"), Source: v.L.T("org.source." + string(t.Source)), Current: t.HeldOn(today)}
		if un, err := p.c.Org().Unit(ctx, t.Unit); err == nil {
			row.Unit = un.Name
		}
		if t.End != "" {
			row.To = day(v.L, t.End)
		}
		v.Terms = append(v.Terms, row)
	}
	return v, nil
}

// personExport is the administrator's download of everything held about
// a person; their contacts are in it, so it is a logged view.
func (p *Pages) personExport(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	x, err := p.c.ExportPerson(r.Context(), u, sandik.PersonID(r.PathValue("id")))
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="kisi-`+string(x.Person.ID)+`.json"`)
	w.WriteHeader(http.StatusOK)
	w.Write(append(b, '\n'))
	return nil
}

// personErase erases a person from the page's form: a reason and a
// ticked confirmation.
func (p *Pages) personErase(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return sandik.Errorf(handler.EBadRequest, "unreadable form: %v", err)
	}
	id := sandik.PersonID(r.PathValue("id"))
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	var problem string
	switch {
	case u.Role != sandik.RoleAdmin:
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not erase a person; administrators may", u.ID, u.Role)
	case r.PostForm.Get("confirm") != "1":
		problem = p.langOf(r).T("person.erase.confirm")
	default:
		err := p.c.ErasePerson(r.Context(), u, id, reason)
		if sandik.CodeOf(err) != sandik.EInvalid {
			if err != nil {
				return err
			}
			http.Redirect(w, r, "/kisiler/"+url.PathEscape(string(id))+"?silindi=1", http.StatusSeeOther)
			return nil
		}
		problem = sandik.MessageOf(err)
		for _, pr := range sandik.ProblemsOf(err) {
			problem += ": " + pr.String()
		}
	}
	v, err := p.personView(r, u)
	if err != nil {
		return err
	}
	v.Problem = problem
	return p.render(w, http.StatusUnprocessableEntity, "person", v)
}

// day writes a calendar day as readers of the page's language do:
// 15.06.2024 in Turkish, 2024-06-15 in English.
func day(l *lang, d sandik.Date) string {
	if l.Code == "en" || len(d) != len("2006-01-02") {
		return string(d)
	}
	return string(d[8:10]) + "." + string(d[5:7]) + "." + string(d[0:4])
}
