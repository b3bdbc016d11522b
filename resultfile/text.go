package resultfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sandik-dev/sandik"
)

// textSource splits a UTF-8 text table into records. It is written by
// hand rather than with encoding/csv so that a line has a bound, a quote
// inside an unquoted cell (`AKALAN "MAH.`) is just a character, and
// broken quoting is a problem of one row instead of the end of the file.
type textSource struct {
	br    *bufio.Reader
	comma byte
	line  int // physical lines consumed
	rec   []byte
	cells []string
	eof   bool
}

// quote states while scanning a record.
const (
	stFieldStart = iota
	stUnquoted
	stQuoted
	stQuoteInQuoted // a quote inside a quoted cell: closing, or the first of ""
)

// readRecord returns the bytes of the next record (physical lines joined
// while a quoted cell is open, line ends dropped) and the line it starts
// on.
func (t *textSource) readRecord() ([]byte, int, error) {
	if t.eof {
		return nil, 0, io.EOF
	}
	t.rec = t.rec[:0]
	start := t.line + 1
	state := stFieldStart
	lineStart := 0
	for {
		chunk, err := t.br.ReadSlice('\n')
		if len(t.rec)+len(chunk) > MaxLineBytes+2 {
			return nil, 0, sandik.Invalid("the result table has a line that is too long", []sandik.Problem{{
				Field: "line", Line: start, Rule: RuleTooLong,
				Message: fmt.Sprintf("line is longer than %d bytes; this is not a result table", MaxLineBytes)}})
		}
		t.rec = append(t.rec, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, 0, err
		}
		if errors.Is(err, io.EOF) {
			t.eof = true
			if len(t.rec) == 0 {
				return nil, 0, io.EOF
			}
		}
		t.line++
		line := t.rec[lineStart:]
		if !utf8.Valid(line) {
			return nil, 0, sandik.Invalid("the file is not valid UTF-8", []sandik.Problem{{
				Field: "encoding", Line: t.line, Rule: RuleEncoding,
				Message: "the line is not UTF-8 text; save the table as UTF-8 or as Unicode (UTF-16) text"}})
		}
		state = scanQuotes(state, line, t.comma)
		if state != stQuoted || t.eof {
			return trimEOL(t.rec), start, nil
		}
		// A quoted cell runs on to the next line: keep the newline in it.
		t.rec = append(trimEOL(t.rec), '\n')
		lineStart = len(t.rec)
	}
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// scanQuotes advances the quote state over one physical line.
func scanQuotes(state int, line []byte, comma byte) int {
	for _, c := range line {
		switch state {
		case stFieldStart:
			switch c {
			case '"':
				state = stQuoted
			case comma, ' ':
			default:
				state = stUnquoted
			}
		case stUnquoted:
			if c == comma {
				state = stFieldStart
			}
		case stQuoted:
			if c == '"' {
				state = stQuoteInQuoted
			}
		case stQuoteInQuoted:
			switch c {
			case '"':
				state = stQuoted
			case comma:
				state = stFieldStart
			default:
				state = stUnquoted
			}
		}
	}
	if state == stQuoteInQuoted {
		state = stUnquoted // the quote closed the cell at the end of the line
	}
	return state
}

// cellError is broken quoting in cell col (0-based) of a record.
type cellError struct {
	col int
	msg string
}

// splitRecord cuts a record into cells. Cells are substrings of one string
// made from the record, so an unquoted row costs one allocation plus the
// slice. A cell is quoted when its first non-space character is a quote;
// a quote anywhere else is an ordinary character.
func splitRecord(rec []byte, comma byte, cells []string) ([]string, []cellError) {
	s := string(rec)
	cells = cells[:0]
	var errs []cellError
	for i := 0; ; {
		j := i
		for j < len(s) && s[j] == ' ' {
			j++
		}
		if j < len(s) && s[j] == '"' {
			cell, next, msg := quotedCell(s, j+1, comma)
			if msg != "" {
				errs = append(errs, cellError{len(cells), msg})
			}
			cells = append(cells, cell)
			if next >= len(s) {
				return cells, errs
			}
			i = next + 1
			continue
		}
		k := strings.IndexByte(s[i:], comma)
		if k < 0 {
			return append(cells, s[i:]), errs
		}
		cells = append(cells, s[i:i+k])
		i += k + 1
	}
}

// quotedCell reads a quoted cell whose text starts at s[i]; next is the
// index of the delimiter after it (or len(s)).
func quotedCell(s string, i int, comma byte) (cell string, next int, msg string) {
	var b strings.Builder
	for {
		k := strings.IndexByte(s[i:], '"')
		if k < 0 {
			b.WriteString(s[i:])
			return b.String(), len(s), "a quoted cell is not closed"
		}
		b.WriteString(s[i : i+k])
		i += k + 1
		if i < len(s) && s[i] == '"' {
			b.WriteByte('"')
			i++
			continue
		}
		rest := i
		for rest < len(s) && s[rest] == ' ' {
			rest++
		}
		if rest == len(s) || s[rest] == comma {
			return b.String(), rest, ""
		}
		k = strings.IndexByte(s[rest:], comma)
		if k < 0 {
			k = len(s) - rest
		}
		b.WriteString(s[i : rest+k])
		return b.String(), rest + k, `text after the closing quote of a cell (a quote inside a quoted cell is written "")`
	}
}

// delimiters a text table may use: tab (YSK and Excel's Unicode text),
// semicolon (a Turkish Excel's CSV) or comma.
var delimiters = []byte{'\t', ';', ','}

// sniffComma picks the delimiter from the first lines of a table. Title
// lines above the header may hold any punctuation ("Adana, İl Genel
// Meclisi"), so the delimiter is the one that splits a line into a
// header, the first such line deciding; failing that, the one that
// splits some line into the most known columns (a header with a misspelt
// field); failing that, the one the first line uses most, outside quotes.
func sniffComma(head []byte) byte {
	lines := bytes.SplitN(head, []byte("\n"), MaxHeaderLine+1)
	lines = lines[:min(len(lines), MaxHeaderLine)]
	bestKnown, best := 0, byte(0)
	for _, line := range lines {
		line = trimEOL(line)
		for _, c := range delimiters {
			if bytes.IndexByte(line, c) < 0 {
				continue
			}
			cells, _ := splitRecord(line, c, nil)
			known, header := recognise(cells)
			if header {
				return c
			}
			if known > bestKnown {
				bestKnown, best = known, c
			}
		}
	}
	if best != 0 {
		return best
	}
	return mostUsed(lines[0])
}

// mostUsed returns the delimiter line holds most often outside quotes,
// tab when it holds none.
func mostUsed(line []byte) byte {
	counts := map[byte]int{}
	quoted := false
	for _, c := range line {
		if c == '"' {
			quoted = !quoted
		}
		if !quoted {
			counts[c]++
		}
	}
	most, comma := 0, byte('\t')
	for _, c := range delimiters {
		if counts[c] > most {
			most, comma = counts[c], c
		}
	}
	return comma
}

func (t *textSource) next() ([]string, int, []sandik.Problem, error) {
	for {
		rec, line, err := t.readRecord()
		if err != nil {
			return nil, 0, nil, err
		}
		cells, errs := splitRecord(rec, t.comma, t.cells)
		t.cells = cells
		if blank(cells) {
			continue
		}
		var ps []sandik.Problem
		for _, e := range errs {
			ps = append(ps, sandik.Problem{Field: fmt.Sprintf("column %d", e.col+1), Line: line, Rule: RuleSyntax, Message: e.msg})
		}
		return cells, line, ps, nil
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (t *textSource) close() error { return nil }
