package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sandik-dev/sandik/jsonkind"
)

// A national page is about 50 MB of JSON: 200,000 flat objects of a
// dozen scalars and one object of votes. Decoding it through maps of
// interfaces spent most of a reading's time on allocations that were
// turned into strings at once; holding the body whole to check it first
// (json.Valid) kept 50-100 MB alive while its sheets were made, the
// serving process's peak on a national night. jsonRowsFrom below reads
// the body once as it arrives through encoding/json's Decoder: the page's
// object and its array of boxes token by token, each box's object as one
// value (its syntax checked by the Decoder, its bytes reused from row to
// row), whose fields go straight into the row's maps, keys interned
// across rows. Only one row's bytes and the Decoder's buffer are held.

// jsonRows reads a body held whole, as jsonRowsFrom reads one that
// arrives.
func (d *Decoder) jsonRows(body []byte, each func(*row)) (int, error) {
	return d.jsonRowsFrom(bytes.NewReader(body), each)
}

// jsonRowsFrom reads the body's rows: a JSON object whose d.m.Boxes
// member is an array of objects, each a box's fields with d.m.Votes an
// object of figures by choice. It hands each row to each as it is read,
// in one row value whose maps are reused: each must not keep it. It
// reads r to its end whatever it finds, so that what reads r through it
// (the follower's hash) sees the whole body. After an error each may
// have seen some rows; the page is refused whole, in the words of
// encoding/json's reading of the whole body. An error reading r is
// returned as it is, never as a refusal. It returns the number of rows.
func (d *Decoder) jsonRowsFrom(r io.Reader, each func(*row)) (int, error) {
	p := jsonPage{d: d, each: each, keys: map[string]string{}}
	p.intern = func(b []byte) string {
		if k, ok := p.keys[string(b)]; ok {
			return k
		}
		k := string(b)
		p.keys[k] = k
		return k
	}
	p.r = row{fields: make(map[string]string, 8), votes: make(map[string]string, 8)}
	src := &readErr{r: r}
	n, err := p.read(json.NewDecoder(src))
	// The rest is read whatever was found, for the hash; a reader's own
	// error comes before any refusal, since the page was not all seen.
	if _, cerr := io.Copy(io.Discard, src); cerr != nil && src.err == nil {
		src.err = cerr
	}
	if src.err != nil {
		return 0, src.err
	}
	return n, err
}

// readErr is a reader that keeps the error, other than io.EOF, that
// its reader gave: told apart from what the Decoder makes of the bytes.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if err != nil && !errors.Is(err, io.EOF) && r.err == nil {
		r.err = err
	}
	return n, err
}

// jsonPage is the state of jsonRowsFrom's reading of a page.
type jsonPage struct {
	d      *Decoder
	each   func(*row)
	rs     scanner // reads a row's bytes
	keys   map[string]string
	intern func([]byte) string
	r      row
	raw    json.RawMessage // the row being read, its bytes reused

	n        int // elements of the array of boxes so far
	boxes    int
	haveRows bool
	count    []byte
	refusal  error // the first refusal of the page's shape; no row is handed on after it
}

// read reads the page with dec and judges it, refusals in the order
// encoding/json's reading of the whole body meets them: the syntax of
// the page's value first, then data after it, then its shape.
func (p *jsonPage) read(dec *json.Decoder) (int, error) {
	tok, err := token(dec)
	if err != nil {
		return 0, notJSON(err, false)
	}
	if tok != json.Delim('{') {
		first := firstByte(tok)
		if err := skipRest(dec, tok); err != nil {
			return 0, notJSON(err, true)
		}
		if first != 'n' {
			return 0, garbage("not a JSON object (%v); a page cut short or an error page", notObject(first))
		}
		if after(dec) {
			return 0, garbage("data after the JSON document")
		}
		return 0, garbage("no %q array of boxes", p.d.m.Boxes)
	}
	for dec.More() {
		key, err := token(dec)
		if err == nil {
			switch key {
			case p.d.m.Boxes:
				err = p.readBoxes(dec)
			case p.d.m.Count:
				var raw json.RawMessage
				if err = decode(dec, &raw); err == nil {
					p.count = append(p.count[:0], raw...)
				}
			default:
				err = skipValue(dec)
			}
		}
		if err != nil {
			return 0, notJSON(err, true)
		}
	}
	if _, err := token(dec); err != nil { // the page's closing brace
		return 0, notJSON(err, true)
	}
	if after(dec) {
		return 0, garbage("data after the JSON document")
	}
	if p.refusal != nil {
		return 0, p.refusal
	}
	if !p.haveRows {
		return 0, garbage("no %q array of boxes", p.d.m.Boxes)
	}
	if p.d.m.Count != "-" {
		var n int
		if p.count == nil || json.Unmarshal(p.count, &n) != nil {
			return 0, garbage("no whole number %q of boxes: the page cannot be told complete", p.d.m.Count)
		}
		if n != p.boxes {
			return 0, garbage("partial page: %q says %d boxes, the page holds %d", p.d.m.Count, n, p.boxes)
		}
	}
	return p.boxes, nil
}

// readBoxes reads the value of the member of boxes, handing on its rows.
func (p *jsonPage) readBoxes(dec *json.Decoder) error {
	tok, err := token(dec)
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('['):
	case nil: // null: no boxes
		p.boxes, p.haveRows = 0, true
		return nil
	default:
		p.refuse(garbage("%q is not an array of objects: it is %s", p.d.m.Boxes, jsonkind.Of([]byte{firstByte(tok)})))
		return skipRest(dec, tok)
	}
	p.n = 0
	for dec.More() {
		if err := decode(dec, &p.raw); err != nil {
			return err
		}
		p.row(p.raw)
	}
	if _, err := token(dec); err != nil { // the array's closing bracket
		return err
	}
	p.boxes, p.haveRows = p.n, true
	return nil
}

// notJSON is the refusal of a page whose syntax is wrong: an end met
// within the page's value is encoding/json's unexpected EOF.
func notJSON(err error, within bool) error {
	if within && errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return garbage("not a JSON object (%v); a page cut short or an error page", err)
}

// after reports whether anything but space follows the page's value.
func after(dec *json.Decoder) bool {
	_, err := token(dec)
	return !errors.Is(err, io.EOF)
}

// token is dec.Token, its refusals in the words of the Decoder's reading
// of a whole value: where a member's name should begin an object's first
// member, Token names the character alone ("invalid character '0'"),
// which encoding/json's scanner tells as looking for the name.
func token(dec *json.Decoder) (json.Token, error) {
	tok, err := dec.Token()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if c, ok := strings.CutPrefix(se.Error(), "invalid character "); ok && !strings.Contains(c, " ") {
			return nil, errors.New(se.Error() + " looking for beginning of object key string")
		}
	}
	return tok, err
}

// decode is dec.Decode of a value within the page, its refusals in the
// words of the Decoder's reading of a whole value: before a value, Decode
// says "expected comma after array element" (or colon after a key) where
// encoding/json's scanner names the character it met instead.
func decode(dec *json.Decoder, v any) error {
	err := dec.Decode(v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return err
	}
	where, ok := map[string]string{
		"expected comma after array element": "after array element",
		"expected colon after object key":    "after object key",
	}[se.Error()]
	if !ok {
		return err
	}
	rest, _ := io.ReadAll(dec.Buffered())
	if rest = bytes.TrimLeft(rest, " \t\r\n"); len(rest) > 0 {
		return errors.New("invalid character " + strconv.QuoteRune(rune(rest[0])) + " " + where)
	}
	return err
}

// skipValue reads the next value of dec and drops it.
func skipValue(dec *json.Decoder) error {
	tok, err := token(dec)
	if err != nil {
		return err
	}
	return skipRest(dec, tok)
}

// skipRest reads the rest of the value whose first token was tok, down
// to its end, without holding it: an object or an array token by token.
func skipRest(dec *json.Decoder, tok json.Token) error {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return nil
	}
	for depth := 1; depth > 0; {
		t, err := token(dec)
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// firstByte is the first byte of the value a token begins: what its
// kind is told by.
func firstByte(tok json.Token) byte {
	switch v := tok.(type) {
	case json.Delim:
		return byte(v)
	case string:
		return '"'
	case bool:
		return 't'
	case nil:
		return 'n'
	}
	return '0'
}

// row reads one element of the array of boxes and hands it on.
func (p *jsonPage) row(b []byte) {
	i := p.n
	p.n++
	if p.refusal != nil {
		return
	}
	r := &p.r
	clear(r.fields)
	clear(r.votes)
	r.where = p.d.m.Boxes + "[" + strconv.Itoa(i) + "]"
	switch b[0] {
	case 'n':
	case '{':
		p.rs.b, p.rs.i = b, 0
		p.d.rowOf(&p.rs, r, p.intern)
	default:
		p.refuse(garbage("%q is not an array of objects: element %d is %s", p.d.m.Boxes, i, jsonkind.Of(b)))
		return
	}
	p.each(r)
}

func (p *jsonPage) refuse(err error) {
	if p.refusal == nil {
		p.refusal = err
	}
}

// notObject is encoding/json's refusal of a page whose value, beginning
// with first, is not an object: its words name only the value's kind.
func notObject(first byte) error {
	like := "0"
	switch first {
	case '[':
		like = "[]"
	case '"':
		like = `""`
	case 't', 'f':
		like = "true"
	}
	var doc map[string]json.RawMessage
	return json.NewDecoder(strings.NewReader(like)).Decode(&doc)
}

// rowOf reads the object of one box's fields at s into r.
func (d *Decoder) rowOf(s *scanner, r *row, intern func([]byte) string) {
	s.i++
	for s.next('}') {
		key := s.name(intern)
		if key != d.m.Votes {
			r.fields[key] = s.figure(intern)
			continue
		}
		// A member named twice counts as written last.
		delete(r.fields, "\x00votes")
		clear(r.votes)
		if s.b[s.i] != '{' {
			r.fields["\x00votes"] = s.scalar()
			continue
		}
		s.i++
		for s.next('}') {
			c := s.name(intern)
			r.votes[c] = s.figure(intern)
		}
	}
}

// scanner walks bytes the syntax check has accepted: it never meets a
// syntax error, so it checks none.
type scanner struct {
	b []byte
	i int
	// unquoted holds the names read by key that needed unquoting, by
	// their raw text.
	unquoted map[string]string
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next moves to the next member or element of the object or array being
// read, past a comma; at its end it moves past end and reports false.
func (s *scanner) next(end byte) bool {
	s.ws()
	if s.b[s.i] == end {
		s.i++
		return false
	}
	if s.b[s.i] == ',' {
		s.i++
		s.ws()
	}
	return true
}

// name reads a member's name and the colon after it, up to its value;
// interned when intern is set.
func (s *scanner) name(intern func([]byte) string) string {
	var k string
	if intern != nil {
		k = s.key(intern)
	} else {
		k = s.str()
	}
	s.ws()
	s.i++ // ':'
	s.ws()
	return k
}

// strEnd returns the index just past the string starting at s.i, and
// whether it holds an escape or a byte beyond ASCII.
func (s *scanner) strEnd() (int, bool) {
	plain := true
	for j := s.i + 1; ; j++ {
		switch c := s.b[j]; {
		case c == '"':
			return j + 1, plain
		case c == '\\':
			plain = false
			j++
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
}

// str reads the string at s.i.
func (s *scanner) str() string {
	end, plain := s.strEnd()
	raw := s.b[s.i:end]
	s.i = end
	if plain {
		return string(raw[1 : len(raw)-1])
	}
	return unquote(raw)
}

// key reads the string at s.i, interned. A name beyond ASCII ("AK
// PARTİ") or with escapes is unquoted once per page, not once per row.
func (s *scanner) key(intern func([]byte) string) string {
	end, plain := s.strEnd()
	raw := s.b[s.i:end]
	s.i = end
	if plain {
		return intern(raw[1 : len(raw)-1])
	}
	if k, ok := s.unquoted[string(raw)]; ok {
		return k
	}
	k := unquote(raw)
	if s.unquoted == nil {
		s.unquoted = map[string]string{}
	}
	s.unquoted[string(raw)] = k
	return k
}

// unquote decodes a JSON string as encoding/json does: escapes resolved,
// invalid UTF-8 replaced.
func unquote(raw []byte) string {
	var v string
	_ = json.Unmarshal(raw, &v) // raw is a valid JSON string
	return v
}

// scalar reads the value at s.i as the text a figure or a code is read
// from: a string's contents, a number as written, "" for null, true or
// false; an object or an array as its JSON text.
func (s *scanner) scalar() string {
	switch s.b[s.i] {
	case '"':
		return s.str()
	case 'n':
		s.i += 4
		return ""
	}
	start := s.i
	s.skip()
	return string(s.b[start:s.i])
}

// figure reads the value at s.i as scalar does, sharing the text of a
// short number (a box's figures repeat from row to row) across rows.
func (s *scanner) figure(intern func([]byte) string) string {
	if c := s.b[s.i]; c != '-' && (c < '0' || c > '9') {
		return s.scalar()
	}
	start := s.i
	s.skip()
	if s.i-start <= 4 {
		return intern(s.b[start:s.i])
	}
	return string(s.b[start:s.i])
}

// skip passes over the value at s.i.
func (s *scanner) skip() {
	switch c := s.b[s.i]; c {
	case '"':
		s.i, _ = s.strEnd()
	case '{', '[':
		depth := 0
		for {
			switch s.b[s.i] {
			case '"':
				s.i, _ = s.strEnd()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.i++
			if depth == 0 {
				return
			}
		}
	default: // a number, true, false or null
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			s.i++
		}
	}
}
