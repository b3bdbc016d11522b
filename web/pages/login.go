package pages

import (
	"net/http"
	"net/url"

	"github.com/sandik-dev/sandik"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// loginPage shows the sign-in form.
func (p *Pages) loginPage(w http.ResponseWriter, r *http.Request) error {
	return p.renderLogin(w, r, http.StatusOK, "")
}

func (p *Pages) renderLogin(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	data := struct {
		base
		Next    string
		Problem string
	}{p.baseOf(r, sandik.User{}, "login"), localPath(r.FormValue("next")), problem}
	return p.render(w, status, "login", data)
}

// login checks the token and opens a session. Cross-origin posts are
// refused, so that no other site can sign a browser in (login CSRF).
func (p *Pages) login(w http.ResponseWriter, r *http.Request) error {
	if err := p.cop.Check(r); err != nil {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EForbidden, "cross-origin request refused"))
	}
	if err := p.b.CheckLogin(r); err != nil {
		return p.errorPage(w, r, sandik.User{}, err)
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	token := r.PostFormValue("token")
	u, err := p.c.Authenticate(r.Context(), token)
	if err != nil {
		if sandik.CodeOf(err) != sandik.EUnauthorized {
			return p.errorPage(w, r, sandik.User{}, err)
		}
		p.b.LoginFailed(r)
		return p.renderLogin(w, r, http.StatusUnauthorized, p.langOf(r).T("login.bad"))
	}
	if err := p.b.SignIn(u.ID); err != nil {
		return p.errorPage(w, r, sandik.User{}, err)
	}
	if err := p.sessions.end(r); err != nil {
		return p.errorPage(w, r, sandik.User{}, err)
	}
	if err := p.sessions.start(w, r, u, token); err != nil {
		return p.errorPage(w, r, sandik.User{}, err)
	}
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// logout ends the session on the server and in the browser.
func (p *Pages) logout(w http.ResponseWriter, r *http.Request) error {
	if err := p.cop.Check(r); err != nil {
		return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EForbidden, "cross-origin request refused"))
	}
	// If the row cannot be deleted the cookie stays, so that the user sees
	// the failure and tries again rather than believing they signed out.
	if err := p.sessions.end(r); err != nil {
		return p.errorPage(w, r, sandik.User{}, err)
	}
	http.SetCookie(w, &http.Cookie{Name: p.sessions.cookieName(r), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: p.b.Secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// home sends coordinators to the first race's overview and everyone else
// to the entry form.
func (p *Pages) home(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	reg := p.c.Registry()
	if u.Role == sandik.RoleLawyer {
		http.Redirect(w, r, "/itiraz", http.StatusSeeOther)
		return nil
	}
	if !u.Role.CanAdjudicate() || len(reg.Races) == 0 {
		http.Redirect(w, r, "/entry", http.StatusSeeOther)
		return nil
	}
	rc := reg.Races[0]
	http.Redirect(w, r, "/races/"+url.PathEscape(string(rc.Code))+"/areas/"+url.PathEscape(string(rc.Scope)), http.StatusSeeOther)
	return nil
}
