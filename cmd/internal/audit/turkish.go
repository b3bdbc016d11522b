// Package audit holds the checks that a Turkish reader meets no code, no
// English sentence and no list in byte order: applied by its walk test to
// every page and download of a demo night, and kept apart from it so that
// their own tests can show what they catch and what they let pass.
package audit

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sandik-dev/sandik/collation"
)

// A Finding is one thing a Turkish reader should not meet.
type Finding struct {
	Where string // page or file, and the table or cell
	Rule  string // "code", "english" or "order"
	Text  string // what was found, with a little of what surrounds it
}

func (f Finding) String() string { return fmt.Sprintf("%s: %s: %s", f.Where, f.Rule, f.Text) }

// codePattern matches a rule key or code as the programs write them:
// lowercase ASCII words joined by underscores (registered_mismatch,
// zero_choice). Turkish prose never joins words so.
var codePattern = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)

// parenCode matches an ASCII word alone in parentheses, "(identity)":
// how the anomaly kinds leaked; a Turkish word in parentheses nearly
// always carries a Turkish letter or a suffix, which englishWords sorts
// out, so only words in that list count.
var parenCode = regexp.MustCompile(`\(([a-z]+)\)`)

// englishWords are common English words and the single-word codes of
// the domain (late, created, verified), each of which is no Turkish word
// or only one too rare to meet in the interface. Words that are also
// Turkish (on, at, in, ne, an, bu) are left out, and so are the words
// of proper names the demo uses.
var englishWords = wordSet(`
the and of to for with from this that these those is are was were be been has have had not no
will would should must can could may into onto over under than then there their which who whom what
when where while why how all any each every some other only also but or if else about after before
level created verified discrepancy discrepancies law art article deadline board district province
box boxes ballot race races vote votes voter voters sheet sheets official unofficial entry entries
conflict conflicts pending missing late identity equal draft filed upheld rejected decided appeal
appealed withdrawn case cases evidence petition comparison threshold thresholds error internal invalid
valid registered choice choices sum total totals refused forbidden unauthorized found resource request
sign signed session page pages export status reported received updated changed warning warnings
anomaly anomalies turnout margin share percent delta difference leading leader lead unknown required
please try again back next previous loading live
`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// TextFindings returns the codes and English words in text, a piece of
// what a reader sees (a paragraph, a table cell, a CSV cell).
func TextFindings(where, text string) []Finding {
	var out []Finding
	var codes [][]int
	for _, loc := range codePattern.FindAllStringIndex(text, -1) {
		out = append(out, Finding{where, "code", around(text, loc[0], loc[1])})
		codes = append(codes, loc)
	}
	for _, m := range parenCode.FindAllStringSubmatchIndex(text, -1) {
		if englishWords[text[m[2]:m[3]]] {
			out = append(out, Finding{where, "code", around(text, m[0], m[1])})
			codes = append(codes, m[:2])
		}
	}
	inCode := func(w [2]int) bool {
		for _, c := range codes {
			if w[0] >= c[0] && w[1] <= c[1] {
				return true
			}
		}
		return false
	}
	// A sentence's English words make one finding, not one each.
	var english []string
	first, last := -1, 0
	for _, w := range words(text) {
		if inCode(w) {
			continue
		}
		// "No." is Turkish too: "1012 No.lu Sandık", "No. 5".
		if text[w[0]:w[1]] == "No" && w[1] < len(text) && text[w[1]] == '.' {
			continue
		}
		// A word in capitals or capitalised is tested lowercased: "Law",
		// "LEVEL". Turkish lowercasing would turn I into ı; English words
		// are ASCII, so strings.ToLower is the right one here.
		if englishWords[strings.ToLower(text[w[0]:w[1]])] {
			english = append(english, text[w[0]:w[1]])
			if first < 0 {
				first = w[0]
			}
			last = w[1]
		}
	}
	if len(english) > 0 {
		out = append(out, Finding{where, "english", fmt.Sprintf("%s in %q", strings.Join(english, " "), clip(text, first, last))})
	}
	// A capitalised word said twice in a row is a label glued to a name
	// that already holds it ("Sandık Sandık 1120"); Turkish doubles
	// lowercase words (tek tek, ayrı ayrı), not names.
	for _, loc := range doubled(text) {
		out = append(out, Finding{where, "repeat", around(text, loc[0], loc[1])})
	}
	return out
}

// doubled returns the spans of capitalised words repeated at once, with
// one space between.
func doubled(text string) [][2]int {
	var out [][2]int
	fields := strings.Fields(text)
	at := 0
	var prev string
	prevAt := 0
	for _, f := range fields {
		i := strings.Index(text[at:], f) + at
		r, _ := utf8.DecodeRuneInString(f)
		if f == prev && unicode.IsUpper(r) && len([]rune(f)) > 1 {
			out = append(out, [2]int{prevAt, i + len(f)})
		}
		prev, prevAt, at = f, i, i+len(f)
	}
	return out
}

// words returns the byte spans of the words of text made of ASCII
// letters alone: a run of letters, digits, apostrophes and underscores
// with a Turkish letter, a digit or a suffix after an apostrophe
// (Kadıköy'de) is no English word.
func words(text string) [][2]int {
	var out [][2]int
	inWord := func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || r == '_'
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !inWord(r) {
			i += size
			continue
		}
		j, ascii := i, true
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !inWord(r) {
				break
			}
			ascii = ascii && r < utf8.RuneSelf && unicode.IsLetter(r)
			j += size
		}
		if ascii {
			out = append(out, [2]int{i, j})
		}
		i = j
	}
	return out
}

// clip returns text[i:j] with a little context, spaces folded.
func clip(text string, i, j int) string {
	a, b := max(0, i-30), min(len(text), j+30)
	for a > 0 && !utf8.RuneStart(text[a]) {
		a--
	}
	for b < len(text) && !utf8.RuneStart(text[b]) {
		b++
	}
	return strings.Join(strings.Fields(text[a:b]), " ")
}

// around returns text[i:j] with up to 30 bytes of context each side, cut
// at rune boundaries.
func around(text string, i, j int) string {
	return fmt.Sprintf("%q in %q", text[i:j], clip(text, i, j))
}

// OrderFindings returns a finding when names, a column of area names read
// top to bottom, are not in Turkish order (descending when desc).
func OrderFindings(where string, names []string, desc bool) []Finding {
	for i := 1; i < len(names); i++ {
		c := collation.Compare(names[i-1], names[i])
		if desc {
			c = -c
		}
		if c > 0 {
			return []Finding{{where, "order", fmt.Sprintf("%q before %q (row %d of %d)", names[i-1], names[i], i, len(names))}}
		}
	}
	return nil
}

// Names tells the area names a table's cells may hold, each with the
// name of its parent area: only names under one parent are compared, so
// that a province's row above its districts is no finding.
type Names map[string]string

// name returns the area name a cell holds, alone or followed by a
// figure or a note after a space ("Kadıköy 12 sandık"), or "".
func (ns Names) name(cell string) string {
	if _, ok := ns[cell]; ok {
		return cell
	}
	for i := len(cell) - 1; i > 0; i-- {
		if _, ok := ns[cell[:i]]; ok && cell[i] == ' ' {
			return cell[:i]
		}
	}
	return ""
}

// TableFindings checks every column of t that lists area names (two or
// more, and nothing else) for Turkish order, within each group of rows
// that share the area names of the columns before it (a district's
// boxes under the district). A column is left alone when the page says
// the table is sorted by another.
func TableFindings(where string, t Table, ns Names) []Finding {
	width := 0
	for _, r := range t.Rows {
		width = max(width, len(r))
	}
	var out []Finding
	var parents []int
	for j := 0; j < width; j++ {
		var col []string
		isNames := true
		for _, r := range t.Rows {
			if j >= len(r) || r[j] == "" {
				continue
			}
			n := ns.name(r[j])
			if n == "" {
				isNames = false
				break
			}
			col = append(col, n)
		}
		if !isNames || len(col) < 2 {
			continue
		}
		if t.SortedBy < 0 || t.SortedBy == j {
			head := fmt.Sprintf("column %d", j+1)
			if j < len(t.Header) && t.Header[j] != "" {
				head = fmt.Sprintf("column %q", t.Header[j])
			}
			groups := map[string][]string{}
			var order []string
			for _, r := range t.Rows {
				if j >= len(r) || r[j] == "" {
					continue
				}
				name := ns.name(r[j])
				key := []string{ns[name]}
				for _, p := range parents {
					if p < len(r) {
						key = append(key, r[p])
					}
				}
				k := strings.Join(key, "\x00")
				if _, ok := groups[k]; !ok {
					order = append(order, k)
				}
				groups[k] = append(groups[k], name)
			}
			for _, k := range order {
				w := fmt.Sprintf("%s, %s, %s", where, t.Name, head)
				if k = strings.Trim(k, "\x00"); k != "" {
					w += " under " + strings.ReplaceAll(k, "\x00", " / ")
				}
				out = append(out, OrderFindings(w, groups[k], t.SortedBy == j && t.Desc)...)
			}
		}
		parents = append(parents, j)
	}
	return out
}

// DocumentFindings applies every check to a parsed page.
func DocumentFindings(where string, d *Document, ns Names) []Finding {
	var out []Finding
	for _, t := range d.Texts {
		out = append(out, TextFindings(where, t)...)
	}
	for _, t := range d.Tables {
		out = append(out, TableFindings(where, t, ns)...)
	}
	return out
}

// GridFindings applies every check to a CSV's or a sheet's records, the
// first of which is the header.
func GridFindings(where string, records [][]string, ns Names) []Finding {
	var out []Finding
	for i, r := range records {
		for j, cell := range r {
			// Findings are placed by column, not row, so that a code in
			// every row is told once with its count.
			at := fmt.Sprintf("%s, header", where)
			if i > 0 {
				at = fmt.Sprintf("%s, column %d", where, j+1)
				if j < len(records[0]) {
					at = fmt.Sprintf("%s, column %q", where, records[0][j])
				}
			}
			out = append(out, TextFindings(at, cell)...)
		}
	}
	if len(records) > 1 {
		out = append(out, TableFindings(where, Table{Name: "rows", Header: records[0], Rows: records[1:], SortedBy: -1}, ns)...)
	}
	return out
}
