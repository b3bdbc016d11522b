package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// orgFixture is an organisation over the fixture registry: İstanbul,
// Adalar (inside a scoped coordinator's areas) and Beşiktaş (outside),
// with a chair of each, and a person and an open term named after each
// user of the matrix ("m-obs1") for the authorisation matrix.
func orgFixture(t *testing.T, e *webtest.Env) {
	t.Helper()
	ch := sandik.OrgChange{
		Units: []sandik.Unit{
			{Code: "34", Kind: sandik.UnitIl, Name: "İstanbul", Area: "34"},
			{Code: "34.01", Kind: sandik.UnitIlce, Name: "Adalar", Parent: "34", Area: "34.01"},
			{Code: "34.02", Kind: sandik.UnitIlce, Name: "Beşiktaş", Parent: "34", Area: "34.02"},
		},
		People: []sandik.Person{
			{ID: "k-ada", Name: "Deniz Ada", Phones: []string{"+905321112233"}, Email: "deniz@example.org", Home: "34.01", Purpose: "örgüt üyeliği", Consent: "2024-01-01"},
			{ID: "k-bes", Name: "Cem Beşli", Phones: []string{"+905324445566"}, Home: "34.02", Purpose: "örgüt üyeliği", Consent: "2024-01-01"},
		},
		Positions: []sandik.Position{
			{ID: "g-ada", Kind: "ilce_baskani", Unit: "34.01", Person: "k-ada", Start: "2024-01-01", End: "2024-03-31", Source: sandik.SourceCongress, EndReason: "kongre"},
			{ID: "g-bes", Kind: "ilce_baskani", Unit: "34.02", Person: "k-bes", Start: "2024-01-01", Source: sandik.SourceCongress},
		},
	}
	for _, id := range []string{observer1, volunteer, coordinator, admin, lawyer} {
		ch.People = append(ch.People, sandik.Person{ID: sandik.PersonID("m-" + id), Name: "Üye " + id, Home: "34", Purpose: "örgüt üyeliği", Consent: "2024-01-01"})
		ch.Positions = append(ch.Positions, sandik.Position{ID: sandik.PositionID("m-" + id), Kind: "delege", Unit: "34", Person: sandik.PersonID("m-" + id), Start: "2024-01-01", Source: sandik.SourceCongress})
	}
	if err := e.Center.SaveOrg(context.Background(), sandik.User{ID: "setup", Role: sandik.RoleAdmin}, ch); err != nil {
		t.Fatal(err)
	}
}

// orgWriters may change the organisation.
var orgWriters = []sandik.Role{sandik.RoleCoordinator, sandik.RoleAdmin}

// orgRequest is a valid request of an organisation route as user, for
// the authorisation matrix; ok is false for other routes.
func orgRequest(p, user string) (body any, ok bool) {
	switch p {
	case "POST /api/v1/units":
		return map[string]any{"code": "m-" + user, "kind": "kadin_kolu", "name": "Kol " + user, "parent": "34", "area": "34"}, true
	case "POST /api/v1/people":
		return map[string]any{"id": "mp-" + user, "name": "Yeni " + user, "home": "34", "purpose": "örgüt üyeliği", "consent": "2025-01-01"}, true
	case "POST /api/v1/positions":
		return map[string]any{"id": "mg-" + user, "kind": "delege", "unit": "34", "person": "m-" + user, "start": "2025-01-01", "source": "atama"}, true
	case "POST /api/v1/positions/{id}/end":
		return map[string]any{"end": "2025-06-30", "reason": "istifa"}, true
	case "DELETE /api/v1/people/{id}":
		return map[string]any{"reason": "KVKK talebi"}, true
	}
	return nil, strings.Contains(p, "/units") || strings.Contains(p, "/people") || strings.Contains(p, "/positions")
}

// TestUnitChart: the chart as of a day, before and after a term's last
// day, with the vacancy marked; today in İstanbul when no day is given.
func TestUnitChart(t *testing.T) {
	e := newEnv(t)
	orgFixture(t, e.Env)
	seat := func(at string) org.Seat {
		var c org.Chart
		path := "/api/v1/units/34.01"
		if at != "" {
			path += "?at=" + at
		}
		e.Do("GET", path, observer1, nil).Decode(t, http.StatusOK, &c)
		for _, s := range c.Seats {
			if s.Kind.Code == "ilce_baskani" {
				return s
			}
		}
		t.Fatalf("chart of 34.01 on %q has no ilce_baskani seat: %+v", at, c)
		return org.Seat{}
	}
	if s := seat("2024-03-31"); s.Vacant || len(s.Holders) != 1 || s.Holders[0].Name != "Deniz Ada" || s.Kind.Name != "İlçe Başkanı" {
		t.Errorf("on the last day: %+v, want Deniz Ada", s)
	}
	if s := seat("2024-04-01"); !s.Vacant || len(s.Holders) != 0 {
		t.Errorf("the day after: %+v, want vacant", s)
	}
	if s := seat(""); !s.Vacant { // webtest's now is in 2019: before the term
		t.Errorf("today (%s): %+v, want vacant", sandik.DateOf(testNow), s)
	}
	var il struct {
		Unit     sandik.Unit
		Children []sandik.Unit
	}
	e.Do("GET", "/api/v1/units/34", observer1, nil).Decode(t, http.StatusOK, &il)
	if il.Unit.Code != "34" || len(il.Children) != 2 || il.Children[0].Code != "34.01" || il.Children[1].Code != "34.02" {
		t.Errorf("unit 34: %+v, want its two ilçe as children", il)
	}
	d := e.Do("GET", "/api/v1/units/34.01?at=2024-02-30", observer1, nil).APIError(t, http.StatusBadRequest)
	webtest.HasProblem(t, d, "at", "")
	e.Do("GET", "/api/v1/units/35", observer1, nil).APIError(t, http.StatusNotFound)
}

// TestOrgScope: a coordinator of Adalar reads and changes Adalar's
// organisation and nothing of Beşiktaş's, and sees the phones and e-mail
// of Adalar's people (contact_test.go has the whole table).
func TestOrgScope(t *testing.T) {
	e := newScopedEnv(t)
	orgFixture(t, e.Env)
	var units struct{ Units []sandik.Unit }
	e.Do("GET", "/api/v1/units", coordAdal, nil).Decode(t, http.StatusOK, &units)
	if len(units.Units) != 1 || units.Units[0].Code != "34.01" {
		t.Errorf("units seen by %s: %+v, want only 34.01", coordAdal, units.Units)
	}
	e.Do("GET", "/api/v1/units/34.02", coordAdal, nil).APIError(t, http.StatusForbidden)
	e.Do("GET", "/api/v1/people/k-bes", coordAdal, nil).APIError(t, http.StatusForbidden)
	var people struct{ People []sandik.Person }
	e.Do("GET", "/api/v1/people", coordAdal, nil).Decode(t, http.StatusOK, &people)
	if len(people.People) != 1 || people.People[0].ID != "k-ada" || people.People[0].Phones == nil || people.People[0].Email == "" {
		t.Errorf("people seen by %s: %+v, want k-ada with phone and e-mail", coordAdal, people.People)
	}
	people.People = nil // the answer leaves out what it hides
	e.Do("GET", "/api/v1/people", lawyerAdal, nil).Decode(t, http.StatusOK, &people)
	if len(people.People) != 1 || people.People[0].ID != "k-ada" || people.People[0].Phones != nil || people.People[0].Email != "" {
		t.Errorf("people seen by %s: %+v, want k-ada without phone or e-mail", lawyerAdal, people.People)
	}
	var one struct {
		Person    sandik.Person
		Positions []sandik.Position
	}
	e.Do("GET", "/api/v1/people/k-ada", admin, nil).Decode(t, http.StatusOK, &one)
	if !slices.Equal(one.Person.Phones, []string{"+905321112233"}) || one.Person.Email != "deniz@example.org" || len(one.Positions) != 1 {
		t.Errorf("k-ada as admin: %+v", one)
	}
	var terms struct{ Positions []sandik.Position }
	e.Do("GET", "/api/v1/positions?kind=ilce_baskani", coordAdal, nil).Decode(t, http.StatusOK, &terms)
	if len(terms.Positions) != 1 || terms.Positions[0].ID != "g-ada" {
		t.Errorf("terms seen by %s: %+v, want g-ada", coordAdal, terms.Positions)
	}
	e.Do("GET", "/api/v1/positions?kind=ilce_baskani&at=2024-06-01", admin, nil).Decode(t, http.StatusOK, &terms)
	if len(terms.Positions) != 1 || terms.Positions[0].ID != "g-bes" {
		t.Errorf("chairs on 2024-06-01: %+v, want g-bes", terms.Positions)
	}
	// Writes inside the coordinator's areas pass, outside are refused.
	e.Do("POST", "/api/v1/people", coordAdal, map[string]any{"name": "Ece Yalı", "home": "34.01", "purpose": "gönüllülük", "consent": "2025-01-01"}).Decode(t, http.StatusCreated, nil)
	e.Do("POST", "/api/v1/people", coordAdal, map[string]any{"name": "Ece Yalı", "home": "34.02", "purpose": "gönüllülük", "consent": "2025-01-01"}).APIError(t, http.StatusForbidden)
	e.Do("POST", "/api/v1/positions/g-bes/end", coordAdal, map[string]any{"end": "2025-01-01", "reason": "istifa"}).APIError(t, http.StatusForbidden)
	e.Do("POST", "/api/v1/units", obsBox1, map[string]any{"code": "x", "kind": "genclik_kolu", "name": "Gençlik", "parent": "34.01", "area": "34.01"}).APIError(t, http.StatusForbidden)
	e.Do("GET", "/api/v1/units/34.01", obsBox1, nil).APIError(t, http.StatusForbidden) // an observer's scope is their box
}

// TestOrgWritesValidated: each body is decoded strictly and checked,
// errors naming the field; a one-holder seat refuses an overlap naming
// the holder.
func TestOrgWritesValidated(t *testing.T) {
	e := newEnv(t)
	orgFixture(t, e.Env)
	for _, tc := range []struct {
		name, path string
		body       any
		status     int
		field      string
	}{
		{"unknown field", "/api/v1/units", `{"code": "x", "kind": "il", "name": "X", "area": "34", "colour": "red"}`, 400, "colour"},
		{"area not in the registry", "/api/v1/units", map[string]any{"code": "35", "kind": "il", "name": "İzmir", "area": "35"}, 422, "area"},
		{"unknown kind of unit", "/api/v1/units", map[string]any{"code": "x", "kind": "kulüp", "name": "X", "parent": "34", "area": "34"}, 422, "kind"},
		{"no name", "/api/v1/people", map[string]any{"home": "34", "purpose": "üyelik", "consent": "2025-01-01"}, 422, "name"},
		{"bad e-mail", "/api/v1/people", map[string]any{"name": "Ali", "email": "ali at example", "home": "34", "purpose": "üyelik", "consent": "2025-01-01"}, 422, "email"},
		{"unknown home", "/api/v1/people", map[string]any{"name": "Ali", "home": "99", "purpose": "üyelik", "consent": "2025-01-01"}, 422, "home"},
		{"phones as a string", "/api/v1/people", `{"name": "Ali", "phones": "0532", "home": "34", "purpose": "üyelik", "consent": "2025-01-01"}`, 400, "phones"},
		{"bad source", "/api/v1/positions", map[string]any{"kind": "delege", "unit": "34", "person": "k-ada", "start": "2025-01-01", "source": "miras"}, 422, "source"},
		{"held seat", "/api/v1/positions", map[string]any{"kind": "ilce_baskani", "unit": "34.02", "person": "k-ada", "start": "2025-01-01", "source": "atama"}, 409, "start"},
		{"end before start", "/api/v1/positions/g-bes/end", map[string]any{"end": "2023-12-31", "reason": "istifa"}, 422, "end"},
		{"end without a reason", "/api/v1/positions/g-bes/end", map[string]any{"end": "2025-12-31", "reason": ""}, 422, "reason"},
		{"end without a day", "/api/v1/positions/g-bes/end", map[string]any{"reason": "istifa"}, 422, "end"},
	} {
		r := e.Do("POST", tc.path, admin, tc.body)
		d := r.APIError(t, tc.status)
		if !slices.ContainsFunc(d.Problems, func(p sandik.Problem) bool { return p.Field == tc.field }) {
			t.Errorf("%s: problems %+v, want one naming %q", tc.name, d.Problems, tc.field)
		}
		if tc.name == "held seat" && !strings.Contains(string(r.Body), "Cem Beşli") {
			t.Errorf("held seat: %s does not name the holder", r.Body)
		}
	}
	var ended sandik.Position
	e.Do("POST", "/api/v1/positions/g-bes/end", admin, map[string]any{"end": "2024-12-31", "reason": "istifa"}).Decode(t, http.StatusOK, &ended)
	if ended.End != "2024-12-31" || ended.EndReason != "istifa" {
		t.Errorf("ended term: %+v", ended)
	}
	e.Do("POST", "/api/v1/positions", admin, map[string]any{"kind": "ilce_baskani", "unit": "34.02", "person": "k-ada", "start": "2025-01-01", "source": "atama"}).Decode(t, http.StatusCreated, nil)
	e.Do("POST", "/api/v1/positions/g-bes/end", admin, map[string]any{"end": "2024-12-31", "reason": "istifa"}).APIError(t, http.StatusConflict)
}
