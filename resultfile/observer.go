package resultfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/jsonkind"
)

// ObserverBox is one ballot box of an observer network's export (Oy ve
// Ötesi's per-school files): the numbers its volunteers typed from the
// photo of each result sheet.
type ObserverBox struct {
	File       string // the file name given to ReadObserverFile
	Index      int    // 0-based index in the file's array
	SchoolID   string // <ID> of a file named school_<ID>.json, else the name without extension
	SchoolName string
	BoxNo      string
	Results    []ObserverResult // non-null results only: cm_result, then mv_result
	// Problems name the JSON path ("[3].cm_result.votes.7") and the line
	// of the box's object. A box with problems must be rejected.
	Problems []sandik.Problem
}

// ObserverResult is the numbers of one race typed for one box.
type ObserverResult struct {
	Race         string // "cm" (presidential) or "mv" (parliamentary)
	SubmissionID int64
	ImageURL     string
	TotalVote    int64
	// Votes is dense: index = ballot order - 1, up to the highest key in
	// the file; a key the file leaves out is 0.
	Votes []int64
}

// Limits of an observer file.
const (
	MaxObserverFileBytes = 64 << 20
	MaxBallotOrder       = 200 // a ballot never has more choices; bounds Votes
)

// ReadObserverFile decodes one observer file strictly: unknown keys,
// duplicate keys, values of the wrong type and impossible numbers become
// problems of their box, and the other boxes are still returned. The error
// is only for input that is not a JSON array of objects at all, or is not
// valid JSON (with line:column), or has data after the array.
func ReadObserverFile(name string, r io.Reader) ([]ObserverBox, error) {
	return readObserver(name, r, MaxObserverFileBytes)
}

func readObserver(name string, r io.Reader, limit int64) ([]ObserverBox, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, sandik.Invalid(name+" is too large", []sandik.Problem{{
			Field: name, Rule: RuleTooLong, Message: fmt.Sprintf("an observer file is at most %d bytes", limit)}})
	}
	fail := func(off int64, format string, args ...any) error {
		line, col := position(data, off)
		msg := fmt.Sprintf(format, args...)
		return sandik.Invalid(fmt.Sprintf("%s is not an observer file", name), []sandik.Problem{{
			Field: name, Line: line, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("%d:%d: %s", line, col, msg)}})
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fail(syntaxOffset(err, dec), "%v", cleanJSONError(err))
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fail(dec.InputOffset(), "want an array of boxes, got %s", describe(tok))
	}
	school := schoolID(name)
	var boxes []ObserverBox
	for i := 0; dec.More(); i++ {
		start := skipSpace(data, dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fail(syntaxOffset(err, dec), "box [%d]: %v", i, cleanJSONError(err))
		}
		line, _ := position(data, start)
		box := ObserverBox{File: name, Index: i, SchoolID: school}
		p := &jsonProblems{line: line}
		decodeBox(&box, raw, fmt.Sprintf("[%d]", i), p)
		box.Problems = p.list
		boxes = append(boxes, box)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fail(syntaxOffset(err, dec), "%v", cleanJSONError(err))
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fail(skipSpace(data, end), "data after the array of boxes")
	}
	return boxes, nil
}

// skipSpace moves off past JSON whitespace and a comma, to the start of
// the next value.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
		off++
	}
	return off
}

func syntaxOffset(err error, dec *json.Decoder) int64 {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Offset
	}
	return dec.InputOffset()
}

func cleanJSONError(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the file ends too early"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

func describe(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", v.String())
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%v", tok)
}

func schoolID(name string) string {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	if id, ok := strings.CutPrefix(base, "school_"); ok && id != "" {
		return id
	}
	return base
}

// jsonProblems collects the problems of one box.
type jsonProblems struct {
	line int
	list []sandik.Problem
}

func (p *jsonProblems) add(field, rule, format string, args ...any) {
	p.list = append(p.list, sandik.Problem{Field: field, Line: p.line, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// member is one key and value of a JSON object, in file order.
type member struct {
	key string
	val json.RawMessage
}

// members splits an object into its members, reporting duplicate keys
// (encoding/json would silently keep the last one).
func members(raw json.RawMessage, at string, p *jsonProblems) ([]member, bool) {
	if len(raw) == 0 || raw[0] != '{' {
		p.add(at, RuleWrongType, "is %s, want an object", jsonkind.Of(raw))
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	_, _ = dec.Token() // '{'; raw is valid JSON, checked by the outer decoder
	var out []member
	for dec.More() {
		tok, _ := dec.Token()
		key, _ := tok.(string)
		var val json.RawMessage
		_ = dec.Decode(&val)
		if slices.ContainsFunc(out, func(m member) bool { return m.key == key }) {
			p.add(join(at, key), sandik.RuleDuplicate, "appears twice in the object")
			continue
		}
		out = append(out, member{key, val})
	}
	return out, true
}

func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

func decodeBox(box *ObserverBox, raw json.RawMessage, at string, p *jsonProblems) {
	ms, ok := members(raw, at, p)
	if !ok {
		return
	}
	seen := map[string]bool{}
	results := map[string]*ObserverResult{}
	for _, m := range ms {
		field := join(at, m.key)
		seen[m.key] = true
		switch m.key {
		case "ballot_box_number":
			box.BoxNo = boxNumber(m.val, field, p)
		case "school_name":
			box.SchoolName = str(m.val, field, p)
		case "cm_result", "mv_result":
			if string(m.val) == "null" {
				continue
			}
			res := &ObserverResult{Race: strings.TrimSuffix(m.key, "_result")}
			decodeResult(res, m.val, field, p)
			results[m.key] = res
		default:
			p.add(field, RuleUnknownField, "unknown field %q (a box has ballot_box_number, school_name, cm_result, mv_result)", m.key)
		}
	}
	if !seen["ballot_box_number"] {
		p.add(join(at, "ballot_box_number"), sandik.RuleRequired, "is missing")
	}
	for _, k := range []string{"cm_result", "mv_result"} {
		if res := results[k]; res != nil {
			box.Results = append(box.Results, *res)
		}
	}
}

func decodeResult(res *ObserverResult, raw json.RawMessage, at string, p *jsonProblems) {
	ms, ok := members(raw, at, p)
	if !ok {
		return
	}
	seen := map[string]bool{}
	for _, m := range ms {
		field := join(at, m.key)
		seen[m.key] = true
		switch m.key {
		case "image_url":
			if string(m.val) != "null" {
				// The address is kept as the sheet's photo and shown as a
				// link: only http(s), bounded, no script; kept escaped.
				if raw := str(m.val, field, p); raw != "" {
					addr, msg := sandik.PhotoURL(raw)
					if msg != "" {
						p.add(field, sandik.RuleInvalidValue, "photo address %s", msg)
					}
					res.ImageURL = addr
				}
			}
		case "submission_id":
			res.SubmissionID = integer(m.val, field, p, 1<<53)
		case "total_vote":
			res.TotalVote = integer(m.val, field, p, sandik.MaxSheetNumber)
		case "votes":
			res.Votes = decodeVotes(m.val, field, p)
		default:
			p.add(field, RuleUnknownField, "unknown field %q (a result has image_url, submission_id, total_vote, votes)", m.key)
		}
	}
	for _, k := range []string{"total_vote", "votes"} {
		if !seen[k] {
			p.add(join(at, k), sandik.RuleRequired, "is missing")
		}
	}
}

func decodeVotes(raw json.RawMessage, at string, p *jsonProblems) []int64 {
	ms, ok := members(raw, at, p)
	if !ok {
		return nil
	}
	votes := []int64{}
	for _, m := range ms {
		field := join(at, m.key)
		order, err := strconv.Atoi(m.key)
		if err != nil || order < 1 || order > MaxBallotOrder || strconv.Itoa(order) != m.key {
			p.add(field, sandik.RuleUnknownChoice, "%q is not a ballot position (1 to %d)", m.key, MaxBallotOrder)
			continue
		}
		for len(votes) < order {
			votes = append(votes, 0)
		}
		votes[order-1] = integer(m.val, field, p, sandik.MaxSheetNumber)
	}
	return votes
}

// integer reads a JSON number that is a whole number in [0, limit].
func integer(raw json.RawMessage, at string, p *jsonProblems, limit int64) int64 {
	s := string(raw)
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		p.add(at, RuleWrongType, "is %s, want a whole number", jsonkind.Of(raw))
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil:
		p.add(at, sandik.RuleInvalidValue, "%s is not a whole number", s)
		return 0
	case n < 0:
		p.add(at, sandik.RuleNegative, "must not be negative (got %d)", n)
		return 0
	case n > limit:
		p.add(at, sandik.RuleTooLarge, "%d is larger than %d; check for a typing error", n, limit)
		return 0
	}
	return n
}

func str(raw json.RawMessage, at string, p *jsonProblems) string {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		p.add(at, RuleWrongType, "is %s, want a string", jsonkind.Of(raw))
	}
	return strings.TrimSpace(s)
}

// boxNumber accepts the number the export writes, or the same as a string.
func boxNumber(raw json.RawMessage, at string, p *jsonProblems) string {
	if len(raw) > 0 && raw[0] == '"' {
		s := str(raw, at, p)
		if s == "" {
			p.add(at, sandik.RuleRequired, "is empty")
		}
		return s
	}
	before := len(p.list)
	n := integer(raw, at, p, 1<<31)
	switch {
	case len(p.list) > before:
		return ""
	case n == 0:
		p.add(at, sandik.RuleInvalidValue, "box number 0 does not exist")
		return ""
	}
	return strconv.FormatInt(n, 10)
}
