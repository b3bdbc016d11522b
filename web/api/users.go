package api

import (
	"net/http"
	"reflect"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// The routes of users and their rights. Who may create, remove, link and
// grant is the centre's rule of delegation (org.MayGive): an
// administrator anyone, a coordinator below their role within their
// areas.

const maxUserBody = 64 << 10

type userInput struct {
	ID     sandik.UserID     `json:"id"`
	Name   string            `json:"name"`
	Role   sandik.Role       `json:"role"`
	Areas  []sandik.AreaCode `json:"areas"`
	Person sandik.PersonID   `json:"person"`
}

type linkInput struct {
	Person sandik.PersonID `json:"person"`
}

type grantInput struct {
	ID     sandik.GrantID    `json:"id"`
	Role   sandik.Role       `json:"role"`
	Areas  []sandik.AreaCode `json:"areas"`
	Until  string            `json:"until"`
	Reason string            `json:"reason"`
}

var (
	userShape  = strict.ShapeOf(reflect.TypeFor[userInput]())
	linkShape  = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[linkInput]()))
	grantShape = strict.ShapeOf(reflect.TypeFor[grantInput]())
)

func (a *API) listUsers(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	users, err := a.c.UsersOf(r.Context(), u)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Users []sandik.User `json:"users"`
	}{users})
	return nil
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in userInput
	if err := handler.ReadJSON(w, r, maxUserBody, userShape, &in); err != nil {
		return err
	}
	nu := sandik.User{ID: in.ID, Name: in.Name, Role: in.Role, Areas: in.Areas, Person: in.Person}
	token, err := a.c.CreateUserAs(r.Context(), u, nu)
	if err != nil {
		return err
	}
	nu.Areas = sandik.NormalizeAreas(nu.Areas)
	a.b.WriteJSON(w, http.StatusCreated, struct {
		User  sandik.User `json:"user"`
		Token string      `json:"token"`
	}{nu, token})
	return nil
}

func (a *API) removeUser(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := a.c.RemoveUserAs(r.Context(), u, sandik.UserID(r.PathValue("id"))); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) linkUser(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in linkInput
	if err := handler.ReadJSON(w, r, maxUserBody, linkShape, &in); err != nil {
		return err
	}
	linked, err := a.c.LinkPerson(r.Context(), u, sandik.UserID(r.PathValue("id")), in.Person)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, linked)
	return nil
}

func (a *API) listGrants(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	grants, err := a.c.GrantsOf(r.Context(), u, sandik.UserID(r.PathValue("id")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Grants []sandik.Grant `json:"grants"`
	}{grants})
	return nil
}

func (a *API) createGrant(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in grantInput
	if err := handler.ReadJSON(w, r, maxUserBody, grantShape, &in); err != nil {
		return err
	}
	g := sandik.Grant{ID: in.ID, User: sandik.UserID(r.PathValue("id")), Role: in.Role, Areas: in.Areas, Reason: in.Reason}
	if in.ID == "" {
		g.ID = sandik.GrantID("y-" + randomID())
	}
	if in.Until == "" {
		return sandik.Invalid("invalid grant", []sandik.Problem{{Field: "until", Rule: sandik.RuleRequired, Message: "a grant must expire: give a day YYYY-MM-DD or a minute YYYY-MM-DDTHH:MM, İstanbul time"}})
	}
	until, err := sandik.ParseUntil(in.Until)
	if err != nil {
		return sandik.Invalid("invalid grant", []sandik.Problem{{Field: "until", Rule: sandik.RuleInvalidValue, Message: err.Error()}})
	}
	g.Until = until
	g, err = a.c.GrantAs(r.Context(), u, g)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusCreated, g)
	return nil
}

func (a *API) revokeGrant(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	g, err := a.c.RevokeGrantAs(r.Context(), u, sandik.UserID(r.PathValue("id")), sandik.GrantID(r.PathValue("grant")))
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, g)
	return nil
}
