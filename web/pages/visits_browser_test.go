package pages

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// tourRegistry is İstanbul with the four districts of a tour, named as
// the embedded outlines name them so that the route has places.
func tourRegistry(t testing.TB) *sandik.Registry {
	areas := []sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
	}
	for i, n := range []string{"Kartal", "Sultanbeyli", "Tuzla", "Pendik"} {
		code := sandik.AreaCode("34.1" + string(rune('0'+i)))
		areas = append(areas, sandik.Area{Code: code, Parent: "34", Level: sandik.LevelIlce, Name: n},
			sandik.Area{Code: code + ".1", Parent: code, Level: sandik.LevelSandik, Name: n + " 1"})
	}
	reg, err := sandik.NewRegistry(areas, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// The provincial chair in the browser: plans a tour of four districts,
// records a visit on a phone (360 px) with two commitments and a photo,
// and then finds them on the scorecard and the overdue board, and the
// visited stop green on the tour's map.
func TestTourAndVisitInBrowser(t *testing.T) {
	path := webtest.ChromiumPath(t)
	e := newEnvWith(t, tourRegistry(t))
	ch := sandik.OrgChange{
		Units:  []sandik.Unit{{Code: "34", Kind: sandik.UnitIl, Name: "İstanbul", Area: "34"}},
		People: []sandik.Person{{ID: "k-chair", Name: "İl Başkanı (sentetik)", Home: "34", Purpose: "örgüt üyeliği", Consent: "2019-01-01"}},
	}
	for i, n := range []string{"Kartal", "Sultanbeyli", "Tuzla", "Pendik"} {
		code := sandik.UnitCode("34.1" + string(rune('0'+i)))
		ch.Units = append(ch.Units, sandik.Unit{Code: code, Kind: sandik.UnitIlce, Name: n, Parent: "34", Area: sandik.AreaCode(code)})
	}
	if err := e.Center.SaveOrg(t.Context(), operator, ch); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "ziyaret.jpg")
	if err := os.WriteFile(photo, pageJPEG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	chair := webtest.Chromium(t, path, 1280, 900, 120*time.Second)
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
	signIn := func(ctx context.Context) {
		run(ctx, "sign in",
			chromedp.Navigate(e.HTTP.URL+"/login"),
			chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[coordinator]),
			chromedp.Click(chromedp.CSS("main form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")))
	}
	mark := chromedp.Evaluate[chromedp.Void](`document.body.dataset.left = "1"`)
	next := chromedp.WaitVisible(chromedp.CSS(`body:not([data-left])`))
	signIn(chair)
	run(chair, "plan a tour of four districts",
		chromedp.Navigate(e.HTTP.URL+"/turlar"),
		chromedp.SendKeys(chromedp.CSS("#t-title"), "Seçim sonrası ilçe turu"),
		chromedp.SetValue(chromedp.CSS("#t-start"), "2019-03-30"),
		chromedp.Click(chromedp.CSS(`input[name=stop][value="34.10"]`)),
		chromedp.Click(chromedp.CSS(`input[name=stop][value="34.11"]`)),
		chromedp.Click(chromedp.CSS(`input[name=stop][value="34.12"]`)),
		chromedp.Click(chromedp.CSS(`input[name=stop][value="34.13"]`)),
		mark,
		chromedp.Click(chromedp.CSS(`#tour-form button[type=submit]`)),
		next, chromedp.WaitVisible(chromedp.CSS("#stops")))
	tourPath := eval(chair, `location.pathname`)
	tourID := strings.TrimPrefix(tourPath, "/turlar/")
	if n := eval(chair, `String(document.querySelectorAll('#stops tr[data-status="pending"]').length)`); n != "4" || !strings.HasPrefix(tourPath, "/turlar/") {
		t.Fatalf("the tour at %s has %s pending stops", tourPath, n)
	}
	if n := eval(chair, `String(document.querySelectorAll('svg circle').length)`); n != "4" {
		t.Errorf("the map draws %s stops", n)
	}

	phone, cancelPhone := chromedp.NewContext(chair, chromedp.WithNewBrowserContext())
	defer cancelPhone()
	run(phone, "a phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	signIn(phone)
	run(phone, "record the visit to Kartal with two commitments and a photo",
		chromedp.Navigate(e.HTTP.URL+"/ziyaretler"),
		chromedp.SetValue(chromedp.CSS("#v-from"), "34"),
		chromedp.SetValue(chromedp.CSS("#v-target"), "34.10"),
		chromedp.SetValue(chromedp.CSS("#v-tour"), tourID),
		chromedp.SetValue(chromedp.CSS("#v-at"), "2019-03-30T11:00"),
		chromedp.SendKeys(chromedp.CSS("#v-visitors"), "k-chair"),
		chromedp.SendKeys(chromedp.CSS("#c1-text"), "Mahalle temsilcileri atanacak"),
		chromedp.SetValue(chromedp.CSS("#c1-owner"), "34.10"),
		chromedp.SetValue(chromedp.CSS("#c1-due"), "2019-03-30"),
		chromedp.SendKeys(chromedp.CSS("#c2-text"), "Sandık görevlisi eğitimi"),
		chromedp.SetValue(chromedp.CSS("#c2-owner"), "34.10"),
		chromedp.SetValue(chromedp.CSS("#c2-due"), "2019-04-15"),
		chromedp.SetUploadFiles(chromedp.CSS("#v-photo"), []string{photo}),
		mark,
		chromedp.Click(chromedp.CSS(`#visit-form button[type=submit]`)),
		next, chromedp.WaitVisible(chromedp.CSS("#commitments")))
	if w := eval(phone, `String(document.documentElement.scrollWidth)`); w != "360" {
		t.Errorf("the visit's page is %s px wide on a 360 px phone", w)
	}
	run(phone, "the photo shows",
		chromedp.Poll[chromedp.Void](`(() => { const i = document.querySelector(".photos img"); return i && i.complete && i.naturalWidth === 24 })()`, chromedp.WithPollingTimeout(10*time.Second)))
	if n := eval(phone, `String(document.querySelectorAll("#commitments tbody tr").length)`); n != "2" {
		t.Errorf("%s commitments on the visit's page", n)
	}

	// webtest's clock stands at 31 March 2019, 23:00 in İstanbul: the
	// first commitment, due on the 30th, is overdue.
	run(chair, "the overdue board", chromedp.Navigate(e.HTTP.URL+"/taahhutler"), chromedp.WaitVisible(chromedp.CSS(".board-overdue")))
	if got := eval(chair, `document.querySelector(".board-overdue").textContent`); !strings.Contains(got, "Mahalle temsilcileri atanacak") {
		t.Errorf("overdue column: %q", got)
	}
	if got := eval(chair, `document.querySelector(".board-later").textContent`); !strings.Contains(got, "Sandık görevlisi eğitimi") {
		t.Errorf("later column: %q", got)
	}
	run(chair, "Kartal's scorecard", chromedp.Navigate(e.HTTP.URL+"/karne/34.10"), chromedp.WaitVisible(chromedp.CSS("#scorecard")))
	if got := eval(chair, `document.querySelector("#scorecard").textContent`); !strings.Contains(got, "2 açık, 1 gecikmiş") || !strings.Contains(got, "Alınan ziyaretler1") {
		t.Errorf("scorecard: %q", got)
	}
	run(chair, "the tour's map", chromedp.Navigate(e.HTTP.URL+tourPath), chromedp.WaitVisible(chromedp.CSS("#stops")))
	if n := eval(chair, `String(document.querySelectorAll('#stops tr[data-status="visited"]').length)`); n != "1" {
		t.Errorf("%s stops visited on the tour", n)
	}
	if n := eval(chair, `String(document.querySelectorAll('svg circle[fill="#1a7f37"]').length)`); n != "1" {
		t.Errorf("%s green stops on the map", n)
	}
	_ = webtest.Now
}
