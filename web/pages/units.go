package pages

import (
	"net/http"
	"net/url"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
)

// The organisation's units: /birimler lists those the user may see, in
// tree order; /birimler/{code} is a unit's chart on a day. Phone numbers
// and e-mail are never shown here; holders link to their person's page.

// unitRow is a unit in the list: its depth in the tree is a class.
type unitRow struct {
	Href, Name, Kind, Code string
	Depth                  int
}

type unitsView struct {
	base
	Rows []unitRow
}

// seatRow is a seat of the chart: a holder per row, or a vacancy.
type seatRow struct {
	Kind, Gives    string
	Vacant         bool
	Holder, Href   string
	Since, Until   string
	First, Holders int // First: the holder's index in the seat; Holders: how many
}

type unitView struct {
	base
	Unit           sandik.Unit
	Kind, AreaName string
	At, AtText     string
	Parent         *unitRow
	Rows           []seatRow
	Children       []unitRow
	Vacancies      string
}

func unitHref(code sandik.UnitCode) string { return "/birimler/" + url.PathEscape(string(code)) }

// dayText writes a day as its reader does: 04.09.2023 in Turkish,
// 2023-09-04 in English.
func dayText(l *lang, d sandik.Date) string {
	t := sandik.DayStart(d)
	if t.IsZero() || l.Code == "en" {
		return string(d)
	}
	return t.Format("02.01.2006")
}

func (p *Pages) unitsPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	units, err := p.c.Org().Units(r.Context())
	if err != nil {
		return err
	}
	v := &unitsView{base: p.baseOf(r, u, "units.title")}
	visible := map[sandik.UnitCode]sandik.Unit{}
	for _, un := range units {
		if p.c.OrgAllow(u, un.Area, false) == nil {
			visible[un.Code] = un
		}
	}
	children := map[sandik.UnitCode][]sandik.Unit{}
	var roots []sandik.Unit
	for _, un := range visible {
		if _, ok := visible[un.Parent]; ok {
			children[un.Parent] = append(children[un.Parent], un)
		} else {
			roots = append(roots, un)
		}
	}
	byName := func(list []sandik.Unit) {
		collation.Sort(list, func(x sandik.Unit) string { return x.Name })
	}
	var walk func(list []sandik.Unit, depth int)
	walk = func(list []sandik.Unit, depth int) {
		byName(list)
		for _, un := range list {
			v.Rows = append(v.Rows, unitRow{Href: unitHref(un.Code), Name: un.Name, Kind: v.L.T("org.kind." + string(un.Kind)), Code: string(un.Code), Depth: min(depth, 4)})
			walk(children[un.Code], depth+1)
		}
	}
	walk(roots, 0)
	return p.render(w, http.StatusOK, "units", v)
}

func (p *Pages) unitPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ctx := r.Context()
	store := p.c.Org()
	b := p.baseOf(r, u, "org.chart")
	l := b.L
	at := sandik.DateOf(p.now())
	if s := r.URL.Query().Get("at"); s != "" {
		d, err := sandik.ParseDate(s)
		if err != nil {
			return sandik.Invalid(l.T("unit.bad_date"), []sandik.Problem{{Field: "at", Rule: sandik.RuleInvalidValue, Message: err.Error()}})
		}
		at = d
	}
	chart, kids, err := p.c.UnitChart(ctx, u, sandik.UnitCode(r.PathValue("code")), at)
	if err != nil {
		return err
	}
	un := chart.Unit
	v := &unitView{base: b, Unit: un}
	v.Title = un.Name + " · " + l.F("org.chart.at", dayText(l, at))
	v.At, v.AtText, v.Kind = string(at), dayText(l, at), l.T("org.kind."+string(un.Kind))
	if a, ok := p.c.Registry().Area(un.Area); ok {
		v.AreaName = a.Name
	}
	rights, err := p.c.KindRights(ctx)
	if err != nil {
		return err
	}
	vacant := 0
	for _, s := range chart.Seats {
		gives := ""
		if role := rights[s.Kind.Code]; role != "" {
			gives = l.T("rights.role." + string(role))
		}
		if len(s.Holders) == 0 {
			v.Rows = append(v.Rows, seatRow{Kind: s.Kind.Name, Gives: gives, Vacant: s.Vacant, Holders: 1})
			if s.Vacant {
				vacant++
			}
			continue
		}
		for i, h := range s.Holders {
			row := seatRow{Kind: s.Kind.Name, Gives: gives, Holder: h.Name, Href: "/kisiler/" + url.PathEscape(string(h.Position.Person)),
				Since: dayText(l, h.Position.Start), Until: dayText(l, h.Position.End), First: i, Holders: len(s.Holders)}
			if h.Position.End == "" {
				row.Until = l.T("unit.open")
			}
			v.Rows = append(v.Rows, row)
		}
	}
	if vacant > 0 {
		v.Vacancies = l.F("unit.vacancies", vacant)
	}
	if un.Parent != "" {
		if pu, err := store.Unit(ctx, un.Parent); err == nil && p.c.OrgAllow(u, pu.Area, false) == nil {
			v.Parent = &unitRow{Href: unitHref(pu.Code), Name: pu.Name, Kind: l.T("org.kind." + string(pu.Kind))}
		}
	}
	collation.Sort(kids, func(x sandik.Unit) string { return x.Name })
	for _, k := range kids {
		v.Children = append(v.Children, unitRow{Href: unitHref(k.Code) + "?at=" + string(at), Name: k.Name, Kind: l.T("org.kind." + string(k.Kind)), Code: string(k.Code)})
	}
	return p.render(w, http.StatusOK, "unit", v)
}
