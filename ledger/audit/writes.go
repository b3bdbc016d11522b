package audit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// Writes is what an audit reads besides the log of submissions: the
// objection events, the users and the settings, each of whose changes is
// a leaf.
type Writes interface {
	CaseEvents(ctx context.Context) ([]sandik.CaseEvent, error)
	Users(ctx context.Context) ([]sandik.User, error)
	TokenHashes(ctx context.Context) (map[sandik.UserID][32]byte, error)
	Settings(ctx context.Context) ([]sandik.Setting, error)
	AddedPositionKinds(ctx context.Context) ([]sandik.PositionKind, error)
	Units(ctx context.Context) ([]sandik.Unit, error)
	People(ctx context.Context, f sandik.PeopleFilter) ([]sandik.Person, error)
	Positions(ctx context.Context, f sandik.PositionFilter) ([]sandik.Position, error)
	Municipalities(ctx context.Context, f sandik.MunicipalFilter) ([]sandik.Municipality, error)
	MunicipalTerms(ctx context.Context, f sandik.MunicipalFilter) ([]sandik.MunicipalTerm, error)
	ContactViews(ctx context.Context, f sandik.ContactViewFilter) ([]sandik.ContactView, error)
	AddedKindRights(ctx context.Context) ([]sandik.KindRight, error)
	Grants(ctx context.Context, f sandik.GrantFilter) ([]sandik.Grant, error)
	Assignments(ctx context.Context, f sandik.AssignmentFilter) ([]sandik.Assignment, error)
	Meetings(ctx context.Context, f sandik.MeetingFilter) ([]sandik.Meeting, error)
	Invitations(ctx context.Context, id sandik.MeetingID) ([]sandik.Invitation, error)
	Attendance(ctx context.Context, id sandik.MeetingID) ([]sandik.Attendance, error)
	Surveys(ctx context.Context, id sandik.MeetingID) ([]sandik.Survey, error)
	Tables(ctx context.Context, id sandik.MeetingID) ([]sandik.Table, error)
	Minutes(ctx context.Context, id sandik.MeetingID) (sandik.Minutes, error)
	Decisions(ctx context.Context, f sandik.DecisionFilter) ([]sandik.Decision, error)
	Findings(ctx context.Context, id sandik.MeetingID) ([]sandik.Finding, error)
}

// others checks the leaves that are not submissions. Objection events
// are append-only, so each leaf is recomputed from its event; users and
// settings change in place, so the last leaf of each must be the row as
// it stands (the older ones are held by the signed tree), and a row with
// no leaf was written past the log.
type others struct {
	events   map[string]sandik.CaseEvent // by record id
	seen     map[string]bool
	users    map[string]ledger.Record // the current rows' records
	settings map[string]ledger.Record
	org      map[string]ledger.Record // units, people, kinds and terms, by record id
	// kind → id → its latest record, with the index of its leaf (a
	// batch leaf's for a member of a batch)
	last map[ledger.Kind]map[string]sandik.LedgerRecord
}

func loadOthers(ctx context.Context, w Writes) (*others, error) {
	o := &others{events: map[string]sandik.CaseEvent{}, seen: map[string]bool{},
		users: map[string]ledger.Record{}, settings: map[string]ledger.Record{}, org: map[string]ledger.Record{},
		last: map[ledger.Kind]map[string]sandik.LedgerRecord{ledger.KindUser: {}, ledger.KindThreshold: {}, ledger.KindOrg: {}}}
	events, err := w.CaseEvents(ctx)
	if err != nil {
		return nil, fmt.Errorf("read objection events: %w", err)
	}
	for _, e := range events {
		rec, err := ledger.CaseEventRecord(e)
		if err != nil {
			return nil, err
		}
		o.events[rec.ID] = e
	}
	users, err := w.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	tokens, err := w.TokenHashes(ctx)
	if err != nil {
		return nil, fmt.Errorf("read users' token hashes: %w", err)
	}
	for _, u := range users {
		o.users[string(u.ID)] = ledger.UserRecord(u, tokens[u.ID])
	}
	settings, err := w.Settings(ctx)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	for _, st := range settings {
		o.settings[st.Key] = ledger.SettingRecord(st)
	}
	if err := o.loadOrg(ctx, w); err != nil {
		return nil, err
	}
	return o, nil
}

// check recomputes stored record st (a leaf, or a member of a batch
// leaf, with that leaf's index) of a kind other than a submission; it
// returns the record to hash, or why it cannot be one.
func (o *others) check(st sandik.LedgerRecord) (ledger.Record, string) {
	stored := ledger.Record{Kind: ledger.Kind(st.Kind), ID: st.ID, Seq: st.Seq, ContentHash: st.ContentHash}
	switch stored.Kind {
	case ledger.KindObjection:
		e, ok := o.events[st.ID]
		if !ok {
			return stored, fmt.Sprintf("objection event %s is not in the database", st.ID)
		}
		if o.seen[st.ID] {
			return stored, fmt.Sprintf("objection event %s has a second leaf", st.ID)
		}
		o.seen[st.ID] = true
		rec, err := ledger.CaseEventRecord(e)
		if err != nil {
			return stored, err.Error()
		}
		if rec != stored {
			return rec, fmt.Sprintf("objection event %s is not what the log recorded", st.ID)
		}
		return rec, ""
	case ledger.KindUser, ledger.KindThreshold, ledger.KindOrg:
		// Checked against the row once the last leaf of its id is known.
		o.last[stored.Kind][st.ID] = st
		return stored, ""
	}
	return stored, fmt.Sprintf("a record of kind %d, which no write of this store makes", st.Kind)
}

// finish returns the first fault among the rows checked at the end: an
// event, user or setting with no leaf, or a user or setting whose row is
// not what its latest leaf recorded.
func (o *others) finish(size int64) *Fault {
	var faults []*Fault
	for id, e := range o.events {
		if !o.seen[id] {
			faults = append(faults, &Fault{Index: size, Kind: ledger.KindObjection, ID: id,
				Reason: fmt.Sprintf("objection event %d of case %s has no record in the ledger", e.Version, e.Case)})
		}
	}
	for _, set := range []struct {
		kind ledger.Kind
		what string
		rows map[string]ledger.Record
	}{{ledger.KindUser, "user", o.users}, {ledger.KindThreshold, "setting", o.settings}, {ledger.KindOrg, "organisation record", o.org}} {
		for id, want := range set.rows {
			st, ok := o.last[set.kind][id]
			if !ok {
				faults = append(faults, &Fault{Index: size, Kind: set.kind, ID: id,
					Reason: fmt.Sprintf("%s %q has no record in the ledger", set.what, id)})
				continue
			}
			if st.ContentHash != want.ContentHash || st.Seq != want.Seq {
				faults = append(faults, &Fault{Index: st.Index, Kind: set.kind, ID: id,
					Reason: fmt.Sprintf("%s %q is not what its latest record in the log says", set.what, id)})
			}
		}
		for id, st := range o.last[set.kind] {
			// A removed assignment's row is gone and its last leaf says so.
			if set.kind == ledger.KindOrg && strings.HasPrefix(id, ledger.OrgAssignmentPrefix) &&
				st.ContentHash == ledger.AssignmentRemovedRecord(id).ContentHash {
				continue
			}
			if _, ok := set.rows[id]; !ok {
				faults = append(faults, &Fault{Index: st.Index, Kind: set.kind, ID: id,
					Reason: fmt.Sprintf("%s %q is in the log but not in the database", set.what, id)})
			}
		}
	}
	if len(faults) == 0 {
		return nil
	}
	return slices.MinFunc(faults, func(a, b *Fault) int {
		if a.Index != b.Index {
			return int(a.Index - b.Index)
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// batch checks the batch leaf st: the members kept for it must be the
// ones it commits to, and each is then checked as a leaf of its own
// would be. It returns the leaf's record to hash, or why it cannot be
// one; an error is a store that cannot be read.
func (o *others) batch(ctx context.Context, s sandik.LedgerReader, st sandik.LedgerRecord) (ledger.Record, string, error) {
	leaf := ledger.Record{Kind: ledger.Kind(st.Kind), ID: st.ID, Seq: st.Seq, ContentHash: st.ContentHash}
	members, err := s.LedgerBatch(ctx, st.Index)
	switch {
	case sandik.CodeOf(err) == sandik.ENotFound:
		return leaf, fmt.Sprintf("batch leaf %d has no records kept for it", st.Index), nil
	case err != nil:
		return leaf, "", fmt.Errorf("read the records of batch leaf %d: %w", st.Index, err)
	}
	b, err := ledger.ParseBatch(leaf, members)
	if err != nil {
		return leaf, fmt.Sprintf("the records kept for batch leaf %d are not the ones it commits to: %v", st.Index, err), nil
	}
	for k, m := range b.Members {
		member := sandik.LedgerRecord{Index: st.Index, Kind: uint8(m.Kind), ID: m.ID, Seq: m.Seq, ContentHash: m.ContentHash}
		if _, bad := o.check(member); bad != "" {
			return leaf, fmt.Sprintf("member %d of the batch: %s", k, bad), nil
		}
	}
	return b.Leaf, "", nil
}

// loadOrg recomputes the record of every row of the organisation.
func (o *others) loadOrg(ctx context.Context, w Writes) error {
	kinds, err := w.AddedPositionKinds(ctx)
	if err != nil {
		return fmt.Errorf("read kinds of position: %w", err)
	}
	units, err := w.Units(ctx)
	if err != nil {
		return fmt.Errorf("read units: %w", err)
	}
	people, err := w.People(ctx, sandik.PeopleFilter{})
	if err != nil {
		return fmt.Errorf("read people: %w", err)
	}
	terms, err := w.Positions(ctx, sandik.PositionFilter{})
	if err != nil {
		return fmt.Errorf("read positions: %w", err)
	}
	rights, err := w.AddedKindRights(ctx)
	if err != nil {
		return fmt.Errorf("read kinds' rights: %w", err)
	}
	grants, err := w.Grants(ctx, sandik.GrantFilter{})
	if err != nil {
		return fmt.Errorf("read grants: %w", err)
	}
	add := func(r ledger.Record) { o.org[r.ID] = r }
	for _, r := range rights {
		add(ledger.KindRightRecord(r))
	}
	for _, g := range grants {
		add(ledger.GrantRecord(g))
	}
	for _, k := range kinds {
		add(ledger.PositionKindRecord(k))
	}
	for _, u := range units {
		add(ledger.UnitRecord(u))
	}
	for _, p := range people {
		add(ledger.PersonLeaf(p)) // an erased person's latest leaf is the erased record

	}
	for _, p := range terms {
		add(ledger.PositionRecord(p))
	}
	munis, err := w.Municipalities(ctx, sandik.MunicipalFilter{})
	if err != nil {
		return fmt.Errorf("read municipalities: %w", err)
	}
	for _, m := range munis {
		add(ledger.MunicipalityRecord(m))
	}
	versions, err := w.MunicipalTerms(ctx, sandik.MunicipalFilter{History: true})
	if err != nil {
		return fmt.Errorf("read terms of municipalities: %w", err)
	}
	for _, t := range versions {
		add(ledger.MunicipalTermRecord(t))
	}
	// Views of contacts are written once; each row must have its leaf,
	// so a view deleted to hide who looked is a fault.
	views, err := w.ContactViews(ctx, sandik.ContactViewFilter{})
	if err != nil {
		return fmt.Errorf("read contact views: %w", err)
	}
	for _, v := range views {
		add(ledger.ContactViewRecord(v))
	}
	assigned, err := w.Assignments(ctx, sandik.AssignmentFilter{})
	if err != nil {
		return fmt.Errorf("read assignments: %w", err)
	}
	for _, a := range assigned {
		add(ledger.AssignmentRecord(a))
	}
	return o.loadMeetings(ctx, w, add)
}

// loadMeetings recomputes the records of meetings, their invitations and
// attendance, and their surveys with each question's state. Answers
// have no records.
func (o *others) loadMeetings(ctx context.Context, w Writes, add func(ledger.Record)) error {
	meetings, err := w.Meetings(ctx, sandik.MeetingFilter{})
	if err != nil {
		return fmt.Errorf("read meetings: %w", err)
	}
	for _, m := range meetings {
		add(ledger.MeetingRecord(m))
		invs, err := w.Invitations(ctx, m.ID)
		if err != nil {
			return fmt.Errorf("read invitations of %s: %w", m.ID, err)
		}
		for _, inv := range invs {
			add(ledger.InvitationRecord(inv))
		}
		att, err := w.Attendance(ctx, m.ID)
		if err != nil {
			return fmt.Errorf("read attendance of %s: %w", m.ID, err)
		}
		for _, a := range att {
			add(ledger.AttendanceRecord(a))
		}
		tables, err := w.Tables(ctx, m.ID)
		if err != nil {
			return fmt.Errorf("read tables of %s: %w", m.ID, err)
		}
		if len(tables) > 0 {
			add(ledger.SeatingRecord(m.ID, tables))
		}
		findings, err := w.Findings(ctx, m.ID)
		if err != nil {
			return fmt.Errorf("read findings of %s: %w", m.ID, err)
		}
		for _, f := range findings {
			add(ledger.FindingRecord(f))
		}
		switch mins, err := w.Minutes(ctx, m.ID); sandik.CodeOf(err) {
		case "":
			add(ledger.MinutesRecord(mins))
		case sandik.ENotFound:
		default:
			return fmt.Errorf("read minutes of %s: %w", m.ID, err)
		}
	}
	decisions, err := w.Decisions(ctx, sandik.DecisionFilter{})
	if err != nil {
		return fmt.Errorf("read decisions: %w", err)
	}
	for _, d := range decisions {
		add(ledger.DecisionRecord(d))
	}
	surveys, err := w.Surveys(ctx, "")
	if err != nil {
		return fmt.Errorf("read surveys: %w", err)
	}
	for _, s := range surveys {
		drafted := s
		drafted.Questions = make([]sandik.Question, len(s.Questions))
		for i, q := range s.Questions {
			add(ledger.QuestionRecord(s.ID, q))
			q.State, q.Revealed = sandik.QuestionDraft, false
			drafted.Questions[i] = q
		}
		add(ledger.SurveyRecord(drafted))
	}
	return nil
}
