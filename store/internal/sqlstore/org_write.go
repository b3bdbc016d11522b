package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// OrgTx is a write to the organisation inside a store's transaction:
// reads and writes through the same transaction, so that what it checks
// (a parent, a holder) is what it commits over. The store serialises
// these writes (SQLite's one writer, PostgreSQL's table lock).
type OrgTx struct {
	Org
	Exec   Exec
	Unique func(error) bool // reports a unique key violated
	// Prepare, when set, readies query once for many executions; bulk
	// inserts then go rowsPerStatement rows per execution of it. SQLite
	// sets it: a statement of many rows parsed once costs a third less
	// CPU a row than a prepared one-row statement (binding, running and
	// resetting a statement a row), its statement journal included.
	Prepare func(ctx context.Context, query string) (exec func(args ...any) error, done func(), err error)
	// KeysByConstraint, when set, lets a table's key refuse a stored id
	// as the rows go in, and looks the ids up only then, to name the
	// first taken: the transaction must stay usable after a statement
	// refused by a constraint, as SQLite's does. Without it every id is
	// looked up before the insert (a national import's three million
	// took the SQLite writer 2–3 s of lookups that found nothing).
	KeysByConstraint bool
	// Copy, when set, writes rows (each a value per column of cols) into
	// table in one stream; inserts of at least copyRows rows go by it.
	// PostgreSQL sets it to COPY, which a national import's three
	// million rows cross many times faster than INSERT statements.
	Copy func(ctx context.Context, table string, cols []string, rows [][]any) error
}

// copyRows is the fewest rows an insert sends by Copy: below it, a
// statement or two cost less than opening a COPY.
const copyRows = 1000

// BulkRows is the size of a change of the organisation from which it is
// a bulk change: its records become batch leaves of the ledger
// (AppendBatches), and SQLite loads it with its secondary indexes built
// after the rows.
const BulkRows = 20_000

// Bulk reports whether c is a bulk change.
func Bulk(c sandik.OrgChange) bool {
	return len(c.People)+len(c.Positions)+len(c.Assignments) >= BulkRows
}

// save writes c, checked by Save, and returns the leaves of its kinds
// and units, and of its assignments.
func (t OrgTx) save(ctx context.Context, c sandik.OrgChange, ready beside) (kindsAndUnits, assigned []ledger.Record, err error) {
	recs := make([]ledger.Record, 0, len(c.Kinds)+len(c.Units))
	kinds, err := t.PositionKinds(ctx)
	if err != nil {
		return nil, nil, err
	}
	oneHolder := make(map[sandik.KindCode]bool, len(kinds)+len(c.Kinds))
	for _, k := range kinds {
		oneHolder[k.Code] = k.OneHolder
	}
	for i, k := range c.Kinds {
		if _, taken := oneHolder[k.Code]; taken {
			return nil, nil, conflict(fmt.Sprintf("kinds[%d].code", i), "kind of position %q exists already", k.Code)
		}
		if err := t.Exec(ctx, t.q(`INSERT INTO org_kinds (code, name, one_holder) VALUES (?, ?, ?)`), string(k.Code), k.Name, k.OneHolder); err != nil {
			return nil, nil, err
		}
		oneHolder[k.Code] = k.OneHolder
		recs = append(recs, ledger.PositionKindRecord(k))
	}
	unitRecs, err := t.saveUnits(ctx, c.Units)
	if err != nil {
		return nil, nil, err
	}
	recs = append(recs, unitRecs...)
	// Records of this change, and stored ones already looked up, need no
	// second look: an import of a whole organisation refers to the same
	// units a million times.
	units := make(map[string]bool, len(c.Units))
	for _, u := range c.Units {
		units[string(u.Code)] = true
	}
	for i, p := range c.People {
		// The field is named only when the lookup misses: a million
		// people would otherwise each format it.
		if !units[string(p.Home)] {
			if err := t.exists(ctx, units, "org_units", "code", string(p.Home), fmt.Sprintf("people[%d].home", i), "unit"); err != nil {
				return nil, nil, err
			}
		}
	}
	from := 0
	for rows := range ready.people {
		if err := t.insertNew(ctx, "org_people", "id", "people", "person", rows, from,
			[]string{"id", "name", "phones", "email", "home", "note", "purpose", "consent", "erased", "erase_reason"}); err != nil {
			return nil, nil, err
		}
		from += len(rows)
	}
	// The names of this change's people are needed only to name the
	// holder of a seat a term of the change is refused; a map of a
	// million of them is built only then.
	var names map[sandik.PersonID]string
	nameOf := func(id sandik.PersonID) (string, bool) {
		if names == nil {
			names = make(map[sandik.PersonID]string, len(c.People))
			for _, p := range c.People {
				names[p.ID] = p.Name
			}
		}
		name, ok := names[id]
		return name, ok
	}
	// Units of this change have no stored terms. units holds the stored
	// units looked up as well, stored the stored people looked up.
	newUnits := make(map[string]bool, len(c.Units))
	for _, u := range c.Units {
		newUnits[string(u.Code)] = true
	}
	stored := map[string]bool{}
	seats := make(map[seat][]sandik.Position)
	rt := <-ready.terms
	for i, p := range c.Positions {
		field := func() string { return fmt.Sprintf("positions[%d]", i) }
		one, known := oneHolder[p.Kind]
		if !known {
			return nil, nil, sandik.Invalid("invalid change of the organisation", []sandik.Problem{{Field: field() + ".kind",
				Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no kind of position %q", p.Kind)}})
		}
		if !units[string(p.Unit)] {
			if err := t.exists(ctx, units, "org_units", "code", string(p.Unit), field()+".unit", "unit"); err != nil {
				return nil, nil, err
			}
		}
		if !rt.personNew[i] {
			if err := t.exists(ctx, stored, "org_people", "id", string(p.Person), field()+".person", "person"); err != nil {
				return nil, nil, err
			}
		}
		if one {
			if err := t.free(ctx, field(), p, seats, newUnits, nameOf); err != nil {
				return nil, nil, err
			}
		}
	}
	positionRows := rt.rows
	if err := t.insertNew(ctx, "org_positions", "id", "positions", "position", positionRows, 0,
		[]string{"id", "kind", "unit", "person", "start_day", "end_day", "source", "end_reason"}); err != nil {
		return nil, nil, err
	}
	if len(c.Kinds)+len(c.Units)+len(c.People)+len(c.Positions) > 0 {
		if err := t.bumpOrgGeneration(ctx); err != nil {
			return nil, nil, err
		}
	}
	if len(c.Assignments) > 0 {
		// Only people of this change stand at no stored box.
		if assigned, err = t.saveAssignments(ctx, c.Assignments, rt.ids); err != nil {
			return nil, nil, err
		}
	}
	return recs, assigned, nil
}

// saveUnits inserts units parents first, whatever order they came in,
// each under a parent of a kind it may hang from.
func (t OrgTx) saveUnits(ctx context.Context, units []sandik.Unit) ([]ledger.Record, error) {
	index := make(map[sandik.UnitCode]int, len(units))
	for i, u := range units {
		index[u.Code] = i
	}
	kindOf := func(code sandik.UnitCode) (sandik.UnitKind, bool, error) {
		if i, ok := index[code]; ok {
			return units[i].Kind, true, nil
		}
		u, err := t.Unit(ctx, code)
		if sandik.CodeOf(err) == sandik.ENotFound {
			return "", false, nil
		}
		return u.Kind, err == nil, err
	}
	state := make([]uint8, len(units)) // 0 new, 1 being placed, 2 placed
	order := make([]int, 0, len(units))
	var place func(i int) error
	place = func(i int) error {
		switch state[i] {
		case 2:
			return nil
		case 1:
			return invalidField(fmt.Sprintf("units[%d].parent", i), "unit %q is its own ancestor", units[i].Code)
		}
		state[i] = 1
		u := units[i]
		if u.Parent != "" {
			field := fmt.Sprintf("units[%d].parent", i)
			kind, found, err := kindOf(u.Parent)
			switch {
			case err != nil:
				return err
			case !found:
				return invalidField(field, "no unit %q", u.Parent)
			case !slices.Contains(u.Kind.ParentKinds(), kind):
				return invalidField(field, "a unit of kind %s cannot hang from %q, of kind %s", u.Kind, u.Parent, kind)
			}
			if j, ok := index[u.Parent]; ok {
				if err := place(j); err != nil {
					return err
				}
			}
		}
		state[i] = 2
		order = append(order, i)
		return nil
	}
	for i := range units {
		if err := place(i); err != nil {
			return nil, err
		}
	}
	recs := make([]ledger.Record, 0, len(units))
	rows := make([][]any, len(order))
	for j, i := range order {
		u := units[i]
		var parent any
		if u.Parent != "" {
			parent = string(u.Parent)
		}
		rows[j] = []any{string(u.Code), string(u.Kind), u.Name, parent, string(u.Area)}
		recs = append(recs, ledger.UnitRecord(u))
	}
	// Rows go in parents first, as placed; a taken code is named by its
	// place in the change as given.
	given := make([][]any, len(units))
	for j, i := range order {
		given[i] = rows[j]
	}
	if err := t.refuseTaken(ctx, "org_units", "code", "units", "unit", given, 0); err != nil {
		return nil, err
	}
	if _, err := t.insertRows(ctx, "org_units", []string{"code", "kind", "name", "parent", "area_code"}, rows); err != nil {
		return nil, err
	}
	return recs, nil
}

// exists fails with EInvalid naming field unless key is known or table
// holds it; a key found is known from then on.
func (t OrgTx) exists(ctx context.Context, known map[string]bool, table, col, key, field, what string) error {
	if known[key] {
		return nil
	}
	_, found, err := One(ctx, t.db, "look up "+what+" "+key, scanString, t.q(`SELECT `+col+` FROM `+table+` WHERE `+col+` = ?`), key)
	if err == nil && !found {
		err = invalidField(field, "no %s %q", what, key)
	}
	if err == nil {
		known[key] = true
	}
	return err
}

// seat is a kind of position in a unit, the place a one-holder term
// holds.
type seat struct {
	unit sandik.UnitCode
	kind sandik.KindCode
}

// free fails with EConflict naming the holder when a term of p's
// one-holder kind and unit shares a day with p: a stored one, or one
// given before p in this change. seats keeps the terms known per seat,
// read from the store once (never for a unit of this change, which has
// none stored) and grown by each term checked.
func (t OrgTx) free(ctx context.Context, field string, p sandik.Position, seats map[seat][]sandik.Position, newUnits map[string]bool, nameOf func(sandik.PersonID) (string, bool)) error {
	s := seat{p.Unit, p.Kind}
	terms, read := seats[s]
	if !read && !newUnits[string(p.Unit)] {
		stored, err := t.Positions(ctx, sandik.PositionFilter{Unit: p.Unit, Kind: p.Kind})
		if err != nil {
			return err
		}
		terms = stored
	}
	var held *sandik.Position
	for i := range terms {
		if terms[i].Overlaps(p) && (held == nil || terms[i].Start < held.Start) {
			held = &terms[i]
		}
	}
	if held == nil {
		seats[s] = append(terms, p)
		return nil
	}
	name, ok := nameOf(held.Person)
	if !ok {
		holder, err := t.Person(ctx, held.Person)
		if err != nil {
			return err
		}
		name = holder.Name
	}
	return sandik.HeldBy(field+".start", p, *held, name)
}

// rowsPerInsert bounds the rows of one INSERT: a statement per row spent
// most of a national import parsing the same SQL again (a million
// people), and 500 rows of 8 columns stay far below either dialect's
// limit on parameters.
const rowsPerInsert = 500

// rowsPerStatement is the rows of one execution of a prepared insert
// (Prepare): 100 rows cost the SQLite writer a third less CPU a row than
// one (3.9 against 2.8 µs a term-sized row); 20 or 500 no less than 100.
const rowsPerStatement = 100

// insertRows inserts rows (each a value per column of cols) in
// statements of up to rowsPerInsert rows, and returns how many went in
// before an error: the rows of the statements before the one refused.
func (t OrgTx) insertRows(ctx context.Context, table string, cols []string, rows [][]any) (int, error) {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	values := func(n int) string { return strings.TrimSuffix(strings.Repeat(one+", ", n), ", ") }
	if t.Copy != nil && len(rows) >= copyRows {
		if err := t.Copy(ctx, table, cols, rows); err != nil {
			return 0, fmt.Errorf("copy %d rows into %s: %w", len(rows), table, err)
		}
		return len(rows), nil
	}
	if t.Prepare != nil && len(rows) > 1 {
		return t.insertPrepared(ctx, table, head, values, len(cols), rows)
	}
	var full string
	done := 0
	for done < len(rows) {
		n := min(len(rows)-done, rowsPerInsert)
		var query string
		if n == rowsPerInsert && full != "" {
			query = full
		} else {
			query = t.q(head + values(n))
			if n == rowsPerInsert {
				full = query
			}
		}
		args := make([]any, 0, n*len(cols))
		for _, r := range rows[done : done+n] {
			args = append(args, r...)
		}
		if err := t.Exec(ctx, query, args...); err != nil {
			return done, fmt.Errorf("insert %d rows into %s: %w", n, table, err)
		}
		done += n
	}
	return done, nil
}

// insertPrepared inserts rows by Prepare'd statements of
// rowsPerStatement rows (the last one shorter), each parsed once.
func (t OrgTx) insertPrepared(ctx context.Context, table, head string, values func(int) string, width int, rows [][]any) (int, error) {
	per := min(len(rows), rowsPerStatement)
	exec, closeStmt, err := t.Prepare(ctx, t.q(head+values(per)))
	if err != nil {
		return 0, fmt.Errorf("prepare the insert into %s: %w", table, err)
	}
	defer func() { closeStmt() }()
	args := make([]any, 0, per*width)
	for done := 0; done < len(rows); done += per {
		chunk := rows[done:min(len(rows), done+per)]
		if len(chunk) < per {
			closeStmt()
			if exec, closeStmt, err = t.Prepare(ctx, t.q(head+values(len(chunk)))); err != nil {
				closeStmt = func() {}
				return done, fmt.Errorf("prepare the insert into %s: %w", table, err)
			}
		}
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		if err := exec(args...); err != nil {
			return done, fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return len(rows), nil
}

// insertNew refuses with EConflict, naming the field "list[i].id", the
// first row whose key (its first value) is stored already, then inserts
// them all; rows[0] is list[start]. With KeysByConstraint the keys are looked up only when the
// table refuses one: the rows that went in before were not stored (the
// key would have refused them), and the change holds no key twice (its
// Validate refuses that), so the first of the rest found stored is the
// first taken.
func (t OrgTx) insertNew(ctx context.Context, table, key, list, what string, rows [][]any, start int, cols []string) error {
	if !t.KeysByConstraint {
		if err := t.refuseTaken(ctx, table, key, list, what, rows, start); err != nil {
			return err
		}
		_, err := t.insertRows(ctx, table, cols, rows)
		return err
	}
	n, err := t.insertRows(ctx, table, cols, rows)
	if err != nil && t.Unique != nil && t.Unique(err) {
		if terr := t.refuseTaken(ctx, table, key, list, what, rows[n:], start+n); terr != nil {
			return terr
		}
	}
	return err
}

// refuseTaken looks the keys of rows up in table rowsPerInsert at a time
// and refuses the first stored already; rows[0] is list[start].
func (t OrgTx) refuseTaken(ctx context.Context, table, key, list, what string, rows [][]any, start int) error {
	for from := 0; from < len(rows); from += rowsPerInsert {
		chunk := rows[from:min(len(rows), from+rowsPerInsert)]
		keys := make([]any, len(chunk))
		for i, r := range chunk {
			keys[i] = r[0]
		}
		taken, err := All(ctx, t.db, "look up "+what+" ids", scanString,
			t.q(`SELECT `+key+` FROM `+table+` WHERE `+key+` IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(keys)), ", ")+`)`), keys...)
		if err != nil {
			return err
		}
		if len(taken) == 0 {
			continue
		}
		stored := make(map[string]bool, len(taken))
		for _, k := range taken {
			stored[k] = true
		}
		for i, r := range chunk {
			if k := r[0].(string); stored[k] {
				return conflict(fmt.Sprintf("%s[%d].%s", list, start+from+i, idField(list)), "%s %q exists already", what, k)
			}
		}
	}
	return nil
}

// idField is the name of the key field in the records of list.
func idField(list string) string {
	if list == "units" {
		return "code"
	}
	return "id"
}

// End closes the open term id on end for reason and returns its leaf.
func (t OrgTx) End(ctx context.Context, id sandik.PositionID, end sandik.Date, reason string) ([]ledger.Record, error) {
	p, err := t.Position(ctx, id)
	switch {
	case err != nil:
		return nil, err
	case p.End != "":
		return nil, sandik.Errorf(sandik.EConflict, "position %q ended already on %s", id, p.End)
	}
	if reason == "" {
		return nil, sandik.Invalid("invalid end of a position", []sandik.Problem{{Field: "end_reason", Rule: sandik.RuleRequired, Message: "is required"}})
	}
	p.End, p.EndReason = end, reason
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := t.Exec(ctx, t.q(`UPDATE org_positions SET end_day = ?, end_reason = ? WHERE id = ?`), string(end), reason, string(id)); err != nil {
		return nil, err
	}
	if err := t.bumpOrgGeneration(ctx); err != nil {
		return nil, err
	}
	return []ledger.Record{ledger.PositionRecord(p)}, nil
}

// bumpOrgGeneration moves the organisation's generation in the write's
// transaction: servers holding charts in memory learn from it that a
// write they did not make changed what the charts are drawn from.
func (t OrgTx) bumpOrgGeneration(ctx context.Context) error {
	if err := t.Exec(ctx, `UPDATE org_generation SET gen = gen + 1`); err != nil {
		return fmt.Errorf("move the organisation's generation: %w", err)
	}
	return nil
}

func invalidField(field, format string, args ...any) error {
	return sandik.Invalid("invalid change of the organisation", []sandik.Problem{{Field: field, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf(format, args...)}})
}

func conflict(field, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &sandik.Error{Code: sandik.EConflict, Message: msg, Problems: []sandik.Problem{{Field: field, Rule: sandik.RuleDuplicate, Message: msg}}}
}
