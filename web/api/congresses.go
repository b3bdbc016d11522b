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

// The congresses' routes (docs/congresses.md). A congress is read by
// whoever's areas reach its unit's area and run by those who may change
// the organisation there; its sheets are entered through the
// submissions' routes like any box's.

const maxCongressBody = 512 << 10

var (
	congressShape   = strict.ShapeOf(reflect.TypeFor[sandik.Congress]())
	contestShape    = strict.ShapeOf(reflect.TypeFor[sandik.Contest]())
	listShape       = strict.ShapeOf(reflect.TypeFor[sandik.CandidateList]())
	checkinShape    = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[checkinInput]()))
	mandatesShape   = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[mandatesInput]()))
	mandateEndShape = strict.ShapeOf(reflect.TypeFor[mandateEndInput]())
	emptyShape      = strict.ShapeOf(reflect.TypeFor[struct{}]())
)

type checkinInput struct {
	Person sandik.PersonID `json:"person"`
	Desk   string          `json:"desk"`
}

type mandatesInput struct {
	Mandates []sandik.Mandate `json:"mandates"`
}

type mandateEndInput struct {
	End    sandik.Date `json:"end"`
	Reason string      `json:"reason"`
}

func congressID(r *http.Request) sandik.CongressID { return sandik.CongressID(r.PathValue("id")) }

func (a *API) listCongresses(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	cs, err := a.c.Congresses(r.Context(), u, sandik.CongressFilter{Unit: sandik.UnitCode(r.URL.Query().Get("unit"))})
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Congresses []sandik.Congress `json:"congresses"`
		Calendar   []sandik.Period   `json:"calendar"`
	}{orEmpty(cs), orEmpty(sandik.Calendar(cs, sandik.DefaultCalendar()))})
	return nil
}

func (a *API) createCongress(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.Congress
	if err := handler.ReadJSON(w, r, maxCongressBody, congressShape, &in); err != nil {
		return err
	}
	g, err := a.c.CreateCongress(r.Context(), u, in)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, g)
	return nil
}

func (a *API) getCongress(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ctx := r.Context()
	g, err := a.c.Congress(ctx, u, congressID(r), false)
	if err != nil {
		return err
	}
	ks, err := a.c.Contests(ctx, u, g.ID)
	if err != nil {
		return err
	}
	var att *center.Attendance
	if !g.Frozen.IsZero() {
		at, err := a.c.CongressAttendance(ctx, u, g.ID)
		if err != nil {
			return err
		}
		at.Checkins = nil
		att = &at
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Congress   sandik.Congress    `json:"congress"`
		Contests   []sandik.Contest   `json:"contests"`
		Attendance *center.Attendance `json:"attendance,omitempty"`
		Calendar   []sandik.Period    `json:"calendar"`
	}{g, orEmpty(ks), att, sandik.Calendar([]sandik.Congress{g}, sandik.DefaultCalendar())})
	return nil
}

func (a *API) getElectorate(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if f := r.URL.Query().Get("format"); f != "" {
		g, header, rows, err := a.c.ElectorateTable(r.Context(), u, congressID(r))
		if err != nil {
			return err
		}
		return writeTable(w, f, string(g.ID)+"-delegeler", header, rows)
	}
	g, es, err := a.c.Electorate(r.Context(), u, congressID(r))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Frozen     bool             `json:"frozen"`
		Electorate []sandik.Elector `json:"electorate"`
	}{!g.Frozen.IsZero(), orEmpty(es)})
	return nil
}

func (a *API) freezeElectorate(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := handler.ReadJSON(w, r, maxCongressBody, emptyShape, &struct{}{}); err != nil {
		return err
	}
	g, es, err := a.c.FreezeElectorate(r.Context(), u, congressID(r))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, struct {
		Congress   sandik.Congress  `json:"congress"`
		Electorate []sandik.Elector `json:"electorate"`
	}{g, es})
	return nil
}

func (a *API) listCheckins(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	at, err := a.c.CongressAttendance(r.Context(), u, congressID(r))
	if err != nil {
		return err
	}
	at.Checkins = orEmpty(at.Checkins)
	a.b.WriteJSON(w, http.StatusOK, at)
	return nil
}

func (a *API) checkInDelegate(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in checkinInput
	if err := handler.ReadJSON(w, r, maxOrgBody, checkinShape, &in); err != nil {
		return err
	}
	ck, err := a.c.CheckInDelegate(r.Context(), u, congressID(r), in.Person, in.Desk)
	if err != nil {
		return err
	}
	g, err := a.c.Congress(r.Context(), u, congressID(r), false)
	if err != nil {
		return err
	}
	at, err := a.c.AttendanceCount(r.Context(), g)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, struct {
		Checkin    sandik.Checkin    `json:"checkin"`
		Attendance center.Attendance `json:"attendance"`
	}{ck, at})
	return nil
}

func (a *API) listContests(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ks, err := a.c.Contests(r.Context(), u, congressID(r))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Contests []sandik.Contest `json:"contests"`
	}{orEmpty(ks)})
	return nil
}

func (a *API) createContest(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.Contest
	if err := handler.ReadJSON(w, r, maxCongressBody, contestShape, &in); err != nil {
		return err
	}
	in.Congress = congressID(r)
	k, err := a.c.AddContest(r.Context(), u, in)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, k)
	return nil
}

func (a *API) openCounting(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := handler.ReadJSON(w, r, maxOrgBody, emptyShape, &struct{}{}); err != nil {
		return err
	}
	k, err := a.c.OpenCounting(r.Context(), u, congressID(r), r.PathValue("contest"))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, k)
	return nil
}

func (a *API) listLists(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	vs, err := a.c.Lists(r.Context(), u, congressID(r))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Versions []sandik.CandidateList `json:"versions"`
		Current  []sandik.CandidateList `json:"current"`
	}{orEmpty(vs), orEmpty(sandik.CurrentLists(vs))})
	return nil
}

func (a *API) appendList(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in sandik.CandidateList
	if err := handler.ReadJSON(w, r, maxCongressBody, listShape, &in); err != nil {
		return err
	}
	in.Congress = congressID(r)
	l, err := a.c.AppendList(r.Context(), u, in)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, l)
	return nil
}

func (a *API) getCongressResults(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if f := r.URL.Query().Get("format"); f != "" {
		g, header, rows, err := a.c.ElectedTable(r.Context(), u, congressID(r))
		if err != nil {
			return err
		}
		return writeTable(w, f, string(g.ID)+"-secilenler", header, rows)
	}
	rs, seq, err := a.c.ContestResults(r.Context(), u, congressID(r))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Seq     int64                  `json:"seq"`
		Results []sandik.ContestResult `json:"results"`
	}{seq, orEmpty(rs)})
	return nil
}

func (a *API) approveResult(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := handler.ReadJSON(w, r, maxOrgBody, emptyShape, &struct{}{}); err != nil {
		return err
	}
	res, err := a.c.ApproveResult(r.Context(), u, congressID(r), r.PathValue("contest"))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, res)
	return nil
}

func (a *API) listMandates(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	q := r.URL.Query()
	f := sandik.MandateFilter{Level: sandik.CongressLevel(q.Get("level")), Unit: sandik.UnitCode(q.Get("unit")), Person: sandik.PersonID(q.Get("person")), From: sandik.CongressID(q.Get("from"))}
	ms, err := a.c.Mandates(r.Context(), u, f)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Mandates []sandik.MandateState `json:"mandates"`
	}{orEmpty(ms)})
	return nil
}

func (a *API) createMandates(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in mandatesInput
	if err := handler.ReadJSON(w, r, maxCongressBody, mandatesShape, &in); err != nil {
		return err
	}
	if err := a.c.SaveMandates(r.Context(), u, in.Mandates); err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, in)
	return nil
}

func (a *API) endMandate(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in mandateEndInput
	if err := handler.ReadJSON(w, r, maxOrgBody, mandateEndShape, &in); err != nil {
		return err
	}
	if err := a.c.EndMandate(r.Context(), u, sandik.MandateID(r.PathValue("mandate")), in.End, in.Reason); err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, in)
	return nil
}

// writeTable answers a table as CSV or XLSX (center.TableFile).
func writeTable(w http.ResponseWriter, format, name string, header []string, rows [][]any) error {
	data, ctype, err := center.TableFile(format, header, rows)
	if err != nil {
		if sandik.CodeOf(err) == sandik.EInvalid {
			return handler.BadParam("format", "must be csv or xlsx (got %q)", format)
		}
		return err
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+"."+format+`"`)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data)
	return nil
}
