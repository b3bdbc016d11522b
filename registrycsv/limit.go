package registrycsv

import (
	"fmt"
	"io"

	"github.com/sandik-dev/sandik"
)

// Limits of a registry file. A registry line is a few hundred bytes; the
// limits are far above that and far below what would hurt: encoding/csv
// holds a whole record in memory, and a 1 GB line took 6.7 GB.
const (
	MaxLineBytes  = 1 << 20  // a line, or a record whose quoted field runs over lines
	MaxFieldBytes = 64 << 10 // one field
)

// quote states of a record, as encoding/csv reads it.
const (
	stFieldStart    = iota
	stUnquoted      // a quote here is an error to csv, which goes on at the next line
	stQuoted        // a newline here is part of the field
	stQuoteInQuoted // the closing quote, or the first of ""
)

// lineLimiter stands between a file and encoding/csv and fails the read
// as soon as a record passes MaxLineBytes, before csv has buffered it. It
// follows csv's quoting, so a quoted field may hold newlines but a stray
// quote does not turn the rest of the file into one record.
type lineLimiter struct {
	r     io.Reader
	file  string
	comma byte
	trim  bool // csv's TrimLeadingSpace: spaces before a quote are not text
	state int
	n     int // bytes of the record so far
	start int // the line the record starts on
	lines int // newlines read
	err   error
}

func newLineLimiter(r io.Reader, file string, comma byte, trim bool) *lineLimiter {
	return &lineLimiter{r: r, file: file, comma: comma, trim: trim, start: 1}
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		l.n++
		// +2 for the line end, which is not part of the record.
		if l.n > MaxLineBytes+2 {
			l.err = sandik.Invalid(l.file+" has a line longer than 1 MiB", []sandik.Problem{{
				Field: l.file, Line: l.start, Rule: RuleTooLong,
				Message: fmt.Sprintf("the line, with any quoted field running on from it, is longer than 1 MiB (%d bytes); registry lines are a few hundred bytes: is this the right file?", MaxLineBytes)}})
			return i, l.err
		}
		l.step(c)
	}
	return n, err
}

func (l *lineLimiter) step(c byte) {
	if c == '\n' {
		l.lines++
		if l.state != stQuoted {
			l.state, l.n, l.start = stFieldStart, 0, l.lines+1
		}
		return
	}
	switch l.state {
	case stFieldStart:
		switch {
		case c == '"':
			l.state = stQuoted
		case c == l.comma, l.trim && (c == ' ' || c == '\t'):
		default:
			l.state = stUnquoted
		}
	case stUnquoted:
		if c == l.comma {
			l.state = stFieldStart
		}
	case stQuoted:
		if c == '"' {
			l.state = stQuoteInQuoted
		}
	case stQuoteInQuoted:
		switch c {
		case '"':
			l.state = stQuoted
		case l.comma:
			l.state = stFieldStart
		default:
			l.state = stUnquoted
		}
	}
}
