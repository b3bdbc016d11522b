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
