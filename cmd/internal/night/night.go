// Package night sets up a demo election night in a temporary database,
// serves it on loopback and names every page of it with the role that
// reads it: what the screenshots, the Lighthouse and axe-core audit and
// the Turkish walk test all go through, so that all three look at the
// same pages.
package night

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/demo"
	"github.com/sandik-dev/sandik/web/apiclient"
)

// Role names who reads a page.
type Role string

// The roles of the night's pages; Anonymous is nobody signed in.
const (
	Anonymous   Role = ""
	Coordinator Role = "coordinator"
	Lawyer      Role = "lawyer"
	Observer    Role = "observer"
)

// Page is one page of the night and who reads it.
type Page struct {
	Name string // a file name's stem: overview, drilldown, …
	Path string // path and query on the server
	Role Role
	// Status is the answer the page is expected with: 200 but for the
	// error page.
	Status int
}

// Night is a demo night being served.
type Night struct {
	URL    string
	Tokens map[Role]string // the API token each role signs in with
	Pages  []Page
	// Downloads are the files the pages offer (CSV, XLSX), fetched by
	// the coordinator or the lawyer.
	Downloads []Page
	Registry  *sandik.Registry
	stop      func()
}

// Options size the night.
type Options struct {
	Scale  float64 // share of İstanbul's boxes, 0 < Scale ≤ 1
	Seed   int64
	Stderr io.Writer // the server's warnings; discarded when nil
	// Day is the election day; zero keeps the demo's own (2019). Pages
	// shown to people use demo.LiveDay(now), so that deadlines are live.
	Day time.Time
}

// Start builds the night in dir, replays it against its own server over
// HTTP (some boxes silent, some in conflict), publishes the synthetic
// official figures, drafts objections from them and returns the night
// with its server still serving until Close.
func Start(ctx context.Context, dir string, o Options) (*Night, error) {
	if o.Scale <= 0 || o.Scale > 1 {
		return nil, fmt.Errorf("scale %g: want 0 < scale ≤ 1", o.Scale)
	}
	stderr := o.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	sf := cli.StoreFlags{DB: filepath.Join(dir, "demo.db"), LogLevel: "warn", LogFormat: "text"}
	log, err := sf.Logger(stderr)
	if err != nil {
		return nil, err
	}
	reg, err := demo.Istanbul(demo.Options{Scale: o.Scale, Seed: o.Seed, Day: o.Day})
	if err != nil {
		return nil, err
	}
	a, err := cli.OpenApp(ctx, &sf, log)
	if err != nil {
		return nil, err
	}
	sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	served := make(chan error, 1)
	urlc := make(chan string, 1)
	go func() { served <- cli.Serve(sctx, log, a.Center, "127.0.0.1:0", func(url string) { urlc <- url }) }()
	n := &Night{Registry: reg, stop: func() { stop(); <-served; a.Close() }}
	select {
	case n.URL = <-urlc:
	case err := <-served:
		stop()
		a.Close()
		return nil, err
	}
	if err := n.play(ctx, a, o.Seed); err != nil {
		n.Close()
		return nil, err
	}
	return n, nil
}

// play fills the night: users, sheets, official figures and cases.
func (n *Night) play(ctx context.Context, a *cli.App, seed int64) error {
	reg := n.Registry
	if err := a.Center.ImportRegistry(ctx, reg); err != nil {
		return err
	}
	quiet := &cli.Env{Prog: "night", Ctx: ctx, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: os.Getenv}
	tokens, coordinator, err := cli.CreateDemoUsers(quiet, a.Center, reg, 10, cli.DemoMessages["tr"])
	if err != nil {
		return err
	}
	// A night still in progress: some boxes silent, some in conflict and
	// left for the coordinator (no adjudication token).
	replay := tokens
	replay.Coordinator = ""
	if _, err := demo.Run(ctx, demo.Config{API: apiclient.New(n.URL, demo.DefaultWorkers), Registry: reg, Tokens: replay,
		Params: demo.Params{Seed: seed, Never: 0.2, Disagree: 0.08}}); err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	if err := caughtUp(ctx, a); err != nil {
		return err
	}
	if err := cli.PublishOfficial(quiet, a.Center, reg, seed, n.URL, cli.DemoMessages["tr"]); err != nil {
		return err
	}
	if err := caughtUp(ctx, a); err != nil {
		return err
	}
	if _, err := cli.SeedMunicipalities(ctx, a.Center, seed); err != nil {
		return err
	}
	if err := a.Center.SaveOrg(ctx, cli.Operator(), demo.People(reg, sandik.DateOf(a.Center.Now().AddDate(-2, 0, 0)))); err != nil {
		return fmt.Errorf("demo people: %w", err)
	}
	if _, err := cli.SeedWorkshop(ctx, a.Center); err != nil {
		return err
	}
	lawyer := sandik.User{ID: "hukukcu", Name: "Av. Denetim", Role: sandik.RoleLawyer}
	lawyerToken, err := a.Center.CreateUser(ctx, lawyer)
	if err != nil {
		return err
	}
	race := demo.RaceMayor
	rc, _ := reg.Race(race)
	cases, err := a.Center.DraftFromDiscrepancies(ctx, lawyer, race, rc.Scope, nil, "İl Başkanlığı")
	if err != nil {
		return fmt.Errorf("draft objections: %w", err)
	}
	if len(cases) == 0 {
		return errors.New("draft objections: the official figures differ nowhere")
	}
	conflicts, err := a.Center.View(cli.Operator()).Conflicts(race, "", 1)
	if err != nil {
		return err
	}
	if len(conflicts) == 0 {
		return errors.New("the night left no box in conflict")
	}
	box := conflicts[0].Box
	district := reg.Children(rc.Scope)[0]
	observed := reg.RaceBoxes(race)[0]
	n.Tokens = map[Role]string{Coordinator: coordinator, Lawyer: lawyerToken, Observer: tokens.Observer(observed)}
	// Thresholds tuned away from the saved ones unfold the tuning form.
	th := url.Values{}
	for _, key := range anomaly.ThresholdKeys() {
		v, _ := anomaly.DefaultThresholds().Get(key)
		th.Set(key, v)
	}
	th.Set("turnout_z", "4")
	races := "/races/" + string(race)
	top := races + "/areas/" + string(rc.Scope)
	id := string(cases[0].ID)
	n.Pages = []Page{
		{"overview", top, Coordinator, 200},
		{"drilldown", races + "/areas/" + string(district), Coordinator, 200},
		{"box", races + "/boxes/" + string(box), Coordinator, 200},
		{"conflicts", races + "/conflicts", Coordinator, 200},
		{"entry", "/entry", Observer, 200},
		{"municipalities", "/belediyeler", Coordinator, 200},
		{"cases", "/itiraz", Lawyer, 200},
		{"case", "/itiraz/" + id, Lawyer, 200},
		{"petition", "/itiraz/" + id + "/petition", Lawyer, 200},
		{"comparison", top + "/comparison", Lawyer, 200},
		{"thresholds", top + "/comparison?" + th.Encode(), Coordinator, 200},
		{"people", "/kisiler", Coordinator, 200},
		{"person", "/kisiler/demo-k-1", Coordinator, 200},
		{"meetings", "/toplantilar", Coordinator, 200},
		{"meeting", "/toplantilar/" + string(demo.WorkshopID), Coordinator, 200},
		{"projector", "/anket/" + string(demo.WorkshopSurveyID) + "/ekran", Coordinator, 200},
		{"join", "/katil/" + string(demo.WorkshopID), Anonymous, 200},
		{"decisions", "/kararlar", Coordinator, 200},
		{"login", "/login", Anonymous, 200},
		{"error", races + "/boxes/yok", Coordinator, 404},
	}
	n.Downloads = []Page{
		{"export.csv", top + "/export.csv", Coordinator, 200},
		{"export.xlsx", top + "/export.xlsx", Coordinator, 200},
		{"comparison.csv", top + "/comparison.csv", Lawyer, 200},
		{"itiraz.csv", "/itiraz.csv", Lawyer, 200},
	}
	return nil
}

// caughtUp waits until the live totals reflect every submission logged.
func caughtUp(ctx context.Context, a *cli.App) error {
	seq, err := a.Store.LastSeq(ctx)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return a.Center.WaitFor(wctx, seq)
}

// Close stops the server and removes nothing: the caller owns dir.
func (n *Night) Close() { n.stop() }

// Page returns the page named name.
func (n *Night) Page(name string) (Page, bool) {
	for _, p := range n.Pages {
		if p.Name == name {
			return p, true
		}
	}
	return Page{}, false
}

// Client returns an HTTP client signed in as role (a session cookie, as
// a browser holds it); Anonymous gets a client with no session. Pages
// come in the default language, Turkish.
func (n *Night) Client(ctx context.Context, role Role) (*http.Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	c := &http.Client{Jar: jar, Timeout: time.Minute}
	if role == Anonymous {
		return c, nil
	}
	token := n.Tokens[role]
	if token == "" {
		return nil, fmt.Errorf("no token for role %q", role)
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	defer func() { c.CheckRedirect = nil }()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.URL+"/login", strings.NewReader(url.Values{"token": {token}}.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", n.URL)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in as %s: %s", role, resp.Status)
	}
	return c, nil
}

// Cookies returns the cookies a client Client made holds for the night's
// server: the session, for a browser to sign in with.
func (n *Night) Cookies(c *http.Client) []*http.Cookie {
	u, err := url.Parse(n.URL)
	if err != nil {
		return nil
	}
	return c.Jar.Cookies(u)
}
