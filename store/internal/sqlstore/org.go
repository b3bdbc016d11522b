package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
)

// Org is the organisation's half of a store over a dialect's statements:
// the reads of sandik.OrgStore, which a store gets by embedding it. The
// statements are written once with ? placeholders; rebind turns them
// into the dialect's.
type Org struct {
	db     DB
	rebind func(string) string
}

// NewOrg reads the organisation through db; rebind (nil for none) turns
// ? placeholders into the dialect's.
func NewOrg(db DB, rebind func(string) string) Org { return Org{db: db, rebind: rebind} }

func (o Org) q(s string) string {
	if o.rebind == nil {
		return s
	}
	return o.rebind(s)
}

// Dollars rewrites ? placeholders as $1, $2, … (PostgreSQL's). The
// organisation's statements hold no ? inside literals.
func Dollars(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

const (
	selectUnit     = `SELECT code, kind, name, COALESCE(parent, ''), area_code FROM org_units`
	selectPerson   = `SELECT id, name, phones, email, home, note, purpose, consent, COALESCE(erased, ''), erase_reason FROM org_people`
	selectPosition = `SELECT id, kind, unit, person, start_day, COALESCE(end_day, ''), source, end_reason FROM org_positions`
)

func scanUnit(row Row) (sandik.Unit, error) {
	var u sandik.Unit
	err := row.Scan(&u.Code, &u.Kind, &u.Name, &u.Parent, &u.Area)
	return u, err
}

func scanPerson(row Row) (sandik.Person, error) {
	var p sandik.Person
	var phones string
	err := row.Scan(&p.ID, &p.Name, &phones, &p.Email, &p.Home, &p.Note, &p.Purpose, &p.Consent, &p.Erased, &p.EraseReason)
	if phones != "" {
		p.Phones = strings.Split(phones, "\n")
	}
	return p, err
}

func scanPosition(row Row) (sandik.Position, error) {
	var p sandik.Position
	err := row.Scan(&p.ID, &p.Kind, &p.Unit, &p.Person, &p.Start, &p.End, &p.Source, &p.EndReason)
	return p, err
}

func scanKind(row Row) (sandik.PositionKind, error) {
	var k sandik.PositionKind
	err := row.Scan(&k.Code, &k.Name, &k.OneHolder)
	return k, err
}

// AddedPositionKinds implements sandik.OrgStore.
func (o Org) AddedPositionKinds(ctx context.Context) ([]sandik.PositionKind, error) {
	return All(ctx, o.db, "read kinds of position", scanKind, `SELECT code, name, one_holder FROM org_kinds ORDER BY code`)
}

// PositionKinds implements sandik.OrgStore.
func (o Org) PositionKinds(ctx context.Context) ([]sandik.PositionKind, error) {
	added, err := o.AddedPositionKinds(ctx)
	if err != nil {
		return nil, err
	}
	all := append(sandik.DefaultPositionKinds(), added...)
	slices.SortFunc(all, func(a, b sandik.PositionKind) int { return strings.Compare(string(a.Code), string(b.Code)) })
	return all, nil
}

// Units implements sandik.OrgStore.
func (o Org) Units(ctx context.Context) ([]sandik.Unit, error) {
	return All(ctx, o.db, "read units", scanUnit, selectUnit+` ORDER BY code`)
}

// UnitsOfKind implements sandik.OrgStore, through the index by kind.
func (o Org) UnitsOfKind(ctx context.Context, kind sandik.UnitKind) ([]sandik.Unit, error) {
	return All(ctx, o.db, "read units of kind "+string(kind), scanUnit, o.q(selectUnit+` WHERE kind = ? ORDER BY code`), string(kind))
}

// Children implements sandik.OrgStore.
func (o Org) Children(ctx context.Context, code sandik.UnitCode) ([]sandik.Unit, error) {
	return All(ctx, o.db, "read units under "+string(code), scanUnit, o.q(selectUnit+` WHERE parent = ? ORDER BY code`), string(code))
}

// Unit implements sandik.OrgStore.
func (o Org) Unit(ctx context.Context, code sandik.UnitCode) (sandik.Unit, error) {
	u, found, err := One(ctx, o.db, "read unit "+string(code), scanUnit, o.q(selectUnit+` WHERE code = ?`), string(code))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no unit %q", code)
	}
	return u, err
}

// Person implements sandik.OrgStore.
func (o Org) Person(ctx context.Context, id sandik.PersonID) (sandik.Person, error) {
	p, found, err := One(ctx, o.db, "read person "+string(id), scanPerson, o.q(selectPerson+` WHERE id = ?`), string(id))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no person %q", id)
	}
	return p, err
}

// People implements sandik.OrgStore.
func (o Org) People(ctx context.Context, f sandik.PeopleFilter) ([]sandik.Person, error) {
	var w where
	w.eq("home", string(f.Home))
	in(&w, "id", f.IDs)
	w.after("id", string(f.After))
	return All(ctx, o.db, "read people", scanPerson, o.q(selectPerson+w.sql()+` ORDER BY id`+limit(f.Limit)), w.args...)
}

// Position implements sandik.OrgStore.
func (o Org) Position(ctx context.Context, id sandik.PositionID) (sandik.Position, error) {
	p, found, err := One(ctx, o.db, "read position "+string(id), scanPosition, o.q(selectPosition+` WHERE id = ?`), string(id))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no position %q", id)
	}
	return p, err
}

// Positions implements sandik.OrgStore.
func (o Org) Positions(ctx context.Context, f sandik.PositionFilter) ([]sandik.Position, error) {
	var w where
	w.eq("unit", string(f.Unit))
	w.eq("kind", string(f.Kind))
	w.eq("person", string(f.Person))
	in(&w, "unit", f.Units)
	in(&w, "kind", f.Kinds)
	if f.At != "" {
		w.add("start_day <= ? AND (end_day IS NULL OR end_day >= ?)", string(f.At), string(f.At))
	}
	w.after("id", string(f.After))
	return All(ctx, o.db, "read positions", scanPosition, o.q(selectPosition+w.sql()+` ORDER BY id`+limit(f.Limit)), w.args...)
}

// UnitRecords implements sandik.OrgStore in two statements, the unit
// with its children and the terms with their holders' names, for a
// chart is read on every view of a unit and each statement costs the
// read a round of the driver.
func (o Org) UnitRecords(ctx context.Context, code sandik.UnitCode) (sandik.UnitRecords, error) {
	var out sandik.UnitRecords
	units, err := All(ctx, o.db, "read unit "+string(code), scanUnit, o.q(selectUnit+` WHERE code = ? OR parent = ? ORDER BY code`), string(code), string(code))
	if err != nil {
		return out, err
	}
	found := false
	out.Children = make([]sandik.Unit, 0, len(units))
	for _, u := range units {
		if u.Code == code {
			out.Unit, found = u, true
		} else {
			out.Children = append(out.Children, u)
		}
	}
	if !found {
		return out, sandik.Errorf(sandik.ENotFound, "no unit %q", code)
	}
	out.Names = map[sandik.PersonID]string{}
	out.Terms, err = All(ctx, o.db, "read terms of "+string(code), func(row Row) (sandik.Position, error) {
		var p sandik.Position
		var name, erased string
		err := row.Scan(&p.ID, &p.Kind, &p.Unit, &p.Person, &p.Start, &p.End, &p.Source, &p.EndReason, &name, &erased)
		if erased != "" {
			name = sandik.RemovedPerson
		}
		out.Names[p.Person] = name
		return p, err
	}, o.q(`SELECT p.id, p.kind, p.unit, p.person, p.start_day, COALESCE(p.end_day, ''), p.source, p.end_reason,
		COALESCE(pe.name, ''), COALESCE(pe.erased, '')
		FROM org_positions p LEFT JOIN org_people pe ON pe.id = p.person WHERE p.unit = ? ORDER BY p.id`), string(code))
	return out, err
}

// OrgGeneration implements sandik.OrgStore.
func (o Org) OrgGeneration(ctx context.Context) (int64, error) {
	gen, _, err := One(ctx, o.db, "read the organisation's generation", func(row Row) (int64, error) {
		var g int64
		return g, row.Scan(&g)
	}, `SELECT gen FROM org_generation`)
	return gen, err
}

// PersonNames implements sandik.OrgStore: the id, name and mark of
// erasure only, never a phone, an e-mail or a note.
func (o Org) PersonNames(ctx context.Context, after sandik.PersonID, n int) ([]sandik.PersonName, error) {
	var w where
	w.after("id", string(after))
	return All(ctx, o.db, "read people's names", func(row Row) (sandik.PersonName, error) {
		var p sandik.PersonName
		var erased string
		err := row.Scan(&p.ID, &p.Name, &erased)
		if erased != "" {
			p.Name = sandik.RemovedPerson
		}
		return p, err
	}, o.q(`SELECT id, name, COALESCE(erased, '') FROM org_people`+w.sql()+` ORDER BY id`+limit(n)), w.args...)
}

// where builds the conditions of a filtered read.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) eq(col, v string) {
	if v != "" {
		w.add(col+" = ?", v)
	}
}

// in adds col IN (vs…) when vs is not empty.
func in[T ~string](w *where, col string, vs []T) {
	if len(vs) == 0 {
		return
	}
	args := make([]any, len(vs))
	for i, v := range vs {
		args[i] = string(v)
	}
	w.add(col+" IN ("+strings.Repeat("?, ", len(args)-1)+"?)", args...)
}

func (w *where) after(col, v string) {
	if v != "" {
		w.add(col+" > ?", v)
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func limit(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" LIMIT %d", n)
}
