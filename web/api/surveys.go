package api

import (
	"net/http"
	"reflect"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// The surveys' routes. The presenter (a user who may organise the
// meeting) makes a survey, opens, closes and reveals its questions and
// sees every result; a participant's phone, with no account, reads the
// survey and answers with the survey's join code and their check-in
// token in the headers below, and sees a question's results only once
// revealed.

// Headers a participant's phone sends.
const (
	joinCodeHeader = "Sandik-Join-Code"
	tokenHeader    = "Sandik-Checkin-Token"
)

var (
	surveyShape   = strict.ShapeOf(reflect.TypeFor[sandik.Survey]())
	questionShape = strict.ShapeOf(reflect.TypeFor[questionInput]())
	answerShape   = strict.ShapeOf(reflect.TypeFor[sandik.Answer]())
)

type questionInput struct {
	State    sandik.QuestionState `json:"state"`
	Revealed bool                 `json:"revealed"`
}

// participantOr serves a participant's request (one that carries a join
// code) with part, any other with user as a user's.
func (a *API) participantOr(user handler.UserFunc, part func(w http.ResponseWriter, r *http.Request, s sandik.Survey) error) handler.Func {
	withUser := a.b.User(user)
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Header.Get(joinCodeHeader) == "" {
			return withUser(w, r)
		}
		s, _, err := a.c.Participant(r.Context(), sandik.SurveyID(r.PathValue("id")), r.Header.Get(joinCodeHeader), r.Header.Get(tokenHeader))
		if err != nil {
			return err
		}
		return part(w, r, s)
	}
}

func (a *API) createSurvey(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.Survey
	if err := handler.ReadJSON(w, r, maxMeetingBody, surveyShape, &in); err != nil {
		return err
	}
	if in.ID == "" {
		in.ID = sandik.SurveyID("a-" + randomID())
	}
	s, err := a.c.CreateSurvey(r.Context(), u, in)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, s)
	return nil
}

func (a *API) getSurvey(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	s, _, err := a.c.SurveyFor(r.Context(), u, sandik.SurveyID(r.PathValue("id")), false)
	if err != nil {
		return err
	}
	if _, _, err := a.c.SurveyFor(r.Context(), u, s.ID, true); err != nil {
		s.JoinCode = "" // shown in the room by the presenter
	}
	a.b.WriteJSON(w, http.StatusOK, s)
	return nil
}

// getSurveyAsParticipant shows the questions, without the join code the
// phone already has.
func (a *API) getSurveyAsParticipant(w http.ResponseWriter, r *http.Request, s sandik.Survey) error {
	s.JoinCode = ""
	a.b.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) setQuestion(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in questionInput
	if err := handler.ReadJSON(w, r, maxOrgBody, questionShape, &in); err != nil {
		return err
	}
	n, err := pathN(r)
	if err != nil {
		return err
	}
	id := sandik.SurveyID(r.PathValue("id"))
	if err := a.c.SetQuestion(r.Context(), u, id, n, in.State, in.Revealed); err != nil {
		return err
	}
	s, err := a.c.Meetings().Survey(r.Context(), id)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, s.Questions[n-1])
	return nil
}

// answer is a participant's answer, with no account.
func (a *API) answer(w http.ResponseWriter, r *http.Request) error {
	var in sandik.Answer
	if err := handler.ReadJSON(w, r, maxOrgBody, answerShape, &in); err != nil {
		return err
	}
	n, err := pathN(r)
	if err != nil {
		return err
	}
	id := sandik.SurveyID(r.PathValue("id"))
	if err := a.c.Answer(r.Context(), id, n, r.Header.Get(joinCodeHeader), r.Header.Get(tokenHeader), in); err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, struct {
		Survey   sandik.SurveyID `json:"survey"`
		Question int             `json:"question"`
		Answered bool            `json:"answered"`
	}{id, n, true})
	return nil
}

func (a *API) getResults(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	s, _, err := a.c.SurveyFor(r.Context(), u, sandik.SurveyID(r.PathValue("id")), false)
	if err != nil {
		return err
	}
	return a.writeResults(w, r, s, true)
}

func (a *API) getResultsAsParticipant(w http.ResponseWriter, r *http.Request, s sandik.Survey) error {
	return a.writeResults(w, r, s, false)
}

// writeResults answers every question's results; to a participant
// (all false) only those of questions revealed, the others by their
// number and state alone.
func (a *API) writeResults(w http.ResponseWriter, r *http.Request, s sandik.Survey, all bool) error {
	out := make([]center.QuestionResults, len(s.Questions))
	for i, q := range s.Questions {
		if !all && !q.Revealed {
			out[i] = center.QuestionResults{N: q.N, State: q.State}
			continue
		}
		res, err := a.c.Results(r.Context(), s, q.N)
		if err != nil {
			return err
		}
		out[i] = res
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Survey  sandik.SurveyID          `json:"survey"`
		K       int                      `json:"k"`
		Results []center.QuestionResults `json:"results"`
	}{s.ID, s.K, out})
	return nil
}
