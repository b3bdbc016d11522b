package pages

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/belediye"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/web/geo"
	"github.com/sandik-dev/sandik/web/pages/mapdraw"
)

// The municipalities page: per province, what the organisation's party
// won, kept, gained and lost at an election, the municipalities in
// Turkish order, and İstanbul's district municipalities on the map by
// the party holding each. The table is the map's accessible form.

type muniRow struct {
	ID, Name, Kind, Mayor, Party, Previous, Outcome, Source, Margin, Points string
	Council                                                                 string // members by party: "CHP 12 · AKP 8"
	Ours, Changed                                                           bool
}

type muniProvince struct {
	Code, Name, Heading string
	Summary             belediye.Summary
	HasCouncil          bool
	Rows                []muniRow
	Map                 template.HTML
	Legend              []legendItem
	MapNote             string
}

type muniElection struct {
	Label, Href string
	Current     bool
}

type municipalitiesView struct {
	base
	Election      string
	ElectionLabel string
	Party         string
	Elections     []muniElection
	Provinces     []muniProvince
}

func (p *Pages) municipalitiesPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ctx := r.Context()
	q := r.URL.Query()
	il := sandik.AreaCode(q.Get("il"))
	rep, err := p.c.Municipalities(ctx, u, il, sandik.ElectionCode(q.Get("election")))
	if err != nil {
		return err
	}
	b := p.baseOf(r, u, "muni.title")
	l := b.L
	v := municipalitiesView{base: b, Election: string(rep.Election), Party: string(rep.Party)}
	reg := p.c.Registry()
	// Every election with a term, newest first, to choose from.
	all, err := p.c.Municipal().MunicipalTerms(ctx, sandik.MunicipalFilter{Province: il})
	if err != nil {
		return err
	}
	days := map[sandik.ElectionCode]sandik.Date{}
	for _, t := range all {
		days[t.Election] = t.Day
	}
	elections := make([]sandik.ElectionCode, 0, len(days))
	for e := range days {
		elections = append(elections, e)
	}
	slices.SortFunc(elections, func(a, b sandik.ElectionCode) int {
		return cmp.Or(cmp.Compare(days[b], days[a]), cmp.Compare(a, b))
	})
	for _, e := range elections {
		qs := url.Values{"election": {string(e)}}
		if il != "" {
			qs.Set("il", string(il))
		}
		v.Elections = append(v.Elections, muniElection{Label: electionLabel(reg, e, days[e]), Href: "/belediyeler?" + qs.Encode(), Current: e == rep.Election})
	}
	v.ElectionLabel = electionLabel(reg, rep.Election, days[rep.Election])
	by := map[sandik.AreaCode][]belediye.Result{}
	for _, res := range rep.Results {
		by[res.Municipality.Province] = append(by[res.Municipality.Province], res)
	}
	for _, s := range rep.Summaries {
		pr := muniProvince{Code: string(s.Province), Name: string(s.Province), Summary: s}
		if a, ok := reg.Area(s.Province); ok {
			pr.Name = a.Name
		}
		pr.Heading = pr.Name
		results := by[s.Province]
		collation.Sort(results, func(r belediye.Result) string { return r.Municipality.Name })
		// The metropolitan or provincial municipality first, then the rest.
		slices.SortStableFunc(results, func(a, b belediye.Result) int {
			return cmp.Compare(kindRank(a.Municipality.Kind), kindRank(b.Municipality.Kind))
		})
		for _, res := range results {
			row := p.muniRow(l, res, rep.Party)
			pr.HasCouncil = pr.HasCouncil || row.Council != ""
			pr.Rows = append(pr.Rows, row)
		}
		pr.Map, pr.Legend, pr.MapNote = p.muniMap(l, reg, results, rep.Party)
		v.Provinces = append(v.Provinces, pr)
	}
	collation.Sort(v.Provinces, func(pr muniProvince) string { return pr.Name })
	return p.render(w, http.StatusOK, "municipalities", v)
}

func kindRank(k sandik.MunicipalityKind) int {
	return slices.Index(sandik.MunicipalityKinds(), k)
}

func (p *Pages) muniRow(l *lang, res belediye.Result, ours sandik.PartyCode) muniRow {
	t := res.Term
	row := muniRow{ID: "m-" + string(res.Municipality.Code), Name: res.Municipality.Name, Kind: l.T("muni.kind." + string(res.Municipality.Kind)),
		Mayor: t.Mayor, Party: partyName(l, t.Party), Outcome: l.T("muni.outcome." + string(res.Outcome)),
		Margin: l.Num(t.MarginVotes), Points: l.Float(t.MarginPoints), Source: l.T("muni.source." + string(t.Source)),
		Ours: ours != "" && t.Party == ours}
	if t.Source == sandik.TermByHand {
		row.Source += ": " + t.Reason
	}
	if t.Version > 1 {
		row.Source += " " + l.F("muni.version", t.Version)
	}
	row.Council = councilText(l, t.Council)
	row.Previous = "—"
	if res.Previous != nil {
		row.Previous = partyName(l, res.Previous.Party)
		row.Changed = res.Previous.Party != t.Party
	}
	return row
}

func partyName(l *lang, p sandik.PartyCode) string {
	if p == sandik.PartyIndependent {
		return l.T("muni.independent")
	}
	return string(p)
}

// muniMap draws İstanbul's district municipalities by the party holding
// each: ours first in the palette, then the others by how many they
// hold. Other provinces have no district outlines embedded; their table
// is their whole picture.
func (p *Pages) muniMap(l *lang, reg *sandik.Registry, results []belediye.Result, ours sandik.PartyCode) (template.HTML, []legendItem, string) {
	var shapes []mapdraw.Shape
	count := map[sandik.PartyCode]int{}
	var parties []sandik.PartyCode
	var districts []belediye.Result
	for _, res := range results {
		if res.Municipality.Kind != sandik.MuniIlce {
			continue
		}
		a, ok := reg.Area(res.Municipality.Area)
		if !ok || p.istanbul == nil {
			continue
		}
		if _, known := p.istanbul.Path(a.Name); !known {
			continue
		}
		if count[res.Term.Party] == 0 {
			parties = append(parties, res.Term.Party)
		}
		count[res.Term.Party]++
		districts = append(districts, res)
	}
	if len(districts) == 0 {
		return "", nil, ""
	}
	if il, ok := reg.Area(districts[0].Municipality.Province); !ok || geo.Key(il.Name) != geo.Key("İstanbul") {
		return "", nil, ""
	}
	slices.SortStableFunc(parties, func(a, b sandik.PartyCode) int {
		return cmp.Or(boolRank(b == ours)-boolRank(a == ours), count[b]-count[a], cmp.Compare(a, b))
	})
	colour := map[sandik.PartyCode]string{}
	var legend []legendItem
	for i, party := range parties {
		colour[party] = choicePalette[i%len(choicePalette)]
		legend = append(legend, legendItem{colour[party], l.F("muni.legend", partyName(l, party), l.Int(count[party]))})
	}
	legend = append(legend, legendItem{noData, l.T("muni.legend.none")})
	for _, res := range districts {
		a, _ := reg.Area(res.Municipality.Area)
		shapes = append(shapes, mapdraw.Shape{Key: string(res.Municipality.Code), Name: a.Name, Fill: colour[res.Term.Party],
			Href: "#m-" + string(res.Municipality.Code), Title: a.Name + ": " + res.Term.Mayor + " (" + partyName(l, res.Term.Party) + ")"})
	}
	return mapdraw.Outlines(p.istanbul, shapes, l.T("muni.map.label"), true), legend, l.T("overview.map.ist")
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// electionLabel names an election by its registry name, or by its day
// when the registry does not hold it (an earlier election's terms) or
// holds it on another day (a demo replaying 2019 tonight).
func electionLabel(reg *sandik.Registry, e sandik.ElectionCode, day sandik.Date) string {
	if el, ok := reg.Election(e); ok && el.Name != "" && sandik.DateOf(el.Date) == day {
		return el.Name
	}
	if string(e) == string(day) || day == "" {
		return string(e)
	}
	return string(e) + " (" + string(day) + ")"
}

// councilText counts a council's members by party, the largest first.
func councilText(l *lang, members []sandik.CouncilMember) string {
	count := map[sandik.PartyCode]int{}
	var parties []sandik.PartyCode
	for _, m := range members {
		if count[m.Party] == 0 {
			parties = append(parties, m.Party)
		}
		count[m.Party]++
	}
	slices.SortStableFunc(parties, func(a, b sandik.PartyCode) int { return cmp.Or(count[b]-count[a], cmp.Compare(a, b)) })
	parts := make([]string, len(parties))
	for i, p := range parties {
		parts[i] = partyName(l, p) + " " + l.Int(count[p])
	}
	return strings.Join(parts, " · ")
}
