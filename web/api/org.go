package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// The organisation's routes. A unit is read by whoever's areas reach its
// area, a person by their home unit's, a term by its unit's. Phones,
// e-mail and notes are shown as sandik.MaySeeContact allows, each
// showing logged (contact.go).

// maxOrgBody bounds the body of one unit, person or term.
const maxOrgBody = 16 << 10

// Page sizes of the listings.
const (
	defaultOrgPage = 100
	maxOrgPage     = 1000
)

var (
	unitShape     = strict.ShapeOf(reflect.TypeFor[sandik.Unit]())
	personShape   = strict.ShapeOf(reflect.TypeFor[sandik.Person]())
	positionShape = strict.ShapeOf(reflect.TypeFor[sandik.Position]())
	endShape      = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[endInput]()))
)

type endInput struct {
	End    sandik.Date `json:"end"`
	Reason string      `json:"reason"`
}

// unitAreas maps every unit to its area, for deciding reads of people
// and terms by their unit.
type unitAreas map[sandik.UnitCode]sandik.AreaCode

func (a *API) unitAreas(ctx context.Context) (unitAreas, error) {
	units, err := a.c.Org().Units(ctx)
	if err != nil {
		return nil, err
	}
	m := make(unitAreas, len(units))
	for _, u := range units {
		m[u.Code] = u.Area
	}
	return m, nil
}

func (a *API) sees(u sandik.User, area sandik.AreaCode) bool {
	return a.c.OrgAllow(u, area, false) == nil
}

// page reads ?after and ?limit.
func page(r *http.Request) (string, int, error) {
	q := r.URL.Query()
	n := defaultOrgPage
	if s := q.Get("limit"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > maxOrgPage {
			return "", 0, handler.BadParam("limit", "must be a whole number from 1 to %d (got %q)", maxOrgPage, s)
		}
		n = v
	}
	return q.Get("after"), n, nil
}

// dateParam reads a day parameter; empty is today in İstanbul when today
// is set, else no day.
func (a *API) dateParam(r *http.Request, name string, today bool) (sandik.Date, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		if today {
			return sandik.DateOf(a.now()), nil
		}
		return "", nil
	}
	d, err := sandik.ParseDate(s)
	if err != nil {
		return "", handler.BadParam(name, "%v", err)
	}
	return d, nil
}

func (a *API) listUnits(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	parent := sandik.UnitCode(r.URL.Query().Get("parent"))
	units, err := a.c.Org().Units(r.Context())
	if err != nil {
		return err
	}
	out := []sandik.Unit{}
	for _, un := range units {
		if (parent == "" || un.Parent == parent) && a.sees(u, un.Area) {
			out = append(out, un)
		}
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Units []sandik.Unit `json:"units"`
	}{out})
	return nil
}

func (a *API) getUnit(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	at, err := a.dateParam(r, "at", true)
	if err != nil {
		return err
	}
	chart, children, err := a.c.UnitChart(r.Context(), u, sandik.UnitCode(r.PathValue("code")), at)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		org.Chart
		Children []sandik.Unit `json:"children"`
	}{chart, children})
	return nil
}

func (a *API) listPeople(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ctx := r.Context()
	after, n, err := page(r)
	if err != nil {
		return err
	}
	areas, err := a.unitAreas(ctx)
	if err != nil {
		return err
	}
	home := sandik.UnitCode(r.URL.Query().Get("unit"))
	if home != "" {
		area, ok := areas[home]
		if !ok {
			return sandik.Errorf(sandik.ENotFound, "no unit %q", home)
		}
		if err := a.c.OrgAllow(u, area, false); err != nil {
			return err
		}
	}
	out := []sandik.Person{}
	// Pages are read until n people in scope are found or none remain.
	for len(out) < n {
		batch, err := a.c.Org().People(ctx, sandik.PeopleFilter{Home: home, After: sandik.PersonID(after), Limit: n})
		if err != nil {
			return err
		}
		for _, p := range batch {
			if len(out) < n && a.sees(u, areas[p.Home]) {
				out = append(out, p)
			}
		}
		if len(batch) < n {
			break
		}
		after = string(batch[len(batch)-1].ID)
	}
	// Over the minute's limit of contacts the list still answers,
	// without them, and says why.
	out, err = a.c.ShowContacts(ctx, u, out, func(c sandik.UnitCode) sandik.AreaCode { return areas[c] })
	withheld := ""
	if sandik.CodeOf(err) == sandik.ETooMany {
		withheld, err = sandik.MessageOf(err), nil
	}
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		People   []sandik.Person `json:"people"`
		Withheld string          `json:"contacts_withheld,omitempty"`
	}{out, withheld})
	return nil
}

func (a *API) getPerson(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ctx := r.Context()
	p, err := a.c.Org().Person(ctx, sandik.PersonID(r.PathValue("id")))
	if err != nil {
		return err
	}
	home, err := a.c.Org().Unit(ctx, p.Home)
	if err != nil {
		return err
	}
	if err := a.c.OrgAllow(u, home.Area, false); err != nil {
		return err
	}
	terms, err := a.c.Org().Positions(ctx, sandik.PositionFilter{Person: p.ID})
	if err != nil {
		return err
	}
	if p, err = a.c.ShowContact(ctx, u, p, home.Area); err != nil {
		return throttled(err)
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Person    sandik.Person     `json:"person"`
		Positions []sandik.Position `json:"positions"`
	}{p, terms})
	return nil
}

func (a *API) listPositions(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ctx := r.Context()
	after, n, err := page(r)
	if err != nil {
		return err
	}
	at, err := a.dateParam(r, "at", false)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := sandik.PositionFilter{Unit: sandik.UnitCode(q.Get("unit")), Kind: sandik.KindCode(q.Get("kind")),
		Person: sandik.PersonID(q.Get("person")), At: at, After: sandik.PositionID(after), Limit: n}
	areas, err := a.unitAreas(ctx)
	if err != nil {
		return err
	}
	out := []sandik.Position{}
	for len(out) < n {
		batch, err := a.c.Org().Positions(ctx, f)
		if err != nil {
			return err
		}
		for _, p := range batch {
			if len(out) < n && a.sees(u, areas[p.Unit]) {
				out = append(out, p)
			}
		}
		if len(batch) < n {
			break
		}
		f.After = batch[len(batch)-1].ID
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Positions []sandik.Position `json:"positions"`
	}{out})
	return nil
}

func (a *API) createUnit(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.Unit
	if err := handler.ReadJSON(w, r, maxOrgBody, unitShape, &in); err != nil {
		return err
	}
	if err := a.c.SaveOrg(r.Context(), u, sandik.OrgChange{Units: []sandik.Unit{in}}); err != nil {
		return alone(err, "units[0].")
	}
	a.b.WriteJSON(w, http.StatusCreated, in)
	return nil
}

func (a *API) createPerson(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.Person
	if err := handler.ReadJSON(w, r, maxOrgBody, personShape, &in); err != nil {
		return err
	}
	if in.ID == "" {
		in.ID = sandik.PersonID("k-" + randomID())
	}
	if in.Erased != "" || in.EraseReason != "" {
		return sandik.Invalid("invalid person", []sandik.Problem{{Field: "erased", Rule: sandik.RuleInvalidValue, Message: "is set by erasure only (DELETE /api/v1/people/{id})"}})
	}
	if err := a.c.SaveOrg(r.Context(), u, sandik.OrgChange{People: []sandik.Person{in}}); err != nil {
		return alone(err, "people[0].")
	}
	// Echoing what the writer sent is no view of anything stored; it is
	// answered whole to administrators, as before the table.
	if u.Role != sandik.RoleAdmin {
		in = in.HideContact()
	}
	a.b.WriteJSON(w, http.StatusCreated, in)
	return nil
}

func (a *API) createPosition(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.Position
	if err := handler.ReadJSON(w, r, maxOrgBody, positionShape, &in); err != nil {
		return err
	}
	if in.ID == "" {
		in.ID = sandik.PositionID("g-" + randomID())
	}
	if err := a.c.SaveOrg(r.Context(), u, sandik.OrgChange{Positions: []sandik.Position{in}}); err != nil {
		return alone(err, "positions[0].")
	}
	a.b.WriteJSON(w, http.StatusCreated, in)
	return nil
}

func (a *API) endPosition(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in endInput
	if err := handler.ReadJSON(w, r, maxOrgBody, endShape, &in); err != nil {
		return err
	}
	if _, err := sandik.ParseDate(string(in.End)); err != nil {
		return sandik.Invalid("invalid end of a position", []sandik.Problem{{Field: "end", Rule: sandik.RuleInvalidValue, Message: err.Error()}})
	}
	p, err := a.c.EndPosition(r.Context(), u, sandik.PositionID(r.PathValue("id")), in.End, in.Reason)
	if err != nil {
		return alone(err, "")
	}
	a.b.WriteJSON(w, http.StatusOK, p)
	return nil
}

// alone names the problems of a one-record change by the body's own
// fields ("name", not "units[0].name"); "end_reason" of an end is the
// body's "reason".
func alone(err error, prefix string) error {
	e, ok := errors.AsType[*sandik.Error](err)
	if !ok || len(e.Problems) == 0 {
		return err
	}
	out := *e
	out.Problems = make([]sandik.Problem, len(e.Problems))
	for i, p := range e.Problems {
		p.Field = strings.TrimPrefix(p.Field, prefix)
		if prefix == "" && p.Field == "end_reason" {
			p.Field = "reason"
		}
		out.Problems[i] = p
	}
	return &out
}

// randomID is 12 hex digits: ids of records created one at a time.
func randomID() string {
	var b [6]byte
	rand.Read(b[:]) //nolint:errcheck // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
