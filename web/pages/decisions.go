package pages

import (
	"net/http"
	"net/url"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
)

// The follow-up list of decisions across meetings ("open decisions for
// Kartal"), overdue first, and their status changed by the organisers
// of their meetings.

type followRow struct {
	ID, Text, Owner, Due, Status, Meeting, MeetingHref string
	Overdue, Open, Organise                            bool
}

type decisionsView struct {
	base
	Units []unitOption
	Unit  string
	All   bool
	Rows  []followRow
}

func (p *Pages) decisionsPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ctx := r.Context()
	v := decisionsView{base: p.baseOf(r, u, "follow.title")}
	q := r.URL.Query()
	v.Unit, v.All = q.Get("birim"), q.Get("hepsi") == "1"
	units, err := p.visibleUnits(r, u)
	if err != nil {
		return err
	}
	for _, un := range units {
		v.Units = append(v.Units, unitOption{Code: string(un.Code), Name: un.Name, Selected: string(un.Code) == v.Unit})
	}
	collation.Sort(v.Units, func(o unitOption) string { return o.Name })
	list, err := p.c.FollowUps(ctx, u, sandik.DecisionFilter{Unit: sandik.UnitCode(v.Unit), Open: !v.All})
	if err != nil {
		return err
	}
	var people []sandik.PersonID
	for _, d := range list {
		people = append(people, d.OwnerPerson)
	}
	names, err := p.namesOf(r, v.L, people)
	if err != nil {
		return err
	}
	all, err := p.c.Org().Units(ctx)
	if err != nil {
		return err
	}
	unitName := map[sandik.UnitCode]string{}
	for _, un := range all {
		unitName[un.Code] = un.Name
	}
	organises := map[sandik.MeetingID]bool{}
	for _, d := range list {
		if _, ok := organises[d.Meeting]; !ok {
			m, err := p.c.Meetings().Meeting(ctx, d.Meeting)
			organises[d.Meeting] = err == nil && p.c.MeetingAllow(ctx, u, m, true) == nil
		}
		owner := names[d.OwnerPerson]
		if d.OwnerUnit != "" {
			owner = unitName[d.OwnerUnit]
		}
		v.Rows = append(v.Rows, followRow{ID: string(d.ID), Text: d.Text, Owner: owner, Due: string(d.Due),
			Status: v.L.T("decision.status." + string(d.Status)), Meeting: d.MeetingTitle,
			MeetingHref: "/toplantilar/" + url.PathEscape(string(d.Meeting)), Overdue: d.Overdue,
			Open: d.Status == sandik.DecisionOpen, Organise: organises[d.Meeting]})
	}
	return p.render(w, http.StatusOK, "decisions", v)
}

// setDecision marks a decision done or dropped, or opens it again.
func (p *Pages) setDecision(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if err := p.c.SetDecisionStatus(r.Context(), u, sandik.DecisionID(r.PathValue("id")), sandik.DecisionStatus(r.PostForm.Get("status"))); err != nil {
		return err
	}
	back := "/kararlar"
	if unit := r.PostForm.Get("birim"); unit != "" {
		back += "?birim=" + url.QueryEscape(unit)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
