package pages

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// A district congress in the browser: the organiser freezes Adalar's
// list and opens two contests' counts; the desk (a tablet, 800 px)
// checks three delegates in and is refused one not on the list; two
// people's sheets of the chair's ballot and of the board's çarşaf reach
// the results page without a reload; the organiser approves both; then
// the new chair signs in and opens the coverage page of their district,
// closed to them before the approval — rights follow the position.
func TestCongressInBrowser(t *testing.T) {
	path := webtest.ChromiumPath(t)
	e := newEnv(t, func(c *Config) { c.LiveInterval = 50 * time.Millisecond })
	peopleFixture(t, e)
	ctx := context.Background()
	setup := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	c := e.Center
	var ms []sandik.Mandate
	for i, p := range []sandik.PersonID{"k-c1", "k-c2", "k-i1", "k-i2"} {
		ms = append(ms, sandik.Mandate{ID: sandik.MandateID("mb-" + string(p)), Person: p, Level: sandik.LevelIlceCongress, Unit: "34.01", Group: "34.01", Rank: i + 1, Start: "2019-01-01", Camp: []string{"A", "B"}[i%2]})
	}
	if err := c.SaveMandates(ctx, setup, ms); err != nil {
		t.Fatal(err)
	}
	g := sandik.Congress{ID: "kb", Level: sandik.LevelIlceCongress, Unit: "34.01", Title: "Adalar İlçe Kongresi", Date: sandik.DateOf(e.Center.Now()), Place: "Büyükada", Boxes: 1}
	if _, err := c.CreateCongress(ctx, setup, g); err != nil {
		t.Fatal(err)
	}
	for _, k := range []sandik.Contest{
		{Congress: "kb", Code: "baskan", Title: "İlçe Başkanı", Kind: sandik.ContestChair, Ballot: sandik.BallotSingle, Seats: 1, Tie: sandik.TieLot},
		{Congress: "kb", Code: "yk", Title: "Yönetim Kurulu", Kind: sandik.ContestBoard, Ballot: sandik.BallotCarsaf, Seats: 2, Substitutes: 1, Tie: sandik.TieListOrder},
	} {
		if _, err := c.AddContest(ctx, setup, k); err != nil {
			t.Fatal(err)
		}
	}
	list := func(contest, code string, people ...sandik.PersonID) sandik.CandidateList {
		l := sandik.CandidateList{Congress: "kb", Contest: contest, Code: code, Name: "Liste " + code, Camp: code, SubmittedBy: people[0]}
		for _, p := range people {
			l.Candidates = append(l.Candidates, sandik.ListCandidate{Person: p, Name: string(p)})
		}
		return l
	}
	for _, l := range []sandik.CandidateList{list("baskan", "A", "k-c1"), list("baskan", "B", "k-c2"), list("yk", "A", "k-i1"), list("yk", "B", "k-i2", "k-ada")} {
		if _, err := c.AppendList(ctx, setup, l); err != nil {
			t.Fatal(err)
		}
	}
	chair := sandik.User{ID: "yeni-baskan", Name: "Yeni başkan", Role: sandik.RoleObserver, Person: "k-c1"}
	e.AddUser(chair)

	tab := webtest.Chromium(t, path, 800, 1280, 120*time.Second)
	run := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(ctx context.Context, expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		return s
	}
	mark := chromedp.Evaluate[chromedp.Void](`document.body.dataset.left = "1"`)
	next := chromedp.WaitVisible(chromedp.CSS(`body:not([data-left])`))
	signIn := func(token string) {
		t.Helper()
		run(tab, "sign in",
			chromedp.Navigate(e.HTTP.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS("#token"), token),
			chromedp.Click(chromedp.CSS("main form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")))
	}
	signIn(e.Tokens[coordinator])
	run(tab, "freeze the list", chromedp.Navigate(e.HTTP.URL+"/kongreler/kb"), mark,
		chromedp.Click(chromedp.CSS(`form[action="/kongreler/kb/liste"] button`)), next)
	for _, code := range []string{"baskan", "yk"} {
		run(tab, "open the count of "+code, mark,
			chromedp.Click(chromedp.CSS(`form[action="/kongreler/kb/sayim"] input[value="`+code+`"] ~ button`)), next)
	}
	if got := eval(tab, `document.querySelectorAll("main form[action='/kongreler/kb/sayim']").length + ""`); got != "0" {
		t.Fatalf("%s contests still to open", got)
	}
	// The desk.
	run(tab, "the desk", chromedp.Navigate(e.HTTP.URL+"/kongreler/kb/giris"), chromedp.WaitVisible(chromedp.CSS("#d-person")))
	for _, p := range []string{"k-c1", "k-i1", "k-ada"} {
		run(tab, "check in "+p, chromedp.SendKeys(chromedp.CSS("#d-person"), p), mark,
			chromedp.Click(chromedp.CSS(`form.desk button`)), next, chromedp.WaitVisible(chromedp.CSS("main .ok")))
	}
	run(tab, "one not on the list", chromedp.SendKeys(chromedp.CSS("#d-person"), "k-bes"), mark,
		chromedp.Click(chromedp.CSS(`form.desk button`)), next, chromedp.WaitVisible(chromedp.CSS("main .error")))
	if got := eval(tab, `document.querySelector("main .error").textContent`); !strings.Contains(got, "delege listesinde yok") {
		t.Errorf("the refusal reads %q", got)
	}
	if got := eval(tab, `document.querySelector(".desk-count strong").textContent`); got != "3" {
		t.Errorf("present %q, want 3", got)
	}
	if w := eval(tab, `String(document.documentElement.scrollWidth)`); w != "800" {
		t.Errorf("the desk is %s px wide on an 800 px tablet", w)
	}
	// The results page, live; the sheets come from two people.
	run(tab, "results", chromedp.Navigate(e.HTTP.URL+"/kongreler/kb/sonuclar"), chromedp.WaitVisible(chromedp.CSS(`[data-k="v.yk.k-i1"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector(".live-text").textContent === "Canlı"`, chromedp.WithPollingTimeout(20*time.Second)))
	eval(tab, `window.stillHere = "yes"; "ok"`)
	g, _ = c.Congress(ctx, setup, "kb", false)
	n := func(v int64) *int64 { return &v }
	sheet := func(id, race string, votes map[sandik.ChoiceCode]*int64, ballots int64) sandik.SheetInput {
		return sandik.SheetInput{ID: sandik.SubmissionID(id), Race: sandik.RaceCode(race), Box: g.Box(1), Source: sandik.SourceEntry,
			Registered: n(5), Voted: n(ballots), ValidWithoutObjection: n(ballots), ValidUponObjection: n(0), ValidTotal: n(ballots), Invalid: n(0), Votes: votes}
	}
	for _, who := range []string{"sayim-1", "sayim-2"} {
		u := sandik.User{ID: sandik.UserID(who), Name: who, Role: sandik.RoleCoordinator}
		rs, err := c.Submit(ctx, u, []sandik.SheetInput{
			sheet(who+"-b", "kongre-kb-baskan", map[sandik.ChoiceCode]*int64{"k-c1": n(2), "k-c2": n(1)}, 3),
			sheet(who+"-y", "kongre-kb-yk", map[sandik.ChoiceCode]*int64{"k-i1": n(3), "k-i2": n(1), "k-ada": n(2)}, 3),
		})
		if err != nil {
			t.Fatal(err)
		}
		e.Settle(rs[1].Seq)
	}
	run(tab, "the count reaches the page",
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-k="v.yk.k-i1"]').textContent === "3" && document.querySelector('[data-k="verified.baskan"]').textContent === "1 / 1"`, chromedp.WithPollingTimeout(20*time.Second)))
	if got := eval(tab, `String(window.stillHere)`); got != "yes" {
		t.Fatal("the results page reloaded instead of updating")
	}
	if r := e.Browser(string(chair.ID)).Get("/kapsama"); r.Status != 403 {
		t.Errorf("the chair-to-be opens the coverage page before the approval: %d", r.Status)
	}
	for _, code := range []string{"baskan", "yk"} {
		run(tab, "approve "+code, chromedp.Navigate(e.HTTP.URL+"/kongreler/kb/sonuclar"), mark,
			chromedp.Click(chromedp.CSS(`form[action="/kongreler/kb/sonuclar/`+code+`/onay"] button`)), next, chromedp.WaitVisible(chromedp.CSS("main .ok")))
	}
	if got := eval(tab, `document.querySelectorAll("main form[action$='/onay']").length + ""`); got != "0" {
		t.Errorf("%s approval forms left after approving both", got)
	}
	// The new chair signs in: the district's coverage page opens.
	run(tab, "sign out", chromedp.Click(chromedp.CSS("header form[action='/logout'] button")), chromedp.WaitVisible(chromedp.CSS("#token")))
	signIn(e.Tokens[string(chair.ID)])
	run(tab, "the new chair's coverage", chromedp.Navigate(e.HTTP.URL+"/kapsama"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if got := eval(tab, `document.title + " " + document.querySelector("main h1").textContent`); strings.Contains(got, "403") || strings.Contains(strings.ToLower(got), "yetki") {
		t.Errorf("the new chair is refused their district: %q", got)
	}
	if r := e.Browser(string(chair.ID)).Get("/kapsama"); r.Status != 200 {
		t.Errorf("the new chair's coverage page: %d", r.Status)
	}
	u, err := c.EffectiveUser(ctx, e.User(string(chair.ID)))
	if err != nil || u.Role != sandik.RoleCoordinator || len(u.Areas) != 1 || u.Areas[0] != "34.01" {
		t.Errorf("the new chair's rights: %+v %v", u, err)
	}
}
