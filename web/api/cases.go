package api

import (
	"io"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/web/casefile"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// caseInput is the body that drafts a case.
type caseInput struct {
	Race   sandik.RaceCode   `json:"race"`
	Boxes  []sandik.AreaCode `json:"boxes"`
	Areas  []sandik.AreaCode `json:"areas"`
	Ground itiraz.Ground     `json:"ground"`
	Remedy itiraz.Remedy     `json:"remedy"`
	Board  itiraz.Board      `json:"board"`
	Filer  string            `json:"filer"`
	Title  string            `json:"title"`
	Body   string            `json:"body"`
	Claim  []int64           `json:"claim"`
	// Trigger is when the deadline runs from for boards whose rule does
	// not run from voting day; now when absent.
	Trigger *time.Time `json:"trigger"`
}

func (in *caseInput) draft() itiraz.Draft {
	return itiraz.Draft{Race: in.Race, Boxes: in.Boxes, Areas: in.Areas, Ground: in.Ground, Remedy: in.Remedy, Board: in.Board,
		Filer: in.Filer, Title: in.Title, Body: in.Body, Claim: in.Claim}
}

// changeInput is the body that changes a case.
type changeInput struct {
	Version   int              `json:"version"`
	Kind      itiraz.EventKind `json:"kind"`
	Draft     *caseInput       `json:"draft"`
	When      *time.Time       `json:"when"`
	Reference string           `json:"reference"`
	Outcome   itiraz.Status    `json:"outcome"`
	Decision  string           `json:"decision"`
	Granted   []int64          `json:"granted"`
	Trigger   *time.Time       `json:"trigger"`
	Reason    string           `json:"reason"`
}

// fromDiscrepanciesInput is the body that turns discrepancies into drafts.
type fromDiscrepanciesInput struct {
	Area  sandik.AreaCode   `json:"area"`
	Boxes []sandik.AreaCode `json:"boxes"`
	Filer string            `json:"filer"`
}

var (
	caseShape     = strict.ShapeOf(reflect.TypeFor[caseInput]())
	changeShape   = strict.ShapeOf(reflect.TypeFor[changeInput]())
	fromDiscShape = strict.ShapeOf(reflect.TypeFor[fromDiscrepanciesInput]())
)

// caseOut is c as the API answers it now.
func (a *API) caseOut(c *itiraz.Case) casefile.Case { return casefile.At(c, a.now()) }

func (a *API) createCase(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in caseInput
	if err := handler.ReadJSON(w, r, a.cfg.MaxBodyBytes, caseShape, &in); err != nil {
		return err
	}
	var trigger time.Time
	if in.Trigger != nil {
		trigger = *in.Trigger
	}
	c, err := a.c.CreateCase(r.Context(), u, in.draft(), trigger)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, a.caseOut(c))
	return nil
}

func (a *API) getCase(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := casefile.CanManage(u); err != nil {
		return err
	}
	c, err := a.c.View(u).Case(r.Context(), itiraz.CaseID(r.PathValue("id")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, a.caseOut(c))
	return nil
}

func (a *API) changeCase(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in changeInput
	if err := handler.ReadJSON(w, r, a.cfg.MaxBodyBytes, changeShape, &in); err != nil {
		return err
	}
	ch := center.Change{Version: in.Version, Kind: in.Kind, Reference: in.Reference, Outcome: in.Outcome,
		Decision: in.Decision, Granted: in.Granted, Reason: in.Reason}
	if in.Draft != nil {
		d := in.Draft.draft()
		ch.Draft = &d
	}
	if in.When != nil {
		ch.When = *in.When
	}
	if in.Trigger != nil {
		ch.Trigger = *in.Trigger
	}
	c, err := a.c.ChangeCase(r.Context(), u, itiraz.CaseID(r.PathValue("id")), ch)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, a.caseOut(c))
	return nil
}

// addEvidence takes the file as the raw body; ?name= names it, ?version=
// is the case version the user saw, Content-Type is kept as its type.
func (a *API) addEvidence(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := casefile.CanManage(u); err != nil {
		return err
	}
	version, err := handler.IntParam(r, "version", 0, 1, 1<<30)
	if err != nil {
		return err
	}
	if version == 0 {
		return handler.BadParam("version", "is required: the case version the evidence is added to")
	}
	limit := int64(itiraz.MaxEvidenceBytes)
	if r.ContentLength > limit {
		return handler.TooLarge(limit)
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return handler.TooLarge(limit)
		}
		return sandik.Errorf(handler.EBadRequest, "could not read the file: %v", err)
	}
	c, err := a.c.AddEvidence(r.Context(), u, itiraz.CaseID(r.PathValue("id")), version, r.URL.Query().Get("name"), r.Header.Get("Content-Type"), data)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, a.caseOut(c))
	return nil
}

// listCases lists cases, ?race= and ?status= filtering; format=csv for a
// spreadsheet.
func (a *API) listCases(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := casefile.CanManage(u); err != nil {
		return err
	}
	q := r.URL.Query()
	status := itiraz.Status(q.Get("status"))
	if status != "" && !slices.Contains(itiraz.Statuses, status) {
		return handler.BadParam("status", "is not a case status (got %q)", status)
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return handler.BadParam("format", "must be json or csv (got %q)", format)
	}
	cases, err := a.c.View(u).Cases(r.Context(), sandik.RaceCode(q.Get("race")))
	if err != nil {
		return err
	}
	out := []casefile.Case{}
	for _, c := range cases {
		if status == "" || c.Status == status {
			out = append(out, a.caseOut(c))
		}
	}
	if format == "csv" {
		lang := q.Get("lang")
		if lang != "" && lang != "tr" && lang != "en" {
			return handler.BadParam("lang", "must be tr or en (got %q)", lang)
		}
		return casefile.WriteCSVIn(w, out, a.c.Registry(), msg.Of(lang))
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Cases []casefile.Case `json:"cases"`
	}{out})
	return nil
}

func (a *API) casesFromDiscrepancies(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in fromDiscrepanciesInput
	if err := handler.ReadJSON(w, r, a.cfg.MaxBodyBytes, fromDiscShape, &in); err != nil {
		return err
	}
	if in.Area == "" {
		return sandik.Invalid("the area is required", []sandik.Problem{{Field: "area", Rule: sandik.RuleRequired, Message: "is required"}})
	}
	filer := in.Filer
	if filer == "" {
		filer = u.Name
	}
	d, err := a.c.DraftCases(r.Context(), u, sandik.RaceCode(r.PathValue("race")), in.Area, in.Boxes, filer)
	if err != nil {
		return err
	}
	out := make([]casefile.Case, len(d.Cases))
	for i, c := range d.Cases {
		out[i] = a.caseOut(c)
	}
	// Boxes already in an open case of the race are left out and named
	// in held; with nothing new made the answer is 200, not 201.
	status := http.StatusCreated
	if len(out) == 0 {
		status = http.StatusOK
	}
	a.b.WriteJSON(w, status, struct {
		Cases []casefile.Case `json:"cases"`
		Held  []center.Held   `json:"held"`
	}{out, d.Held})
	return nil
}

func (a *API) getMargins(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := casefile.CanManage(u); err != nil {
		return err
	}
	q := r.URL.Query()
	m, err := a.c.View(u).Margins(r.Context(), sandik.RaceCode(r.PathValue("race")), sandik.ChoiceCode(q.Get("a")), sandik.ChoiceCode(q.Get("b")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, m)
	return nil
}

// getDeadlines is the deadline board: drafts whose deadline falls within
// ?hours= (24; up to 720) and drafts whose deadline passed unfiled.
func (a *API) getDeadlines(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := casefile.CanManage(u); err != nil {
		return err
	}
	hours, err := handler.IntParam(r, "hours", 24, 1, 720)
	if err != nil {
		return err
	}
	cases, err := a.c.View(u).Cases(r.Context(), sandik.RaceCode(r.URL.Query().Get("race")))
	if err != nil {
		return err
	}
	now := a.now()
	soon, expired := itiraz.DeadlineBoard(cases, now, time.Duration(hours)*time.Hour)
	type due struct {
		casefile.Case
		SecondsLeft int64 `json:"seconds_left"`
	}
	conv := func(ds []itiraz.Due) []due {
		out := make([]due, len(ds))
		for i, d := range ds {
			out[i] = due{a.caseOut(d.Case), int64(d.Left / time.Second)}
		}
		return out
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Now     time.Time     `json:"now"`
		Hours   int           `json:"hours"`
		Soon    []due         `json:"soon"`
		Expired []due         `json:"expired"`
		Rules   []itiraz.Rule `json:"rules"`
	}{now, hours, conv(soon), conv(expired), a.c.DeadlineRules()})
	return nil
}
