package api

import (
	"net/http"
	"reflect"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// Observers at boxes, per election: the assignments, the coverage of an
// area and the boxes assigned but silent on the night. Who may do what
// is the Center's (SaveAssignments, View.Coverage, View.Silent).

type assignInput struct {
	Box    sandik.AreaCode `json:"box"`
	Person sandik.PersonID `json:"person"`
	Note   string          `json:"note"`
}

type silentAfterInput struct {
	Minutes int `json:"minutes"`
	Version int `json:"version"`
}

var (
	assignShape      = strict.ShapeOf(reflect.TypeFor[assignInput]())
	silentAfterShape = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[silentAfterInput]()))
)

func electionOf(r *http.Request) sandik.ElectionCode {
	return sandik.ElectionCode(r.PathValue("election"))
}

func (a *API) createAssignment(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in assignInput
	if err := handler.ReadJSON(w, r, maxOrgBody, assignShape, &in); err != nil {
		return err
	}
	saved, err := a.c.SaveAssignments(r.Context(), u, []sandik.Assignment{{Election: electionOf(r), Box: in.Box, Person: in.Person, Note: in.Note}})
	if err != nil {
		return alone(err, "assignments[0].")
	}
	a.b.WriteJSON(w, http.StatusCreated, saved[0])
	return nil
}

func (a *API) deleteAssignment(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	err := a.c.RemoveAssignment(r.Context(), u, electionOf(r), sandik.AreaCode(r.PathValue("box")), sandik.PersonID(r.PathValue("person")))
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listAssignments(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	// An observer reads only the assignments of the person linked to
	// them; one linked to nobody reads none.
	as, err := a.c.Assignments(r.Context(), u, electionOf(r), sandik.AreaCode(r.URL.Query().Get("area")), u.Person)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Assignments []sandik.Assignment `json:"assignments"`
	}{as})
	return nil
}

func (a *API) getCoverage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	after, n, err := page(r)
	if err != nil {
		return err
	}
	cov, err := a.c.View(u).Coverage(r.Context(), electionOf(r), sandik.AreaCode(r.PathValue("area")))
	if err != nil {
		return err
	}
	gaps, next := pageGaps(cov.Gaps, sandik.AreaCode(after), n)
	a.b.WriteJSON(w, http.StatusOK, struct {
		org.Coverage
		Next sandik.AreaCode `json:"next,omitempty"`
	}{withGaps(cov, gaps), next})
	return nil
}

func withGaps(c org.Coverage, gaps []org.Gap) org.Coverage {
	c.Gaps = gaps
	return c
}

// pageGaps returns up to n gaps after the box after (from the first when
// empty or unknown) and the box to ask after for the next page, if any.
// Gaps are in the Turkish order of their place, not by code, so a page
// is found by position.
func pageGaps(gaps []org.Gap, after sandik.AreaCode, n int) ([]org.Gap, sandik.AreaCode) {
	start := 0
	if after != "" {
		for i, g := range gaps {
			if g.Box == after {
				start = i + 1
				break
			}
		}
	}
	end := min(len(gaps), start+n)
	out := gaps[start:end]
	if end < len(gaps) && len(out) > 0 {
		return out, out[len(out)-1].Box
	}
	return out, ""
}

func (a *API) getSilent(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	after, n, err := page(r)
	if err != nil {
		return err
	}
	s, err := a.c.View(u).Silent(r.Context(), electionOf(r), sandik.AreaCode(r.PathValue("area")), sandik.AreaCode(after), n)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) getSilentAfter(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
	s, err := a.c.SilentAfter(r.Context(), electionOf(r))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, s)
	return nil
}

func (a *API) putSilentAfter(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in silentAfterInput
	if err := handler.ReadJSON(w, r, maxOrgBody, silentAfterShape, &in); err != nil {
		return err
	}
	s, err := a.c.SaveSilentAfter(r.Context(), u, electionOf(r), in.Minutes, in.Version)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, s)
	return nil
}
