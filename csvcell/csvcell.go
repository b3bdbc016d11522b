// Package csvcell writes CSV that a spreadsheet opens as data: a cell
// that a spreadsheet would read as a formula (an area, choice or case
// named "=HYPERLINK(…)") is written as text. Every CSV export goes
// through its Writer, so that no export is left unguarded.
package csvcell

import (
	"encoding/csv"
	"io"
	"regexp"
)

// number is a plain number as the exports write it, possibly signed,
// with thousands or decimal separators and a percent sign: a spreadsheet
// reads it as a number, never a formula, so it keeps its sign.
var number = regexp.MustCompile(`^[-+]?[0-9]+([.,][0-9]+)*%?$`)

// Cell returns s as a spreadsheet should read it: prefixed with a single
// quote when it starts with a character that would start a formula (=, +,
// -, @, tab or carriage return), unless it is a plain number. A text that
// already begins with the quote and a guarded text gets one more quote,
// so that Uncell gives every text back as it was.
func Cell(s string) string {
	if guarded(s) {
		return "'" + s
	}
	return s
}

func guarded(s string) bool {
	switch {
	case s == "":
		return false
	case formulaStart(s[0]):
		return !number.MatchString(s)
	case s[0] == '\'':
		return guarded(s[1:])
	}
	return false
}

// Uncell undoes Cell, for files Sandık writes and reads back (the
// registry): Uncell(Cell(s)) == s for every s.
func Uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && guarded(s[1:]) {
		return s[1:]
	}
	return s
}

func formulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// Writer is a csv.Writer whose every cell passes through Cell.
type Writer struct {
	*csv.Writer
	rec []string
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{Writer: csv.NewWriter(w)} }

// Write writes one record, its cells guarded.
func (w *Writer) Write(record []string) error {
	w.rec = w.rec[:0]
	for _, s := range record {
		w.rec = append(w.rec, Cell(s))
	}
	return w.Writer.Write(w.rec)
}

// WriteAll writes records, guarded, and flushes.
func (w *Writer) WriteAll(records [][]string) error {
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}
