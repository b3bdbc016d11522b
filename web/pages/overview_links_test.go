package pages

import (
	"cmp"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// Rows of the children table: the area's name, then (when sorted) the
// sorted figure.
var (
	childrenTable = regexp.MustCompile(`(?s)<section class="card" id="children">.*?<tbody>(.*?)</tbody>`)
	childRowRe    = regexp.MustCompile(`(?s)<tr>\s*<th scope="row"><a href="[^"]*">([^<]*)</a></th>\s*(?:<td class="num"><a href="[^"]*">([^<]*)</a></td>)?`)
	headlineLink  = regexp.MustCompile(`<a href="([^"]*)" data-k="([pv]\.c\d+)">([^<]*)</a>`)
)

type tableRow struct{ name, sorted string }

// childrenRows reads the children table of an overview page, in order.
func childrenRows(t *testing.T, body string) []tableRow {
	t.Helper()
	m := childrenTable.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no children table in:\n%.3000s", body)
	}
	var rows []tableRow
	for _, r := range childRowRe.FindAllStringSubmatch(m[1], -1) {
		rows = append(rows, tableRow{html.UnescapeString(r[1]), r[2]})
	}
	return rows
}

// leadingNumber reads the Turkish-grouped number a cell starts with:
// "1.234 (%56,1)" is 1234.
func leadingNumber(t *testing.T, s string) int64 {
	t.Helper()
	f, _, _ := strings.Cut(s, " ")
	n, err := strconv.ParseInt(strings.ReplaceAll(f, ".", ""), 10, 64)
	if err != nil {
		t.Fatalf("cell %q does not start with a number", s)
	}
	return n
}

// linksFixture submits sheets to the İstanbul race and returns the
// figures expected per phase ("p", "v"), district name and choice (CHP,
// AKP, SP), added up from the sheets. box1 is verified (two agreeing
// entries), box2 and box3 have one entry each: provisional only. CHP
// leads in Beşiktaş, AKP in Adalar, so each choice sorts the districts
// differently.
func linksFixture(t *testing.T, e *env) map[string]map[string][3]int64 {
	t.Helper()
	sheets := map[string][3]int64{box1: {100, 300, 5}, box2: {10, 10, 1}, box3: {250, 50, 20}}
	district := map[string]string{box1: "Adalar", box2: "Adalar", box3: "Beşiktaş"}
	for box, v := range sheets {
		e.Submit(observer1, sheet("p-"+box, raceIST, box, v[0], v[1], v[2]))
	}
	e.Settle(e.Submit(observer2, sheet("v-"+box1, raceIST, box1, 100, 300, 5)).Seq)
	want := map[string]map[string][3]int64{"p": {}, "v": {}}
	for box, v := range sheets {
		phases := []string{"p"}
		if box == box1 {
			phases = append(phases, "v")
		}
		for _, p := range phases {
			sum := want[p][district[box]]
			for i := range v {
				sum[i] += v[i]
			}
			want[p][district[box]] = sum
		}
	}
	return want
}

// Every headline figure per choice links to the table of areas below,
// sorted by that figure, and the server renders the table in that order.
func TestOverviewChoiceFiguresLinkToSortedChildren(t *testing.T) {
	e := newEnv(t)
	want := linksFixture(t, e)

	b := e.Browser(coordinator)
	overview := "/races/" + raceIST + "/areas/34"
	body := b.Page(overview, http.StatusOK)
	plain := childrenRows(t, body)
	if len(plain) != 2 || plain[0].sorted != "" {
		t.Fatalf("unsorted table %+v", plain)
	}
	links := map[string]string{}
	for _, m := range headlineLink.FindAllStringSubmatch(body, -1) {
		links[m[2]] = html.UnescapeString(m[1])
		// The link wraps the headline figure itself.
		var total int64
		for _, d := range want[m[2][:1]] {
			total += d[m[2][3]-'0']
		}
		if got := leadingNumber(t, m[3]); got != total {
			t.Errorf("headline %s = %d, want %d", m[2], got, total)
		}
	}
	for _, p := range []string{"p", "v"} {
		for i := range 3 {
			key := p + ".c" + strconv.Itoa(i)
			href, ok := links[key]
			if wantHref := overview + "?m=leader&sort=" + key + "#children"; !ok || href != wantHref {
				t.Fatalf("headline %s links to %q, want %q (links %v)", key, href, wantHref, links)
			}
			path, _, _ := strings.Cut(href, "#")
			page := b.Page(path, http.StatusOK)
			if !strings.Contains(page, `<section class="card" id="children">`) {
				t.Fatal("the link's anchor is not on the page")
			}
			if !strings.Contains(page, `aria-sort="descending" data-sort-key="`+key+`"`) {
				t.Fatalf("%s: the sorted column is not marked aria-sort", key)
			}
			rows := childrenRows(t, page)
			// Most first; equal figures keep the table's usual order.
			order := slices.Clone(plain)
			slices.SortStableFunc(order, func(a, b tableRow) int {
				return cmp.Compare(want[p][b.name][i], want[p][a.name][i])
			})
			var sum int64
			for j, r := range rows {
				if r.name != order[j].name {
					t.Fatalf("%s: row %d is %s, want %s (rows %+v)", key, j, r.name, order[j].name, rows)
				}
				got := leadingNumber(t, r.sorted)
				if got != want[p][r.name][i] {
					t.Fatalf("%s: %s shows %d, want %d", key, r.name, got, want[p][r.name][i])
				}
				sum += got
			}
			// The column adds up to the headline figure it explains.
			var total int64
			for _, d := range want[p] {
				total += d[i]
			}
			if sum != total {
				t.Fatalf("%s: column adds up to %d, headline is %d", key, sum, total)
			}
		}
	}
	// The order must differ from the usual one for some figure, or the
	// test could not tell sorting from not sorting.
	if rows := childrenRows(t, b.Page(overview+"?sort=p.c0", http.StatusOK)); rows[0].name == plain[0].name {
		t.Fatalf("sorting by CHP's provisional votes kept the order %+v", rows)
	}

	// An order the server does not know leaves the usual table, with no
	// extra column: a stale or edited link still shows the page.
	for _, bad := range []string{"x", "p.c3", "p.c01", "p.c-1", "p.c+1", "q.c0", "p.", "P.C0", "valid"} {
		page := b.Page(overview+"?sort="+bad, http.StatusOK)
		if rows := childrenRows(t, page); !slices.Equal(rows, plain) || strings.Contains(page, "aria-sort") {
			t.Fatalf("sort=%s: rows %+v, want the usual %+v without aria-sort", bad, rows, plain)
		}
	}

	// Every column, the sorted one included, keeps its sort button, and
	// colouring the map another way keeps the order.
	page := b.Page(overview+"?sort=v.c1", http.StatusOK)
	if n := strings.Count(page, `<button type="button" data-sort=`); n != 10 {
		t.Fatalf("%d sort buttons, want 10", n)
	}
	webtest.MustContain(t, page, `href="`+overview+`?m=turnout&amp;sort=v.c1"`)
}

// In a browser, the headline link lands on the sorted table, and the
// table still sorts from the keyboard: Enter on the server-sorted
// column's button turns the order round.
func TestOverviewSortedTableInBrowser(t *testing.T) {
	path := webtest.ChromiumPath(t)
	e := newEnv(t)
	linksFixture(t, e)
	ctx := webtest.Chromium(t, path, 0, 0, 60*time.Second)
	rows := `Array.from(document.querySelectorAll("#children tbody th")).map(th => th.textContent.trim()).join(",")`
	poll := func(what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(e.HTTP.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#token"), e.Tokens[coordinator]),
		chromedp.Click(chromedp.CSS("main form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("header form[action='/logout']")),
		chromedp.Navigate(e.HTTP.URL+"/races/"+raceIST+"/areas/34"),
	); err != nil {
		t.Fatal(err)
	}
	poll("the usual order", rows+` === "Adalar,Beşiktaş"`)
	// CHP's provisional votes: 250 in Beşiktaş, 110 in Adalar.
	// The sorted column exists only on the page the link leads to.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[data-k="p.c0"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#children th[data-sort-key="p.c0"]`)),
	); err != nil {
		t.Fatal(err)
	}
	poll("the sorted page", `location.search.includes("sort=p.c0") && location.hash === "#children"`)
	poll("most CHP votes first", rows+` === "Beşiktaş,Adalar"`)
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.CSS(`#children th[aria-sort] button`)),
		chromedp.KeyEvent("\r"),
	); err != nil {
		t.Fatal(err)
	}
	poll("the keyboard to turn the order round",
		rows+` === "Adalar,Beşiktaş" && document.querySelector("#children th[data-sort-key]").getAttribute("aria-sort") === "ascending"`)
}
