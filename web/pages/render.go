package pages

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/casefile"
	"github.com/sandik-dev/sandik/web/handler"
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

func (p *Pages) baseOf(r *http.Request, u sandik.User, title string) base {
	reg := p.c.Registry()
	races := make([]*sandik.Race, 0, len(reg.Races))
	for i := range reg.Races {
		// A congress's races are reached from its own pages.
		if e, _ := reg.Election(reg.Races[i].Election); !e.IsCongress() {
			races = append(races, &reg.Races[i])
		}
	}
	l := p.langOf(r)
	return base{L: l, User: u, Title: l.T(title), Path: r.URL.RequestURI(), Races: races, Coord: u.Role.CanAdjudicate(),
		Cases: u.Role.CanManageCases(), Sees: u.Role.SeesAllEntries()}
}

// render executes page name into a buffer first, so that a template error
// becomes a clean error page rather than half a page.
func (p *Pages) render(w http.ResponseWriter, status int, name string, data any) error {
	t, ok := p.pages[name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	buf := handler.GetBuffer()
	defer handler.PutBuffer(buf)
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
type pageFunc = handler.UserFunc

// page wraps h: it needs a session (else to the login page), refuses
// cross-origin form posts, and shows errors as a page, not JSON.
func (p *Pages) page(h pageFunc) handler.Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := p.cop.Check(r); err != nil {
			return p.errorPage(w, r, sandik.User{}, sandik.Errorf(sandik.EForbidden, "cross-origin request refused"))
		}
		u, ok, err := p.sessions.lookup(r)
		if err != nil {
			// The store cannot be read: the session may be live, so the
			// user is asked to retry, not sent to sign in again.
			if r.Header.Get("Accept") == "application/json" {
				return err
			}
			return p.errorPage(w, r, sandik.User{}, err)
		}
		if !ok && r.Header.Get("Accept") == "application/json" {
			// A script's request: a redirect to a page would be followed
			// and mistaken for an answer.
			return sandik.Errorf(sandik.EUnauthorized, "the session has ended; sign in again")
		}
		if !ok {
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		handler.SetUser(w, u.ID)
		if err := h(w, r, u); err != nil {
			return p.errorPage(w, r, u, err)
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

// seesAll wraps h for the roles that see every entry: coordinators, admins
// and lawyers.
func seesAll(h pageFunc) pageFunc {
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		if !u.Role.SeesAllEntries() {
			return sandik.Errorf(sandik.EForbidden, "this page is for coordinators and lawyers")
		}
		return h(w, r, u)
	}
}

// managesCases wraps h for those who handle objections.
func managesCases(h pageFunc) pageFunc {
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		if err := casefile.CanManage(u); err != nil {
			return err
		}
		return h(w, r, u)
	}
}

// errorPage shows err as a page with its status; internal errors are
// logged and shown without detail.
func (p *Pages) errorPage(w http.ResponseWriter, r *http.Request, u sandik.User, err error) error {
	code := sandik.CodeOf(err)
	msg := sandik.MessageOf(err)
	if code == sandik.EInternal || code == "" {
		p.b.Log().Error("page failed", "path", r.URL.Path, "err", err)
		code, msg = sandik.EInternal, "internal error"
	}
	// The sentence for the code is in the reader's language. The error's
	// own detail and problems are written in English by the domain: a
	// Turkish page shows them only where they tell how to put the input
	// right, marked as English, until the domain's errors are catalogued.
	l := p.langOf(r)
	sentence := l.T("error." + string(code))
	if sentence == "error."+string(code) {
		sentence = l.T("error.invalid")
	}
	var problems []string
	switch {
	case code == sandik.EInternal:
		msg = ""
	case l.Code == "en" || code == sandik.EInvalid || code == sandik.EConflict || code == sandik.ETooLarge || code == handler.EBadRequest:
		for _, p := range sandik.ProblemsOf(err) {
			problems = append(problems, p.Message)
		}
	default:
		msg = ""
	}
	data := struct {
		base
		Status   int
		Sentence string
		Message  string
		Problems []string
	}{p.baseOf(r, u, "error"), handler.StatusFor(code), sentence, msg, problems}
	handler.SetRetryAfter(w, err)
	return p.render(w, handler.StatusFor(code), "error", data)
}

// static serves the embedded assets. They change only with the binary,
// so a day of caching is safe.
func (p *Pages) static() handler.Func {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fsrv.ServeHTTP(w, r)
		return nil
	}
}
