package resultfile

import (
	"fmt"
	"io"
	"strings"
)

// Reader reads the boxes of a YSK per-box result table one row at a time,
// so a national file of 200,000 boxes needs memory for one row only.
type Reader struct {
	l      *layout
	src    source
	short  bool  // a row may omit trailing empty cells
	header int   // line or row of the header
	err    error // the fatal error or io.EOF that ended reading, returned again
}

// NewReader reads the header of a text table: UTF-16 (either byte order)
// or UTF-8, with or without a byte order mark; cells separated by tabs,
// semicolons or commas, whichever splits the header into YSK columns;
// lines ending in CRLF or LF; cells optionally quoted. The header is the
// first line, among the first MaxHeaderLine, that has the required
// columns; title lines above it are skipped. It returns an EInvalid
// *sandik.Error whose problems name the header cells when no such line
// is found.
func NewReader(r io.Reader) (*Reader, error) {
	br := decodeInput(r)
	// The delimiter is sniffed from the first lines; errors are met again,
	// and reported, when those lines are read as records.
	head, _ := br.Peek(64 << 10)
	return newReader(&textSource{br: br, comma: sniffComma(head)}, false, "lines")
}

// newReader finds the header among the first records of src; unit names
// what a record is called ("lines", "rows") in the error when none is.
func newReader(src source, short bool, unit string) (*Reader, error) {
	l, line, err := findHeader(src, unit)
	if err != nil {
		return nil, err
	}
	return &Reader{l: l, src: src, short: short, header: line}, nil
}

// HeaderLine returns the line (or sheet row) the header was found on: 1
// unless title or blank rows come before it.
func (r *Reader) HeaderLine() int { return r.header }

// Choices returns the party (or candidate) column headers, trimmed, in
// file order. Row.Votes has one entry per choice.
func (r *Reader) Choices() []string { return append([]string(nil), r.l.choices...) }

// Next returns the next box, skipping rows whose cells are all empty. It
// returns io.EOF at the end. Other errors are fatal — the file cannot be
// read further (I/O, broken encoding, a line over MaxLineBytes); a row
// that merely breaks a rule comes back with Problems.
func (r *Reader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	cells, line, ps, err := r.src.next()
	if err != nil {
		// The source may stand in the middle of a record: never read on.
		r.err = err
		return Row{}, err
	}
	row := r.l.build(cells, line, r.short)
	for i := range ps {
		if c := columnOf(ps[i].Field); c >= 0 && c < len(r.l.header) && r.l.header[c] != "" {
			ps[i].Field = r.l.header[c]
		}
	}
	if len(ps) > 0 {
		row.Problems = append(ps, row.Problems...)
	}
	return row, nil
}

// columnOf reads the 0-based column of a "column N" field, or -1.
func columnOf(field string) int {
	var n int
	if _, err := fmt.Sscanf(field, "column %d", &n); err != nil || !strings.HasPrefix(field, "column ") {
		return -1
	}
	return n - 1
}

// Close releases what the reader holds (an XLSX reader's temporary
// files). It does not close the io.Reader given to NewReader.
func (r *Reader) Close() error { return r.src.close() }
