package registrycsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/csvcell"
)

// Rules this package adds to the domain's (sandik.Rule*): stable keys the
// interface translates.
const (
	RuleSyntax        = "csv_syntax"        // broken quoting
	RuleFieldCount    = "field_count"       // a row with more or fewer fields than the header
	RuleEncoding      = "encoding"          // not UTF-8
	RuleMissingColumn = "missing_column"    // a required column is not in the header
	RuleUnknownColumn = "unknown_column"    // a header names a column this file does not have
	RuleUnknownFile   = "unknown_file"      // a file name that is not one of the four
	RuleInconsistent  = "inconsistent"      // rows of one race disagree on its name, scope or election
	RuleTooMany       = "too_many_problems" // the last problem of a capped list
	RuleTooLong       = "too_long"          // a line over MaxLineBytes or a field over MaxFieldBytes
)

// columns describes the header of one kind of file.
type columns struct {
	required []string
	optional []string
}

func (c columns) all() []string { return append(append([]string(nil), c.required...), c.optional...) }

// table reads the rows of one CSV file after checking its header. Fields
// are trimmed; each row comes with the physical line it starts on, so that
// problems name the line a spreadsheet shows.
type table struct {
	// skipped is set when a row could not be read, so that references to
	// the records it may have held are not reported as unknown.
	skipped bool
	file    string
	r       *csv.Reader
	comma   rune
	index   map[string]int
	width   int
	ps      *collector
}

const (
	bomUTF8    = "\xef\xbb\xbf"
	bomUTF16LE = "\xff\xfe"
	bomUTF16BE = "\xfe\xff"
)

// openTable strips a UTF-8 byte order mark, detects the delimiter from the
// header line and checks the header against cols. It returns nil when the
// header is unusable; the reason is in ps.
func openTable(file string, src io.Reader, cols columns, ps *collector) (*table, error) {
	br := bufio.NewReaderSize(src, 64<<10)
	head, err := br.Peek(64 << 10)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	switch {
	case bytes.HasPrefix(head, []byte(bomUTF8)):
		_, _ = br.Discard(len(bomUTF8))
		head = head[len(bomUTF8):]
	case bytes.HasPrefix(head, []byte(bomUTF16LE)), bytes.HasPrefix(head, []byte(bomUTF16BE)):
		ps.add(file, 1, "", RuleEncoding, "the file is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\"")
		return nil, nil
	}
	t := &table{file: file, comma: detectComma(head), index: map[string]int{}, ps: ps}
	// Excel understands, and some tools write, a first line "sep=;" that
	// names the delimiter.
	sepLine := len(head) >= 5 && bytes.HasPrefix(bytes.ToLower(head[:4]), []byte("sep=")) &&
		(len(head) == 5 || head[5] == '\n' || head[5] == '\r') && slices.Contains([]byte(",;\t|"), head[4])
	if sepLine {
		t.comma = rune(head[4])
	}
	// Spaces before a quoted field (`a, "b"`) are common in files typed by
	// hand; with tabs as delimiter this would swallow empty fields.
	trim := t.comma != '\t'
	t.r = csv.NewReader(newLineLimiter(br, file, byte(t.comma), trim))
	t.r.Comma = t.comma
	t.r.FieldsPerRecord = -1 // checked here, to say which delimiter the row seems to use
	t.r.ReuseRecord = true
	t.r.TrimLeadingSpace = trim
	if sepLine {
		_, _ = t.r.Read() // read through the csv.Reader so that line numbers stay physical
	}
	header, err := t.r.Read()
	if errors.Is(err, io.EOF) {
		ps.add(file, 1, "", sandik.RuleRequired, "the file is empty; the first line must be the header (%s)", strings.Join(cols.all(), ","))
		return nil, nil
	}
	if err != nil {
		if perr := t.parseError(err); perr != nil {
			return nil, perr
		}
		return nil, nil
	}
	line, _ := t.r.FieldPos(0)
	ok := true
	for i, h := range header {
		name := normalizeName(h)
		switch {
		case name == "" && len(header) > 1:
			ps.add(file, line, "", RuleUnknownColumn, "column %d of the header has no name", i+1)
			ok = false
		case !slices.Contains(cols.all(), name):
			ps.add(file, line, name, RuleUnknownColumn, "unknown column %q; %s has the columns %s", strings.TrimSpace(h), file, strings.Join(cols.all(), ","))
			ok = false
		default:
			if _, dup := t.index[name]; dup {
				ps.add(file, line, name, sandik.RuleDuplicate, "column %q appears twice in the header", name)
				ok = false
			}
			t.index[name] = i
		}
	}
	for _, c := range cols.required {
		if _, found := t.index[c]; !found {
			ps.add(file, line, c, RuleMissingColumn, "the header has no column %q (a header of %s is: %s)", c, file, strings.Join(cols.all(), ","))
			ok = false
		}
	}
	if !ok {
		return nil, nil
	}
	t.width = len(header)
	return t, nil
}

// detectComma picks the delimiter the header line uses most: comma,
// semicolon (Turkish Excel) or tab. Quoted text does not count.
func detectComma(head []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, b := range head {
		if b == '"' {
			quoted = !quoted
		}
		if b == '\n' && !quoted {
			break
		}
		if !quoted {
			counts[b]++
		}
	}
	best, comma := 0, ','
	for _, c := range []byte{',', ';', '\t'} {
		if counts[c] > best {
			best, comma = counts[c], rune(c)
		}
	}
	return comma
}

// next returns the next well-formed row and its line, or io.EOF. Rows that
// break the CSV syntax, have the wrong number of fields or are not UTF-8
// are reported and skipped; rows with every field empty (Excel leaves
// ";;;;" lines at the end of a sheet) are skipped silently.
func (t *table) next() ([]string, int, error) {
	for {
		rec, err := t.r.Read()
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		if err != nil {
			if perr := t.parseError(err); perr != nil {
				return nil, 0, perr
			}
			t.skipped = true
			continue
		}
		line, _ := t.r.FieldPos(0)
		empty := true
		valid := true
		long := -1
		for i := range rec {
			rec[i] = csvcell.Uncell(strings.TrimSpace(rec[i]))
			empty = empty && rec[i] == ""
			valid = valid && utf8.ValidString(rec[i])
			if len(rec[i]) > MaxFieldBytes && long < 0 {
				long = i
			}
		}
		switch {
		case empty:
			continue
		case long >= 0:
			t.ps.add(t.file, line, "", RuleTooLong, "field %d is %d bytes; a field is at most 64 KiB (%d bytes)", long+1, len(rec[long]), MaxFieldBytes)
			t.skipped = true
			continue
		case !valid:
			t.ps.add(t.file, line, "", RuleEncoding, "the row is not valid UTF-8; save the file as \"CSV UTF-8\"")
			t.skipped = true
			continue
		case len(rec) != t.width:
			t.ps.add(t.file, line, "", RuleFieldCount, "the row has %d fields but the header has %d%s", len(rec), t.width, t.delimiterHint(rec))
			t.skipped = true
			continue
		}
		return rec, line, nil
	}
}

// delimiterHint explains the usual cause of a wrong field count: a row
// pasted from a file that uses the other delimiter.
func (t *table) delimiterHint(rec []string) string {
	for _, other := range []string{",", ";", "\t"} {
		if rune(other[0]) == t.comma {
			continue
		}
		if n := strings.Count(strings.Join(rec, ""), other); n > 0 && n+1 >= t.width {
			return fmt.Sprintf("; the header separates fields with %s but this row seems to use %s", delimName(t.comma), delimName(rune(other[0])))
		}
	}
	return ""
}

func delimName(r rune) string {
	switch r {
	case ';':
		return "';'"
	case '\t':
		return "tabs"
	}
	return "','"
}

// parseError reports a CSV syntax error as a problem, or returns a read
// error (the file could not be read at all).
func (t *table) parseError(err error) error {
	var pe *csv.ParseError
	var invalid *sandik.Error
	switch {
	case errors.As(err, &invalid):
		return invalid // the line limit: it names the file already
	case !errors.As(err, &pe):
		return fmt.Errorf("read %s: %w", t.file, err)
	}
	t.ps.add(t.file, pe.Line, "", RuleSyntax, "CSV syntax error at column %d: %v (a field with quotes must be quoted as a whole, and a quote inside it doubled: \"\")", pe.Column, pe.Err)
	return nil
}

// col returns the index of a column, or -1 when an optional column is absent.
func (t *table) col(name string) int {
	if i, ok := t.index[name]; ok {
		return i
	}
	return -1
}

func field(rec []string, i int) string {
	if i < 0 {
		return ""
	}
	return rec[i]
}

// normalizeName folds a header or level name to lower-case ASCII so that
// "İlçe", "ILCE" and "ilçe" all read "ilce" (Turkish letters have no
// reliable case folding in the standard library).
func normalizeName(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(s, bomUTF8))
	var b strings.Builder
	for _, r := range s {
		if r == ' ' || r == '-' {
			r = '_'
		}
		r = sandik.FoldRune(r)
		b.WriteRune(r)
	}
	return b.String()
}
