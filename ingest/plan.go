package ingest

import (
	"errors"
	"fmt"
	"io"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/resultfile"
)

// Plan is what a table's first pass decided: the registry additions and
// how each row maps to a race and a box.
type Plan struct {
	planner *TablePlanner
	races   map[sandik.AreaCode]raceMap

	// Registry holds the areas, election, races and registrations the
	// file needs, with the existing areas they hang from, to be merged.
	Registry *sandik.Registry
	Rows     int // rows of the file
	Boxes    int
	Races    int
	// NewAreas and NewRegistrations count what the file adds.
	NewAreas, NewRegistrations int
	// Flagged lists (up to MaxReported of FlaggedRows) rows kept although
	// they break an identity of the tutanak.
	Flagged     []Flagged
	FlaggedRows int
}

type raceMap struct {
	race    sandik.RaceCode
	columns []int // per choice of the race, its column among the file's parties
}

// Sheet maps a row of the second reading of the file to its sheet. The
// row must be one the planner saw.
func (p *Plan) Sheet(row resultfile.Row) (sandik.ImportedSheet, error) {
	if len(row.Problems) > 0 {
		return sandik.ImportedSheet{}, sandik.Invalid(fmt.Sprintf("line %d changed since it was checked", row.Line), row.Problems)
	}
	box, c, err := p.planner.place(&row, false)
	if err != nil {
		return sandik.ImportedSheet{}, err
	}
	rm := p.races[c.area]
	t := row.Tutanak()
	votes := make([]int64, len(rm.columns))
	for i, col := range rm.columns {
		votes[i] = max(t.Votes[col], 0) // an empty cell of a party on this ballot is no votes
	}
	t.Votes = votes
	return sandik.ImportedSheet{Race: rm.race, Box: box, User: p.planner.opts.User, Source: p.planner.opts.Source, Sheet: t}, nil
}

// Sheets reads the table again, the second pass, and hands fn each row's
// sheet with the row's line until fn returns false. The file must be the
// one the plan was made from.
func (p *Plan) Sheets(open Opener, format Format, fn func(line int, in sandik.ImportedSheet) bool) error {
	r, closeAll, err := openTable(open, format)
	if err != nil {
		return err
	}
	defer closeAll()
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read table again: %w", err)
		}
		in, err := p.Sheet(row)
		if err != nil {
			return err
		}
		if !fn(row.Line, in) {
			return nil
		}
	}
}
