package resultfile

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/sandik-dev/sandik"
)

// Place is an area as a result file names it.
type Place struct {
	ID   string // YSK id, "" when the file has no id column
	Name string // as written, trimmed
}

// Row is one ballot box of a result table.
type Row struct {
	// Line is the 1-based physical line of a text table or the row
	// number of a sheet, counting any title rows above the header.
	Line int
	// Constituency is the "Seçim Çevresi"; in local elections it is the
	// district or a town (belde) within it. When the table has only one of
	// the İlçe and Seçim Çevresi columns, District and Constituency are the
	// same place.
	Province, District, Constituency, Neighbourhood       Place
	BoxNo                                                 string // "Sandık No" as written, trimmed
	Registered, VotedByLaw, Voted                         int64  // VotedByLaw is 0 when there is no such column
	ValidWithoutObjection, ValidUponObjection, ValidTotal int64
	Invalid                                               int64
	// Votes has one entry per Reader.Choices; -1 for an empty cell, which
	// means the party was not on this box's ballot.
	Votes []int64
	// Problems are the row's own broken rules, each naming the column
	// header in Field. A row with problems must be rejected by the caller;
	// its figures are then unreliable (0 where a cell did not parse).
	Problems []sandik.Problem
}

// Tutanak returns the row's sheet figures.
func (r *Row) Tutanak() sandik.Tutanak {
	return sandik.Tutanak{
		Registered: r.Registered, VotedByLaw: r.VotedByLaw, Voted: r.Voted,
		ValidWithoutObjection: r.ValidWithoutObjection, ValidUponObjection: r.ValidUponObjection,
		ValidTotal: r.ValidTotal, Invalid: r.Invalid, Votes: append([]int64(nil), r.Votes...),
	}
}

// source yields the cells of the records after the header and the line
// each starts on; problems are record-level problems found while splitting
// (broken quoting), to be attached to the row. It returns io.EOF at the
// end.
type source interface {
	next() (cells []string, line int, problems []sandik.Problem, err error)
	close() error
}

// build turns the cells of one record into a Row. short tells whether a
// record with fewer cells than the header is padded (a spreadsheet drops
// trailing empty cells) or a problem (a text table has every delimiter).
func (l *layout) build(cells []string, line int, short bool) Row {
	row := Row{Line: line, Votes: make([]int64, len(l.parties))}
	add := func(field, rule, format string, args ...any) {
		row.Problems = append(row.Problems, sandik.Problem{Field: field, Line: line, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	width := len(l.header)
	switch {
	case len(cells) > width:
		add(fmt.Sprintf("column %d", width+1), RuleFieldCount, "the row has %d cells but the header has %d", len(cells), width)
	case len(cells) < width && !short:
		add(l.header[len(cells)], RuleFieldCount, "the row has %d cells but the header has %d; %q and the columns after it are missing", len(cells), width, l.header[len(cells)])
	}
	cell := func(i int) (string, bool) {
		if i < 0 || i >= len(cells) {
			return "", i >= 0 && short
		}
		return strings.TrimSpace(cells[i]), true
	}
	text := func(c column, required bool) string {
		v, present := cell(l.index[c])
		if required && present && v == "" {
			add(l.header[l.index[c]], sandik.RuleRequired, "is empty")
		}
		return v
	}
	number := func(c column, required bool) int64 {
		i := l.index[c]
		v, present := cell(i)
		if i < 0 || !present {
			return 0
		}
		if v == "" {
			if required {
				add(l.header[i], sandik.RuleRequired, "is empty")
			}
			return 0
		}
		n, p := parseCount(v)
		if p != nil {
			p.Field, p.Line = l.header[i], line
			row.Problems = append(row.Problems, *p)
		}
		return n
	}
	row.Province = Place{ID: text(colProvinceID, false), Name: text(colProvince, true)}
	row.District = Place{ID: text(colDistrictID, false), Name: text(colDistrict, true)}
	row.Constituency = Place{ID: text(colConstituencyID, false), Name: text(colConstituency, true)}
	switch {
	case l.index[colDistrict] < 0:
		row.District.Name = row.Constituency.Name
		row.District.ID = cmp.Or(row.District.ID, row.Constituency.ID)
		row.Constituency = row.District
	case l.index[colConstituency] < 0:
		row.District.ID = cmp.Or(row.District.ID, row.Constituency.ID)
		row.Constituency = row.District
	}
	row.Neighbourhood = Place{ID: text(colNeighbourhoodID, false), Name: text(colNeighbourhood, false)}
	row.BoxNo = text(colBoxNo, true)
	row.Registered = number(colRegistered, true)
	row.VotedByLaw = number(colVotedByLaw, false)
	row.Voted = number(colVoted, true)
	row.ValidWithoutObjection = number(colValidWithout, true)
	row.ValidUponObjection = number(colValidUpon, true)
	row.ValidTotal = number(colValidTotal, true)
	row.Invalid = number(colInvalid, true)
	for j, i := range l.parties {
		v, _ := cell(i)
		if v == "" {
			row.Votes[j] = -1
			continue
		}
		n, p := parseCount(v)
		if p != nil {
			p.Field, p.Line = l.header[i], line
			row.Problems = append(row.Problems, *p)
		}
		row.Votes[j] = n
	}
	return row
}

// parseCount reads a plain non-negative integer up to
// sandik.MaxSheetNumber. YSK files have no thousands separators, so
// "1.234" is a problem rather than a guess between 1234 and 1.234.
func parseCount(s string) (int64, *sandik.Problem) {
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	var n int64
	ok := digits != ""
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			ok = false
			break
		}
		if n <= sandik.MaxSheetNumber {
			n = n*10 + int64(c-'0')
		}
	}
	switch {
	case !ok:
		return 0, &sandik.Problem{Rule: sandik.RuleInvalidValue,
			Message: fmt.Sprintf("%q is not a whole number (write digits only, without separators or decimals)", s)}
	case neg:
		return 0, &sandik.Problem{Rule: sandik.RuleNegative, Message: fmt.Sprintf("must not be negative (got %s)", s)}
	case n > sandik.MaxSheetNumber:
		return 0, &sandik.Problem{Rule: sandik.RuleTooLarge,
			Message: fmt.Sprintf("%s is larger than %d; check for a typing error", s, sandik.MaxSheetNumber)}
	}
	return n, nil
}
