package pages

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

// TestUsersPage: a district coordinator manages the users of their
// district from the page: sees only them, adds an observer at a box of
// the district and is shown the token once (never stored by the
// browser), and is refused a box of the next district, the role of
// administrator and their own role over their own whole district, each
// on the form with nothing created; removing a user ends them.
func TestUsersPage(t *testing.T) {
	e := newScopedEnv(t)
	b := e.Browser(coordAdal)
	body := html.UnescapeString(b.Page("/kullanicilar", http.StatusOK))
	for _, want := range []string{"Müşahit 1001", "Adalar avukatı", `<option value="coordinator"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the users page of %s lacks %q", coordAdal, want)
		}
	}
	for _, not := range []string{">" + coordinator + "<", ">" + admin + "<", `<option value="admin"`, "/kullanicilar/" + coordAdal + "/sil"} {
		if strings.Contains(body, not) {
			t.Errorf("the users page of %s shows %q", coordAdal, not)
		}
	}

	r := b.Post("/kullanicilar", url.Values{"id": {"musahit-yeni"}, "name": {"Yeni Müşahit"}, "role": {"observer"}, "areas": {box2}})
	if r.Status != http.StatusCreated || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("add an observer at a box of the district: %d, Cache-Control %q", r.Status, r.Header.Get("Cache-Control"))
	}
	token := tokenOn(t, string(r.Body))
	if _, err := e.Center.Authenticate(t.Context(), token); err != nil {
		t.Errorf("the token shown does not sign in: %v", err)
	}
	again := b.Page("/kullanicilar", http.StatusOK)
	if strings.Contains(again, token) || !strings.Contains(again, "musahit-yeni") {
		t.Error("the list shows the token again, or not the new user")
	}

	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		says   string
	}{
		{"a box of the next district", url.Values{"id": {"disari"}, "name": {"D"}, "role": {"observer"}, "areas": {box3}}, http.StatusForbidden, "outside the areas"},
		{"an administrator", url.Values{"id": {"patron"}, "name": {"P"}, "role": {"admin"}}, http.StatusForbidden, "above their own"},
		{"their own role over their whole district", url.Values{"id": {"ikinci"}, "name": {"İ"}, "role": {"coordinator"}, "areas": {"34.01"}}, http.StatusForbidden, "inside theirs"},
		{"a bad login name", url.Values{"id": {"bad id"}, "name": {"B"}, "role": {"observer"}, "areas": {box1}}, http.StatusUnprocessableEntity, "id"},
		{"a taken login name", url.Values{"id": {obsBox1}, "name": {"B"}, "role": {"observer"}, "areas": {box1}}, http.StatusUnprocessableEntity, "exists"},
	} {
		r := b.Post("/kullanicilar", c.form)
		page := html.UnescapeString(string(r.Body))
		if r.Status != c.status || !strings.Contains(page, c.says) || !strings.Contains(page, `value="`+c.form.Get("id")+`"`) {
			t.Errorf("%s: %d, want %d with %q and the form kept: %.300s", c.name, r.Status, c.status, c.says, page)
		}
	}
	users, err := e.Center.UsersOf(t.Context(), sandik.User{ID: "setup", Role: sandik.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []sandik.UserID{"disari", "patron", "ikinci", "bad id"} {
		if slices.ContainsFunc(users, func(u sandik.User) bool { return u.ID == id }) {
			t.Errorf("a refused user %q was created", id)
		}
	}

	// Removing: a user of the district, not one above or outside.
	if r := b.Post("/kullanicilar/musahit-yeni/sil", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("remove a user of the district: %d", r.Status)
	}
	if _, err := e.Center.Authenticate(t.Context(), token); err == nil {
		t.Error("the removed user's token still signs in")
	}
	if r := b.Post("/kullanicilar/"+coordinator+"/sil", nil); r.Status != http.StatusForbidden {
		t.Errorf("remove the centre's coordinator: %d, want 403", r.Status)
	}
	if r := e.Browser(obsBox1).Get("/kullanicilar"); r.Status != http.StatusForbidden {
		t.Errorf("an observer opens the users page: %d, want 403", r.Status)
	}

	// A network's thousands page by fifty.
	for i := range 60 {
		e.AddUser(sandik.User{ID: sandik.UserID(fmt.Sprintf("m-%02d", i)), Name: fmt.Sprintf("Müşahit %02d", i), Role: sandik.RoleObserver, Areas: []sandik.AreaCode{box1}})
	}
	first := b.Page("/kullanicilar", http.StatusOK)
	if n := strings.Count(first, `<th scope="row">`); n != usersPerPage || !strings.Contains(first, `href="/kullanicilar?sayfa=2" rel="next"`) {
		t.Errorf("the first page lists %d users, want %d with a next page", n, usersPerPage)
	}
	if n := strings.Count(b.Page("/kullanicilar?sayfa=2", http.StatusOK), `<th scope="row">`); n != 63-usersPerPage {
		t.Errorf("the second page lists %d users, want %d", n, 63-usersPerPage)
	}
	b.Page("/kullanicilar?sayfa=3", http.StatusUnprocessableEntity)
}

// tokenOn returns the token the page shows in its read-only field.
func tokenOn(t *testing.T, page string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `id="token" type="text" readonly value="`)
	token, _, _ := strings.Cut(rest, `"`)
	if !ok || !strings.HasPrefix(token, "sdk_") {
		t.Fatalf("no token on the page: %.500s", page)
	}
	return token
}
