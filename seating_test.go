package sandik

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// workshopSeatees is a workshop's attendees: for each of districts, its
// chair and, for the first mayors, its mayor; and board members of the
// province.
func workshopSeatees(districts, mayors, board int) []Seatee {
	var out []Seatee
	for d := range districts {
		unit := UnitCode(fmt.Sprintf("34.%02d", d+1))
		out = append(out, Seatee{Person: PersonID(fmt.Sprintf("ilce-%02d", d+1)), Unit: unit, Kind: "ilce_baskani"})
		if d < mayors {
			out = append(out, Seatee{Person: PersonID(fmt.Sprintf("bb-%02d", d+1)), Unit: unit, Kind: "belediye_baskani"})
		}
	}
	for b := range board {
		out = append(out, Seatee{Person: PersonID(fmt.Sprintf("il-%02d", b+1)), Unit: "34", Kind: "yonetim_kurulu_uyesi"})
	}
	return out
}

func TestSeatWorkshop(t *testing.T) {
	people := workshopSeatees(39, 14, 8)
	tables, err := Seat(people, SeatingRules{Together: DefaultTogether(), Spread: []PersonID{"il-01", "il-02", "il-03"}})
	if err != nil {
		t.Fatal(err)
	}
	checkSeating(t, people, SeatingRules{Together: DefaultTogether(), Spread: []PersonID{"il-01", "il-02", "il-03"}}, tables)
	if len(tables) != (len(people)+3)/4 {
		t.Errorf("%d tables for %d people, want %d", len(tables), len(people), (len(people)+3)/4)
	}
	if _, err := Seat(workshopSeatees(1, 0, 0), SeatingRules{}); CodeOf(err) != EInvalid {
		t.Errorf("one person seated: %v", err)
	}
	if _, err := Seat(workshopSeatees(3, 0, 0), SeatingRules{Spread: []PersonID{"ilce-01", "ilce-02"}, Min: 2, Max: 2}); CodeOf(err) != EInvalid {
		t.Errorf("two to spread over three people in tables of two: %v", err)
	}
}

// checkSeating asserts every rule of Seat on its result.
func checkSeating(t rapid.TB, people []Seatee, rules SeatingRules, tables []Table) {
	lo, hi := rules.bounds()
	at := map[PersonID]int{}
	byPerson := map[PersonID]Seatee{}
	for _, p := range people {
		byPerson[p.Person] = p
	}
	perUnit := map[UnitCode]int{}
	for i, tb := range tables {
		if tb.N != i+1 {
			t.Fatalf("table %d numbered %d", i+1, tb.N)
		}
		if len(tb.Members) < lo || len(tb.Members) > hi {
			t.Fatalf("table %d seats %d, want %d to %d", tb.N, len(tb.Members), lo, hi)
		}
		spread := 0
		for _, p := range tb.Members {
			if _, dup := at[p]; dup {
				t.Fatalf("%s seated twice", p)
			}
			at[p] = tb.N
			if slices.Contains(rules.Spread, p) {
				spread++
			}
		}
		if spread > 1 {
			t.Fatalf("table %d has %d people to spread", tb.N, spread)
		}
	}
	if len(at) != len(people) {
		t.Fatalf("%d seated of %d", len(at), len(people))
	}
	// Together: the Together kinds of one unit (not spread) at one table.
	for _, p := range people {
		if !slices.Contains(rules.Together, p.Kind) || slices.Contains(rules.Spread, p.Person) {
			continue
		}
		for _, q := range people {
			if q.Unit == p.Unit && slices.Contains(rules.Together, q.Kind) && !slices.Contains(rules.Spread, q.Person) && at[q.Person] != at[p.Person] {
				t.Fatalf("%s and %s of %s at tables %d and %d", p.Person, q.Person, p.Unit, at[p.Person], at[q.Person])
			}
		}
	}
	// Mixed: the people of one unit outside blocks (the board) spread
	// over the tables as evenly as the room allows: no table holds two
	// more of them than another has room for.
	for _, p := range people {
		if !slices.Contains(rules.Together, p.Kind) {
			perUnit[p.Unit]++
		}
	}
	for unit, n := range perUnit {
		count := make([]int, len(tables))
		for _, p := range people {
			if p.Unit == unit && !slices.Contains(rules.Together, p.Kind) {
				count[at[p.Person]-1]++
			}
		}
		most := slices.Max(count)
		if most > (n+len(tables)-1)/len(tables)+1 {
			t.Fatalf("%d of the %d people of %s at one table of %d", most, n, unit, len(tables))
		}
	}
}

// TestSeatRules: on random attendee sets every seating found keeps the
// rules, and a workshop's usual numbers always find one.
func TestSeatRules(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		districts := rapid.IntRange(0, 45).Draw(t, "districts")
		mayors := rapid.IntRange(0, districts).Draw(t, "mayors")
		board := rapid.IntRange(0, 12).Draw(t, "board")
		people := workshopSeatees(districts, mayors, board)
		lo := rapid.IntRange(1, 3).Draw(t, "min")
		hi := rapid.IntRange(lo, 6).Draw(t, "max")
		var spread []PersonID
		for b := range rapid.IntRange(0, board).Draw(t, "spread") {
			spread = append(spread, PersonID(fmt.Sprintf("il-%02d", b+1)))
		}
		rules := SeatingRules{Min: lo, Max: hi, Together: DefaultTogether(), Spread: spread}
		// The input's order does not matter.
		perm := rapid.Permutation(people).Draw(t, "order")
		tables, err := Seat(perm, rules)
		again, err2 := Seat(people, rules)
		if fmt.Sprint(tables, err) != fmt.Sprint(again, err2) {
			t.Fatalf("the order of the input changed the seating:\n%v\n%v", tables, again)
		}
		if err != nil {
			if CodeOf(err) != EInvalid {
				t.Fatalf("error %v", err)
			}
			// A workshop of chairs and mayors at tables of 2 to 4 with
			// no one to spread is always seated.
			if lo == 2 && hi == 4 && len(spread) == 0 && len(people) >= 2 {
				t.Fatalf("%d people not seated at 2 to 4: %v", len(people), err)
			}
			return
		}
		checkSeating(t, people, rules, tables)
	})
}

func TestValidateTables(t *testing.T) {
	ok := []Table{{N: 1, Moderator: "m-1", Members: []PersonID{"a", "b"}}, {N: 2, Members: []PersonID{"c"}}}
	if err := ValidateTables(ok); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tables []Table
		field  string
	}{
		{[]Table{{N: 1, Members: []PersonID{"a"}}, {N: 2, Members: []PersonID{"a"}}}, "tables[1].members[0]"},
		{[]Table{{N: 2, Members: []PersonID{"a"}}}, "tables[0].n"},
		{[]Table{{N: 1, Moderator: "a", Members: []PersonID{"a"}}}, "tables[0].moderator"},
		{[]Table{{N: 1}}, "tables[0].members"},
		{nil, "tables"},
	} {
		ps := ProblemsOf(ValidateTables(c.tables))
		if len(ps) == 0 || ps[0].Field != c.field {
			t.Errorf("%v: problems %v, want %s", c.tables, ps, c.field)
		}
	}
}
