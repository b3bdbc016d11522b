package pages

import (
	"flag"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

var update = flag.Bool("update", false, "rewrite the sample documents in testdata/")

var (
	tagRe     = regexp.MustCompile(`<[^>]*>`)
	blockEnd  = regexp.MustCompile(`(?i)</(p|h1|h2|tr|li|dt|dd|div|section|thead|tbody|table|ol|ul)>|<br>`)
	cellStart = regexp.MustCompile(`(?i)<(td|th)[^>]*>`)
	boldCell  = regexp.MustCompile(`<td class="diff">([^<]*)</td>`)
	styleRe   = regexp.MustCompile(`(?s)<(style|script|head)[^>]*>.*?</(style|script|head)>`)
)

// documentText reads a page the way a board's clerk reads the paper: its
// lines of text, the table's cells apart, bold figures between **.
func documentText(page string) string {
	s := styleRe.ReplaceAllString(page, "")
	s = boldCell.ReplaceAllString(s, "<td>**$1**</td>")
	s = blockEnd.ReplaceAllString(s, "\n")
	s = cellStart.ReplaceAllString(s, " | ")
	s = html.UnescapeString(tagRe.ReplaceAllString(s, ""))
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		line = strings.TrimPrefix(line, "| ")
		if line != "" && line != "|" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// sample compares a document with its written sample in testdata.
func sample(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the sample at line %d:\n got: %q\nwant: %q\n\nthe whole document:\n%s", name, i+1, g, w, got)
			}
		}
	}
}

// The petition and the case page a draft from the comparison makes read
// as the written Turkish samples: the board named with its seat, boxes
// named once ("1001 No.lu Sandık", never "Sandık Sandık 1001"), the
// text in its paragraphs, the legal ground of Law 298 in Turkish, and
// bold only on the official figures that differ from the sheet.
func TestPetitionAndCasePageMatchTheSamples(t *testing.T) {
	e := newEnv(t)
	discrepancies(t, e)
	b := e.Browser(lawyer)
	r := b.Post("/races/"+raceIST+"/areas/34.01/cases", map[string][]string{"filer": {"CHP İstanbul İl Başkanlığı"}, "box": {box1, box2}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("draft: %d %s", r.Status, r.Body)
	}
	cases, err := e.Center.View(operator).Cases(t.Context(), raceIST)
	if err != nil || len(cases) != 1 {
		t.Fatalf("cases %v %d", err, len(cases))
	}
	c := cases[0]
	id := string(c.ID)
	anon := func(s string) string { return strings.ReplaceAll(s, id, "itz-DOSYA") }

	petition := b.Page("/itiraz/"+id+"/petition", http.StatusOK)
	text := anon(documentText(petition))
	sample(t, "dilekce.txt", text)
	for _, bad := range []string{"Sandık Sandık", "Law 298", "ADALAR", "style=\"", "İlçe seçim kurulu"} {
		if strings.Contains(petition, bad) {
			t.Errorf("the petition holds %q", bad)
		}
	}
	// Bold marks exactly the figures that differ: CHP and AKP in both
	// boxes, never SP or the invalid votes, which agree.
	if n := strings.Count(petition, `class="diff"`); n != 4 {
		t.Errorf("%d bold figures, want the 4 that differ", n)
	}

	page := b.Page("/itiraz/"+id, http.StatusOK)
	main := page[strings.Index(page, `<main id="main">`):]
	sample(t, "dosya.txt", anon(documentText(main)))
	if strings.Contains(page, "style=") || strings.Contains(page, "Sandık Sandık") {
		t.Error("the case page has an inline style or names a box twice")
	}

	// In English when the reader chose English; the stored text of the
	// case stays as it was written to the Turkish board.
	en := documentText(b.Page("/itiraz/"+id+"/petition?lang=en", http.StatusOK))
	webtest.MustContain(t, en, "To the Chair of the Adalar District Election Board", "Law 298 art. 128", "Ballot box no. 1001", "Signed sheet")
	if strings.Contains(en, "Başkanlığına") || strings.Contains(en, "Hukuki nedenler") {
		t.Errorf("the English petition holds Turkish words:\n%s", en)
	}
}

// Each board is addressed by its seat, in Turkish casing, from the
// registry's names however they are written.
func TestBoardAddresses(t *testing.T) {
	reg := webtest.Registry(t)
	for _, tc := range []struct {
		board itiraz.Board
		box   sandik.AreaCode
		want  string
	}{
		{itiraz.BoardSandik, box3, "Beşiktaş 2001 No.lu Sandık Kurulu Başkanlığına"},
		{itiraz.BoardIlce, box3, "Beşiktaş İlçe Seçim Kurulu Başkanlığına"},
		{itiraz.BoardIl, box1, "İstanbul İl Seçim Kurulu Başkanlığına"},
		{itiraz.BoardYSK, box1, "Yüksek Seçim Kurulu Başkanlığına"},
	} {
		c := &itiraz.Case{Race: raceIST, Board: tc.board, Boxes: []sandik.AreaCode{tc.box}}
		if got := itiraz.Address(reg, c, "tr"); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.board, got, tc.want)
		}
	}
}
