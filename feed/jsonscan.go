package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/sandik-dev/sandik/jsonkind"
)

// A national page is about 50 MB of JSON: 200,000 flat objects of a
// dozen scalars and one object of votes. Decoding it through maps of
// interfaces spent most of a reading's time on allocations that were
// turned into strings at once. jsonRows below checks the body's syntax
// in one pass (json.Valid, which allocates nothing) and then walks it,
// knowing it well formed, taking each row's fields straight into the
// row's maps, keys interned across rows.

// jsonRows reads the body's rows: a JSON object whose d.m.Boxes member is
// an array of objects, each a box's fields with d.m.Votes an object of
// figures by choice. It hands each row to each as it is read, in one
// row value whose maps are reused: each must not keep it. A national
// page held as rows was about 1.6 KB a box in maps, 300 MB at once while
// the page was read, the serving process's peak on a national night.
// After an error each may have seen some rows; the page is refused
// whole. It returns the number of rows read.
func (d *Decoder) jsonRows(body []byte, each func(*row)) (int, error) {
	s := scanner{b: body}
	s.ws()
	if s.i >= len(body) || body[s.i] != '{' || !json.Valid(body) {
		return 0, d.jsonGarbage(body)
	}
	var (
		boxes    int
		haveRows bool
		count    []byte
	)
	s.i++
	for s.next('}') {
		switch s.name(nil) {
		case d.m.Boxes:
			n, err := d.rowsOf(&s, each)
			if err != nil {
				return 0, err
			}
			boxes, haveRows = n, true
		case d.m.Count:
			start := s.i
			s.skip()
			count = s.b[start:s.i]
		default:
			s.skip()
		}
	}
	if !haveRows {
		return 0, garbage("no %q array of boxes", d.m.Boxes)
	}
	if d.m.Count != "-" {
		var n int
		if count == nil || json.Unmarshal(count, &n) != nil {
			return 0, garbage("no whole number %q of boxes: the page cannot be told complete", d.m.Count)
		}
		if n != boxes {
			return 0, garbage("partial page: %q says %d boxes, the page holds %d", d.m.Count, n, boxes)
		}
	}
	return boxes, nil
}

// jsonGarbage says why a body that is not one well-formed JSON object is
// refused, in the words of encoding/json.
func (d *Decoder) jsonGarbage(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	var doc map[string]json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		return garbage("not a JSON object (%v); a page cut short or an error page", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return garbage("data after the JSON document")
	}
	return garbage("no %q array of boxes", d.m.Boxes) // the body is null
}

// rowsOf reads the array of boxes at s, handing each row to each as
// jsonRows does, and returns how many there were.
func (d *Decoder) rowsOf(s *scanner, each func(*row)) (int, error) {
	if s.b[s.i] == 'n' { // null: no boxes
		s.i += 4
		return 0, nil
	}
	if s.b[s.i] != '[' {
		return 0, garbage("%q is not an array of objects: it is %s", d.m.Boxes, jsonkind.Of(s.b[s.i:]))
	}
	s.i++
	keys := map[string]string{}
	intern := func(b []byte) string {
		if k, ok := keys[string(b)]; ok {
			return k
		}
		k := string(b)
		keys[k] = k
		return k
	}
	r := row{fields: make(map[string]string, 8), votes: make(map[string]string, 8)}
	n := 0
	for s.next(']') {
		i := n
		n++
		clear(r.fields)
		clear(r.votes)
		r.where = d.m.Boxes + "[" + strconv.Itoa(i) + "]"
		switch s.b[s.i] {
		case 'n':
			s.i += 4
			each(&r)
			continue
		case '{':
		default:
			return 0, garbage("%q is not an array of objects: element %d is %s", d.m.Boxes, i, jsonkind.Of(s.b[s.i:]))
		}
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
		each(&r)
	}
	return n, nil
}

// scanner walks a body json.Valid has accepted: it never meets a syntax
// error, so it checks none.
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
