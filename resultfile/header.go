package resultfile

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
)

// Rules this package adds to the domain's (sandik.Rule*): stable keys the
// interface translates.
const (
	RuleUnknownColumn = "unknown_column" // a header cell that is neither a sheet field nor after them
	RuleMissingColumn = "missing_column" // a required column is not in the header
	RuleFieldCount    = "field_count"    // a row with more or fewer cells than the header
	RuleSyntax        = "syntax"         // broken quoting in a comma or semicolon table
	RuleEncoding      = "encoding"       // bytes that are not the file's encoding
	RuleTooLong       = "too_long"       // a line over MaxLineBytes, a file or workbook part over its limit
	RuleTooMany       = "too_many"       // a header over MaxColumns cells
	RuleUnknownField  = "unknown_field"  // a JSON key this format does not have
	RuleWrongType     = "wrong_type"     // a JSON value of the wrong type
)

// Limits that keep a hostile or broken file from taking the memory of the
// centre on election night.
const (
	MaxLineBytes = 1 << 20 // one record of a text table, after decoding to UTF-8
	MaxColumns   = 500     // cells of the header
	// MaxHeaderLine bounds the search for the header: title rows a person
	// puts above it fit in a few lines, and a file with no header within
	// this many is not a result table.
	MaxHeaderLine = 20
)

// column identifies a fixed (non-party) column of a YSK table.
type column int

const (
	colProvinceID column = iota
	colDistrictID
	colConstituencyID
	colNeighbourhoodID
	colProvince
	colDistrict
	colConstituency
	colNeighbourhood
	colBoxNo
	colRegistered
	colVotedByLaw
	colVoted
	colValidWithout
	colValidUpon
	colValidTotal
	colInvalid
	numColumns
)

// columnNames lists, per fixed column, the normalised headers (see
// normalize) that name it: the official YSK header first, then the
// variants seen in other years' files and in hand-made copies.
var columnNames = [numColumns][]string{
	colProvinceID:      {"il id"},
	colDistrictID:      {"ilce id"},
	colConstituencyID:  {"secim cevresi id"},
	colNeighbourhoodID: {"muhtarlik id", "mahalle id", "koy id"},
	colProvince:        {"il", "il adi"},
	colDistrict:        {"ilce", "ilce adi"},
	colConstituency:    {"secim cevresi", "secim cevresi adi"},
	colNeighbourhood:   {"mahalle koy", "muhtarlik", "muhtarlik adi", "mahalle", "koy"},
	colBoxNo:           {"sandik no", "sandik", "sandik numarasi"},
	colRegistered: {"sandik secmen listesinde yazili secmenlerin sayisi", "kayitli secmen sayisi",
		"kayitli secmen", "secmen sayisi"},
	colVotedByLaw: {"kanunen oy kullanan secmen sayisi", "kanunen oy kullananlarin sayisi",
		"kanunen oy kullanan sayisi", "kanunen oy kullanan"},
	colVoted: {"oy kullanan secmen sayisi", "oy kullanan toplam secmen sayisi", "oy kullanan"},
	colValidWithout: {"itiraz edilmeksizin gecerli sayilan oy pusulalarinin sayisi",
		"itirazsiz gecerli oy", "itirazsiz gecerli oy sayisi"},
	colValidUpon: {"itiraz uzerine gecerli sayilan veya hesaba katilan oy pusulalarinin sayisi",
		"itirazli gecerli oy", "itirazli gecerli oy sayisi"},
	colValidTotal: {"gecerli oy pusulalarinin toplami", "gecerli oy toplami", "gecerli oy"},
	colInvalid: {"gecersiz sayilan veya hesaba katilmayan oy pusulalarinin toplami",
		"gecersiz oy toplami", "gecersiz oy"},
}

// requiredColumns must be in every table; a district column is required
// too, as either İlçe or Seçim Çevresi.
var requiredColumns = []column{colProvince, colBoxNo, colRegistered, colVoted,
	colValidWithout, colValidUpon, colValidTotal, colInvalid}

// layout is where each fixed column and the party columns sit in a row.
type layout struct {
	index   [numColumns]int // -1 when absent
	header  []string        // trimmed header cells
	parties []int           // indexes of the party columns, in file order
	choices []string
}

// findHeader reads records from src until one has the required columns,
// on a line up to MaxHeaderLine, and returns its layout and line. Records
// before it are titles and are dropped. When there is none, the error
// names what the closest record (the one naming the most sheet fields,
// the first of equals) lacks, on its own line.
func findHeader(src source, unit string) (*layout, int, error) {
	var (
		best      []string
		bestLine  int
		bestProbs []sandik.Problem
		bestKnown = -1
	)
	seen := false
	for {
		cells, line, ps, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		seen = true
		if line > MaxHeaderLine {
			break
		}
		known, ok := recognise(cells)
		if ok {
			if len(ps) > 0 {
				return nil, 0, sandik.Invalid("not a YSK result table", ps)
			}
			l, err := parseHeader(cells, line)
			return l, line, err
		}
		if known > bestKnown {
			// The source may reuse the slice for the next record.
			best, bestLine, bestProbs, bestKnown = slices.Clone(cells), line, ps, known
		}
	}
	if !seen {
		return nil, 0, sandik.Invalid("not a YSK result table", []sandik.Problem{{
			Field: "header", Line: 1, Rule: sandik.RuleRequired,
			Message: "the table is empty; its first line must be the header (İl, Seçim Çevresi, Sandık No, … and one column per party)"}})
	}
	msg := fmt.Sprintf("not a YSK result table (none of the first %d %s is a header with the required columns)", MaxHeaderLine, unit)
	if bestKnown < 0 {
		return nil, 0, sandik.Invalid(msg, []sandik.Problem{{
			Field: "header", Line: 1, Rule: RuleMissingColumn,
			Message: fmt.Sprintf("the first %d %s are blank; the header must be among them", MaxHeaderLine, unit)}})
	}
	// Broken quoting first, since it may be why the columns were not seen.
	ps := bestProbs
	_, err := parseHeader(best, bestLine)
	ps = append(ps, sandik.ProblemsOf(err)...)
	if len(ps) == 0 {
		// Not reached: a record that parses as a header is recognised.
		ps = []sandik.Problem{{Field: "header", Line: bestLine, Rule: RuleMissingColumn, Message: "the line is not a header"}}
	}
	return nil, 0, sandik.Invalid(msg, ps)
}

// recognise counts the distinct sheet fields cells name and reports
// whether they include every required one, which makes the record the
// header. Only the first MaxColumns+1 cells are looked at, so a long
// line of data costs little.
func recognise(cells []string) (known int, header bool) {
	var seen [numColumns]bool
	for _, c := range cells[:min(len(cells), MaxColumns+1)] {
		if k := lookupColumn(c); k < numColumns && !seen[k] {
			seen[k] = true
			known++
		}
	}
	for _, k := range requiredColumns {
		if !seen[k] {
			return known, false
		}
	}
	return known, seen[colDistrict] || seen[colConstituency]
}

// parseHeader maps a header row to a layout. The sheet fields may come in
// any order, but the party columns are all those from the first unknown
// cell after the required sheet fields: that is how YSK publishes them, and
// it lets a party be called anything, even "İl". An unknown cell before
// them is an error, since it most likely is a misspelt sheet field.
func parseHeader(cells []string, line int) (*layout, error) {
	l := &layout{}
	for i := range l.index {
		l.index[i] = -1
	}
	var ps []sandik.Problem
	add := func(field, rule, format string, args ...any) {
		ps = append(ps, sandik.Problem{Field: field, Line: line, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	if len(cells) > MaxColumns {
		add("header", RuleTooMany, "the header has %d columns; at most %d are read", len(cells), MaxColumns)
		return nil, sandik.Invalid("not a YSK result table", ps)
	}
	l.header = make([]string, len(cells))
	for i, c := range cells {
		l.header[i] = strings.TrimSpace(c)
	}
	// Parties start at the first unknown cell once every required sheet
	// field has been seen; an unknown cell before that is an error.
	start, lastKnown := len(cells), -1
	var unknown []int
	for i, c := range cells {
		k := lookupColumn(c)
		if k == numColumns {
			if l.hasRequired() {
				start = i
				break
			}
			unknown = append(unknown, i)
			continue
		}
		lastKnown = i
		name := cmp.Or(l.header[i], fmt.Sprintf("column %d", i+1))
		if l.index[k] >= 0 {
			add(name, sandik.RuleDuplicate, "column %q is the same field as column %d (%q)", l.header[i], l.index[k]+1, l.header[l.index[k]])
			continue
		}
		l.index[k] = i
	}
	for _, i := range unknown {
		// Without all the sheet fields, the cells after the last known one
		// are more likely parties than misspelt fields: the missing
		// columns are reported instead.
		if start < len(cells) || i < lastKnown {
			add(cmp.Or(l.header[i], fmt.Sprintf("column %d", i+1)), RuleUnknownColumn,
				"unknown column %q among the sheet fields; party columns must come after all of %s",
				l.header[i], strings.Join(knownHeaders(), ", "))
		}
	}
	for _, k := range requiredColumns {
		if l.index[k] < 0 {
			add(officialHeaders[k], RuleMissingColumn, "the header has no column %q", officialHeaders[k])
		}
	}
	if l.index[colDistrict] < 0 && l.index[colConstituency] < 0 {
		add(officialHeaders[colConstituency], RuleMissingColumn, "the header has neither %q nor %q", officialHeaders[colConstituency], officialHeaders[colDistrict])
	}
	seen := map[string]int{}
	for i := start; i < len(cells); i++ {
		name := l.header[i]
		key := normalize(name)
		switch {
		case name == "":
			add(fmt.Sprintf("column %d", i+1), sandik.RuleRequired, "party column %d has no name", i+1)
		case seen[key] > 0:
			add(name, sandik.RuleDuplicate, "party %q appears twice (columns %d and %d)", name, seen[key], i+1)
		default:
			seen[key] = i + 1
		}
		l.parties = append(l.parties, i)
		l.choices = append(l.choices, name)
	}
	if len(l.parties) == 0 && len(ps) == 0 {
		add("header", RuleMissingColumn, "the header has no party columns after the sheet fields")
	}
	if len(ps) > 0 {
		return nil, sandik.Invalid("not a YSK result table", ps)
	}
	return l, nil
}

// officialHeaders are the headers as YSK writes them, for messages.
var officialHeaders = [numColumns]string{
	colProvinceID:      "IL_ID",
	colDistrictID:      "ILCE_ID",
	colConstituencyID:  "SECIM_CEVRESI_ID",
	colNeighbourhoodID: "MUHTARLIK_ID",
	colProvince:        "İl",
	colDistrict:        "İlçe",
	colConstituency:    "Seçim Çevresi",
	colNeighbourhood:   "Mahalle / Köy",
	colBoxNo:           "Sandık No",
	colRegistered:      "Sandık Seçmen Listesinde Yazılı Seçmenlerin Sayısı",
	colVotedByLaw:      "Kanunen Oy Kullanan Seçmen Sayısı",
	colVoted:           "Oy Kullanan Seçmen Sayısı",
	colValidWithout:    "İtiraz Edilmeksizin Geçerli Sayılan Oy Pusulalarının Sayısı",
	colValidUpon:       "İtiraz Üzerine Geçerli Sayılan veya Hesaba Katılan Oy Pusulalarının Sayısı",
	colValidTotal:      "Geçerli Oy Pusulalarının Toplamı",
	colInvalid:         "Geçersiz Sayılan veya Hesaba Katılmayan Oy Pusulalarının Toplamı",
}

func knownHeaders() []string {
	out := make([]string, 0, numColumns)
	for _, h := range officialHeaders {
		out = append(out, h)
	}
	return out
}

// lookupColumn returns the fixed column a header cell names, or numColumns.
func lookupColumn(h string) column {
	n := normalize(h)
	for k, names := range columnNames {
		if slices.Contains(names, n) {
			return column(k)
		}
	}
	return numColumns
}

// normalize folds a header to lower-case ASCII words separated by single
// spaces, so that "İl", "IL", "il" match, and "Mahalle / Köy",
// "MAHALLE/KÖY" and "IL_ID" read "mahalle koy" and "il id". The standard
// library lower-cases "I" to "i" and "İ" to "i̇" (two runes), so Turkish
// letters are folded by sandik.FoldRune.
func normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		r = sandik.FoldRune(r)
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r > 0x7f && r != 0xfeff && r != 0xa0 {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// hasRequired reports whether every required sheet field has a column.
func (l *layout) hasRequired() bool {
	for _, k := range requiredColumns {
		if l.index[k] < 0 {
			return false
		}
	}
	return l.index[colDistrict] >= 0 || l.index[colConstituency] >= 0
}
