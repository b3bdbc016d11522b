package sandik

import (
	"context"
	"fmt"
	"slices"
)

// Round tables of a meeting: numbered tables with a moderator and
// members, seated by rules and then edited by hand.

// Table is one round table: number N from 1, a moderator, members.
type Table struct {
	N         int        `json:"n"`
	Moderator PersonID   `json:"moderator,omitempty"`
	Members   []PersonID `json:"members"`
}

// Seatee is someone to be seated: their home unit (the district mixed
// across tables) and the kind of position they came as.
type Seatee struct {
	Person PersonID `json:"person"`
	Unit   UnitCode `json:"unit"`
	Kind   KindCode `json:"kind,omitempty"`
}

// SeatingRules are the rules of automatic seating: Min to Max people a
// table (2 to 4 when zero); Together the kinds whose holders of one unit
// sit together (a district's chair and mayor); Spread the people seated
// one a table at most.
type SeatingRules struct {
	Min      int        `json:"min,omitempty"`
	Max      int        `json:"max,omitempty"`
	Together []KindCode `json:"together,omitempty"`
	Spread   []PersonID `json:"spread,omitempty"`
}

// DefaultTogether keeps a district's party chair and its mayor at one
// table.
func DefaultTogether() []KindCode { return []KindCode{"ilce_baskani", "belediye_baskani"} }

// Bounds of seating.
const (
	MaxTables      = 500
	MaxTableSize   = 20
	defaultMinSeat = 2
	defaultMaxSeat = 4
)

func (r SeatingRules) bounds() (int, int) {
	lo, hi := r.Min, r.Max
	if lo == 0 {
		lo = defaultMinSeat
	}
	if hi == 0 {
		hi = defaultMaxSeat
	}
	return lo, hi
}

// block is people who sit together, of one unit.
type block struct {
	unit   UnitCode
	people []PersonID
	spread bool
}

// Seat seats people by rules: each person once; every table of Min to
// Max people; the holders of Together kinds of one unit at one table;
// the Spread people at different tables; and the blocks of one unit
// spread over the tables as evenly as room allows. The result depends
// only on its input. EInvalid when the rules cannot all be met.
func Seat(people []Seatee, rules SeatingRules) ([]Table, error) {
	lo, hi := rules.bounds()
	if lo < 1 || hi < lo || hi > MaxTableSize {
		return nil, Invalid("invalid seating rules", []Problem{{Field: "max", Rule: RuleInvalidValue, Message: fmt.Sprintf("a table seats %d to %d people; want 1 ≤ min ≤ max ≤ %d", lo, hi, MaxTableSize)}})
	}
	blocks, err := blocksOf(people, rules)
	if err != nil {
		return nil, err
	}
	total, spread := len(people), 0
	for _, b := range blocks {
		if b.spread {
			spread++
		}
	}
	first := max((total+hi-1)/hi, spread, 1)
	for n := first; n <= total/lo && n <= MaxTables; n++ {
		if tables, ok := seatAt(blocks, n, lo, hi); ok {
			return tables, nil
		}
	}
	return nil, Invalid("the people cannot be seated by these rules", []Problem{{Field: "rules", Rule: RuleInvalidValue,
		Message: fmt.Sprintf("%d people (%d to be spread) do not fill tables of %d to %d", total, spread, lo, hi)}})
}

// blocksOf groups people into blocks, the largest first, then by unit
// and person so that the result does not depend on the input's order.
func blocksOf(people []Seatee, rules SeatingRules) ([]block, error) {
	seen := map[PersonID]bool{}
	together := map[UnitCode]int{} // unit → index of its block of Together kinds
	var blocks []block
	for i, p := range people {
		if seen[p.Person] {
			return nil, Invalid("invalid seating", []Problem{{Field: fmt.Sprintf("people[%d]", i), Rule: RuleDuplicate, Message: fmt.Sprintf("%q is given twice", p.Person)}})
		}
		seen[p.Person] = true
		sp := slices.Contains(rules.Spread, p.Person)
		if !sp && slices.Contains(rules.Together, p.Kind) {
			if j, ok := together[p.Unit]; ok {
				blocks[j].people = append(blocks[j].people, p.Person)
				continue
			}
			together[p.Unit] = len(blocks)
		}
		blocks = append(blocks, block{unit: p.Unit, people: []PersonID{p.Person}, spread: sp})
	}
	for _, b := range blocks {
		slices.Sort(b.people)
	}
	slices.SortFunc(blocks, func(a, b block) int {
		if a.spread != b.spread {
			if a.spread {
				return -1
			}
			return 1
		}
		if len(a.people) != len(b.people) {
			return len(b.people) - len(a.people)
		}
		if a.unit != b.unit {
			return compareText(a.unit, b.unit)
		}
		return compareText(a.people[0], b.people[0])
	})
	return blocks, nil
}

// seatAt tries n tables: each block, spread people first and larger
// blocks before smaller, goes to the table with room that holds the
// fewest blocks of its unit, then the fewest people, then the lowest
// number.
func seatAt(blocks []block, n, lo, hi int) ([]Table, bool) {
	tables := make([]Table, n)
	units := make([]map[UnitCode]int, n)
	hasSpread := make([]bool, n)
	for i := range tables {
		tables[i].N = i + 1
		units[i] = map[UnitCode]int{}
	}
	for _, b := range blocks {
		best := -1
		for i := range tables {
			if len(tables[i].Members)+len(b.people) > hi || b.spread && hasSpread[i] {
				continue
			}
			if best < 0 || units[i][b.unit] < units[best][b.unit] ||
				units[i][b.unit] == units[best][b.unit] && len(tables[i].Members) < len(tables[best].Members) {
				best = i
			}
		}
		if best < 0 {
			return nil, false
		}
		tables[best].Members = append(tables[best].Members, b.people...)
		units[best][b.unit]++
		hasSpread[best] = hasSpread[best] || b.spread
	}
	for _, t := range tables {
		if len(t.Members) < lo {
			return nil, false
		}
	}
	return tables, true
}

// ValidateTables checks tables edited by hand: numbered 1, 2, …, each
// person at one table at most, a moderator not also a member.
func ValidateTables(tables []Table) error {
	var ps problems
	if len(tables) == 0 || len(tables) > MaxTables {
		ps.add("tables", RuleInvalidValue, "a meeting has 1 to %d tables (got %d)", MaxTables, len(tables))
	}
	seated := map[PersonID]string{}
	for i, t := range tables {
		f := fmt.Sprintf("tables[%d]", i)
		if t.N != i+1 {
			ps.add(f+".n", RuleInvalidValue, "tables are numbered 1, 2, … in order (want %d, got %d)", i+1, t.N)
		}
		if len(t.Members) == 0 || len(t.Members) > MaxTableSize {
			ps.add(f+".members", RuleInvalidValue, "a table seats 1 to %d people (got %d)", MaxTableSize, len(t.Members))
		}
		for j, p := range append(slices.Clone(t.Members), t.Moderator) {
			if p == "" && j == len(t.Members) {
				continue
			}
			field := fmt.Sprintf("%s.members[%d]", f, j)
			if j == len(t.Members) {
				field = f + ".moderator"
			}
			if err := ValidateCode(string(p)); err != nil {
				ps.add(field, RuleInvalidValue, "%v", err)
				continue
			}
			if at, dup := seated[p]; dup {
				ps.add(field, RuleDuplicate, "%q is seated already at %s", p, at)
				continue
			}
			seated[p] = f
		}
	}
	if len(ps) > 0 {
		return Invalid("invalid tables", ps)
	}
	return nil
}

// TableStore keeps the round tables of meetings. Saving replaces the
// seating of a meeting whole and is one leaf of the ledger.
type TableStore interface {
	// SaveTables replaces meeting id's tables; EInvalid if they fail
	// ValidateTables or name a person not stored, ENotFound if there is
	// no such meeting, EConflict once a finding is recorded at them.
	SaveTables(ctx context.Context, id MeetingID, tables []Table) error
	// Tables returns meeting id's tables, by number, members by id.
	Tables(ctx context.Context, id MeetingID) ([]Table, error)
}
