package pages

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/collation"
	"github.com/sandik-dev/sandik/web/handler"
)

// The users page is where a coordinator manages the people who sign in
// within their areas: a district coordinator adds the observers of their
// district and removes them, never above their own role nor outside their
// areas (center.CreateUserAs and RemoveUserAs decide, as for the API).

// roleOrder is the roles from the least to the most rights.
var roleOrder = []sandik.Role{sandik.RoleObserver, sandik.RoleVolunteer, sandik.RoleLawyer, sandik.RoleCoordinator, sandik.RoleAdmin}

type userRow struct {
	ID, Name, Role, Areas, Person, PersonHref string
	Removed                                   bool
	Remove                                    string // the form's action; empty: not removable here
}

type roleOption struct {
	Value, Label string
	Selected     bool
}

type usersView struct {
	base
	Rows    []userRow
	Roles   []roleOption
	Form    newUserForm
	Problem string
	// Created is the user just created, with their token: shown once,
	// on this answer only.
	Created      *userRow
	Token        string
	RemovedNotes string
	// The list pages by usersPerPage rows.
	Count, PageOf, Prev, Next string
}

// usersPerPage is how many users the page lists at once.
const usersPerPage = 50

// newUserForm is what the add form was sent with, shown again with a
// problem.
type newUserForm struct {
	ID, Name, Areas, Person string
}

func (p *Pages) usersPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	v, err := p.usersView(r, u, newUserForm{}, sandik.RoleObserver, "")
	if err != nil {
		return err
	}
	if id := r.URL.Query().Get("silindi"); id != "" {
		v.RemovedNotes = v.L.F("users.removed", id)
	}
	return p.render(w, http.StatusOK, "users", v)
}

func (p *Pages) usersView(r *http.Request, u sandik.User, form newUserForm, role sandik.Role, show sandik.UserID) (*usersView, error) {
	users, err := p.c.UsersOf(r.Context(), u)
	if err != nil {
		return nil, err
	}
	v := &usersView{base: p.baseOf(r, u, "users.title"), Form: form}
	collation.Sort(users, func(x sandik.User) string { return x.Name })
	pages := max(1, (len(users)+usersPerPage-1)/usersPerPage)
	page := 1
	if s := r.URL.Query().Get("sayfa"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > pages {
			return nil, sandik.Invalid("invalid page", []sandik.Problem{{Field: "sayfa", Rule: sandik.RuleInvalidValue, Message: "a page from 1 to " + strconv.Itoa(pages)}})
		}
		page = n
	}
	if i := slices.IndexFunc(users, func(x sandik.User) bool { return x.ID == show }); i >= 0 {
		page = i/usersPerPage + 1 // the page of the user just added
		row := p.userRow(v.L, u, users[i])
		v.Created = &row
	}
	v.Count = v.L.F("users.count", v.L.Num(int64(len(users))))
	v.PageOf = v.L.F("people.page_of", v.L.Num(int64(page)), v.L.Num(int64(pages)))
	if page > 1 {
		v.Prev = "/kullanicilar?sayfa=" + strconv.Itoa(page-1)
	}
	if page < pages {
		v.Next = "/kullanicilar?sayfa=" + strconv.Itoa(page+1)
	}
	for _, x := range users[min(len(users), (page-1)*usersPerPage):min(len(users), page*usersPerPage)] {
		v.Rows = append(v.Rows, p.userRow(v.L, u, x))
	}
	for _, ro := range roleOrder {
		if ro.Rank() <= u.Role.Rank() && (ro != sandik.RoleAdmin || u.Role == sandik.RoleAdmin) {
			v.Roles = append(v.Roles, roleOption{Value: string(ro), Label: v.L.T("rights.role." + string(ro)), Selected: ro == role})
		}
	}
	return v, nil
}

func (p *Pages) userRow(l *lang, actor, x sandik.User) userRow {
	reg := p.c.Registry()
	var areas []string
	for _, a := range x.Areas {
		if ar, ok := reg.Area(a); ok {
			areas = append(areas, ar.Name+" ("+string(a)+")")
		} else {
			areas = append(areas, string(a))
		}
	}
	row := userRow{ID: string(x.ID), Name: x.Name, Role: l.T("rights.role." + string(x.Role)), Areas: strings.Join(areas, ", "), Removed: x.Removed}
	if row.Areas == "" {
		row.Areas = l.T("users.everywhere")
		if x.Role == sandik.RoleObserver {
			row.Areas = l.T("users.no_areas")
		}
	}
	if x.Person != "" {
		row.Person, row.PersonHref = string(x.Person), "/kisiler/"+url.PathEscape(string(x.Person))
	}
	if !x.Removed && x.ID != actor.ID {
		row.Remove = "/kullanicilar/" + url.PathEscape(string(x.ID)) + "/sil"
	}
	return row
}

// createUserForm creates a user from the add form and answers with their
// token, once: the answer is not stored by the browser (no-store), and
// nothing shows it again.
func (p *Pages) createUserForm(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return sandik.Errorf(handler.EBadRequest, "unreadable form: %v", err)
	}
	f := r.PostForm
	form := newUserForm{ID: strings.TrimSpace(f.Get("id")), Name: strings.TrimSpace(f.Get("name")), Areas: strings.TrimSpace(f.Get("areas")), Person: strings.TrimSpace(f.Get("person"))}
	role := sandik.Role(f.Get("role"))
	nu := sandik.User{ID: sandik.UserID(form.ID), Name: form.Name, Role: role, Person: sandik.PersonID(form.Person)}
	for _, a := range strings.FieldsFunc(form.Areas, func(r rune) bool { return r == ',' || r == ' ' || r == '|' }) {
		nu.Areas = append(nu.Areas, sandik.AreaCode(a))
	}
	token, err := p.c.CreateUserAs(r.Context(), u, nu)
	switch sandik.CodeOf(err) {
	case "":
	case sandik.EInvalid, sandik.EConflict, sandik.EForbidden:
		// Shown on the form, which keeps what was typed: a refusal of a
		// role or an area is the coordinator's to correct, not an error
		// page.
		v, verr := p.usersView(r, u, form, role, "")
		if verr != nil {
			return verr
		}
		v.Problem = sandik.MessageOf(err)
		for _, pr := range sandik.ProblemsOf(err) {
			v.Problem += "; " + pr.String()
		}
		status := http.StatusUnprocessableEntity
		if sandik.CodeOf(err) == sandik.EForbidden {
			status = http.StatusForbidden
		}
		return p.render(w, status, "users", v)
	default:
		return err
	}
	v, err := p.usersView(r, u, newUserForm{}, sandik.RoleObserver, nu.ID)
	if err != nil {
		return err
	}
	v.Token = token
	w.Header().Set("Cache-Control", "no-store")
	return p.render(w, http.StatusCreated, "users", v)
}

// removeUserForm takes a user out of use: their token and sessions end.
func (p *Pages) removeUserForm(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	id := sandik.UserID(r.PathValue("id"))
	if err := p.c.RemoveUserAs(r.Context(), u, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/kullanicilar?silindi="+url.QueryEscape(string(id)), http.StatusSeeOther)
	return nil
}
