package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

const selectView = `SELECT seq, user_id, person_id, at, fields FROM contact_views`

func scanView(row Row) (sandik.ContactView, error) {
	var v sandik.ContactView
	var at int64
	var fields string
	err := row.Scan(&v.Seq, &v.User, &v.Person, &at, &fields)
	v.At = Time(at)
	for f := range strings.SplitSeq(fields, ",") {
		if f != "" {
			v.Fields = append(v.Fields, sandik.ContactField(f))
		}
	}
	return v, err
}

// ContactViews implements sandik.ContactStore.
func (o Org) ContactViews(ctx context.Context, f sandik.ContactViewFilter) ([]sandik.ContactView, error) {
	var w where
	w.eq("person_id", string(f.Person))
	w.eq("user_id", string(f.User))
	if f.After > 0 {
		w.add("seq > ?", f.After)
	}
	return All(ctx, o.db, "read contact views", scanView, o.q(selectView+w.sql()+` ORDER BY seq`+limit(f.Limit)), w.args...)
}

// LinkedUsers implements sandik.ContactStore.
func (o Org) LinkedUsers(ctx context.Context, id sandik.PersonID) ([]sandik.UserID, error) {
	return All(ctx, o.db, "read users of person "+string(id), func(row Row) (sandik.UserID, error) {
		var u sandik.UserID
		return u, row.Scan(&u)
	}, o.q(`SELECT id FROM users WHERE person_id = ? ORDER BY id`), string(id))
}

// LogViews appends vs unless their user would pass perMinute views in
// the minute up to vs[0].At, and returns them numbered with their leaves.
func (t OrgTx) LogViews(ctx context.Context, vs []sandik.ContactView, perMinute int) ([]sandik.ContactView, []ledger.Record, error) {
	if len(vs) == 0 {
		return nil, nil, nil
	}
	u := vs[0].User
	for i, v := range vs {
		if v.User != u {
			return nil, nil, invalidField(fmt.Sprintf("views[%d].user", i), "every view of one call is of one user (%q, not %q)", u, v.User)
		}
		if v.Person == "" || v.At.IsZero() || !sandik.Logged(v.Fields) {
			return nil, nil, invalidField(fmt.Sprintf("views[%d]", i), "a view names its person, its time and a phone or e-mail shown")
		}
	}
	n, _, err := One(ctx, t.db, "count views of "+string(u), scanInt,
		t.q(`SELECT count(*) FROM contact_views WHERE user_id = ? AND at > ?`), string(u), Nanos(vs[0].At.Add(-time.Minute)))
	if err != nil {
		return nil, nil, err
	}
	if int(n)+len(vs) > perMinute {
		return nil, nil, sandik.ContactLimit(u, perMinute)
	}
	out := make([]sandik.ContactView, len(vs))
	recs := make([]ledger.Record, len(vs))
	for i, v := range vs {
		fields := make([]string, len(v.Fields))
		for j, f := range v.Fields {
			fields[j] = string(f)
		}
		seq, _, err := One(ctx, t.db, "log a view of "+string(v.Person), scanInt,
			t.q(`INSERT INTO contact_views (user_id, person_id, at, fields) VALUES (?, ?, ?, ?) RETURNING seq`),
			string(v.User), string(v.Person), Nanos(v.At), strings.Join(fields, ","))
		if err != nil {
			return nil, nil, err
		}
		v.Seq = seq
		v.At = Time(Nanos(v.At))
		out[i] = v
		recs[i] = ledger.ContactViewRecord(v)
	}
	return out, recs, nil
}

// scanInt reads a one-column integer row.
func scanInt(row Row) (int64, error) {
	var n int64
	return n, row.Scan(&n)
}

// Erase empties person id's name, phones, e-mail and note, takes them
// out of the free text of visits and commitments, marks the record
// erased on day for reason and returns the record as it was, for
// the caller to make sure nothing of it is left in files, and the leaf
// of the erased record.
func (t OrgTx) Erase(ctx context.Context, id sandik.PersonID, day sandik.Date, reason string) (sandik.Person, []ledger.Record, error) {
	if err := sandik.CheckEraseReason(reason); err != nil {
		return sandik.Person{}, nil, err
	}
	if _, err := sandik.ParseDate(string(day)); err != nil {
		return sandik.Person{}, nil, invalidField("day", "%v", err)
	}
	was, err := t.Person(ctx, id)
	if err != nil {
		return was, nil, err
	}
	if was.Erased != "" {
		return was, nil, sandik.Errorf(sandik.EConflict, "person %q was erased already on %s", id, was.Erased)
	}
	if err := t.Exec(ctx, t.q(`UPDATE org_people SET name = '', phones = '', email = '', note = '', erased = ?, erase_reason = ? WHERE id = ?`),
		string(day), reason, string(id)); err != nil {
		return was, nil, err
	}
	if err := t.scrubVisits(ctx, was); err != nil {
		return was, nil, err
	}
	if err := t.bumpOrgGeneration(ctx); err != nil {
		return was, nil, err
	}
	now := sandik.Person{ID: was.ID, Home: was.Home, Purpose: was.Purpose, Consent: was.Consent, Erased: day, EraseReason: reason}
	return was, []ledger.Record{ledger.ErasedPersonRecord(now)}, nil
}

// scrubVisits replaces p's name, phones and e-mail in the free text of
// every visit and commitment (sandik.ScrubPerson). The references by id
// (visitors, attendees, the person visited, an owner) stay: they lead to
// the erased record, which reads as a removed person. Every row is read,
// since a name may be written in any case; an erasure is rare.
func (t OrgTx) scrubVisits(ctx context.Context, p sandik.Person) error {
	type visitText struct{ id, place, institution, notes string }
	vs, err := All(ctx, t.db, "read the texts of visits", func(row Row) (visitText, error) {
		var v visitText
		return v, row.Scan(&v.id, &v.place, &v.institution, &v.notes)
	}, `SELECT id, place, institution, notes FROM visits WHERE place <> '' OR institution <> '' OR notes <> ''`)
	if err != nil {
		return err
	}
	for _, v := range vs {
		place, a := sandik.ScrubPerson(v.place, p)
		inst, b := sandik.ScrubPerson(v.institution, p)
		notes, c := sandik.ScrubPerson(v.notes, p)
		if a || b || c {
			if err := t.Exec(ctx, t.q(`UPDATE visits SET place = ?, institution = ?, notes = ? WHERE id = ?`), place, inst, notes, v.id); err != nil {
				return fmt.Errorf("scrub visit %q: %w", v.id, err)
			}
		}
	}
	type commitText struct{ id, text string }
	cs, err := All(ctx, t.db, "read the texts of commitments", func(row Row) (commitText, error) {
		var c commitText
		return c, row.Scan(&c.id, &c.text)
	}, `SELECT id, text FROM commitments`)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if text, ok := sandik.ScrubPerson(c.text, p); ok {
			if err := t.Exec(ctx, t.q(`UPDATE commitments SET text = ? WHERE id = ?`), text, c.id); err != nil {
				return fmt.Errorf("scrub commitment %q: %w", c.id, err)
			}
		}
	}
	return nil
}
