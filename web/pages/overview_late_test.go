package pages

import (
	"html"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/demo"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/tally"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// lateNight is the demo's İstanbul at a hundredth of its boxes, its
// election placed as `sandik demo` places it (live now), with every box
// in except in three districts: none of Esenyurt's, one of Küçükçekmece's,
// two of Pendik's. Those are the three latest, in that order.
func lateNight(t *testing.T) (*env, []string) {
	t.Helper()
	reg, err := demo.Istanbul(demo.Options{Scale: 0.01, Seed: 1, Day: demo.LiveDay(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, reg)
	late := []string{"Esenyurt", "Küçükçekmece", "Pendik"}
	keep := map[string]int{"Esenyurt": 0, "Küçükçekmece": 1, "Pendik": 2}
	district := map[sandik.AreaCode]string{}
	for _, a := range reg.Areas {
		if a.Level == sandik.LevelIlce {
			district[a.Code] = a.Name
		}
	}
	var ins []sandik.SheetInput
	sent := map[string]int{}
	for i, box := range reg.RaceBoxes(demo.RaceMayor) {
		var name string
		for _, anc := range reg.Ancestors(box) {
			if n, ok := district[anc]; ok {
				name = n
			}
		}
		if n, ok := keep[name]; ok && sent[name] >= n {
			continue
		}
		sent[name]++
		n := func(v int64) *int64 { return &v }
		chp, akp := int64(100+i%7), int64(100+i%5)
		ins = append(ins, sandik.SheetInput{ID: sandik.SubmissionID("late-" + string(box)), Race: demo.RaceMayor, Box: box,
			Registered: n(400), Voted: n(chp + akp + 12), ValidWithoutObjection: n(chp + akp + 10), ValidUponObjection: n(0),
			ValidTotal: n(chp + akp + 10), Invalid: n(2),
			Votes: map[sandik.ChoiceCode]*int64{"CHP": n(chp), "AKP": n(akp), "SAADET": n(6), "DIGER": n(4)}})
	}
	rs, err := e.Center.Submit(t.Context(), e.User(observer1), ins)
	if err != nil {
		t.Fatal(err)
	}
	e.Settle(rs[len(rs)-1].Seq)
	// Each late district keeps more boxes out than it sent: its share is
	// the lowest, whatever its size.
	for _, name := range late[1:] {
		var boxes int
		for _, box := range reg.RaceBoxes(demo.RaceMayor) {
			for _, anc := range reg.Ancestors(box) {
				if district[anc] == name {
					boxes++
				}
			}
		}
		if boxes < 4 {
			t.Fatalf("%s has %d boxes at this scale; the fixture needs 4", name, boxes)
		}
	}
	return e, late
}

var (
	lateSection = regexp.MustCompile(`(?s)<section class="card" id="late".*?</section>`)
	lateRowName = regexp.MustCompile(`<tr>\s*<th scope="row"><a href="([^"]*)">([^<]*)</a></th>`)
)

// The overview lists the districts that miss boxes, the latest first,
// with their missing boxes, each a link to the box.
func TestOverviewListsTheLatestDistricts(t *testing.T) {
	e, late := lateNight(t)
	b := e.Browser(coordinator)
	body := b.Page("/races/"+string(demo.RaceMayor)+"/areas/34", http.StatusOK)
	sec := lateSection.FindString(body)
	rows := lateRowName.FindAllStringSubmatch(sec, -1)
	if len(rows) != 3 {
		t.Fatalf("%d late districts, want 3:\n%s", len(rows), sec)
	}
	for i, r := range rows {
		if html.UnescapeString(r[2]) != late[i] {
			t.Fatalf("late row %d is %s, want %s", i, r[2], late[i])
		}
	}
	// Esenyurt has sent nothing: every box of it is listed or counted.
	page := b.Page(html.UnescapeString(rows[0][1]), http.StatusOK)
	if !strings.Contains(page, "Esenyurt") || !strings.Contains(lateSection.FindString(page), "/boxes/") {
		t.Fatal("the latest district's page lists no missing box")
	}
	if !strings.Contains(sec, `href="/races/ibb/boxes/`) || !strings.Contains(sec, "Sandık 1001") {
		t.Fatalf("no missing box named in:\n%s", sec)
	}
	// The arrivals chart has its table beside it.
	for _, want := range []string{`id="arrivals"`, `class="arrivals"`, "<summary>Tablo olarak</summary>"} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %s", want)
		}
	}
	// A district with every box in says so, and lists nothing.
	done := lateSection.FindString(b.Page("/races/"+string(demo.RaceMayor)+"/areas/"+districtCode(e, "Adalar"), http.StatusOK))
	if !strings.Contains(done, "Bütün sandıklar geldi.") || strings.Contains(done, "<tr>") {
		t.Fatalf("a complete district's late list:\n%s", done)
	}
}

// A close race reads with the decimals it needs: never "%0,0" for a
// margin, never equal shares for unequal votes.
func TestCloseRaceDecimals(t *testing.T) {
	tr, en := &lang{Code: "tr"}, &lang{Code: "en"}
	rc := &sandik.Race{Choices: []sandik.Choice{{Code: "A", Name: "İmamoğlu"}, {Code: "B", Name: "Yıldırım"}, {Code: "C", Name: "Diğer"}}}
	for _, c := range []struct {
		votes                         []int64
		margin, lshare, sshare, enMar string
	}{
		{[]int64{4169765, 4156036, 300000}, "13.729 (%0,16)", "%48,34", "%48,18", "13,729 (0.16%)"},
		{[]int64{4_000_000, 3_998_663, 1_000_000}, "1.337 (%0,015)", "%44,451", "%44,436", "1,337 (0.015%)"},
		{[]int64{600, 300, 100}, "300 (%30,0)", "%60,0", "%30,0", "300 (30.0%)"},
		{[]int64{50, 50, 0}, "0 (%0,0)", "%50,0", "%50,0", "0 (0.0%)"},
	} {
		var total int64
		for _, v := range c.votes {
			total += v
		}
		counts := &tally.Counts{ValidTotal: total, Votes: c.votes}
		ld := leadOf(tr, rc, counts)
		if ld.margin != c.margin || ld.lshare != c.lshare || ld.sshare != c.sshare {
			t.Errorf("%v: margin %q, shares %q %q; want %q, %q %q", c.votes, ld.margin, ld.lshare, ld.sshare, c.margin, c.lshare, c.sshare)
		}
		if got := leadOf(en, rc, counts).margin; got != c.enMar {
			t.Errorf("%v: English margin %q, want %q", c.votes, got, c.enMar)
		}
	}
	if ld := leadOf(tr, rc, &tally.Counts{Votes: []int64{0, 0, 0}}); ld.leader != "–" || ld.margin != "–" {
		t.Errorf("no votes: %+v", ld)
	}
}

// In a browser, as a coordinator would: the three latest districts are
// the first rows of the late list; the map is a picture that takes no tab
// stop and holds no control (the axe rule "nested-interactive"); on a
// 360 px phone nothing scrolls sideways, the menu is one line and the
// map's labels give way to the table; and the objections board counts
// down to a deadline still ahead while the demo runs.
func TestLateDistrictsMapAndCountdownInBrowser(t *testing.T) {
	path := webtest.ChromiumPath(t)
	e, late := lateNight(t)
	box := e.Center.Registry().RaceBoxes(demo.RaceMayor)[0]
	if _, err := e.Center.CreateCase(t.Context(), e.User(lawyer), itiraz.Draft{Race: demo.RaceMayor, Boxes: []sandik.AreaCode{box},
		Ground: itiraz.GroundDiscrepancy, Remedy: itiraz.RemedyRecount, Board: itiraz.BoardIlce, Filer: "İl Başkanlığı", Title: "Sayım"}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	ctx := webtest.Chromium(t, path, 0, 0, 90*time.Second)
	poll := func(what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return s
	}
	overview := e.HTTP.URL + "/races/" + string(demo.RaceMayor) + "/areas/34"
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1400, 900),
		chromedp.Navigate(e.HTTP.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[coordinator]),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")),
		chromedp.Navigate(overview),
		chromedp.WaitVisible(chromedp.CSS("#late")),
	); err != nil {
		t.Fatal(err)
	}
	poll("the live stream", `!!document.querySelector("[data-live]").dataset.seq`)
	if got := eval(`Array.from(document.querySelectorAll("#late tbody th")).slice(0, 3).map(th => th.textContent.trim()).join(",")`); got != strings.Join(late, ",") {
		t.Fatalf("the late list begins %q, want %q", got, strings.Join(late, ","))
	}
	// The map: real outlines, no tab stop, no control inside any picture.
	if got := eval(`String(document.querySelectorAll("svg.map.outlines path[data-f]").length)`); got != "39" {
		t.Fatalf("%s districts drawn, want 39", got)
	}
	focusable := `a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])`
	if got := eval(`String(document.querySelectorAll("svg.map :is(` + focusable + `)").length + (document.querySelector("svg.map").tabIndex >= 0 ? 1 : 0))`); got != "0" {
		t.Fatalf("the map takes %s tab stops", got)
	}
	if got := eval(`Array.from(document.querySelectorAll('[role="img"]')).filter(p => p.querySelector("` + focusable + `")).length + ""`); got != "0" {
		t.Fatalf("%s pictures hold a control (nested-interactive)", got)
	}
	// Tabbing from the map's last metric link skips the map: the next
	// stop is the late list's first district, the latest.
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS(`#h-map ~ .metrics a:last-of-type`)),
		chromedp.KeyEvent("\t"),
	); err != nil {
		t.Fatal(err)
	}
	if got := eval(`document.activeElement.textContent.trim()`); got != late[0] {
		t.Fatalf("after the map, focus is on %q, want %s", got, late[0])
	}
	// A pointer follows a district to its page.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`svg.map path[data-href$="/areas/`+districtCode(e, late[0])+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.crumbs a`))); err != nil {
		t.Fatal(err)
	}
	poll("the district's page", `location.pathname.endsWith("/areas/`+districtCode(e, late[0])+`") && !!document.querySelector("#late")`)

	// The phone.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(overview), chromedp.WaitVisible(chromedp.CSS("#late"))); err != nil {
		t.Fatal(err)
	}
	if got := eval(`[document.documentElement.scrollWidth <= 360, document.querySelector("header.top").offsetHeight < 60,
		getComputedStyle(document.querySelector("svg.map text")).display === "none",
		document.querySelector(".headline").getBoundingClientRect().bottom < 740].join()`); got != "true,true,true,true" {
		t.Fatalf("on a 360 px phone (no sideways scroll, one-line menu, map labels hidden, who leads on the first screen): %s", got)
	}

	// The deadline board counts down, second by second, to a deadline
	// ahead of now.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.HTTP.URL+"/itiraz"), chromedp.WaitVisible(chromedp.CSS("#all [data-deadline]"))); err != nil {
		t.Fatal(err)
	}
	poll("a countdown", `/^\d+ sa \d+ dk \d\d sn$/.test(document.querySelector("#all [data-deadline]").textContent)`)
	first := eval(`document.querySelector("#all [data-deadline]").textContent`)
	poll("the countdown to move", `document.querySelector("#all [data-deadline]").textContent !== `+jsString(first))
	if due := eval(`document.querySelector("#all [data-deadline]").dataset.deadline`); !mustTime(t, due).After(time.Now()) {
		t.Fatalf("the deadline %s has passed while the demo runs", due)
	}
}

func districtCode(e *env, name string) string {
	for _, a := range e.Center.Registry().Areas {
		if a.Level == sandik.LevelIlce && a.Name == name {
			return string(a.Code)
		}
	}
	return ""
}

func jsString(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// A district coordinator reading the province sees their district's late
// boxes only: no box of another district is named, and no arrival of one
// counts in the chart. Those who type sheets read no arrivals at all.
func TestLateListIsScoped(t *testing.T) {
	e := newScopedEnv(t)
	e.Settle(e.Submit(observer1, sheet("sc-3", raceIST, box3, 10, 20, 3)).Seq)
	body := e.Browser(coordAdal).Page("/races/"+raceIST+"/areas/34", http.StatusOK)
	sec := lateSection.FindString(body)
	if !strings.Contains(sec, "Adalar") || !strings.Contains(sec, "Sandık 1001") || strings.Contains(sec, "Beşiktaş") || strings.Contains(sec, "Sandık 2001") {
		t.Fatalf("the scoped late list:\n%s", sec)
	}
	if strings.Contains(body, `class="arrivals"`) {
		t.Fatal("Beşiktaş's arrival is charted for Adalar's coordinator")
	}
	whole := lateSection.FindString(e.Browser(coordinator).Page("/races/"+raceIST+"/areas/34", http.StatusOK))
	if !strings.Contains(whole, "Adalar") || strings.Contains(whole, "Beşiktaş") {
		t.Fatalf("the whole late list (Beşiktaş is in):\n%s", whole)
	}
	if _, err := e.Center.View(e.User(volunteer)).Progress(raceIST, "34"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("a volunteer reads arrivals: %v", err)
	}
}

// Once official figures are published for some box, the overview shows
// them beside the sheets: in the headline, the verified card and the
// table of areas below; before, no official column at all.
func TestOverviewShowsOfficialFiguresBesideTheSheets(t *testing.T) {
	e := newEnv(t)
	b := e.Browser(coordinator)
	before := b.Page("/races/"+raceIST+"/areas/34", http.StatusOK)
	if strings.Contains(before, ">Resmî sonuç<") || strings.Contains(before, `data-k="o.c0"`) {
		t.Fatal("an official column before any official figure")
	}
	e.DiscrepancyAtBox3() // Box3: sheets 70/60/1, official 60/70/1
	body := b.Page("/races/"+raceIST+"/areas/34", http.StatusOK)
	for _, want := range []string{
		`data-k="official.of">1 / 3 sandığın resmî sonucu yayımlandı<`,
		`<th scope="col" class="num">Resmî sonuç</th>`,
		`data-k="o.c0">60<`, `data-k="o.c1">70<`, `data-k="v.c0">70<`,
		`data-k="34.02.off">1/1<`, `data-k="34.01.off">0/2<`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %s", want)
		}
	}
}

// Below a mahalle the areas are the boxes themselves: each late row is
// the box, linking to its page, with no list of itself inside.
func TestLateBoxesBelowAMahalle(t *testing.T) {
	e := newEnv(t)
	e.Settle(e.Submit(observer1, sheet("lb-1", raceIST, box1, 10, 20, 3)).Seq)
	sec := lateSection.FindString(e.Browser(coordinator).Page("/races/"+raceIST+"/areas/34.01.01", http.StatusOK))
	rows := lateRowName.FindAllStringSubmatch(sec, -1)
	if len(rows) != 1 || rows[0][1] != "/races/"+raceIST+"/boxes/"+box2 || rows[0][2] != "Sandık 1002" || strings.Contains(sec, "<li>") {
		t.Fatalf("late boxes of Burgazada:\n%s", sec)
	}
}

// A live update of an overview carries the figures the page shows: the
// same texts (each child's latest arrival among them, read from what the
// tally keeps rather than a walk over the boxes), meters and colours, in
// both languages, at the city, a late district and a complete one.
func TestLiveOverviewHasThePagesFigures(t *testing.T) {
	e, _ := lateNight(t)
	u := e.User(coordinator)
	for _, area := range []string{"34", districtCode(e, "Esenyurt"), districtCode(e, "Pendik"), districtCode(e, "Adalar")} {
		for _, code := range []string{"tr", "en"} {
			l := &lang{Code: code, loc: e.pages.loc}
			page, err := e.pages.overviewOf(l, u, demo.RaceMayor, sandik.AreaCode(area), "", false)
			if err != nil {
				t.Fatal(err)
			}
			live, err := e.pages.overviewOf(l, u, demo.RaceMayor, sandik.AreaCode(area), "", true)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(page.K, live.K) || !reflect.DeepEqual(page.Meter, live.Meter) || !reflect.DeepEqual(page.Fill, live.Fill) {
				t.Fatalf("%s (%s): the live update's figures differ from the page's:\npage %v\nlive %v", area, code, page.K, live.K)
			}
			var arrived int
			for k, v := range live.K {
				if strings.HasSuffix(k, ".last") && v != "–" {
					arrived++
				}
			}
			if arrived == 0 && area != districtCode(e, "Esenyurt") {
				t.Fatalf("%s: no child names its latest arrival", area)
			}
			if live.Map != "" || live.Late != nil || live.Chart != "" {
				t.Fatalf("%s: a live update drew the map, the late list or the chart", area)
			}
		}
	}
}
