package resultfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sandik-dev/sandik"
)

// Byte order marks.
const (
	bomUTF8    = "\xef\xbb\xbf"
	bomUTF16LE = "\xff\xfe"
	bomUTF16BE = "\xfe\xff"
)

// decodeInput returns a reader of UTF-8 text for src: UTF-16 in either
// byte order (with a byte order mark, or without one: text never holds a
// zero byte in UTF-8, while in UTF-16 every ASCII character and most
// Turkish letters have one, on the odd bytes in little-endian order and
// on the even ones in big-endian) is converted, a UTF-8 byte order mark
// dropped. UTF-8 is checked later, line by line, so that the
// error can name the line.
func decodeInput(src io.Reader) *bufio.Reader {
	br := bufio.NewReaderSize(&sticky{r: src}, 64<<10)
	// A read error here comes back on the first read of a row.
	head, _ := br.Peek(512)
	s := string(head)
	even, odd := zeros(head)
	switch {
	case len(s) >= 3 && s[:3] == bomUTF8:
		_, _ = br.Discard(3)
	case len(s) >= 2 && s[:2] == bomUTF16LE:
		_, _ = br.Discard(2)
		return bufio.NewReaderSize(&utf16Reader{src: br, big: false, line: 1}, 64<<10)
	case len(s) >= 2 && s[:2] == bomUTF16BE:
		_, _ = br.Discard(2)
		return bufio.NewReaderSize(&utf16Reader{src: br, big: true, line: 1}, 64<<10)
	case odd > even:
		return bufio.NewReaderSize(&utf16Reader{src: br, big: false, line: 1}, 64<<10)
	case even > odd:
		return bufio.NewReaderSize(&utf16Reader{src: br, big: true, line: 1}, 64<<10)
	}
	return br
}

// sticky returns its first error on every later read, so that an error
// met while peeking at the header is met again where the rows are read
// (bufio.Reader hands an error out once).
type sticky struct {
	r   io.Reader
	err error
}

func (s *sticky) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	if err != nil {
		s.err = err
		if !errors.Is(err, io.EOF) {
			s.err = fmt.Errorf("read result table: %w", err)
		}
	}
	return n, s.err
}

// utf16Reader converts UTF-16 to UTF-8 as it is read. Broken text (a
// surrogate without its pair, an odd number of bytes) is an error naming
// the line rather than a silent U+FFFD, since a mangled digit would change
// a count.
type utf16Reader struct {
	src  *bufio.Reader
	big  bool
	out  []byte
	pos  int
	line int // newlines produced so far + 1: the line being decoded
	err  error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for u.pos == len(u.out) && u.err == nil {
		u.fill()
	}
	if u.pos < len(u.out) {
		n := copy(p, u.out[u.pos:])
		u.pos += n
		return n, nil
	}
	return 0, u.err
}

// unit reads one UTF-16 code unit; ok is false at a clean end of input.
func (u *utf16Reader) unit() (r rune, ok bool, err error) {
	b0, err := u.src.ReadByte()
	if errors.Is(err, io.EOF) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	b1, err := u.src.ReadByte()
	if errors.Is(err, io.EOF) {
		return 0, false, u.encodingError("the file ends in the middle of a UTF-16 character (an odd number of bytes)")
	}
	if err != nil {
		return 0, false, err
	}
	if u.big {
		return rune(b0)<<8 | rune(b1), true, nil
	}
	return rune(b1)<<8 | rune(b0), true, nil
}

func (u *utf16Reader) fill() {
	u.out, u.pos = u.out[:0], 0
	for len(u.out) < 4096 {
		r, ok, err := u.unit()
		if err != nil || !ok {
			u.err = err
			if err == nil {
				u.err = io.EOF
			}
			return
		}
		switch {
		case utf16.IsSurrogate(r) && r < 0xdc00:
			lo, ok, err := u.unit()
			if err != nil {
				u.err = err
				return
			}
			if !ok || lo < 0xdc00 || lo > 0xdfff {
				u.err = u.encodingError(fmt.Sprintf("a UTF-16 surrogate U+%04X is not followed by its pair", r))
				return
			}
			r = utf16.DecodeRune(r, lo)
		case utf16.IsSurrogate(r):
			u.err = u.encodingError(fmt.Sprintf("a UTF-16 surrogate U+%04X stands alone", r))
			return
		}
		if r == '\n' {
			u.line++
		}
		u.out = utf8.AppendRune(u.out, r)
	}
}

func (u *utf16Reader) encodingError(msg string) error {
	return sandik.Invalid("the file is not valid UTF-16", []sandik.Problem{
		{Field: "encoding", Line: u.line, Rule: RuleEncoding, Message: msg},
	})
}

// zeros counts the zero bytes at even and at odd offsets of b.
func zeros(b []byte) (even, odd int) {
	for i, c := range b {
		if c == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	return even, odd
}
