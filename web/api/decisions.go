package api

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"reflect"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// Decisions and minutes: a meeting's decisions, the follow-up list
// across meetings (overdue first), and closing a meeting with its
// minutes, attachments and decisions.

// maxCloseBody bounds a closing: minutes, decisions and attachments
// (base64 in JSON).
const maxCloseBody = 24 << 20

var (
	decisionShape = strict.ShapeOf(reflect.TypeFor[sandik.Decision]())
	statusShape   = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[statusInput]()))
	closeShape    = strict.ShapeOf(reflect.TypeFor[closeInput]())
)

type statusInput struct {
	Status sandik.DecisionStatus `json:"status"`
}

type closeInput struct {
	Minutes     string            `json:"minutes"`
	Attachments []attachmentInput `json:"attachments"`
	Decisions   []sandik.Decision `json:"decisions"`
}

// attachmentInput is a file of the minutes, its bytes in base64.
type attachmentInput struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

func (a *API) listMeetingDecisions(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	m, err := a.meetingFor(r, u, false)
	if err != nil {
		return err
	}
	ds, err := a.c.Meetings().Decisions(r.Context(), sandik.DecisionFilter{Meeting: m.ID})
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Decisions []sandik.Decision `json:"decisions"`
	}{ds})
	return nil
}

func (a *API) addDecision(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.Decision
	if err := handler.ReadJSON(w, r, maxOrgBody, decisionShape, &in); err != nil {
		return err
	}
	d, err := a.c.AddDecision(r.Context(), u, sandik.MeetingID(r.PathValue("id")), in)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, d)
	return nil
}

func (a *API) setDecisionStatus(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in statusInput
	if err := handler.ReadJSON(w, r, maxOrgBody, statusShape, &in); err != nil {
		return err
	}
	id := sandik.DecisionID(r.PathValue("id"))
	if err := a.c.SetDecisionStatus(r.Context(), u, id, in.Status); err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		ID     sandik.DecisionID     `json:"id"`
		Status sandik.DecisionStatus `json:"status"`
	}{id, in.Status})
	return nil
}

// followUps is the list across meetings: ?unit= (its own and its
// people's), ?person=, ?open=1.
func (a *API) followUps(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	q := r.URL.Query()
	f := sandik.DecisionFilter{Unit: sandik.UnitCode(q.Get("unit")), Person: sandik.PersonID(q.Get("person"))}
	switch q.Get("open") {
	case "", "0":
	case "1":
		f.Open = true
	default:
		return handler.BadParam("open", "is 1 or 0 (got %q)", q.Get("open"))
	}
	list, err := a.c.FollowUps(r.Context(), u, f)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Decisions []center.FollowUp `json:"decisions"`
	}{list})
	return nil
}

func (a *API) closeMeeting(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in closeInput
	if err := handler.ReadJSON(w, r, maxCloseBody, closeShape, &in); err != nil {
		return err
	}
	files := make([]center.Attachment, len(in.Attachments))
	for i, f := range in.Attachments {
		data, err := base64.StdEncoding.DecodeString(f.Data)
		if err != nil {
			return sandik.Invalid("invalid minutes", []sandik.Problem{{Field: fmt.Sprintf("attachments[%d].data", i), Rule: sandik.RuleInvalidValue, Message: "is not base64"}})
		}
		files[i] = center.Attachment{Name: f.Name, Data: data}
	}
	mins, ds, err := a.c.CloseMeeting(r.Context(), u, sandik.MeetingID(r.PathValue("id")), in.Minutes, files, in.Decisions)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, struct {
		Minutes   sandik.Minutes    `json:"minutes"`
		Decisions []sandik.Decision `json:"decisions"`
	}{mins, orEmpty(ds)})
	return nil
}

func (a *API) getMinutes(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	m, err := a.meetingFor(r, u, false)
	if err != nil {
		return err
	}
	mins, err := a.c.Meetings().Minutes(r.Context(), m.ID)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, mins)
	return nil
}
