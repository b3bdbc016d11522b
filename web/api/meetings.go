package api

import (
	"net/http"
	"reflect"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// The meetings' routes. A meeting is read by whoever's areas reach its
// unit's area and organised by those who may change the organisation
// there. The door's check-in takes the meeting's code and no account.

// maxMeetingBody bounds the body of a meeting (its agenda and named
// invitees) or a survey.
const maxMeetingBody = 256 << 10

var (
	meetingShape   = strict.ShapeOf(reflect.TypeFor[sandik.Meeting]())
	replyShape     = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[replyInput]()))
	attendShape    = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[attendInput]()))
	doorShape      = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[doorInput]()))
	departureShape = strict.ShapeOf(reflect.TypeFor[struct{}]())
)

type replyInput struct {
	Reply sandik.Reply `json:"reply"`
}

type attendInput struct {
	Person sandik.PersonID    `json:"person"`
	Mode   sandik.CheckInMode `json:"mode"`
}

type doorInput struct {
	Code   string          `json:"code"`
	Person sandik.PersonID `json:"person"`
}

// meetingFor reads meeting {id} if u may read it (organise, write true).
func (a *API) meetingFor(r *http.Request, u sandik.User, write bool) (sandik.Meeting, error) {
	m, err := a.c.Meetings().Meeting(r.Context(), sandik.MeetingID(r.PathValue("id")))
	if err != nil {
		return m, err
	}
	if err := a.c.MeetingAllow(r.Context(), u, m, write); err != nil {
		return m, err
	}
	// The check-in code is for the room: organisers show it there.
	if a.c.MeetingAllow(r.Context(), u, m, true) != nil {
		m.Code = ""
	}
	return m, nil
}

func (a *API) listMeetings(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	after, n, err := page(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := sandik.MeetingFilter{Unit: sandik.UnitCode(r.URL.Query().Get("unit")), After: sandik.MeetingID(after), Limit: n}
	out := []sandik.Meeting{}
	for len(out) < n {
		batch, err := a.c.Meetings().Meetings(ctx, f)
		if err != nil {
			return err
		}
		for _, m := range batch {
			if len(out) < n && a.c.MeetingAllow(ctx, u, m, false) == nil {
				if a.c.MeetingAllow(ctx, u, m, true) != nil {
					m.Code = ""
				}
				out = append(out, m)
			}
		}
		if len(batch) < n {
			break
		}
		f.After = batch[len(batch)-1].ID
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Meetings []sandik.Meeting `json:"meetings"`
	}{out})
	return nil
}

func (a *API) createMeeting(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.Meeting
	if err := handler.ReadJSON(w, r, maxMeetingBody, meetingShape, &in); err != nil {
		return err
	}
	if in.ID == "" {
		in.ID = sandik.MeetingID("t-" + randomID())
	}
	var m sandik.Meeting
	var invs []sandik.Invitation
	var err error
	if from := r.URL.Query().Get("from"); from != "" {
		// The meeting named is the template: see Center.CreateMeetingFrom.
		m, invs, err = a.c.CreateMeetingFrom(r.Context(), u, sandik.MeetingID(from), in)
	} else {
		m, invs, err = a.c.CreateMeeting(r.Context(), u, in)
	}
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, struct {
		Meeting     sandik.Meeting      `json:"meeting"`
		Invitations []sandik.Invitation `json:"invitations"`
	}{m, orEmpty(invs)})
	return nil
}

// meetingSummary counts a meeting's invitations and attendance.
type meetingSummary struct {
	Invited  int               `json:"invited"`
	Replies  map[string]int    `json:"replies"`
	Present  int               `json:"present"`
	Remote   int               `json:"remote"`
	Left     int               `json:"left"`
	Surveys  []sandik.SurveyID `json:"surveys"`
	Attended int               `json:"attended"`
}

func (a *API) getMeeting(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	m, err := a.meetingFor(r, u, false)
	if err != nil {
		return err
	}
	ctx := r.Context()
	invs, err := a.c.Meetings().Invitations(ctx, m.ID)
	if err != nil {
		return err
	}
	att, err := a.c.Meetings().Attendance(ctx, m.ID)
	if err != nil {
		return err
	}
	surveys, err := a.c.Meetings().Surveys(ctx, m.ID)
	if err != nil {
		return err
	}
	sum := meetingSummary{Invited: len(invs), Replies: map[string]int{}, Attended: len(att), Surveys: []sandik.SurveyID{}}
	for _, inv := range invs {
		sum.Replies[string(inv.Reply)]++
	}
	for _, at := range att {
		switch {
		case !at.Left.IsZero():
			sum.Left++
		case at.Mode == sandik.CheckInRemote:
			sum.Remote++
		default:
			sum.Present++
		}
	}
	for _, s := range surveys {
		sum.Surveys = append(sum.Surveys, s.ID)
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Meeting sandik.Meeting `json:"meeting"`
		Summary meetingSummary `json:"summary"`
	}{m, sum})
	return nil
}

// invitationOut is an invitation with the invitee's name; no contacts.
type invitationOut struct {
	sandik.Invitation
	Name string `json:"name"`
}

func (a *API) listInvitations(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	m, err := a.meetingFor(r, u, false)
	if err != nil {
		return err
	}
	invs, err := a.c.Meetings().Invitations(r.Context(), m.ID)
	if err != nil {
		return err
	}
	ids := make([]sandik.PersonID, len(invs))
	for i, inv := range invs {
		ids[i] = inv.Person
	}
	names, err := a.names(r, ids)
	if err != nil {
		return err
	}
	out := make([]invitationOut, len(invs))
	for i, inv := range invs {
		out[i] = invitationOut{inv, names[inv.Person]}
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Invitations []invitationOut `json:"invitations"`
	}{out})
	return nil
}

func (a *API) names(r *http.Request, ids []sandik.PersonID) (map[sandik.PersonID]string, error) {
	names := make(map[sandik.PersonID]string, len(ids))
	for lo := 0; lo < len(ids); lo += 500 {
		people, err := a.c.Org().People(r.Context(), sandik.PeopleFilter{IDs: ids[lo:min(lo+500, len(ids))]})
		if err != nil {
			return nil, err
		}
		for _, p := range people {
			names[p.ID] = p.ShownName()
		}
	}
	return names, nil
}

func (a *API) putReply(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in replyInput
	if err := handler.ReadJSON(w, r, maxOrgBody, replyShape, &in); err != nil {
		return err
	}
	m, err := a.meetingFor(r, u, true)
	if err != nil {
		return err
	}
	p := sandik.PersonID(r.PathValue("person"))
	if err := a.c.Meetings().SetReply(r.Context(), m.ID, p, in.Reply); err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Person sandik.PersonID `json:"person"`
		Reply  sandik.Reply    `json:"reply"`
	}{p, in.Reply})
	return nil
}

func (a *API) listAttendance(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	m, err := a.meetingFor(r, u, false)
	if err != nil {
		return err
	}
	att, err := a.c.Meetings().Attendance(r.Context(), m.ID)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Attendance []sandik.Attendance `json:"attendance"`
	}{att})
	return nil
}

func (a *API) checkInByOrganiser(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in attendInput
	if err := handler.ReadJSON(w, r, maxOrgBody, attendShape, &in); err != nil {
		return err
	}
	ci, err := a.c.CheckInByOrganiser(r.Context(), u, sandik.MeetingID(r.PathValue("id")), in.Person, in.Mode)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, checkInStatus(ci), ci)
	return nil
}

// checkInWithCode is the door's check-in, with no account.
func (a *API) checkInWithCode(w http.ResponseWriter, r *http.Request) error {
	var in doorInput
	if err := handler.ReadJSON(w, r, maxOrgBody, doorShape, &in); err != nil {
		return err
	}
	ci, err := a.c.CheckInWithCode(r.Context(), sandik.MeetingID(r.PathValue("id")), in.Code, in.Person)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, checkInStatus(ci), ci)
	return nil
}

// checkInStatus is 201 for a first check-in, 200 for one again.
func checkInStatus(ci center.CheckIn) int {
	if ci.New {
		return http.StatusCreated
	}
	return http.StatusOK
}

func (a *API) departure(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in struct{}
	if err := handler.ReadJSON(w, r, maxOrgBody, departureShape, &in); err != nil {
		return err
	}
	m, err := a.meetingFor(r, u, true)
	if err != nil {
		return err
	}
	p := sandik.PersonID(r.PathValue("person"))
	if err := a.c.Meetings().Leave(r.Context(), m.ID, p, a.now()); err != nil {
		return err
	}
	att, err := a.c.Meetings().Attendance(r.Context(), m.ID)
	if err != nil {
		return err
	}
	for _, at := range att {
		if at.Person == p {
			a.b.WriteJSON(w, http.StatusOK, at)
		}
	}
	return nil
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// pathN reads the question number {q}.
func pathN(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("q"))
	if err != nil || n < 1 {
		return 0, sandik.Errorf(sandik.ENotFound, "no question %q", r.PathValue("q"))
	}
	return n, nil
}
