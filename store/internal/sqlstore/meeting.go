package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sandik-dev/sandik"
)

// The reads of sandik.MeetingStore and sandik.SurveyStore, which a store
// gets by embedding Org.

const (
	selectMeeting    = `SELECT id, unit, title, kind, start_at, end_at, place, link, agenda, invite, code FROM meetings`
	selectInvitation = `SELECT meeting_id, person_id, position_id, kind, unit, reply FROM meeting_invitations`
	selectAttendance = `SELECT meeting_id, person_id, mode, arrived, COALESCE(left_at, 0) FROM meeting_attendance`
	selectSurvey     = `SELECT id, meeting_id, title, k, join_code FROM surveys`
	selectQuestion   = `SELECT n, kind, text, options, state, revealed FROM survey_questions`
)

func scanMeeting(row Row) (sandik.Meeting, error) {
	var m sandik.Meeting
	var start, end int64
	var agenda, invite string
	if err := row.Scan(&m.ID, &m.Unit, &m.Title, &m.Kind, &start, &end, &m.Place, &m.Link, &agenda, &invite, &m.Code); err != nil {
		return m, err
	}
	m.Start, m.End = Time(start), Time(end)
	if err := json.Unmarshal([]byte(agenda), &m.Agenda); err != nil {
		return m, fmt.Errorf("agenda of meeting %q: %w", m.ID, err)
	}
	if err := json.Unmarshal([]byte(invite), &m.Invite); err != nil {
		return m, fmt.Errorf("invitation rule of meeting %q: %w", m.ID, err)
	}
	return m, nil
}

func scanInvitation(row Row) (sandik.Invitation, error) {
	var i sandik.Invitation
	err := row.Scan(&i.Meeting, &i.Person, &i.Position, &i.Kind, &i.Unit, &i.Reply)
	return i, err
}

func scanAttendance(row Row) (sandik.Attendance, error) {
	var a sandik.Attendance
	var arrived, left int64
	err := row.Scan(&a.Meeting, &a.Person, &a.Mode, &arrived, &left)
	a.Arrived, a.Left = Time(arrived), Time(left)
	return a, err
}

func scanSurvey(row Row) (sandik.Survey, error) {
	var s sandik.Survey
	err := row.Scan(&s.ID, &s.Meeting, &s.Title, &s.K, &s.JoinCode)
	return s, err
}

func scanQuestion(row Row) (sandik.Question, error) {
	var q sandik.Question
	var options string
	if err := row.Scan(&q.N, &q.Kind, &q.Text, &options, &q.State, &q.Revealed); err != nil {
		return q, err
	}
	return q, json.Unmarshal([]byte(options), &q.Options)
}

// Meeting implements sandik.MeetingStore.
func (o Org) Meeting(ctx context.Context, id sandik.MeetingID) (sandik.Meeting, error) {
	m, found, err := One(ctx, o.db, "read meeting "+string(id), scanMeeting, o.q(selectMeeting+` WHERE id = ?`), string(id))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no meeting %q", id)
	}
	return m, err
}

// Meetings implements sandik.MeetingStore.
func (o Org) Meetings(ctx context.Context, f sandik.MeetingFilter) ([]sandik.Meeting, error) {
	var w where
	w.eq("unit", string(f.Unit))
	w.after("id", string(f.After))
	return All(ctx, o.db, "read meetings", scanMeeting, o.q(selectMeeting+w.sql()+` ORDER BY id`+limit(f.Limit)), w.args...)
}

// Invitations implements sandik.MeetingStore.
func (o Org) Invitations(ctx context.Context, id sandik.MeetingID) ([]sandik.Invitation, error) {
	return All(ctx, o.db, "read invitations of "+string(id), scanInvitation,
		o.q(selectInvitation+` WHERE meeting_id = ? ORDER BY person_id`), string(id))
}

// Attendance implements sandik.MeetingStore.
func (o Org) Attendance(ctx context.Context, id sandik.MeetingID) ([]sandik.Attendance, error) {
	return All(ctx, o.db, "read attendance of "+string(id), scanAttendance,
		o.q(selectAttendance+` WHERE meeting_id = ? ORDER BY person_id`), string(id))
}

// Attendee implements sandik.MeetingStore.
func (o Org) Attendee(ctx context.Context, tokenHash [32]byte) (sandik.Attendance, error) {
	a, found, err := One(ctx, o.db, "read attendee by token", scanAttendance, o.q(selectAttendance+` WHERE token_hash = ?`), tokenHash[:])
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no check-in has this token")
	}
	return a, err
}

// Survey implements sandik.SurveyStore.
func (o Org) Survey(ctx context.Context, id sandik.SurveyID) (sandik.Survey, error) {
	s, found, err := One(ctx, o.db, "read survey "+string(id), scanSurvey, o.q(selectSurvey+` WHERE id = ?`), string(id))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no survey %q", id)
	}
	if err != nil {
		return s, err
	}
	s.Questions, err = All(ctx, o.db, "read questions of "+string(id), scanQuestion, o.q(selectQuestion+` WHERE survey_id = ? ORDER BY n`), string(id))
	return s, err
}

// Surveys implements sandik.SurveyStore.
func (o Org) Surveys(ctx context.Context, id sandik.MeetingID) ([]sandik.Survey, error) {
	var w where
	w.eq("meeting_id", string(id))
	ids, err := All(ctx, o.db, "read surveys", scanString, o.q(`SELECT id FROM surveys`+w.sql()+` ORDER BY id`), w.args...)
	if err != nil {
		return nil, err
	}
	out := make([]sandik.Survey, len(ids))
	for i, sid := range ids {
		if out[i], err = o.Survey(ctx, sandik.SurveyID(sid)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Answers implements sandik.SurveyStore.
func (o Org) Answers(ctx context.Context, id sandik.SurveyID, n int) ([]string, error) {
	return All(ctx, o.db, "read answers", scanString, o.q(`SELECT value FROM survey_answers WHERE survey_id = ? AND n = ? ORDER BY value`), string(id), n)
}

// Participants implements sandik.SurveyStore.
func (o Org) Participants(ctx context.Context, id sandik.SurveyID, n int) (int, error) {
	c, _, err := One(ctx, o.db, "count participants", scanInt, o.q(`SELECT count(*) FROM survey_participation WHERE survey_id = ? AND n = ?`), string(id), n)
	return int(c), err
}

// Answered implements sandik.SurveyStore.
func (o Org) Answered(ctx context.Context, id sandik.SurveyID, p sandik.PersonID) ([]int, error) {
	return All(ctx, o.db, "read questions answered", func(row Row) (int, error) {
		var n int
		return n, row.Scan(&n)
	}, o.q(`SELECT n FROM survey_participation WHERE survey_id = ? AND person_id = ? ORDER BY n`), string(id), string(p))
}

// QuestionAnswers implements sandik.SurveyStore.
func (o Org) QuestionAnswers(ctx context.Context, id sandik.SurveyID, n int) (sandik.QuestionAnswers, error) {
	var qa sandik.QuestionAnswers
	if _, found, err := One(ctx, o.db, "read question", scanQuestion, o.q(selectQuestion+` WHERE survey_id = ? AND n = ?`), string(id), n); err != nil {
		return qa, err
	} else if !found {
		return qa, sandik.Errorf(sandik.ENotFound, "survey %q has no question %d", id, n)
	}
	marks, err := All(ctx, o.db, "read marks", scanString, o.q(`SELECT person_id FROM survey_participation WHERE survey_id = ? AND n = ? ORDER BY person_id`), string(id), n)
	if err != nil {
		return qa, err
	}
	for _, m := range marks {
		qa.Marks = append(qa.Marks, sandik.PersonID(m))
	}
	if qa.Values, err = o.Answers(ctx, id, n); err != nil {
		return qa, err
	}
	qa.Tallies, err = o.Tallies(ctx, id, n)
	return qa, err
}

// Tallies implements sandik.SurveyStore.
func (o Org) Tallies(ctx context.Context, id sandik.SurveyID, n int) ([]sandik.GroupTally, error) {
	type cell struct {
		dim, grp, cat string
		count         int
	}
	cells, err := All(ctx, o.db, "read tallies", func(row Row) (cell, error) {
		var c cell
		return c, row.Scan(&c.dim, &c.grp, &c.cat, &c.count)
	}, o.q(`SELECT dimension, grp, category, count FROM survey_tallies WHERE survey_id = ? AND n = ? ORDER BY dimension, grp, category`), string(id), n)
	if err != nil {
		return nil, err
	}
	var out []sandik.GroupTally
	for _, c := range cells {
		if len(out) == 0 || out[len(out)-1].Dimension != sandik.Dimension(c.dim) || out[len(out)-1].Group != c.grp {
			out = append(out, sandik.GroupTally{Dimension: sandik.Dimension(c.dim), Group: c.grp, Counts: map[string]int{}})
		}
		g := &out[len(out)-1]
		if c.cat == "" {
			g.Answers = c.count
		} else {
			g.Counts[c.cat] = c.count
		}
	}
	return out, nil
}
