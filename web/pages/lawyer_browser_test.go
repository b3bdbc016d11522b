package pages

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// discrepancies gives every fixture box two agreeing sheets and official
// figures that move votes from CHP to AKP: Box1 and Box2 in Adalar,
// Box3 in Beşiktaş.
func discrepancies(t *testing.T, e *env) {
	t.Helper()
	for i, box := range []string{box1, box2, box3} {
		e.Submit(observer1, sheet("d1-"+box, raceIST, box, 150, 100, 10))
		e.Settle(e.Submit(observer2, sheet("d2-"+box, raceIST, box, 150, 100, 10)).Seq)
		e.Official(box, 150-int64(10*(i+1)), 100+int64(10*(i+1)), 10)
	}
}

// A lawyer reaches the comparison from the menu, drafts from the
// province's comparison with one box left unticked, then from Adalar's,
// where the box already filed is not ticked and, ticked by hand, is
// still left out: no box ends up in two cases.
func TestLawyerDraftsTwiceInBrowser(t *testing.T) {
	path := webtest.ChromiumPath(t)
	e := newEnv(t)
	discrepancies(t, e)
	ctx := webtest.Chromium(t, path, 0, 0, 90*time.Second)
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	poll := func(what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.Join(strings.Fields(s), " ")
	}
	ticked := func(box string) bool {
		t.Helper()
		on, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("box-`+box+`").checked`))
		if err != nil {
			t.Fatalf("read the tick of %s: %v", box, err)
		}
		return on
	}

	run("sign in",
		chromedp.Navigate(e.HTTP.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[lawyer]),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")))
	// The menu leads to the comparison, on the objections list too.
	run("open the objections", chromedp.Navigate(e.HTTP.URL+"/itiraz"), chromedp.WaitVisible(chromedp.CSS("#all")))
	menu := `header nav a[href$="/comparison"]`
	if got := text(menu); got != "Resmî sonuç farkları" {
		t.Fatalf("the menu's comparison link reads %q", got)
	}
	run("follow the menu", chromedp.Click(chromedp.CSS(menu)), chromedp.WaitVisible(chromedp.CSS("form#draft")))
	poll("the province's comparison", `location.pathname === "/races/`+raceIST+`/areas/34/comparison"`)
	row := text(`form#draft tbody tr:has(#box-` + cssID(box3) + `)`)
	for _, want := range []string{"Ekrem İmamoğlu 150 → 120", "Binali Yıldırım 100 → 130", "30 eksik", "30 fazla",
		"Binali Yıldırım lehine, Ekrem İmamoğlu aleyhine 60 oy"} {
		if !strings.Contains(row, want) {
			t.Errorf("the row of Box3 lacks %q: %q", want, row)
		}
	}
	for _, b := range []string{box1, box2, box3} {
		if !ticked(b) {
			t.Fatalf("box %s, in no case yet, is not ticked", b)
		}
	}

	// First draft, at the province: Box1 left unticked.
	run("untick Box1 and draft", chromedp.Click(chromedp.CSS(`#box-`+cssID(box1))),
		chromedp.Click(chromedp.CSS("form#draft button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#soon")))
	if got := text("main .ok"); !strings.Contains(got, "2 taslak oluşturuldu.") {
		t.Fatalf("after the province's draft: %q", got)
	}

	// Second draft, at the district: the filed box is not ticked and
	// names its case; the lawyer ticks it anyway.
	run("open Adalar's comparison", chromedp.Navigate(e.HTTP.URL+"/races/"+raceIST+"/areas/34.01/comparison"),
		chromedp.WaitVisible(chromedp.CSS("form#draft")))
	if ticked(box2) || !ticked(box1) {
		t.Fatalf("Adalar: Box2 (in a case) ticked %v, Box1 (free) ticked %v", ticked(box2), ticked(box1))
	}
	if held := text(`form#draft tbody tr:has(#box-` + cssID(box2) + `) .held-by`); !strings.Contains(held, "dosyasında") {
		t.Fatalf("Box2 does not name its case: %q", held)
	}
	run("tick Box2 by hand and draft", chromedp.Click(chromedp.CSS(`#box-`+cssID(box2))),
		chromedp.Click(chromedp.CSS("form#draft button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#held")))
	if got := text("main .ok"); !strings.Contains(got, "1 taslak oluşturuldu.") {
		t.Fatalf("after the district's draft: %q", got)
	}
	if held := text("#held"); !strings.Contains(held, "1 sandık yeni dosyaya alınmadı") || !strings.Contains(held, "1002 No.lu Sandık") {
		t.Fatalf("the board does not say which box was left out: %q", held)
	}

	cases, err := e.Center.View(operator).Cases(t.Context(), raceIST)
	if err != nil {
		t.Fatal(err)
	}
	in := map[sandik.AreaCode][]itiraz.CaseID{}
	for _, c := range cases {
		for _, b := range c.Boxes {
			in[b] = append(in[b], c.ID)
		}
	}
	if len(cases) != 3 || len(in) != 3 {
		t.Fatalf("%d cases over %d boxes, want 3 over 3: %v", len(cases), len(in), in)
	}
	for b, ids := range in {
		if len(ids) != 1 {
			t.Errorf("box %s is in cases %v", b, ids)
		}
	}
}

// cssID escapes the dots of a box code for a CSS id selector.
func cssID(code string) string { return strings.ReplaceAll(code, ".", `\.`) }
