package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"

	"github.com/sandik-dev/sandik"
)

// The pages' templates and assets travel inside the binary: the centre
// works offline and no page loads anything from another site.
//
//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// parsePages parses every page template once, at start, each with the
// shared layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/page_*.html")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*template.Template, len(names))
	for _, n := range names {
		t, err := template.New("layout.html").Funcs(template.FuncMap{
			"list": func(xs ...string) []string { return xs },
			"dict": func(l *lang, rows []caseRow) any {
				return struct {
					L    *lang
					Rows []caseRow
				}{l, rows}
			},
		}).ParseFS(templateFS, "templates/layout.html", "templates/blocks.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		out[n[len("templates/page_"):len(n)-len(".html")]] = t
	}
	return out, nil
}

// pageCSP lets pages load their own script and style and nothing else;
// inline scripts and styles stay forbidden.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// base is what every page shows around its content.
type base struct {
	L     *lang
	User  sandik.User
	Title string
	Path  string // the page's own path and query, for the language switch
	Races []*sandik.Race
	Race  *sandik.Race // the race in view, if any
	Coord bool         // the user may see everything
	Cases bool         // the user handles objections
	Sees  bool         // the user sees every entry (comparisons)
}

func (s *Server) baseOf(r *http.Request, u sandik.User, title string) base {
	reg := s.c.Registry()
	races := make([]*sandik.Race, len(reg.Races))
	for i := range reg.Races {
		races[i] = &reg.Races[i]
	}
	l := s.langOf(r)
	return base{L: l, User: u, Title: l.T(title), Path: r.URL.RequestURI(), Races: races, Coord: u.Role.CanAdjudicate(),
		Cases: u.Role.CanManageCases(), Sees: u.Role.SeesAllEntries()}
}

// render executes page name into a buffer first, so that a template error
// becomes a clean error page rather than half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data any) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	buf := getBuffer()
	defer putBuffer(buf)
	if err := t.Execute(buf, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// pageFunc is a page handler for a signed-in user.
type pageFunc = userFunc

// page wraps h: it needs a session (else to the login page), refuses
// cross-origin form posts, and shows errors as a page, not JSON.
func (s *Server) page(h pageFunc) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := s.cop.Check(r); err != nil {
			return s.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EForbidden, "cross-origin request refused"))
		}
		u, ok := s.sessions.user(r, s.c)
		if !ok && r.Header.Get("Accept") == "application/json" {
			// A script's request: a redirect to a page would be followed
			// and mistaken for an answer.
			return sandik.Errorf(sandik.EUnauthorized, "the session has ended; sign in again")
		}
		if !ok {
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		if sw, ok := w.(*statusWriter); ok {
			sw.user = u.ID
		}
		if err := h(w, r, u); err != nil {
			return s.errorPage(w, r, u, err)
		}
		return nil
	}
}

// coord wraps h for coordinators and admins only.
func coord(h pageFunc) pageFunc {
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		if !u.Role.CanAdjudicate() {
			return sandik.Errorf(sandik.EForbidden, "this page is for coordinators")
		}
		return h(w, r, u)
	}
}

// errorPage shows err as a page with its status; internal errors are
// logged and shown without detail.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, u sandik.User, err error) error {
	code := sandik.CodeOf(err)
	msg := sandik.MessageOf(err)
	if code == sandik.EInternal || code == "" {
		s.log.Error("page failed", "path", r.URL.Path, "err", err)
		code, msg = sandik.EInternal, "internal error"
	}
	var problems []string
	if code != sandik.EInternal {
		for _, p := range sandik.ProblemsOf(err) {
			problems = append(problems, p.Message)
		}
	}
	data := struct {
		base
		Status   int
		Message  string
		Problems []string
	}{s.baseOf(r, u, "error"), statusFor(code), msg, problems}
	return s.render(w, statusFor(code), "error", data)
}

// static serves the embedded assets. They change only with the binary,
// so a day of caching is safe.
func (s *Server) static() apiFunc {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fsrv.ServeHTTP(w, r)
		return nil
	}
}
