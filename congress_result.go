package sandik

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"fmt"
	"slices"
	"time"
)

// Elected is a candidate the count put in a seat (Seat 1…) or on the
// substitutes' list (Substitute 1…). Tied says the tie rule decided
// between them and one with as many votes on the other side of the line.
type Elected struct {
	Person     PersonID   `json:"person"`
	Name       string     `json:"name"`
	Camp       string     `json:"camp,omitempty"`
	Choice     ChoiceCode `json:"choice"`
	Votes      int64      `json:"votes"`
	Seat       int        `json:"seat,omitempty"`
	Substitute int        `json:"substitute,omitempty"`
	Tied       bool       `json:"tied,omitempty"`
}

// ContestResult is a contest's result: the figures of the verified
// sheets, the winners and substitutes by the contest's tie rule, and —
// once the committee approved it — when and by whom; an approved result
// is never changed. Seed is the lot's seed (hex), recorded so anyone can
// draw it again.
type ContestResult struct {
	Congress    CongressID `json:"congress"`
	Contest     string     `json:"contest"`
	Race        RaceCode   `json:"race"`
	Tie         TieRule    `json:"tie"`
	Seed        string     `json:"seed,omitempty"`
	Boxes       int        `json:"boxes"`
	Verified    int        `json:"verified"`
	Ballots     int64      `json:"ballots"`
	Invalid     int64      `json:"invalid"`
	Votes       []int64    `json:"votes"`
	Choices     []Choice   `json:"choices"`
	Winners     []Elected  `json:"winners"`
	Substitutes []Elected  `json:"substitutes"`
	ApprovedAt  time.Time  `json:"approved_at,omitzero"`
	ApprovedBy  UserID     `json:"approved_by,omitempty"`
}

// Winners orders the ballot's choices by votes (votes[i] for choice i),
// equal votes by the tie rule, and fills the contest's seats and then
// its substitutes: candidate by candidate for single and çarşaf ballots,
// and from the leading list's slate in its rank order for a block list.
// For the lot, seed decides: each choice draws SHA-256(seed ‖ code).
func Winners(c Contest, b Ballot, votes []int64, seed []byte) (winners, substitutes []Elected) {
	order := make([]int, len(b.Choices))
	for i := range order {
		order[i] = i
	}
	draw := func(i int) []byte {
		h := sha256.Sum256(append(slices.Clone(seed), b.Choices[i].Code...))
		return h[:]
	}
	tie := func(a, bb int) int {
		switch c.Tie {
		case TieLot:
			return bytes.Compare(draw(a), draw(bb))
		case TieAge:
			// The elder first: an earlier birth day; one who declared
			// none after those who did.
			ba, bb2 := b.Slates[a][0].Born, b.Slates[bb][0].Born
			if ba != bb2 {
				switch {
				case ba == "":
					return 1
				case bb2 == "":
					return -1
				}
				return cmp.Compare(ba, bb2)
			}
		}
		return cmp.Compare(b.Order[a], b.Order[bb])
	}
	slices.SortStableFunc(order, func(a, bb int) int {
		return cmp.Or(cmp.Compare(votes[bb], votes[a]), tie(a, bb))
	})
	if c.Ballot == BallotBlock {
		if len(order) == 0 {
			return nil, nil
		}
		top := order[0]
		tied := len(order) > 1 && votes[order[1]] == votes[top]
		for i, cand := range b.Slates[top] {
			e := Elected{Person: cand.Person, Name: cand.Name, Camp: b.Camps[top], Choice: b.Choices[top].Code, Votes: votes[top], Tied: tied}
			switch {
			case i < c.Seats:
				e.Seat = i + 1
				winners = append(winners, e)
			case i < c.Seats+c.Substitutes:
				e.Substitute = i - c.Seats + 1
				substitutes = append(substitutes, e)
			}
		}
		return winners, substitutes
	}
	edge := func(n int) (int64, bool) {
		if n < len(order) {
			return votes[order[n]], true
		}
		return 0, false
	}
	for rank, i := range order {
		cand := b.Slates[i][0]
		e := Elected{Person: cand.Person, Name: cand.Name, Camp: b.Camps[i], Choice: b.Choices[i].Code, Votes: votes[i]}
		switch {
		case rank < c.Seats:
			e.Seat = rank + 1
			if v, ok := edge(c.Seats); ok && v == votes[i] {
				e.Tied = true
			}
			winners = append(winners, e)
		case rank < c.Seats+c.Substitutes:
			e.Substitute = rank - c.Seats + 1
			if v, ok := edge(c.Seats - 1); ok && v == votes[i] {
				e.Tied = true
			}
			if v, ok := edge(c.Seats + c.Substitutes); ok && v == votes[i] {
				e.Tied = true
			}
			substitutes = append(substitutes, e)
		}
	}
	return winners, substitutes
}

// SeatRow is one seat won: the unit whose congress filled it and the
// camp of the list it was won on.
type SeatRow struct {
	Unit UnitCode
	Camp string
}

// CampSeats counts the seats each camp won in each unit and in every
// unit above it (a district's seats count for its province too), over
// the organisation's tree: out[camp][unit]. A seat without a camp counts
// under "".
func CampSeats(rows []SeatRow, units []Unit) map[string]map[UnitCode]int {
	parent := make(map[UnitCode]UnitCode, len(units))
	for _, u := range units {
		parent[u.Code] = u.Parent
	}
	out := map[string]map[UnitCode]int{}
	for _, r := range rows {
		m := out[r.Camp]
		if m == nil {
			m = map[UnitCode]int{}
			out[r.Camp] = m
		}
		// Up the tree, guarding against a cycle in broken data.
		for u, hops := r.Unit, 0; u != "" && hops <= len(units); u, hops = parent[u], hops+1 {
			m[u]++
		}
	}
	return out
}

// ValidateSeed checks a lot's seed: 16 to 64 bytes.
func ValidateSeed(seed []byte) error {
	if len(seed) < 16 || len(seed) > 64 {
		return fmt.Errorf("a seed is 16 to 64 bytes (got %d)", len(seed))
	}
	return nil
}
