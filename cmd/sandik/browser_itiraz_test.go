package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/chromium"
	"github.com/sandik-dev/sandik/cmd/internal/chromium/chromiumtest"
	"github.com/sandik-dev/sandik/demo"
	"github.com/sandik-dev/sandik/itiraz"
)

// objectionDB fills db with a small demo İstanbul whose election was
// yesterday, a box verified by two observers whose official figures moved
// 12 votes from the first candidate to the second, and a lawyer.
func objectionDB(t *testing.T, db string) (box sandik.AreaCode, lawyerToken string) {
	// Voting day was yesterday: the ilçe boards take objections until
	// tomorrow 15:00, always within the board's next 48 hours.
	yesterday := func(demoReg *sandik.Registry) *sandik.Registry {
		elections := append([]sandik.Election(nil), demoReg.Elections...)
		y, m, d := time.Now().In(itiraz.Istanbul()).AddDate(0, 0, -1).Date()
		elections[0].Date = time.Date(y, m, d, 0, 0, 0, 0, itiraz.Istanbul())
		reg, err := sandik.NewRegistry(demoReg.Areas, elections, demoReg.Races, demoReg.Registrations)
		if err != nil {
			t.Fatal(err)
		}
		return reg
	}
	demoDB(t, db, yesterday, func(ctx context.Context, c *center.Center, reg *sandik.Registry) {
		rc, _ := reg.Race(demo.RaceMayor)
		box = reg.RaceBoxes(demo.RaceMayor)[0]
		n := func(v int64) *int64 { return &v }
		sheet := func(id string) sandik.SheetInput {
			in := sandik.SheetInput{ID: sandik.SubmissionID(id), Race: rc.Code, Box: box, Registered: n(300), Voted: n(250),
				ValidWithoutObjection: n(240), ValidUponObjection: n(0), ValidTotal: n(240), Invalid: n(10), Votes: map[sandik.ChoiceCode]*int64{}}
			for i, ch := range rc.Choices {
				in.Votes[ch.Code] = n([]int64{150, 90}[min(i, 1)] * int64(min(1, max(0, 2-i))))
			}
			return in
		}
		at := []sandik.AreaCode{box}
		for _, u := range []sandik.User{{ID: "musahit-a", Role: sandik.RoleObserver, Areas: at}, {ID: "musahit-b", Role: sandik.RoleObserver, Areas: at}} {
			if _, err := c.Submit(ctx, u, []sandik.SheetInput{sheet("e2e-" + string(u.ID))}); err != nil {
				t.Fatal(err)
			}
		}
		official := sandik.Tutanak{Registered: 300, Voted: 250, ValidWithoutObjection: 240, ValidTotal: 240, Invalid: 10, Votes: make([]int64, len(rc.Choices))}
		official.Votes[0], official.Votes[1] = 138, 102
		if _, err := c.AppendImported(ctx, []sandik.ImportedSheet{{Race: rc.Code, Box: box, User: "ysk", Source: sandik.SourceOfficial, Sheet: official}}); err != nil {
			t.Fatal(err)
		}
		tok, err := c.CreateUser(ctx, sandik.User{ID: "avukat", Name: "Av. Zeynep Kaya", Role: sandik.RoleLawyer})
		if err != nil {
			t.Fatal(err)
		}
		lawyerToken = tok
	})
	return box, lawyerToken
}

// TestBrowserObjectionFromDiscrepancy: a lawyer opens the comparison of
// İstanbul, drafts a case from the discrepancy, sees it on the deadline
// board, files it and prints its petition.
func TestBrowserObjectionFromDiscrepancy(t *testing.T) {
	chrome := chromiumtest.Require(t)
	t.Parallel()
	dir, bin := t.TempDir(), binOnPath(t)
	db := filepath.Join(dir, "itiraz.db")
	box, token := objectionDB(t, db)
	addr := freeAddr(t)
	base := "http://" + addr
	serveAt(t, bin, db, addr)

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	tab, closeBrowser := chromium.Start(ctx, chrome, filepath.Join(dir, "chromium"), 1280, 900)
	defer closeBrowser()
	if err := chromium.SignIn(tab, base, token); err != nil {
		t.Fatal(err)
	}
	do(t, tab, "open the comparison", chromedp.Navigate(base+"/races/"+string(demo.RaceMayor)+"/areas/34/comparison"),
		chromedp.WaitVisible(chromedp.CSS("form#draft")))
	row := text(t, tab, "form#draft tbody tr")
	mustHave(t, row, string(box))
	mustHave(t, row, "−24") // 12 votes moved from the first to the second: the margin shrinks by 24
	mustHave(t, text(t, tab, "main"), "Toplam marj etkisi")
	do(t, tab, "draft the case", chromedp.Click(chromedp.CSS("form#draft button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#soon")))
	mustHave(t, text(t, tab, "main .ok"), "1 taslak oluşturuldu.")
	soon := text(t, tab, "#soon")
	mustHave(t, soon, "1 sandıkta resmî sonuç ile tutanak farkı")
	mustHave(t, soon, "İlçe Seçim Kurulu")
	mustHave(t, soon, "taslak")
	if strings.Contains(text(t, tab, "#expired"), "farkı") {
		t.Fatal("a fresh draft is listed as expired")
	}
	mustHave(t, text(t, tab, "main"), "+36+60") // counted 138 − 102 = 36; if the draft is upheld, 60

	do(t, tab, "open the case", chromedp.Click(chromedp.CSS("#soon tbody a")), chromedp.WaitVisible(chromedp.CSS("input[name=reference]")))
	do(t, tab, "file it",
		chromedp.SendKeys(chromedp.CSS("#ref"), "2026/117"),
		chromedp.Click(chromedp.CSS("form:has(#ref) button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#outcome")))
	status := text(t, tab, ".status-line")
	mustHave(t, status, "verildi")
	mustHave(t, text(t, tab, "main"), "2026/117")

	do(t, tab, "print the petition", chromedp.Click(chromedp.CSS(`a[href$="/petition"]`)), chromedp.WaitVisible(chromedp.CSS("h1")))
	mustHave(t, text(t, tab, "h1"), "İlçe Seçim Kurulu Başkanlığına")
	mustHave(t, text(t, tab, "body"), "düzeltilmesine karar verilmesini")
}
