package api

import (
	"net/http"
	"reflect"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// The round tables of a meeting: read by its readers, seated by rules
// or edited by its organisers.

var (
	tablesShape  = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[tablesBody]()))
	seatingShape = strict.ShapeOf(reflect.TypeFor[sandik.SeatingRules]())
)

type tablesBody struct {
	Tables []sandik.Table `json:"tables"`
}

func (a *API) writeTables(w http.ResponseWriter, status int, tables []sandik.Table) {
	a.b.WriteJSON(w, status, tablesBody{orEmpty(tables)})
}

func (a *API) getTables(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	m, err := a.meetingFor(r, u, false)
	if err != nil {
		return err
	}
	tables, err := a.c.Meetings().Tables(r.Context(), m.ID)
	if err != nil {
		return err
	}
	a.writeTables(w, http.StatusOK, tables)
	return nil
}

func (a *API) putTables(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in tablesBody
	if err := handler.ReadJSON(w, r, maxMeetingBody, tablesShape, &in); err != nil {
		return err
	}
	tables, err := a.c.SaveTables(r.Context(), u, sandik.MeetingID(r.PathValue("id")), in.Tables)
	if err != nil {
		return err
	}
	a.writeTables(w, http.StatusOK, tables)
	return nil
}

func (a *API) seatTables(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.SeatingRules
	if err := handler.ReadJSON(w, r, maxMeetingBody, seatingShape, &in); err != nil {
		return err
	}
	tables, err := a.c.SeatMeeting(r.Context(), u, sandik.MeetingID(r.PathValue("id")), in)
	if err != nil {
		return err
	}
	a.writeTables(w, http.StatusOK, tables)
	return nil
}

var findingShape = strict.ShapeOf(reflect.TypeFor[sandik.Finding]())

// addFinding records a table's finding: from the moderator's phone
// (the Sandik-Checkin-Token header) or by an organiser.
func (a *API) addFinding(w http.ResponseWriter, r *http.Request) error {
	token := r.Header.Get(tokenHeader)
	if token == "" {
		return a.b.User(func(w http.ResponseWriter, r *http.Request, u sandik.User) error { return a.saveFinding(w, r, u, "") })(w, r)
	}
	return a.saveFinding(w, r, sandik.User{}, token)
}

func (a *API) saveFinding(w http.ResponseWriter, r *http.Request, u sandik.User, token string) error {
	var in sandik.Finding
	if err := handler.ReadJSON(w, r, maxOrgBody, findingShape, &in); err != nil {
		return err
	}
	in.Meeting = sandik.MeetingID(r.PathValue("id"))
	f, err := a.c.AddFinding(r.Context(), u, token, in)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, f)
	return nil
}

// listFindings answers every table's findings, grouped by kind.
func (a *API) listFindings(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	m, err := a.meetingFor(r, u, false)
	if err != nil {
		return err
	}
	fs, err := a.c.Meetings().Findings(r.Context(), m.ID)
	if err != nil {
		return err
	}
	byKind := map[sandik.FindingKind][]sandik.Finding{}
	for _, k := range sandik.FindingKinds() {
		byKind[k] = []sandik.Finding{}
	}
	for _, f := range fs {
		byKind[f.Kind] = append(byKind[f.Kind], f)
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Findings map[sandik.FindingKind][]sandik.Finding `json:"findings"`
	}{byKind})
	return nil
}
