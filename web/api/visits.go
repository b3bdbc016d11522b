package api

import (
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/blob"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// The routes of visits, commitments, photos and tours. A visit is read
// by whoever's areas reach where it counts or where the visitors came
// from; recorded by those who may change the organisation there.
// Photos are uploaded as the raw body and served only as attachments.

const maxVisitBody = 256 << 10

// visitInput is a visit and the commitments made at it.
type visitInput struct {
	Visit       sandik.Visit        `json:"visit"`
	Commitments []sandik.Commitment `json:"commitments"`
}

type commitStatusInput struct {
	Status sandik.CommitmentStatus `json:"status"`
}

type stopInput struct {
	Status  sandik.StopStatus `json:"status"`
	Planned sandik.Date       `json:"planned"`
}

var (
	visitShape        = strict.ShapeOf(reflect.TypeFor[visitInput]())
	commitmentShape   = strict.ShapeOf(reflect.TypeFor[sandik.Commitment]())
	commitStatusShape = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[commitStatusInput]()))
	stopShape         = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[stopInput]()))
	tourShape         = strict.ShapeOf(reflect.TypeFor[sandik.Tour]())
	pairShape         = strict.ShapeOf(reflect.TypeFor[sandik.SisterPair]())
)

func (a *API) listVisits(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	q := r.URL.Query()
	vs, err := a.c.Visits(r.Context(), u, sandik.AreaCode(q.Get("area")), sandik.TourID(q.Get("tour")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Visits []sandik.Visit `json:"visits"`
	}{orEmpty(vs)})
	return nil
}

func (a *API) createVisit(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in visitInput
	if err := handler.ReadJSON(w, r, maxVisitBody, visitShape, &in); err != nil {
		return err
	}
	v, cs, err := a.c.RecordVisit(r.Context(), u, in.Visit, in.Commitments)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, struct {
		Visit       sandik.Visit        `json:"visit"`
		Commitments []sandik.Commitment `json:"commitments"`
	}{v, orEmpty(cs)})
	return nil
}

func (a *API) getVisit(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	d, err := a.c.Visit(r.Context(), u, sandik.VisitID(r.PathValue("id")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (a *API) uploadPhoto(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	limit := int64(blob.DefaultLimits().MaxBytes)
	if r.ContentLength > limit {
		return handler.TooLarge(limit)
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return handler.TooLarge(limit)
		}
		return sandik.Errorf(handler.EBadRequest, "could not read the photo: %v", err)
	}
	p, err := a.c.PutPhoto(r.Context(), u, data)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, p)
	return nil
}

// ServePhoto writes a kept photo as an attachment that no browser runs
// or sniffs into HTML: the pages serve photos the same way.
func ServePhoto(w http.ResponseWriter, sum string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", blob.ContentType(data))
	ext := ".jpg"
	if h.Get("Content-Type") == "image/png" {
		ext = ".png"
	}
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ziyaret-%s%s"`, sum[:16], ext))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "private, max-age=86400, immutable")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

func validSum(sum string) error {
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		return handler.BadParam("sha256", "must be 64 lower-case hex digits")
	}
	return nil
}

func (a *API) getPhoto(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	sum := r.PathValue("sha256")
	if err := validSum(sum); err != nil {
		return err
	}
	data, err := a.c.Photo(r.Context(), u, sum)
	if err != nil {
		return err
	}
	ServePhoto(w, sum, data)
	return nil
}

func (a *API) listCommitments(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	q := r.URL.Query()
	area := sandik.AreaCode(q.Get("area"))
	cs, err := a.c.Commitments(r.Context(), u, area, q.Get("open") == "true")
	if err != nil {
		return err
	}
	board, err := a.c.DueBoard(r.Context(), u, area)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Commitments []sandik.Commitment `json:"commitments"`
		Board       sandik.DueBoard     `json:"board"`
	}{orEmpty(cs), board})
	return nil
}

func (a *API) createCommitment(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.Commitment
	if err := handler.ReadJSON(w, r, maxVisitBody, commitmentShape, &in); err != nil {
		return err
	}
	c, err := a.c.FollowUp(r.Context(), u, in)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) setCommitment(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in commitStatusInput
	if err := handler.ReadJSON(w, r, maxVisitBody, commitStatusShape, &in); err != nil {
		return err
	}
	c, err := a.c.SetCommitmentStatus(r.Context(), u, sandik.CommitmentID(r.PathValue("id")), in.Status)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) listTours(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ts, err := a.c.Tours(r.Context(), u)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Tours []sandik.Tour `json:"tours"`
	}{orEmpty(ts)})
	return nil
}

func (a *API) createTour(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.Tour
	if err := handler.ReadJSON(w, r, maxVisitBody, tourShape, &in); err != nil {
		return err
	}
	tv, err := a.c.CreateTour(r.Context(), u, in)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, tv)
	return nil
}

func (a *API) getTour(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	tv, err := a.c.Tour(r.Context(), u, sandik.TourID(r.PathValue("id")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, tv)
	return nil
}

func (a *API) setStop(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in stopInput
	if err := handler.ReadJSON(w, r, maxVisitBody, stopShape, &in); err != nil {
		return err
	}
	tv, err := a.c.SetStop(r.Context(), u, sandik.TourID(r.PathValue("id")), sandik.UnitCode(r.PathValue("unit")), in.Status, in.Planned)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, tv)
	return nil
}

func (a *API) unvisited(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	unit := r.URL.Query().Get("unit")
	if unit == "" {
		return handler.BadParam("unit", "is required: the unit whose districts are asked about")
	}
	months, err := handler.IntParam(r, "months", 6, 1, 120)
	if err != nil {
		return err
	}
	us, err := a.c.Unvisited(r.Context(), u, sandik.UnitCode(unit), months)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Months int           `json:"months"`
		Units  []sandik.Unit `json:"units"`
	}{months, orEmpty(us)})
	return nil
}

func (a *API) getScorecard(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	sc, err := a.c.Scorecard(r.Context(), u, sandik.UnitCode(r.PathValue("unit")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, sc)
	return nil
}

func (a *API) listScorecards(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	q := r.URL.Query()
	area := q.Get("area")
	if area == "" {
		return handler.BadParam("area", "is required: the province (or area) whose districts are tabled")
	}
	cards, err := a.c.Scorecards(r.Context(), u, sandik.AreaCode(area), q.Get("sort"), q.Get("desc") == "true")
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Area       string             `json:"area"`
		Scorecards []sandik.Scorecard `json:"scorecards"`
	}{area, cards})
	return nil
}

func (a *API) listSisterPairs(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ps, err := a.c.SisterPairs(r.Context(), u)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Pairs any `json:"pairs"`
	}{ps})
	return nil
}

func (a *API) createSisterPair(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.SisterPair
	if err := handler.ReadJSON(w, r, maxVisitBody, pairShape, &in); err != nil {
		return err
	}
	p, err := a.c.CreateSisterPair(r.Context(), u, in)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, p)
	return nil
}

func (a *API) suggestPairs(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	q := r.URL.Query()
	area := q.Get("area")
	if area == "" {
		return handler.BadParam("area", "is required: the province whose districts are paired")
	}
	out, err := a.c.Suggestions(r.Context(), u, sandik.AreaCode(area), q.Get("cross") == "true")
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Suggestions []sandik.Suggestion `json:"suggestions"`
	}{out})
	return nil
}
