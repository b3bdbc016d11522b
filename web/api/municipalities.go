package api

import (
	"net/http"
	"reflect"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/belediye"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// The municipalities' routes. A municipality is read by whoever's areas
// reach its area (names of elected mayors are public; no phone is kept),
// written by administrators and coordinators within their areas.

// maxTermBody bounds a term's body: a council of MaxCouncil members.
const maxTermBody = 256 << 10

var (
	termEditShape = strict.ShapeOf(reflect.TypeFor[center.TermEdit]())
	fillShape     = strict.ShapeOf(reflect.TypeFor[fillInput]())
	partyShape    = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[partyBody]()))
)

type fillInput struct {
	Election sandik.ElectionCode `json:"election"`
	Partial  bool                `json:"partial"`
}

type partyBody struct {
	Party   sandik.PartyCode `json:"party"`
	Version int              `json:"version"`
}

func (a *API) listMunicipalities(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	q := r.URL.Query()
	rep, err := a.c.Municipalities(r.Context(), u, sandik.AreaCode(q.Get("il")), sandik.ElectionCode(q.Get("election")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, rep)
	return nil
}

func (a *API) municipalSummary(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	q := r.URL.Query()
	rep, err := a.c.Municipalities(r.Context(), u, sandik.AreaCode(q.Get("il")), sandik.ElectionCode(q.Get("election")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Election  sandik.ElectionCode `json:"election"`
		Party     sandik.PartyCode    `json:"party"`
		Summaries []belediye.Summary  `json:"summaries"`
	}{rep.Election, rep.Party, rep.Summaries})
	return nil
}

func (a *API) getMunicipality(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	m, terms, err := a.c.MunicipalityTerms(r.Context(), u, sandik.MunicipalityCode(r.PathValue("code")))
	if err != nil {
		return err
	}
	if terms == nil {
		terms = []sandik.MunicipalTerm{}
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Municipality sandik.Municipality    `json:"municipality"`
		Terms        []sandik.MunicipalTerm `json:"terms"`
	}{m, terms})
	return nil
}

func (a *API) putMunicipalTerm(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in center.TermEdit
	if err := handler.ReadJSON(w, r, maxTermBody, termEditShape, &in); err != nil {
		return err
	}
	t, err := a.c.EditTerm(r.Context(), u, sandik.MunicipalityCode(r.PathValue("code")), sandik.ElectionCode(r.PathValue("election")), in)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (a *API) fillMunicipalities(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in fillInput
	if err := handler.ReadJSON(w, r, maxOrgBody, fillShape, &in); err != nil {
		return err
	}
	if in.Election == "" {
		return sandik.Invalid("invalid fill", []sandik.Problem{{Field: "election", Rule: sandik.RuleRequired, Message: "is required"}})
	}
	if !u.Role.CanAdjudicate() {
		return sandik.Errorf(sandik.EForbidden, "user %q (%s) may not fill municipalities; administrators and coordinators may", u.ID, u.Role)
	}
	rs, err := a.c.FillMunicipalities(r.Context(), u, in.Election, in.Partial)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []center.FillResult{}
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Results []center.FillResult `json:"results"`
	}{rs})
	return nil
}

func (a *API) getParty(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
	p, v, err := a.c.OurParty(r.Context())
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, partyBody{p, v})
	return nil
}

func (a *API) putParty(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in partyBody
	if err := handler.ReadJSON(w, r, maxOrgBody, partyShape, &in); err != nil {
		return err
	}
	if err := a.c.SetOurParty(r.Context(), u, in.Party, in.Version); err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, partyBody{in.Party, in.Version + 1})
	return nil
}
