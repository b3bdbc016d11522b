package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

const selectAssignment = `SELECT election, box, person, assigned_at, assigned_by, note FROM box_assignments`

func scanAssignment(row Row) (sandik.Assignment, error) {
	var a sandik.Assignment
	var at int64
	err := row.Scan(&a.Election, &a.Box, &a.Person, &at, &a.AssignedBy, &a.Note)
	a.AssignedAt = time.Unix(0, at).UTC()
	return a, err
}

// Assignments implements sandik.AssignmentStore.
func (o Org) Assignments(ctx context.Context, f sandik.AssignmentFilter) ([]sandik.Assignment, error) {
	var w where
	w.eq("election", string(f.Election))
	w.eq("box", string(f.Box))
	w.eq("person", string(f.Person))
	if f.Under != "" {
		// A range on the key, not LIKE: codes may hold _ and the range
		// uses the primary key's byte order on both dialects. U+10FFFF
		// sorts after every character a code may hold next.
		w.add("box >= ? AND box < ?", string(f.Under), string(f.Under)+"\U0010FFFF")
	}
	return All(ctx, o.db, "read assignments", scanAssignment,
		o.q(selectAssignment+w.sql()+` ORDER BY election, box, person`+limit(f.Limit)), w.args...)
}

// SaveAssignments writes as and returns a leaf for each.
func (t OrgTx) SaveAssignments(ctx context.Context, as []sandik.Assignment) ([]ledger.Record, error) {
	return t.saveAssignments(ctx, as, nil)
}

// saveAssignments writes as; newPeople are the people written by the
// same change, who stand at no box yet, so their boxes need no count
// from the store (a national import assigns a quarter of a million).
func (t OrgTx) saveAssignments(ctx context.Context, as []sandik.Assignment, newPeople map[string]bool) ([]ledger.Record, error) {
	if err := sandik.CheckAssignments(as); err != nil {
		return nil, err
	}
	people := map[string]bool{} // stored people looked up
	type personElection struct {
		p sandik.PersonID
		e sandik.ElectionCode
	}
	boxes := map[personElection]int{}
	recs := make([]ledger.Record, 0, len(as))
	rows := make([][]any, len(as))
	for i, a := range as {
		field := fmt.Sprintf("assignments[%d]", i)
		if !newPeople[string(a.Person)] {
			if err := t.exists(ctx, people, "org_people", "id", string(a.Person), field+".person", "person"); err != nil {
				return nil, err
			}
		}
		k := personElection{a.Person, a.Election}
		n, counted := boxes[k]
		if !counted && !newPeople[string(a.Person)] {
			c, _, err := One(ctx, t.db, "count the boxes of "+string(a.Person), scanInt,
				t.q(`SELECT COUNT(*) FROM box_assignments WHERE person = ? AND election = ?`), string(a.Person), string(a.Election))
			if err != nil {
				return nil, err
			}
			n = int(c)
		}
		if n >= sandik.MaxBoxesPerPerson {
			return nil, sandik.Invalid("invalid assignments", []sandik.Problem{{Field: field + ".person", Rule: sandik.RuleTooManyBoxes,
				Message: fmt.Sprintf("%s stands at %d boxes of %s already, the most one person may", a.Person, n, a.Election)}})
		}
		boxes[k] = n + 1
		rows[i] = []any{string(a.Election), string(a.Box), string(a.Person), a.AssignedAt.UnixNano(), string(a.AssignedBy), a.Note}
		recs = append(recs, ledger.AssignmentRecord(a))
	}
	if err := t.refuseAssigned(ctx, as); err != nil {
		return nil, err
	}
	if _, err := t.insertRows(ctx, "box_assignments", []string{"election", "box", "person", "assigned_at", "assigned_by", "note"}, rows); err != nil {
		return nil, err
	}
	return recs, nil
}

// refuseAssigned refuses, naming its place, the first of as stored
// already, looking them up by election and box (the key's first two
// columns), rowsPerInsert boxes at a time.
func (t OrgTx) refuseAssigned(ctx context.Context, as []sandik.Assignment) error {
	type key struct {
		e sandik.ElectionCode
		b sandik.AreaCode
		p sandik.PersonID
	}
	byElection := map[sandik.ElectionCode][]int{}
	var elections []sandik.ElectionCode
	for i, a := range as {
		if _, ok := byElection[a.Election]; !ok {
			elections = append(elections, a.Election)
		}
		byElection[a.Election] = append(byElection[a.Election], i)
	}
	first := -1
	for _, e := range elections {
		idx := byElection[e]
		for from := 0; from < len(idx); from += rowsPerInsert {
			chunk := idx[from:min(len(idx), from+rowsPerInsert)]
			args := make([]any, 0, len(chunk)+1)
			args = append(args, string(e))
			for _, i := range chunk {
				args = append(args, string(as[i].Box))
			}
			stored, err := All(ctx, t.db, "look up assignments", scanAssignment,
				t.q(selectAssignment+` WHERE election = ? AND box IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`)`), args...)
			if err != nil {
				return err
			}
			taken := make(map[key]bool, len(stored))
			for _, a := range stored {
				taken[key{a.Election, a.Box, a.Person}] = true
			}
			for _, i := range chunk {
				if a := as[i]; taken[key{a.Election, a.Box, a.Person}] && (first < 0 || i < first) {
					first = i
				}
			}
		}
	}
	if first >= 0 {
		a := as[first]
		return conflict(fmt.Sprintf("assignments[%d]", first), "%s is assigned to box %s of %s already", a.Person, a.Box, a.Election)
	}
	return nil
}

// RemoveAssignment deletes one assignment and returns its tombstone.
func (t OrgTx) RemoveAssignment(ctx context.Context, election sandik.ElectionCode, box sandik.AreaCode, person sandik.PersonID) ([]ledger.Record, error) {
	key := []any{string(election), string(box), string(person)}
	const match = ` WHERE election = ? AND box = ? AND person = ?`
	_, found, err := One(ctx, t.db, "look up an assignment", scanAssignment, t.q(selectAssignment+match), key...)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, sandik.Errorf(sandik.ENotFound, "%s is not assigned to box %s of %s", person, box, election)
	}
	if err := t.Exec(ctx, t.q(`DELETE FROM box_assignments`+match), key...); err != nil {
		return nil, err
	}
	return []ledger.Record{ledger.AssignmentRemovedRecord(ledger.AssignmentID(election, box, person))}, nil
}
