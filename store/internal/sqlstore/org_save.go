package sqlstore

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Save writes c and returns a leaf for every record written.
func (t OrgTx) Save(ctx context.Context, c sandik.OrgChange) ([]ledger.Record, error) {
	return t.SaveThen(ctx, c, nil)
}

// SaveThen writes c, runs then (when not nil) if that went well, and
// returns a leaf for every record written.
//
// What reads nothing of the store is done beside the writes, by one
// goroutine in the order the writes want it: the rows of c's people and
// terms, then the checks of each record, then the leaves of people and
// terms (a national import makes, checks and hashes three million
// records). One goroutine, not one for each: on two cores the writer
// then keeps one to itself rather than sharing both with three others.
// then runs before the checks are waited for, so a SQLite bulk load
// builds its indexes while they finish. A change that does not validate
// is refused with its problems, whatever its writes met first; its
// transaction is rolled back by the caller.
func (t OrgTx) SaveThen(ctx context.Context, c sandik.OrgChange, then func() error) ([]ledger.Record, error) {
	b := startBeside(c)
	units, assigned, err := t.save(ctx, c, b)
	if err == nil && then != nil {
		err = then()
	}
	if err != nil {
		b.stop.Store(true)
	}
	done := <-b.checked
	if done.invalid != nil {
		return nil, done.invalid
	}
	if err != nil {
		return nil, err
	}
	recs := make([]ledger.Record, 0, len(units)+len(done.people)+len(done.positions)+len(assigned))
	recs = append(recs, units...)
	recs = append(recs, done.people...)
	recs = append(recs, done.positions...)
	return append(recs, assigned...), nil
}

// beside is the work on a change that reads nothing of the store, done
// by one goroutine while the writer works: a national import's three
// million rows of values and the set of its million people took the
// SQLite writer 3 s of its own time. Each channel gets one value; a save
// that stops early leaves them to the collector.
type beside struct {
	// people are the rows of org_people for the change's people, in
	// order, peopleChunk at a time, then closed: the writer starts on
	// the first while the next are made.
	people  <-chan [][]any
	terms   <-chan preparedTerms
	checked <-chan checked
	stop    *atomic.Bool // the save failed: its leaves are not wanted
}

// peopleChunk is the people whose rows the writer gets at a time.
const peopleChunk = 20_000

type preparedTerms struct {
	rows      [][]any         // a row of org_positions for each term of the change
	personNew []bool          // the holder of each term is a person of the change
	ids       map[string]bool // the people of the change; only read once sent
}

type checked struct {
	invalid           error // the change's own problems (Validate)
	people, positions []ledger.Record
}

func startBeside(c sandik.OrgChange) beside {
	// Room for every chunk: the goroutine never waits for the writer.
	people := make(chan [][]any, len(c.People)/peopleChunk+1)
	terms, done := make(chan preparedTerms, 1), make(chan checked, 1)
	b := beside{people: people, terms: terms, checked: done, stop: new(atomic.Bool)}
	go func() {
		for from := 0; from < len(c.People); from += peopleChunk {
			chunk := c.People[from:min(len(c.People), from+peopleChunk)]
			rows := make([][]any, len(chunk))
			for i, p := range chunk {
				var erased any // NULL while not erased
				if p.Erased != "" {
					erased = string(p.Erased)
				}
				rows[i] = []any{string(p.ID), p.Name, strings.Join(p.Phones, "\n"), p.Email, string(p.Home), p.Note, p.Purpose, string(p.Consent), erased, p.EraseReason}
			}
			people <- rows
		}
		close(people)
		rt := preparedTerms{rows: make([][]any, len(c.Positions)), personNew: make([]bool, len(c.Positions)), ids: make(map[string]bool, len(c.People))}
		for _, p := range c.People {
			rt.ids[string(p.ID)] = true
		}
		for i, p := range c.Positions {
			rt.personNew[i] = rt.ids[string(p.Person)]
			var end any
			if p.End != "" {
				end = string(p.End)
			}
			rt.rows[i] = []any{string(p.ID), string(p.Kind), string(p.Unit), string(p.Person), string(p.Start), end, string(p.Source), p.EndReason}
		}
		terms <- rt
		var out checked
		if out.invalid = c.Validate(); out.invalid != nil || b.stop.Load() {
			done <- out
			return
		}
		out.people = make([]ledger.Record, len(c.People))
		for i, p := range c.People {
			out.people[i] = ledger.PersonLeaf(p)
		}
		out.positions = make([]ledger.Record, len(c.Positions))
		for i, p := range c.Positions {
			out.positions[i] = ledger.PositionRecord(p)
		}
		done <- out
	}()
	return b
}
