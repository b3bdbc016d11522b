package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// usersFixture gives every user of the matrix a user of their own to
// act on ("t-obs1", an observer of İstanbul) holding a grant ("tg-obs1").
func usersFixture(t *testing.T, e *webtest.Env) {
	t.Helper()
	ctx := context.Background()
	root := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	until, _ := sandik.ParseUntil("2019-12-31")
	for _, id := range []string{observer1, volunteer, coordinator, admin, lawyer} {
		if _, err := e.Center.CreateUserAs(ctx, root, sandik.User{ID: sandik.UserID("t-" + id), Name: "Hedef " + id, Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Center.GrantAs(ctx, root, sandik.Grant{ID: sandik.GrantID("tg-" + id), User: sandik.UserID("t-" + id), Role: sandik.RoleVolunteer, Areas: []sandik.AreaCode{"34"}, Until: until, Reason: "matris"}); err != nil {
			t.Fatal(err)
		}
	}
}

// userRequest is a valid request of a route of users as user, for the
// authorisation matrix.
func userRequest(p, user string) (body any, ok bool) {
	switch p {
	case "POST /api/v1/users":
		return map[string]any{"id": "mu-" + user, "name": "Yeni " + user, "role": "observer", "areas": []string{"34"}}, true
	case "PUT /api/v1/users/{id}/person":
		return map[string]any{"person": "m-" + user}, true
	case "POST /api/v1/users/{id}/grants":
		return map[string]any{"role": "lawyer", "areas": []string{"34"}, "until": "2019-12-01", "reason": "matris"}, true
	}
	return nil, false
}

// TestDelegatedUsers: a district coordinator creates an observer in
// their district and gets the token once; is refused one in the next
// district and a coordinator; grants only within their areas, with an
// expiry; and removes the observer, whose token stops at once.
func TestDelegatedUsers(t *testing.T) {
	e := newScopedEnv(t)
	var created struct {
		User  sandik.User `json:"user"`
		Token string      `json:"token"`
	}
	e.Do("POST", "/api/v1/users", webtest.CoordAdal, map[string]any{"id": "ada-m1", "name": "Ada Müşahit", "role": "observer", "areas": []string{"34.01"}}).
		Decode(t, http.StatusCreated, &created)
	if created.Token == "" || created.User.ID != "ada-m1" {
		t.Fatalf("created %+v", created)
	}
	e.Do("GET", "/api/v1/races", "", nil, "Authorization", "Bearer "+created.Token).Decode(t, http.StatusOK, nil)
	var listed struct {
		Users []sandik.User `json:"users"`
	}
	e.Do("GET", "/api/v1/users", webtest.CoordAdal, nil).Decode(t, http.StatusOK, &listed)
	for _, lu := range listed.Users {
		for _, area := range lu.Areas {
			if !strings.HasPrefix(string(area), "34.01") {
				t.Errorf("the district coordinator lists %s of %s", lu.ID, area)
			}
		}
		if lu.Role == sandik.RoleCoordinator || lu.Role == sandik.RoleAdmin {
			t.Errorf("the district coordinator lists %s (%s)", lu.ID, lu.Role)
		}
	}
	if !slices.ContainsFunc(listed.Users, func(x sandik.User) bool { return x.ID == "ada-m1" }) {
		t.Errorf("the district coordinator's list lacks their observer: %+v", listed.Users)
	}
	for _, body := range []map[string]any{
		{"id": "ada-m2", "name": "Öteki", "role": "observer", "areas": []string{"34.02"}},
		{"id": "ada-k", "name": "Koordinatör", "role": "coordinator", "areas": []string{"34.01"}},
		{"id": "ada-a", "name": "Yönetici", "role": "admin"},
	} {
		if d := e.Do("POST", "/api/v1/users", webtest.CoordAdal, body).APIError(t, http.StatusForbidden); d.Code != sandik.EForbidden {
			t.Errorf("%v: %+v", body, d)
		}
	}
	e.Do("POST", "/api/v1/users/ada-m1/grants", webtest.CoordAdal, map[string]any{"role": "lawyer", "areas": []string{"34"}, "until": "2019-12-01", "reason": "gece"}).
		APIError(t, http.StatusForbidden)
	d := e.Do("POST", "/api/v1/users/ada-m1/grants", webtest.CoordAdal, map[string]any{"role": "lawyer", "areas": []string{"34.01"}, "reason": "gece"}).
		APIError(t, http.StatusUnprocessableEntity)
	if len(d.Problems) != 1 || d.Problems[0].Field != "until" {
		t.Errorf("a grant without expiry: %+v", d)
	}
	var g sandik.Grant
	e.Do("POST", "/api/v1/users/ada-m1/grants", webtest.CoordAdal, map[string]any{"role": "lawyer", "areas": []string{"34.01"}, "until": "2019-12-01T18:00", "reason": "gece"}).
		Decode(t, http.StatusCreated, &g)
	if g.GrantedBy != webtest.CoordAdal || g.Until.In(sandik.Istanbul()).Format("2006-01-02 15:04") != "2019-12-01 18:00" {
		t.Errorf("grant %+v", g)
	}
	var list struct {
		Grants []sandik.Grant `json:"grants"`
	}
	e.Do("GET", "/api/v1/users/ada-m1/grants", webtest.CoordAdal, nil).Decode(t, http.StatusOK, &list)
	if len(list.Grants) != 1 || list.Grants[0].ID != g.ID {
		t.Errorf("grants %+v", list)
	}
	e.Do("DELETE", "/api/v1/users/ada-m1", webtest.CoordAdal, nil).Decode(t, http.StatusNoContent, nil)
	e.Do("GET", "/api/v1/races", "", nil, "Authorization", "Bearer "+created.Token).APIError(t, http.StatusUnauthorized)
}
