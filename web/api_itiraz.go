package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
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

func canManage(u sandik.User) error {
	if !u.Role.CanManageCases() {
		return sandik.Errorf(sandik.EForbidden, "objections are for lawyers, coordinators and admins")
	}
	return nil
}

// caseJSON is a case with what the deadline means now.
type caseJSON struct {
	*itiraz.Case
	Late bool `json:"late"`
}

func (s *Server) caseOut(c *itiraz.Case) caseJSON {
	return caseJSON{Case: c, Late: c.Late(s.now())}
}

func (s *Server) createCase(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in caseInput
	if err := s.readJSON(w, r, s.cfg.MaxBodyBytes, caseShape, &in); err != nil {
		return err
	}
	var trigger time.Time
	if in.Trigger != nil {
		trigger = *in.Trigger
	}
	c, err := s.c.CreateCase(r.Context(), u, in.draft(), trigger)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, s.caseOut(c))
	return nil
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := canManage(u); err != nil {
		return err
	}
	c, err := s.c.View(u).Case(r.Context(), itiraz.CaseID(r.PathValue("id")))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, s.caseOut(c))
	return nil
}

func (s *Server) changeCase(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in changeInput
	if err := s.readJSON(w, r, s.cfg.MaxBodyBytes, changeShape, &in); err != nil {
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
	c, err := s.c.ChangeCase(r.Context(), u, itiraz.CaseID(r.PathValue("id")), ch)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, s.caseOut(c))
	return nil
}

// addEvidence takes the file as the raw body; ?name= names it, ?version=
// is the case version the user saw, Content-Type is kept as its type.
func (s *Server) addEvidence(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := canManage(u); err != nil {
		return err
	}
	version, err := intParam(r, "version", 0, 1, 1<<30)
	if err != nil {
		return err
	}
	if version == 0 {
		return badParam("version", "is required: the case version the evidence is added to")
	}
	limit := int64(itiraz.MaxEvidenceBytes)
	if r.ContentLength > limit {
		return tooLarge(limit)
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return tooLarge(limit)
		}
		return sandik.Errorf(eBadRequest, "could not read the file: %v", err)
	}
	c, err := s.c.AddEvidence(r.Context(), u, itiraz.CaseID(r.PathValue("id")), version, r.URL.Query().Get("name"), r.Header.Get("Content-Type"), data)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, s.caseOut(c))
	return nil
}

// getEvidence hands a stored document out as an attachment, never as a
// page the browser would render.
func (s *Server) getEvidence(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := canManage(u); err != nil {
		return err
	}
	sum := r.PathValue("sha256")
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		return badParam("sha256", "must be 64 lower-case hex digits")
	}
	data, err := s.c.View(u).Evidence(r.Context(), sum)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="evidence-%s"`, sum[:16]))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Digest", "sha-256="+sum)
	w.WriteHeader(http.StatusOK)
	w.Write(data)
	return nil
}

// listCases lists cases, ?race= and ?status= filtering; format=csv for a
// spreadsheet.
func (s *Server) listCases(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := canManage(u); err != nil {
		return err
	}
	q := r.URL.Query()
	status := itiraz.Status(q.Get("status"))
	if status != "" && !contains(itiraz.Statuses, status) {
		return badParam("status", "is not a case status (got %q)", status)
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return badParam("format", "must be json or csv (got %q)", format)
	}
	cases, err := s.c.View(u).Cases(r.Context(), sandik.RaceCode(q.Get("race")))
	if err != nil {
		return err
	}
	out := []caseJSON{}
	for _, c := range cases {
		if status == "" || c.Status == status {
			out = append(out, s.caseOut(c))
		}
	}
	if format == "csv" {
		return s.writeCasesCSV(w, out)
	}
	s.writeJSON(w, http.StatusOK, struct {
		Cases []caseJSON `json:"cases"`
	}{out})
	return nil
}

func contains[T comparable](vs []T, v T) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

func (s *Server) writeCasesCSV(w http.ResponseWriter, cases []caseJSON) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	loc := itiraz.Istanbul()
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	cw.Write([]string{"dosya", "yarış", "kurul", "durum", "gerekçe", "talep", "sandık sayısı", "bölge sayısı", "başlık", "başvuran",
		"son gün (İstanbul)", "başvuru", "karar", "sayı", "geç", "talep edilen oy etkisi"})
	for _, c := range cases {
		claim := make([]string, len(c.Claim))
		for i, v := range c.Claim {
			claim[i] = strconv.FormatInt(v, 10)
		}
		cw.Write([]string{string(c.ID), string(c.Race), string(c.Board), string(c.Status), string(c.Ground), string(c.Remedy),
			strconv.Itoa(len(c.Boxes)), strconv.Itoa(len(c.Areas)), textCell(c.Title), textCell(c.Filer), stamp(c.Deadline), stamp(c.FiledAt), stamp(c.DecidedAt),
			c.Reference, strconv.FormatBool(c.Late), strings.Join(claim, " ")})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="itirazlar.csv"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

// textCell keeps user text a spreadsheet would run as a formula (a cell
// beginning with = + - @) as text.
func textCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func (s *Server) casesFromDiscrepancies(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in fromDiscrepanciesInput
	if err := s.readJSON(w, r, s.cfg.MaxBodyBytes, fromDiscShape, &in); err != nil {
		return err
	}
	if in.Area == "" {
		return sandik.Invalid("the area is required", []sandik.Problem{{Field: "area", Rule: sandik.RuleRequired, Message: "is required"}})
	}
	filer := in.Filer
	if filer == "" {
		filer = u.Name
	}
	cases, err := s.c.DraftFromDiscrepancies(r.Context(), u, sandik.RaceCode(r.PathValue("race")), in.Area, in.Boxes, filer)
	if err != nil {
		return err
	}
	out := make([]caseJSON, len(cases))
	for i, c := range cases {
		out[i] = s.caseOut(c)
	}
	s.writeJSON(w, http.StatusCreated, struct {
		Cases []caseJSON `json:"cases"`
	}{out})
	return nil
}

func (s *Server) getMargins(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := canManage(u); err != nil {
		return err
	}
	q := r.URL.Query()
	m, err := s.c.View(u).Margins(r.Context(), sandik.RaceCode(r.PathValue("race")), sandik.ChoiceCode(q.Get("a")), sandik.ChoiceCode(q.Get("b")))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, m)
	return nil
}

// getDeadlines is the deadline board: drafts whose deadline falls within
// ?hours= (24; up to 720) and drafts whose deadline passed unfiled.
func (s *Server) getDeadlines(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := canManage(u); err != nil {
		return err
	}
	hours, err := intParam(r, "hours", 24, 1, 720)
	if err != nil {
		return err
	}
	cases, err := s.c.View(u).Cases(r.Context(), sandik.RaceCode(r.URL.Query().Get("race")))
	if err != nil {
		return err
	}
	now := s.now()
	soon, expired := itiraz.DeadlineBoard(cases, now, time.Duration(hours)*time.Hour)
	type due struct {
		caseJSON
		SecondsLeft int64 `json:"seconds_left"`
	}
	conv := func(ds []itiraz.Due) []due {
		out := make([]due, len(ds))
		for i, d := range ds {
			out[i] = due{s.caseOut(d.Case), int64(d.Left / time.Second)}
		}
		return out
	}
	s.writeJSON(w, http.StatusOK, struct {
		Now     time.Time     `json:"now"`
		Hours   int           `json:"hours"`
		Soon    []due         `json:"soon"`
		Expired []due         `json:"expired"`
		Rules   []itiraz.Rule `json:"rules"`
	}{now, hours, conv(soon), conv(expired), s.c.DeadlineRules()})
	return nil
}
