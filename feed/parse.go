package feed

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
)

// MaxProblems bounds the problems a refused body reports; the refusal is
// whole whatever their number.
const MaxProblems = 100

// Decoder turns a feed's body into official sheets against a registry.
type Decoder struct {
	m      Mapping
	raceOf map[sandik.AreaCode]*sandik.Race // box → race of the feed's kind
	races  map[sandik.RaceCode]*sandik.Race
	choice map[sandik.RaceCode]map[string]int // folded code or name → index
}

// NewDecoder prepares to read bodies mapped by m into reg's races.
func NewDecoder(reg *sandik.Registry, m Mapping) (*Decoder, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	d := &Decoder{m: m, raceOf: map[sandik.AreaCode]*sandik.Race{}, races: map[sandik.RaceCode]*sandik.Race{}, choice: map[sandik.RaceCode]map[string]int{}}
	named := map[sandik.RaceCode]bool{}
	for _, rc := range m.Races {
		named[rc] = true
	}
	for i := range reg.Races {
		rc := &reg.Races[i]
		if rc.Election != m.Election || len(named) == 0 && sandik.RaceKind(rc) != m.Kind || len(named) > 0 && !named[rc.Code] {
			continue
		}
		d.races[rc.Code] = rc
		ix := map[string]int{}
		for j, c := range rc.Choices {
			ix[fold(c.Name)] = j
			ix[fold(string(c.Code))] = j
		}
		d.choice[rc.Code] = ix
		for _, b := range reg.RaceBoxes(rc.Code) {
			d.raceOf[b] = rc
		}
	}
	for _, rc := range m.Races {
		if d.races[rc] == nil {
			return nil, sandik.Errorf(sandik.ENotFound, "election %q has no race %q to follow", m.Election, rc)
		}
	}
	if len(d.races) == 0 {
		return nil, sandik.Errorf(sandik.ENotFound, "election %q has no races of kind %q to follow", m.Election, m.Kind)
	}
	return d, nil
}

func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		b.WriteRune(sandik.FoldRune(r))
	}
	return b.String()
}

// row is one box's fields as the publisher named them.
type row struct {
	where  string // "boxes[3]" or "line 4"
	line   int
	fields map[string]string
	votes  map[string]string // choice as written → figure
}

// Decode reads a body whole: garbage (not the format, a page of HTML), a
// partial page (fewer rows than announced, a cut line) or any row that
// cannot be stored refuses all of it with every problem found, and
// nothing is returned. Each row becomes its sheet as it is read: only
// the sheets are held, never the page's rows.
func (d *Decoder) Decode(body []byte) ([]sandik.ImportedSheet, error) {
	// Room for the sheets at once rather than by doubling: a national
	// page's are 70 MB. The box's member name once a row is a fair guess
	// (a guess only: it may be escaped, or appear as a value).
	sheets, _, err := d.DecodeFrom(bytes.NewReader(body), min(bytes.Count(body, []byte(`"`+d.m.Box+`"`)), len(body)/32), nil)
	return sheets, err
}

// DecodeFrom reads a body from r as it arrives, as Decode reads one held
// whole, without ever holding it: a national page is 50-100 MB. rows is
// a guess at the rows to come, for room made once rather than by
// doubling. When same is set, a row it reports the same (equal to its
// box's official figures) is checked like every other but only counted,
// in left, not returned: a republished national page is 200,000 rows,
// most of them unchanged, and their sheets were 60 MB; rows are then
// also refused when two are of the same box and race, as RecordOfficial
// refuses them among the rows it is given. r is read to its end even
// when the body is refused, so that a hash taken through it covers the
// whole body. An error reading r is returned wrapped, never as a refusal
// of the body.
func (d *Decoder) DecodeFrom(r io.Reader, rows int, same func(*sandik.ImportedSheet) bool) (sheets []sandik.ImportedSheet, left int, err error) {
	var ps []sandik.Problem
	out := make([]sandik.ImportedSheet, 0, max(rows, 0))
	var seen map[[2]string]int
	if same != nil {
		seen = map[[2]string]int{}
	}
	ordinal := 0
	each := func(r *row) {
		i := ordinal
		ordinal++
		s, rps := d.sheet(r)
		if len(rps) == 0 && seen != nil {
			key := [2]string{string(s.Race), string(s.Box)}
			if j, dup := seen[key]; dup {
				rps = []sandik.Problem{{Field: r.where + "." + d.m.Box, Line: r.line, Rule: sandik.RuleDuplicate,
					Message: fmt.Sprintf("box %s of race %s is also row %d", s.Box, s.Race, j)}}
			} else {
				seen[key] = i
			}
		}
		if len(rps) > 0 {
			if len(ps) < MaxProblems {
				ps = append(ps, rps...)
			}
			return
		}
		if len(ps) > 0 {
			return
		}
		// Appended before it is asked about, so that s stays on the stack.
		out = append(out, s)
		if last := &out[len(out)-1]; same != nil && same(last) {
			*last = sandik.ImportedSheet{}
			out = out[:len(out)-1]
			left++
		}
	}
	var n int
	src := &readSource{r: r}
	if d.m.Format == FormatCSV {
		n, err = d.csvRows(src, each)
	} else {
		n, err = d.jsonRowsFrom(src, each)
	}
	if src.err != nil {
		return nil, 0, fmt.Errorf("read the body: %w", src.err)
	}
	if err != nil {
		return nil, 0, err
	}
	if len(ps) > 0 {
		return nil, 0, sandik.Invalid(fmt.Sprintf("the feed's body has rows that cannot be stored; nothing was stored (%d rows)", n), ps)
	}
	return out, left, nil
}

// readSource reads a body for a decoder, keeping apart what the body
// says from whether it could be read: an error of the reader (a body cut
// short in transit, one over the limit) is kept and reported as such,
// the decoder only seeing the body end. It also keeps the body's last
// byte and whether it had any.
type readSource struct {
	r    io.Reader
	err  error
	any  bool
	last byte
}

func (s *readSource) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, io.EOF
	}
	n, err := s.r.Read(p)
	if n > 0 {
		s.any, s.last = true, p[n-1]
	}
	if err != nil && !errors.Is(err, io.EOF) {
		s.err = err
		err = io.EOF
	}
	return n, err
}

// drain reads the rest of the body, so that the whole of it passes
// through whatever hashes it.
func (s *readSource) drain() {
	io.Copy(io.Discard, s) //nolint:errcheck // s keeps its reader's error
}

func garbage(format string, args ...any) error {
	return sandik.Invalid("the feed served something that is not a feed; nothing was stored",
		[]sandik.Problem{{Field: "body", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf(format, args...)}})
}

// csvRows reads the body's rows, a header line then a box a line, and
// hands each to each as jsonRowsFrom does, reading src to its end.
func (d *Decoder) csvRows(src *readSource, each func(*row)) (int, error) {
	rows, err := d.csvRead(src, each)
	src.drain()
	// A body cut within its last line is told first, as the partial page
	// it is, whatever else its rows hold.
	if !src.any || src.last != '\n' {
		return 0, garbage("partial page: the body does not end with a line break, so its last line may be cut")
	}
	return rows, err
}

func (d *Decoder) csvRead(src io.Reader, each func(*row)) (int, error) {
	br := bufio.NewReaderSize(src, 64<<10)
	// The header line decides the separator, before the reader starts.
	first, err := br.ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, err
	}
	first = bytes.TrimPrefix(first, []byte("\uFEFF"))
	cr := csv.NewReader(io.MultiReader(bytes.NewReader(first), br))
	if line, _, _ := bytes.Cut(first, []byte("\n")); bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		cr.Comma = ';'
	}
	header, err := cr.Read()
	if err != nil {
		return 0, garbage("no header row: %v", err)
	}
	known := map[string]bool{}
	for _, k := range []string{d.m.Box, d.m.Race, d.m.Registered, d.m.VotedByLaw, d.m.Voted, d.m.ValidWithoutObjection, d.m.ValidUponObjection, d.m.ValidTotal, d.m.Invalid} {
		if k != "" {
			known[k] = true
		}
	}
	if !containsAll(header, d.m.Box, d.m.Registered, d.m.Voted, d.m.ValidTotal, d.m.Invalid) {
		return 0, garbage("the header lacks the mapped columns (%s, %s, %s, %s, %s)", d.m.Box, d.m.Registered, d.m.Voted, d.m.ValidTotal, d.m.Invalid)
	}
	r := row{fields: map[string]string{}, votes: map[string]string{}}
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The error names its line (a *csv.ParseError).
			return 0, garbage("%v", err)
		}
		line, _ := cr.FieldPos(0)
		clear(r.fields)
		clear(r.votes)
		r.where, r.line = fmt.Sprintf("line %d", line), line
		for i, h := range header {
			if known[h] {
				r.fields[h] = rec[i]
			} else if rec[i] != "" {
				r.votes[h] = rec[i]
			}
		}
		each(&r)
		rows++
	}
	return rows, nil
}

func containsAll(header []string, names ...string) bool {
	for _, n := range names {
		found := false
		for _, h := range header {
			found = found || h == n
		}
		if !found {
			return false
		}
	}
	return true
}

// sheet maps one row, naming every problem by the row and the
// publisher's field.
func (d *Decoder) sheet(r *row) (sandik.ImportedSheet, []sandik.Problem) {
	var ps []sandik.Problem
	bad := func(field, format string, args ...any) {
		ps = append(ps, sandik.Problem{Field: r.where + "." + field, Line: r.line, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf(format, args...)})
	}
	box := sandik.AreaCode(r.fields[d.m.Box])
	var rc *sandik.Race
	if code := r.fields[d.m.Race]; d.m.Race != "" && code != "" {
		if rc = d.races[sandik.RaceCode(code)]; rc == nil {
			bad(d.m.Race, "race %q is not a %s race of election %s", code, d.m.Kind, d.m.Election)
		}
	} else if rc = d.raceOf[box]; rc == nil {
		bad(d.m.Box, "box %q is in no %s race of election %s", box, d.m.Kind, d.m.Election)
	}
	num := func(name string, optional bool) int64 {
		s, ok := r.fields[name]
		if name == "" || (!ok && optional) {
			return 0
		}
		if !ok {
			bad(name, "is missing")
			return 0
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n < 0 {
			bad(name, "%q is not a whole number of votes", s)
		}
		return n
	}
	t := sandik.Tutanak{Registered: num(d.m.Registered, false), VotedByLaw: num(d.m.VotedByLaw, true), Voted: num(d.m.Voted, false),
		ValidWithoutObjection: num(d.m.ValidWithoutObjection, false), ValidUponObjection: num(d.m.ValidUponObjection, false),
		ValidTotal: num(d.m.ValidTotal, false), Invalid: num(d.m.Invalid, false)}
	if msg, ok := r.fields["\x00votes"]; ok {
		bad(d.m.Votes, "is not an object of votes by choice: %s", msg)
	}
	if rc != nil {
		t.Votes = make([]int64, len(rc.Choices))
		got := make([]bool, len(rc.Choices))
		for c, s := range r.votes {
			j, ok := d.choice[rc.Code][fold(c)]
			if !ok {
				bad(d.m.Votes+"."+c, "choice %q is not on the ballot of %s", c, rc.Code)
				continue
			}
			n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
			if err != nil || n < 0 {
				bad(d.m.Votes+"."+c, "%q is not a whole number of votes", s)
				continue
			}
			t.Votes[j], got[j] = n, true
		}
		for j, ok := range got {
			if !ok {
				bad(d.m.Votes+"."+string(rc.Choices[j].Code), "the votes of %s are missing: a partial row", rc.Choices[j].Name)
			}
		}
	}
	if len(ps) > 0 {
		return sandik.ImportedSheet{}, ps
	}
	return sandik.ImportedSheet{Race: rc.Code, Box: box, User: "ysk", Source: sandik.SourceOfficial, Sheet: t}, nil
}
