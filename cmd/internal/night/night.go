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
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
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
	// DistrictChair is a user linked to a district chair of the demo's
	// organisation, stored as an observer with no box: a coordinator of
	// their district through the chair's term alone.
	DistrictChair Role = "district_chair"
	// District is a coordinator of one district: the first whose
	// observers left a box silent and a box without an observer.
	District Role = "district"
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
	// ChairUnit is the district unit whose chair DistrictChair is linked to.
	ChairUnit sandik.UnitCode
	Pages     []Page
	// Downloads are the files the pages offer (CSV, XLSX), fetched by
	// the coordinator or the lawyer.
	Downloads []Page
	Registry  *sandik.Registry
	// District is the area of the District coordinator.
	District sandik.AreaCode
	stop     func()
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
	chairs, err := cli.SeedDemoOrganisation(quiet, a.Center, reg, cli.DemoMessages["tr"])
	if err != nil {
		return err
	}
	if _, err := cli.SeedCoverage(ctx, a.Center, reg, seed); err != nil {
		return err
	}
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
	_, feedBox, stopFeed, err := cli.SeedFeedReading(ctx, a.Center, reg, time.Now())
	if err != nil {
		return err
	}
	closeNight := n.stop
	n.stop = func() { stopFeed(); closeNight() }
	if err := caughtUp(ctx, a); err != nil {
		return err
	}
	if _, err := cli.SeedMunicipalities(ctx, a.Center, seed); err != nil {
		return err
	}
	if _, err := cli.SeedWorkshop(ctx, a.Center); err != nil {
		return err
	}
	if _, err := cli.SeedCongress(ctx, a.Center); err != nil {
		return err
	}
	visits, err := cli.SeedVisits(ctx, a.Center)
	if err != nil {
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
	for _, u := range demo.OrgUsers(demo.Organisation(reg))[:1] {
		n.Tokens[DistrictChair] = chairs[u.ID]
		n.ChairUnit = sandik.UnitCode(strings.TrimPrefix(string(u.ID), "demo-ilce-"))
	}
	if n.District, err = n.districtCoordinator(ctx, a, rc); err != nil {
		return err
	}
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
	// The chart of the district whose secretary resigned: a vacancy shows.
	var vacantUnit sandik.UnitCode
	for _, p := range demo.Organisation(reg).Positions {
		if p.EndReason == "istifa" {
			vacantUnit = p.Unit
		}
	}
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
		{"person", "/kisiler/demo-k-0001", Coordinator, 200},
		{"units", "/birimler", Coordinator, 200},
		{"unit", "/birimler/" + string(vacantUnit), Coordinator, 200},
		{"coverage", "/kapsama", Coordinator, 200},
		{"silent", "/sessiz", Coordinator, 200},
		{"users", "/kullanicilar", Coordinator, 200},
		{"meetings", "/toplantilar", Coordinator, 200},
		{"meeting", "/toplantilar/" + string(demo.WorkshopID), Coordinator, 200},
		{"projector", "/anket/" + string(demo.WorkshopSurveyID) + "/ekran", Coordinator, 200},
		{"join", "/katil/" + string(demo.WorkshopID), Anonymous, 200},
		{"decisions", "/kararlar", Coordinator, 200},
		{"login", "/login", Anonymous, 200},
		{"error", races + "/boxes/yok", Coordinator, 404},
		{"congresses", "/kongreler", Coordinator, 200},
		{"congress", "/kongreler/" + string(demo.CongressID), Coordinator, 200},
		{"congress-desk", "/kongreler/" + string(demo.CongressID) + "/giris", Coordinator, 200},
		{"congress-count", "/kongreler/" + string(demo.CongressID) + "/sayim", Coordinator, 200},
		{"congress-results", "/kongreler/" + string(demo.CongressID) + "/sonuclar", Coordinator, 200},
		{"visits", "/ziyaretler", Coordinator, 200},
		{"visit", "/ziyaretler/" + string(visits.Visit), Coordinator, 200},
		{"board", "/taahhutler", Coordinator, 200},
		{"tours", "/turlar", Coordinator, 200},
		{"tour", "/turlar/" + string(visits.Tour), Coordinator, 200},
		{"scorecards", "/karne?alan=34", Coordinator, 200},
		{"scorecard", "/karne/" + string(visits.District), Coordinator, 200},
		{"sisters", "/kardes?alan=34", Coordinator, 200},
		{"feed", "/resmi", Coordinator, 200},
		{"feedbox", races + "/boxes/" + string(feedBox) + "/resmi", Coordinator, 200},
		{"keying", "/anahtarlama", Coordinator, 200},
		{"keying-stats", "/anahtarlama/durum", Coordinator, 200},
	}
	n.Downloads = []Page{
		{"export.csv", top + "/export.csv", Coordinator, 200},
		{"export.xlsx", top + "/export.xlsx", Coordinator, 200},
		{"comparison.csv", top + "/comparison.csv", Lawyer, 200},
		{"itiraz.csv", "/itiraz.csv", Lawyer, 200},
	}
	return nil
}

// districtCoordinator creates the District role's user for the first
// district of rc with a box without an observer and, once the polls have
// been closed long enough, a silent box; else the first district.
func (n *Night) districtCoordinator(ctx context.Context, a *cli.App, rc *sandik.Race) (sandik.AreaCode, error) {
	reg := n.Registry
	districts := reg.Children(rc.Scope)
	pick := districts[0]
	view := a.Center.View(cli.Operator())
	for _, d := range districts {
		cov, err := view.Coverage(ctx, rc.Election, d)
		if err != nil {
			return "", err
		}
		sil, err := view.Silent(ctx, rc.Election, d, "", 1)
		if err != nil {
			return "", err
		}
		if cov.None > 0 && len(sil.Boxes) > 0 {
			pick = d
			break
		}
	}
	area, _ := reg.Area(pick)
	token, err := a.Center.CreateUser(ctx, sandik.User{ID: "ilce-koordinatoru", Name: area.Name + " ilçe koordinatörü",
		Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{pick}})
	if err != nil {
		return "", err
	}
	n.Tokens[District] = token
	return pick, nil
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

// Select returns the pages named in only, a comma-separated list, in
// the night's order; all of them when only is empty. A name that is not
// a page is an error that lists the pages there are.
func (n *Night) Select(only string) ([]Page, error) {
	want := map[string]bool{}
	for name := range strings.SplitSeq(only, ",") {
		if name = strings.TrimSpace(name); name != "" {
			want[name] = true
		}
	}
	if len(want) == 0 {
		return n.Pages, nil
	}
	var out []Page
	for _, p := range n.Pages {
		if want[p.Name] {
			out = append(out, p)
			delete(want, p.Name)
		}
	}
	if len(want) > 0 {
		missing := slices.Sorted(maps.Keys(want))
		return nil, fmt.Errorf("-pages: no page named %s; the pages are %s", strings.Join(missing, ", "), strings.Join(n.Names(), ", "))
	}
	return out, nil
}

// LighthouseSample is the pages `sandik-bench audit -lighthouse sample`
// (CI) runs Lighthouse on: one of each kind the pages are made of (a live dashboard and its
// table, a form, a list, a record, a printable page, a projector, the
// anonymous pages, an error, the congress's count, a scorecard, the
// official feed, the keying queue). The pages of a kind share their
// layout, stylesheet, script and markup helpers, so a regression in
// weight or blocking time shows on the kind's sample; axe still checks
// every page. Lighthouse is three quarters of a page's audit (8 s against
// axe's 2), which CI's 20 minutes could no longer hold for 42 pages.
var LighthouseSample = []string{
	"overview", "conflicts", "entry", "people", "case", "petition", "projector", "join",
	"login", "error", "congress-count", "scorecard", "feed", "keying",
}

// Names returns the names of the pages, in their order.
func (n *Night) Names() []string {
	names := make([]string, len(n.Pages))
	for i, p := range n.Pages {
		names[i] = p.Name
	}
	return names
}

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
