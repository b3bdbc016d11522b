package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// SaveMeeting writes a new meeting and the invitations its rule gives
// over the units and terms as they stand in this transaction.
func (t OrgTx) SaveMeeting(ctx context.Context, m sandik.Meeting) ([]sandik.Invitation, []ledger.Record, error) {
	return t.saveMeeting(ctx, m, nil, false)
}

// RestoreMeeting writes a meeting with the invitations it was given
// when it was saved, replies included, as another store holds them.
func (t OrgTx) RestoreMeeting(ctx context.Context, m sandik.Meeting, invs []sandik.Invitation) ([]ledger.Record, error) {
	if len(invs) > sandik.MaxInvitations {
		return nil, invalidMeeting("invitations", "at most %d invitations (got %d)", sandik.MaxInvitations, len(invs))
	}
	for i, inv := range invs {
		f := fmt.Sprintf("invitations[%d]", i)
		switch {
		case inv.Meeting != m.ID:
			return nil, invalidMeeting(f+".meeting", "is %q, not the meeting's id %q", inv.Meeting, m.ID)
		case i > 0 && inv.Person <= invs[i-1].Person:
			return nil, invalidMeeting(f+".person", "%q is not after %q: invitations are by person, each once", inv.Person, invs[i-1].Person)
		case !inv.Reply.Valid():
			return nil, invalidMeeting(f+".reply", "unknown reply %q (want pending, yes, no or maybe)", inv.Reply)
		}
		if _, err := t.Person(ctx, inv.Person); err != nil {
			return nil, meetingField(err, f+".person")
		}
		if inv.Position == "" {
			if inv.Kind != "" || inv.Unit != "" {
				return nil, invalidMeeting(f+".position", "an invitation by kind and unit names the term it was given for")
			}
			continue
		}
		p, err := t.Position(ctx, inv.Position)
		if err != nil {
			return nil, meetingField(err, f+".position")
		}
		if p.Person != inv.Person || p.Kind != inv.Kind || p.Unit != inv.Unit {
			return nil, invalidMeeting(f+".position", "term %q is %s's %s in %s, not %s's %s in %s", p.ID, p.Person, p.Kind, p.Unit, inv.Person, inv.Kind, inv.Unit)
		}
	}
	_, recs, err := t.saveMeeting(ctx, m, invs, true)
	return recs, err
}

// saveMeeting writes m with the invitations its rule gives now, or,
// when restore is set, with invs.
func (t OrgTx) saveMeeting(ctx context.Context, m sandik.Meeting, invs []sandik.Invitation, restore bool) ([]sandik.Invitation, []ledger.Record, error) {
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	if _, err := t.Unit(ctx, m.Unit); err != nil {
		return nil, nil, meetingField(err, "unit")
	}
	if m.Invite.Under != "" {
		if _, err := t.Unit(ctx, m.Invite.Under); err != nil {
			return nil, nil, meetingField(err, "invite.under")
		}
	}
	kinds, err := t.PositionKinds(ctx)
	if err != nil {
		return nil, nil, err
	}
	for i, k := range m.Invite.Kinds {
		if !slices.ContainsFunc(kinds, func(pk sandik.PositionKind) bool { return pk.Code == k }) {
			return nil, nil, invalidMeeting(fmt.Sprintf("invite.kinds[%d]", i), "no kind of position %q", k)
		}
	}
	for i, p := range m.Invite.People {
		if _, err := t.Person(ctx, p); err != nil {
			return nil, nil, meetingField(err, fmt.Sprintf("invite.people[%d]", i))
		}
	}
	if _, err := t.Meeting(ctx, m.ID); err == nil {
		return nil, nil, conflict("id", "meeting %q exists already", m.ID)
	} else if sandik.CodeOf(err) != sandik.ENotFound {
		return nil, nil, err
	}
	var units []sandik.Unit
	var terms []sandik.Position
	if len(m.Invite.Kinds) > 0 && !restore {
		if units, err = t.Units(ctx); err != nil {
			return nil, nil, err
		}
		if terms, err = t.Positions(ctx, sandik.PositionFilter{At: m.Day()}); err != nil {
			return nil, nil, err
		}
	}
	agenda, _ := json.Marshal(orEmpty(m.Agenda))
	invite, _ := json.Marshal(m.Invite)
	if err := t.Exec(ctx, t.q(`INSERT INTO meetings (id, unit, title, kind, start_at, end_at, place, link, agenda, invite, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		string(m.ID), string(m.Unit), m.Title, string(m.Kind), Nanos(m.Start), Nanos(m.End), m.Place, m.Link, string(agenda), string(invite), m.Code); err != nil {
		return nil, nil, err
	}
	// Read back as stored (times in UTC, nanoseconds), so the leaf is
	// what an audit recomputes.
	stored, err := t.Meeting(ctx, m.ID)
	if err != nil {
		return nil, nil, err
	}
	if !restore {
		invs = sandik.Invitees(stored, units, terms)
	}
	recs := []ledger.Record{ledger.MeetingRecord(stored)}
	for _, inv := range invs {
		if err := t.Exec(ctx, t.q(`INSERT INTO meeting_invitations (meeting_id, person_id, position_id, kind, unit, reply) VALUES (?, ?, ?, ?, ?, ?)`),
			string(inv.Meeting), string(inv.Person), string(inv.Position), string(inv.Kind), string(inv.Unit), string(inv.Reply)); err != nil {
			return nil, nil, err
		}
		recs = append(recs, ledger.InvitationRecord(inv))
	}
	return invs, recs, nil
}

func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// SetReply records an invitee's reply.
func (t OrgTx) SetReply(ctx context.Context, id sandik.MeetingID, p sandik.PersonID, r sandik.Reply) ([]ledger.Record, error) {
	if !r.Valid() {
		return nil, invalidMeeting("reply", "unknown reply %q (want pending, yes, no or maybe)", r)
	}
	inv, found, err := One(ctx, t.db, "read invitation", scanInvitation, t.q(selectInvitation+` WHERE meeting_id = ? AND person_id = ?`), string(id), string(p))
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, sandik.Errorf(sandik.ENotFound, "%q is not invited to meeting %q", p, id)
	}
	if err := t.Exec(ctx, t.q(`UPDATE meeting_invitations SET reply = ? WHERE meeting_id = ? AND person_id = ?`), string(r), string(id), string(p)); err != nil {
		return nil, err
	}
	inv.Reply = r
	return []ledger.Record{ledger.InvitationRecord(inv)}, nil
}

// CheckIn records an arrival, or gives a new token to one recorded.
func (t OrgTx) CheckIn(ctx context.Context, a sandik.Attendance, tokenHash [32]byte) (sandik.Attendance, bool, []ledger.Record, error) {
	if !a.Mode.Valid() {
		return a, false, nil, invalidMeeting("mode", "unknown way of checking in %q (want door, organiser or remote)", a.Mode)
	}
	if a.Arrived.IsZero() {
		return a, false, nil, invalidMeeting("arrived", "is required")
	}
	if _, err := t.Meeting(ctx, a.Meeting); err != nil {
		return a, false, nil, err
	}
	if _, err := t.Person(ctx, a.Person); err != nil {
		return a, false, nil, err
	}
	was, found, err := One(ctx, t.db, "read attendance", scanAttendance, t.q(selectAttendance+` WHERE meeting_id = ? AND person_id = ?`), string(a.Meeting), string(a.Person))
	if err != nil {
		return a, false, nil, err
	}
	if found {
		// Counted once: the first arrival stands, the phone that checked
		// in last holds the token.
		err := t.Exec(ctx, t.q(`UPDATE meeting_attendance SET token_hash = ? WHERE meeting_id = ? AND person_id = ?`), tokenHash[:], string(a.Meeting), string(a.Person))
		return was, false, nil, err
	}
	a.Arrived, a.Left = Time(Nanos(a.Arrived)), time.Time{}
	if err := t.Exec(ctx, t.q(`INSERT INTO meeting_attendance (meeting_id, person_id, mode, arrived, left_at, token_hash) VALUES (?, ?, ?, ?, NULL, ?)`),
		string(a.Meeting), string(a.Person), string(a.Mode), Nanos(a.Arrived), tokenHash[:]); err != nil {
		return a, false, nil, err
	}
	return a, true, []ledger.Record{ledger.AttendanceRecord(a)}, nil
}

// Leave records a departure.
func (t OrgTx) Leave(ctx context.Context, id sandik.MeetingID, p sandik.PersonID, at time.Time) ([]ledger.Record, error) {
	a, found, err := One(ctx, t.db, "read attendance", scanAttendance, t.q(selectAttendance+` WHERE meeting_id = ? AND person_id = ?`), string(id), string(p))
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, sandik.Errorf(sandik.ENotFound, "%q has not checked in to meeting %q", p, id)
	case !a.Left.IsZero():
		return nil, sandik.Errorf(sandik.EConflict, "%q left meeting %q already at %s", p, id, a.Left.Format(time.RFC3339))
	case at.Before(a.Arrived):
		return nil, invalidMeeting("left", "is before the arrival at %s", a.Arrived.Format(time.RFC3339))
	}
	a.Left = Time(Nanos(at))
	if err := t.Exec(ctx, t.q(`UPDATE meeting_attendance SET left_at = ? WHERE meeting_id = ? AND person_id = ?`), Nanos(a.Left), string(id), string(p)); err != nil {
		return nil, err
	}
	return []ledger.Record{ledger.AttendanceRecord(a)}, nil
}

// SaveSurvey writes a new survey and its questions.
func (t OrgTx) SaveSurvey(ctx context.Context, s sandik.Survey) ([]ledger.Record, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if _, err := t.Meeting(ctx, s.Meeting); err != nil {
		return nil, err
	}
	if _, err := t.Survey(ctx, s.ID); err == nil {
		return nil, conflict("id", "survey %q exists already", s.ID)
	} else if sandik.CodeOf(err) != sandik.ENotFound {
		return nil, err
	}
	if err := t.Exec(ctx, t.q(`INSERT INTO surveys (id, meeting_id, title, k, join_code) VALUES (?, ?, ?, ?, ?)`),
		string(s.ID), string(s.Meeting), s.Title, s.K, s.JoinCode); err != nil {
		return nil, err
	}
	recs := []ledger.Record{ledger.SurveyRecord(s)}
	for _, q := range s.Questions {
		options, _ := json.Marshal(orEmpty(q.Options))
		if err := t.Exec(ctx, t.q(`INSERT INTO survey_questions (survey_id, n, kind, text, options, state, revealed) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			string(s.ID), q.N, string(q.Kind), q.Text, string(options), string(q.State), q.Revealed); err != nil {
			return nil, err
		}
		recs = append(recs, ledger.QuestionRecord(s.ID, q))
	}
	return recs, nil
}

// SetQuestion changes a question's state.
func (t OrgTx) SetQuestion(ctx context.Context, id sandik.SurveyID, n int, st sandik.QuestionState, revealed bool) ([]ledger.Record, error) {
	if st != sandik.QuestionDraft && st != sandik.QuestionOpen && st != sandik.QuestionClosed {
		return nil, invalidMeeting("state", "unknown state %q (want draft, open or closed)", st)
	}
	q, found, err := One(ctx, t.db, "read question", scanQuestion, t.q(selectQuestion+` WHERE survey_id = ? AND n = ?`), string(id), n)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, sandik.Errorf(sandik.ENotFound, "survey %q has no question %d", id, n)
	}
	if st == sandik.QuestionClosed && q.State != sandik.QuestionClosed {
		// Every answer and mark of the question is written again by this
		// transaction, so that a column the database keeps of its own
		// (PostgreSQL's xmin, the writing transaction) no longer ties an
		// answer to the mark written with it once the question closes.
		for _, table := range []string{"survey_answers", "survey_participation"} {
			if err := t.Exec(ctx, t.q(`UPDATE `+table+` SET n = n WHERE survey_id = ? AND n = ?`), string(id), n); err != nil {
				return nil, err
			}
		}
	}
	q.State, q.Revealed = st, revealed
	if err := t.Exec(ctx, t.q(`UPDATE survey_questions SET state = ?, revealed = ? WHERE survey_id = ? AND n = ?`), string(st), revealed, string(id), n); err != nil {
		return nil, err
	}
	return []ledger.Record{ledger.QuestionRecord(id, q)}, nil
}

// Answer writes the mark that who answered question n, then the value
// under a random key and the counts of who's groups. share locks the
// question's row against a close committed meanwhile (" FOR SHARE" on
// PostgreSQL; SQLite's one writer needs none).
func (t OrgTx) Answer(ctx context.Context, id sandik.SurveyID, n int, who sandik.Attendance, value string, groups map[sandik.Dimension]string, share string) error {
	s, found, err := One(ctx, t.db, "read survey", scanSurvey, t.q(selectSurvey+` WHERE id = ?`), string(id))
	if err != nil {
		return err
	}
	if !found {
		return sandik.Errorf(sandik.ENotFound, "no survey %q", id)
	}
	if s.Meeting != who.Meeting {
		return sandik.Errorf(sandik.EForbidden, "the check-in is for meeting %q, not this survey's", who.Meeting)
	}
	state, found, err := One(ctx, t.db, "read question", scanString, t.q(`SELECT state FROM survey_questions WHERE survey_id = ? AND n = ?`+share), string(id), n)
	if err != nil {
		return err
	}
	if !found {
		return sandik.Errorf(sandik.ENotFound, "survey %q has no question %d", id, n)
	}
	if sandik.QuestionState(state) != sandik.QuestionOpen {
		return sandik.Errorf(sandik.EConflict, "question %d is %s, not open to answers", n, state)
	}
	err = t.Exec(ctx, t.q(`INSERT INTO survey_participation (survey_id, n, person_id) VALUES (?, ?, ?)`), string(id), n, string(who.Person))
	if err != nil && t.Unique != nil && t.Unique(err) {
		return conflict("answer", "question %d is answered already from this check-in", n)
	}
	if err != nil {
		return err
	}
	key := make([]byte, 16)
	rand.Read(key)
	if err := t.Exec(ctx, t.q(`INSERT INTO survey_answers (answer_key, survey_id, n, value) VALUES (?, ?, ?, ?)`), key, string(id), n, value); err != nil {
		return err
	}
	s.Questions, err = All(ctx, t.db, "read question", scanQuestion, t.q(selectQuestion+` WHERE survey_id = ? AND n = ?`), string(id), n)
	if err != nil || len(s.Questions) != 1 {
		return err
	}
	cats := s.Questions[0].Categories(value)
	if len(cats) == 0 {
		return nil
	}
	for _, dim := range sandik.Dimensions() {
		g, ok := groups[dim]
		if !ok {
			continue
		}
		for _, cat := range append([]string{""}, cats...) {
			if err := t.Exec(ctx, t.q(`INSERT INTO survey_tallies (survey_id, n, dimension, grp, category, count) VALUES (?, ?, ?, ?, ?, 1)
				ON CONFLICT (survey_id, n, dimension, grp, category) DO UPDATE SET count = survey_tallies.count + 1`),
				string(id), n, string(dim), g, cat); err != nil {
				return err
			}
		}
	}
	return nil
}

// RestoreAnswers writes a question's answers as another store holds
// them: the marks by person, the values in their sorted order under
// random keys, and the counts as they were; an order that joins
// nothing.
func (t OrgTx) RestoreAnswers(ctx context.Context, id sandik.SurveyID, n int, qa sandik.QuestionAnswers) error {
	if err := qa.Check(); err != nil {
		return err
	}
	if _, found, err := One(ctx, t.db, "read question", scanQuestion, t.q(selectQuestion+` WHERE survey_id = ? AND n = ?`), string(id), n); err != nil {
		return err
	} else if !found {
		return sandik.Errorf(sandik.ENotFound, "survey %q has no question %d", id, n)
	}
	held, err := t.Participants(ctx, id, n)
	if err != nil {
		return err
	}
	tallies, err := t.Tallies(ctx, id, n)
	if err != nil {
		return err
	}
	if held > 0 || len(tallies) > 0 {
		return conflict("answers", "question %d of survey %q holds %d answers already", n, id, held)
	}
	for i, p := range qa.Marks {
		if _, err := t.Person(ctx, p); err != nil {
			return meetingField(err, fmt.Sprintf("marks[%d]", i))
		}
		if err := t.Exec(ctx, t.q(`INSERT INTO survey_participation (survey_id, n, person_id) VALUES (?, ?, ?)`), string(id), n, string(p)); err != nil {
			return err
		}
	}
	for _, v := range qa.Values {
		key := make([]byte, 16)
		rand.Read(key)
		if err := t.Exec(ctx, t.q(`INSERT INTO survey_answers (answer_key, survey_id, n, value) VALUES (?, ?, ?, ?)`), key, string(id), n, v); err != nil {
			return err
		}
	}
	for _, g := range qa.Tallies {
		counts := maps.Clone(g.Counts)
		if g.Answers > 0 {
			if counts == nil {
				counts = map[string]int{}
			}
			counts[""] = g.Answers
		}
		for _, cat := range slices.Sorted(maps.Keys(counts)) {
			if err := t.Exec(ctx, t.q(`INSERT INTO survey_tallies (survey_id, n, dimension, grp, category, count) VALUES (?, ?, ?, ?, ?, ?)`),
				string(id), n, string(g.Dimension), g.Group, cat, counts[cat]); err != nil {
				return err
			}
		}
	}
	return nil
}

// meetingField names field in a not-found error of a reference.
func meetingField(err error, field string) error {
	if sandik.CodeOf(err) == sandik.ENotFound {
		return invalidMeeting(field, "%s", sandik.MessageOf(err))
	}
	return err
}

func invalidMeeting(field, format string, args ...any) error {
	return sandik.Invalid("invalid meeting", []sandik.Problem{{Field: field, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf(format, args...)}})
}
