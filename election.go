package sandik

import "time"

// ElectionCode, RaceCode and ChoiceCode name elections, races and choices
// stably in URLs, files and the API.
type (
	ElectionCode string
	RaceCode     string
	ChoiceCode   string
)

// DefaultQuorum is how many entries from different people must agree before
// a result sheet counts as verified.
const DefaultQuorum = 2

// Election is one voting day and its races. Quorum is K of the double-entry
// rule (the Oy ve Ötesi network used 3).
type Election struct {
	Code   ElectionCode `json:"code"`
	Name   string       `json:"name"`
	Date   time.Time    `json:"date"` // the voting day, midnight Europe/Istanbul
	Quorum int          `json:"quorum"`
}

// Race is one ballot type of an election (metropolitan mayor, district
// council, president…) over the boxes below Scope.
type Race struct {
	Code     RaceCode     `json:"code"`
	Election ElectionCode `json:"election"`
	Name     string       `json:"name"`
	Scope    AreaCode     `json:"scope"`
	Choices  []Choice     `json:"choices"` // in ballot order
	// Marks is how many choices one ballot may mark: 0 or 1 for a ballot
	// of one mark; more for a congress's çarşaf ballot (every candidate
	// on one sheet, mark up to N), whose sheet holds marks per choice so
	// that they add up to at most Marks × the valid ballots.
	Marks int `json:"marks,omitempty"`
}

// MaxMarks is the most marks a çarşaf ballot may take.
func (r *Race) MaxMarks() int { return max(r.Marks, 1) }

// Choice is a candidate, party, alliance or independent on a ballot.
type Choice struct {
	Code ChoiceCode `json:"code"`
	Name string     `json:"name"`
}

// ChoiceIndex returns the ballot position of code, or -1.
func (r *Race) ChoiceIndex(code ChoiceCode) int {
	for i, c := range r.Choices {
		if c.Code == code {
			return i
		}
	}
	return -1
}

// Registration is the number of voters on a box's list for an election.
type Registration struct {
	Election   ElectionCode `json:"election"`
	Box        AreaCode     `json:"box"`
	Registered int64        `json:"registered"`
}
