package api

import (
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// Contacts under KVKK: who sees a person's phones, e-mail and note is
// sandik.MaySeeContact's table; every showing is logged by the centre
// (ShowContact) before it is answered. The log, exports and erasures are
// for administrators.

var eraseShape = strict.RequireAll(strict.ShapeOf(reflect.TypeFor[eraseInput]()))

type eraseInput struct {
	Reason string `json:"reason"`
}

// throttled turns the centre's refusal over the minute's limit of
// contacts into a 429 with Retry-After.
func throttled(err error) error {
	if sandik.CodeOf(err) == sandik.ETooMany {
		return handler.TooMany(time.Minute, "%s", sandik.MessageOf(err))
	}
	return err
}

func (a *API) listContactViews(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	after, n, err := page(r)
	if err != nil {
		return err
	}
	f := sandik.ContactViewFilter{Person: sandik.PersonID(r.URL.Query().Get("person")), User: sandik.UserID(r.URL.Query().Get("user")), Limit: n}
	if after != "" {
		if f.After, err = strconv.ParseInt(after, 10, 64); err != nil || f.After < 0 {
			return handler.BadParam("after", "must be the seq of a view, a whole number (got %q)", after)
		}
	}
	views, err := a.c.ContactViews(r.Context(), u, f)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, struct {
		Views []sandik.ContactView `json:"views"`
	}{views})
	return nil
}

func (a *API) exportPerson(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	x, err := a.c.ExportPerson(r.Context(), u, sandik.PersonID(r.PathValue("id")))
	if err != nil {
		return throttled(err)
	}
	w.Header().Set("Content-Disposition", `attachment; filename="person-`+string(x.Person.ID)+`.json"`)
	a.b.WriteJSON(w, http.StatusOK, x)
	return nil
}

func (a *API) erasePerson(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	var in eraseInput
	if err := handler.ReadJSON(w, r, maxOrgBody, eraseShape, &in); err != nil {
		return err
	}
	ctx := r.Context()
	id := sandik.PersonID(r.PathValue("id"))
	if err := a.c.ErasePerson(ctx, u, id, in.Reason); err != nil {
		return err
	}
	p, err := a.c.Org().Person(ctx, id)
	if err != nil {
		return err
	}
	a.b.WriteJSON(w, http.StatusOK, p)
	return nil
}
