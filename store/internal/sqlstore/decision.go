package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

const (
	selectDecision = `SELECT id, meeting_id, text, COALESCE(owner_person, ''), COALESCE(owner_unit, ''), due, status FROM meeting_decisions`
	selectMinutes  = `SELECT meeting_id, text, attachments, closed_at, closed_by FROM meeting_minutes`
)

func scanDecision(row Row) (sandik.Decision, error) {
	var d sandik.Decision
	err := row.Scan(&d.ID, &d.Meeting, &d.Text, &d.OwnerPerson, &d.OwnerUnit, &d.Due, &d.Status)
	return d, err
}

func scanMinutes(row Row) (sandik.Minutes, error) {
	var m sandik.Minutes
	var att string
	var at int64
	err := row.Scan(&m.Meeting, &m.Text, &att, &at, &m.ClosedBy)
	if att != "" {
		m.Attachments = strings.Split(att, "\n")
	}
	m.ClosedAt = Time(at)
	return m, err
}

// Minutes implements sandik.DecisionStore.
func (o Org) Minutes(ctx context.Context, id sandik.MeetingID) (sandik.Minutes, error) {
	m, found, err := One(ctx, o.db, "read minutes of "+string(id), scanMinutes, o.q(selectMinutes+` WHERE meeting_id = ?`), string(id))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "meeting %q has no minutes; it is not closed", id)
	}
	return m, err
}

// Decisions implements sandik.DecisionStore.
func (o Org) Decisions(ctx context.Context, f sandik.DecisionFilter) ([]sandik.Decision, error) {
	var w where
	w.eq("meeting_id", string(f.Meeting))
	w.eq("owner_person", string(f.Person))
	if f.Unit != "" {
		w.add("(owner_unit = ? OR owner_person IN (SELECT id FROM org_people WHERE home = ?))", string(f.Unit), string(f.Unit))
	}
	if f.Open {
		w.add("status = ?", string(sandik.DecisionOpen))
	}
	return All(ctx, o.db, "read decisions", scanDecision, o.q(selectDecision+w.sql()+` ORDER BY due, id`), w.args...)
}

// CloseMeeting writes a meeting's minutes and new decisions.
func (t OrgTx) CloseMeeting(ctx context.Context, m sandik.Minutes, ds []sandik.Decision) ([]ledger.Record, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if _, err := t.Meeting(ctx, m.Meeting); err != nil {
		return nil, err
	}
	if _, err := t.Minutes(ctx, m.Meeting); err == nil {
		return nil, sandik.Errorf(sandik.EConflict, "meeting %q is closed already", m.Meeting)
	} else if sandik.CodeOf(err) != sandik.ENotFound {
		return nil, err
	}
	m.ClosedAt = Time(Nanos(m.ClosedAt))
	if err := t.Exec(ctx, t.q(`INSERT INTO meeting_minutes (meeting_id, text, attachments, closed_at, closed_by) VALUES (?, ?, ?, ?, ?)`),
		string(m.Meeting), m.Text, strings.Join(m.Attachments, "\n"), Nanos(m.ClosedAt), string(m.ClosedBy)); err != nil {
		return nil, err
	}
	recs := []ledger.Record{ledger.MinutesRecord(m)}
	for i, d := range ds {
		if d.Meeting != m.Meeting {
			return nil, invalidMeeting(fmt.Sprintf("decisions[%d].meeting", i), "is %q, not the meeting closed", d.Meeting)
		}
		rs, err := t.SaveDecision(ctx, d)
		if err != nil {
			return nil, prefixed(err, fmt.Sprintf("decisions[%d].", i))
		}
		recs = append(recs, rs...)
	}
	return recs, nil
}

// SaveDecision writes a new decision.
func (t OrgTx) SaveDecision(ctx context.Context, d sandik.Decision) ([]ledger.Record, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if _, err := t.Meeting(ctx, d.Meeting); err != nil {
		return nil, meetingField(err, "meeting")
	}
	var person, unit any // NULL unless given
	if d.OwnerPerson != "" {
		if _, err := t.Person(ctx, d.OwnerPerson); err != nil {
			return nil, meetingField(err, "owner_person")
		}
		person = string(d.OwnerPerson)
	} else {
		if _, err := t.Unit(ctx, d.OwnerUnit); err != nil {
			return nil, meetingField(err, "owner_unit")
		}
		unit = string(d.OwnerUnit)
	}
	if _, found, err := One(ctx, t.db, "read decision", scanDecision, t.q(selectDecision+` WHERE id = ?`), string(d.ID)); err != nil {
		return nil, err
	} else if found {
		return nil, conflict("id", "decision %q exists already", d.ID)
	}
	if err := t.Exec(ctx, t.q(`INSERT INTO meeting_decisions (id, meeting_id, text, owner_person, owner_unit, due, status) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		string(d.ID), string(d.Meeting), d.Text, person, unit, string(d.Due), string(d.Status)); err != nil {
		return nil, err
	}
	return []ledger.Record{ledger.DecisionRecord(d)}, nil
}

// SetDecisionStatus changes a decision's status.
func (t OrgTx) SetDecisionStatus(ctx context.Context, id sandik.DecisionID, s sandik.DecisionStatus) ([]ledger.Record, error) {
	if !s.Valid() {
		return nil, invalidMeeting("status", "unknown status %q (want open, done or dropped)", s)
	}
	d, found, err := One(ctx, t.db, "read decision", scanDecision, t.q(selectDecision+` WHERE id = ?`), string(id))
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, sandik.Errorf(sandik.ENotFound, "no decision %q", id)
	}
	if err := t.Exec(ctx, t.q(`UPDATE meeting_decisions SET status = ? WHERE id = ?`), string(s), string(id)); err != nil {
		return nil, err
	}
	d.Status = s
	return []ledger.Record{ledger.DecisionRecord(d)}, nil
}

// prefixed puts prefix before the fields of err's problems.
func prefixed(err error, prefix string) error {
	var e *sandik.Error
	if !errors.As(err, &e) || len(e.Problems) == 0 {
		return err
	}
	out := *e
	out.Problems = make([]sandik.Problem, len(e.Problems))
	for i, p := range e.Problems {
		p.Field = prefix + p.Field
		out.Problems[i] = p
	}
	return &out
}
