package center

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"sync"

	"github.com/sandik-dev/sandik"
)

// Meetings and live surveys. A meeting is read by whoever's areas reach
// its unit's area and made by those who may change the organisation
// there; the door's check-in and the phones' answers need no account,
// only the codes shown in the room and the token a check-in gives.

// Meetings is the store of meetings and surveys.
func (c *Center) Meetings() interface {
	sandik.MeetingStore
	sandik.SurveyStore
	sandik.TableStore
	sandik.DecisionStore
	sandik.FindingStore
} {
	return c.store
}

// MeetingAllow decides whether u may read (write false) or organise
// (write true) meeting m.
func (c *Center) MeetingAllow(ctx context.Context, u sandik.User, m sandik.Meeting, write bool) error {
	un, err := c.store.Unit(ctx, m.Unit)
	if err != nil {
		return err
	}
	return c.OrgAllow(u, un.Area, write)
}

// CreateMeeting stores m for u with a fresh check-in code and returns it
// with its invitations.
func (c *Center) CreateMeeting(ctx context.Context, u sandik.User, m sandik.Meeting) (sandik.Meeting, []sandik.Invitation, error) {
	if m.Code != "" {
		return m, nil, sandik.Invalid("invalid meeting", []sandik.Problem{{Field: "code", Rule: sandik.RuleInvalidValue, Message: "is drawn by the server"}})
	}
	m.Code = digits(6)
	if err := m.Validate(); err != nil {
		return m, nil, err
	}
	un, err := c.store.Unit(ctx, m.Unit)
	if err != nil {
		if sandik.CodeOf(err) == sandik.ENotFound {
			return m, nil, sandik.Invalid("invalid meeting", []sandik.Problem{{Field: "unit", Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
		}
		return m, nil, err
	}
	if err := c.OrgAllow(u, un.Area, true); err != nil {
		return m, nil, err
	}
	invs, err := c.store.SaveMeeting(ctx, m)
	if err != nil {
		return m, nil, err
	}
	stored, err := c.store.Meeting(ctx, m.ID)
	return stored, invs, err
}

// CheckIn is a check-in done: the attendance as stored, whether it is
// the person's first, and the token their phone answers surveys with.
type CheckIn struct {
	Attendance sandik.Attendance `json:"attendance"`
	New        bool              `json:"new"`
	Token      string            `json:"token"`
}

// CheckInWithCode checks an invitee in at the door with the meeting's
// code. Only invitees check themselves in; others are checked in by the
// organiser.
func (c *Center) CheckInWithCode(ctx context.Context, id sandik.MeetingID, code string, p sandik.PersonID) (CheckIn, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return CheckIn{}, err
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(m.Code)) != 1 {
		return CheckIn{}, sandik.Errorf(sandik.EForbidden, "the check-in code of meeting %q is not %q", id, code)
	}
	invs, err := c.store.Invitations(ctx, id)
	if err != nil {
		return CheckIn{}, err
	}
	invited := false
	for _, inv := range invs {
		invited = invited || inv.Person == p
	}
	if !invited {
		return CheckIn{}, sandik.Errorf(sandik.EForbidden, "%q is not invited to meeting %q; the organiser checks guests in", p, id)
	}
	return c.checkIn(ctx, sandik.Attendance{Meeting: id, Person: p, Mode: sandik.CheckInDoor})
}

// CheckInByOrganiser checks p in for u, at the desk or remote.
func (c *Center) CheckInByOrganiser(ctx context.Context, u sandik.User, id sandik.MeetingID, p sandik.PersonID, mode sandik.CheckInMode) (CheckIn, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return CheckIn{}, err
	}
	if err := c.MeetingAllow(ctx, u, m, true); err != nil {
		return CheckIn{}, err
	}
	if mode != sandik.CheckInOrganiser && mode != sandik.CheckInRemote {
		return CheckIn{}, sandik.Invalid("invalid check-in", []sandik.Problem{{Field: "mode", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("an organiser checks in as organiser or remote, not %q", mode)}})
	}
	return c.checkIn(ctx, sandik.Attendance{Meeting: id, Person: p, Mode: mode})
}

func (c *Center) checkIn(ctx context.Context, a sandik.Attendance) (CheckIn, error) {
	token := randomHex(32)
	a.Arrived = c.now()
	got, fresh, err := c.store.CheckIn(ctx, a, sha256.Sum256([]byte(token)))
	if err != nil {
		return CheckIn{}, err
	}
	return CheckIn{Attendance: got, New: fresh, Token: token}, nil
}

// CreateSurvey stores s for u with a fresh join code, k defaulting to
// sandik.DefaultK.
func (c *Center) CreateSurvey(ctx context.Context, u sandik.User, s sandik.Survey) (sandik.Survey, error) {
	if s.JoinCode != "" {
		return s, sandik.Invalid("invalid survey", []sandik.Problem{{Field: "join_code", Rule: sandik.RuleInvalidValue, Message: "is drawn by the server"}})
	}
	m, err := c.store.Meeting(ctx, s.Meeting)
	if err != nil {
		if sandik.CodeOf(err) == sandik.ENotFound {
			return s, sandik.Invalid("invalid survey", []sandik.Problem{{Field: "meeting", Rule: sandik.RuleInvalidValue, Message: sandik.MessageOf(err)}})
		}
		return s, err
	}
	if err := c.MeetingAllow(ctx, u, m, true); err != nil {
		return s, err
	}
	if s.K == 0 {
		s.K = sandik.DefaultK
	}
	for i := range s.Questions {
		if s.Questions[i].State == "" {
			s.Questions[i].State = sandik.QuestionDraft
		}
	}
	s.JoinCode = digits(6)
	if err := c.store.SaveSurvey(ctx, s); err != nil {
		return s, err
	}
	return c.store.Survey(ctx, s.ID)
}

// SurveyFor returns survey id and its meeting if u may read (or, write
// true, present) it.
func (c *Center) SurveyFor(ctx context.Context, u sandik.User, id sandik.SurveyID, write bool) (sandik.Survey, sandik.Meeting, error) {
	s, err := c.store.Survey(ctx, id)
	if err != nil {
		return s, sandik.Meeting{}, err
	}
	m, err := c.store.Meeting(ctx, s.Meeting)
	if err != nil {
		return s, m, err
	}
	return s, m, c.MeetingAllow(ctx, u, m, write)
}

// SetQuestion opens, closes or reveals question n for the presenter u.
func (c *Center) SetQuestion(ctx context.Context, u sandik.User, id sandik.SurveyID, n int, st sandik.QuestionState, revealed bool) error {
	if _, _, err := c.SurveyFor(ctx, u, id, true); err != nil {
		return err
	}
	if err := c.store.SetQuestion(ctx, id, n, st, revealed); err != nil {
		return err
	}
	c.surveyChanged(id)
	return nil
}

// Participant returns the survey and the attendance a participant's
// join code and check-in token stand for; EForbidden if they do not
// match.
func (c *Center) Participant(ctx context.Context, id sandik.SurveyID, joinCode, token string) (sandik.Survey, sandik.Attendance, error) {
	s, err := c.store.Survey(ctx, id)
	if err != nil {
		return s, sandik.Attendance{}, err
	}
	if subtle.ConstantTimeCompare([]byte(joinCode), []byte(s.JoinCode)) != 1 {
		return s, sandik.Attendance{}, sandik.Errorf(sandik.EForbidden, "the join code of survey %q is not %q", id, joinCode)
	}
	a, err := c.store.Attendee(ctx, sha256.Sum256([]byte(token)))
	if err != nil || a.Meeting != s.Meeting {
		return s, a, sandik.Errorf(sandik.EForbidden, "the check-in token is not one of meeting %q; check in again", s.Meeting)
	}
	return s, a, nil
}

// Answer stores a participant's answer to question n, counted in the
// groups of their home unit and of the kind of position they were
// invited as ("named" when invited by name).
func (c *Center) Answer(ctx context.Context, id sandik.SurveyID, n int, joinCode, token string, ans sandik.Answer) error {
	s, a, err := c.Participant(ctx, id, joinCode, token)
	if err != nil {
		return err
	}
	if n < 1 || n > len(s.Questions) {
		return sandik.Errorf(sandik.ENotFound, "survey %q has no question %d", id, n)
	}
	value, err := s.Questions[n-1].Value(ans)
	if err != nil {
		return err
	}
	groups, err := c.groupsOf(ctx, a)
	if err != nil {
		return err
	}
	if err := c.store.Answer(ctx, id, n, a, value, groups); err != nil {
		return err
	}
	c.surveyChanged(id)
	return nil
}

func (c *Center) groupsOf(ctx context.Context, a sandik.Attendance) (map[sandik.Dimension]string, error) {
	p, err := c.store.Person(ctx, a.Person)
	if err != nil {
		return nil, err
	}
	kind := "named"
	invs, err := c.store.Invitations(ctx, a.Meeting)
	if err != nil {
		return nil, err
	}
	for _, inv := range invs {
		if inv.Person == a.Person && inv.Kind != "" {
			kind = string(inv.Kind)
		}
	}
	return map[sandik.Dimension]string{sandik.ByDistrict: string(p.Home), sandik.ByKind: kind}, nil
}

// QuestionResults are the results of a question: every category's
// count, the text answers, and the breakdowns the k rules allow.
type QuestionResults struct {
	N          int                  `json:"n"`
	State      sandik.QuestionState `json:"state"`
	Revealed   bool                 `json:"revealed"`
	Answers    int                  `json:"answers"`
	Counts     map[string]int       `json:"counts,omitempty"`
	Texts      []string             `json:"texts,omitempty"`
	Breakdowns []sandik.GroupTally  `json:"breakdowns"`
}

// Results computes question n's results of survey s.
func (c *Center) Results(ctx context.Context, s sandik.Survey, n int) (QuestionResults, error) {
	if n < 1 || n > len(s.Questions) {
		return QuestionResults{}, sandik.Errorf(sandik.ENotFound, "survey %q has no question %d", s.ID, n)
	}
	q := s.Questions[n-1]
	values, err := c.store.Answers(ctx, s.ID, n)
	if err != nil {
		return QuestionResults{}, err
	}
	r := QuestionResults{N: n, State: q.State, Revealed: q.Revealed, Answers: len(values), Breakdowns: []sandik.GroupTally{}}
	cats := Categories(q)
	if q.Kind == sandik.QuestionText {
		r.Texts = values
		return r, nil
	}
	r.Counts = make(map[string]int, len(cats))
	for _, cat := range cats {
		r.Counts[cat] = 0
	}
	for _, v := range values {
		for _, cat := range q.Categories(v) {
			r.Counts[cat]++
		}
	}
	tallies, err := c.store.Tallies(ctx, s.ID, n)
	if err != nil {
		return QuestionResults{}, err
	}
	for _, dim := range sandik.Dimensions() {
		r.Breakdowns = append(r.Breakdowns, sandik.Breakdown(tallies, dim, s.K, cats)...)
	}
	return r, nil
}

// Categories are the categories a question's answers count in: its
// options' indexes, or the scale's digits.
func Categories(q sandik.Question) []string {
	if q.Kind == sandik.QuestionScale {
		return []string{"1", "2", "3", "4", "5"}
	}
	out := make([]string, len(q.Options))
	for i := range q.Options {
		out[i] = fmt.Sprint(i)
	}
	return out
}

// bell rings the waiters of a survey when it changes: each change
// closes the channel they wait on, puts a new one in its place and moves
// the version on, so a thousand answers between two reads of a waiter
// wake it once.
type bell struct {
	mu      sync.Mutex
	ch      chan struct{}
	version int64
}

// SurveyChanged returns a channel closed at the next change of survey
// id (an answer, or a question opened, closed or revealed) and the
// version of the survey it was taken at, which moves on at every change
// this process makes.
func (c *Center) SurveyChanged(id sandik.SurveyID) (<-chan struct{}, int64) {
	v, _ := c.bells.LoadOrStore(id, &bell{ch: make(chan struct{})})
	b := v.(*bell)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ch, b.version
}

func (c *Center) surveyChanged(id sandik.SurveyID) {
	v, _ := c.bells.LoadOrStore(id, &bell{ch: make(chan struct{})})
	b := v.(*bell)
	b.mu.Lock()
	close(b.ch)
	b.ch = make(chan struct{})
	b.version++
	b.mu.Unlock()
}

func digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			panic(err) // crypto/rand does not fail
		}
		b[i] = byte('0' + d.Int64())
	}
	return string(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// SeatMeeting seats the people checked in to meeting id and not gone by
// rules (Together defaulting to sandik.DefaultTogether), each counted in
// their home unit and the kind they were invited as, and stores the
// tables for u.
func (c *Center) SeatMeeting(ctx context.Context, u sandik.User, id sandik.MeetingID, rules sandik.SeatingRules) ([]sandik.Table, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := c.MeetingAllow(ctx, u, m, true); err != nil {
		return nil, err
	}
	if rules.Together == nil {
		rules.Together = sandik.DefaultTogether()
	}
	att, err := c.store.Attendance(ctx, id)
	if err != nil {
		return nil, err
	}
	invs, err := c.store.Invitations(ctx, id)
	if err != nil {
		return nil, err
	}
	kinds := map[sandik.PersonID]sandik.KindCode{}
	for _, inv := range invs {
		kinds[inv.Person] = inv.Kind
	}
	var people []sandik.Seatee
	for _, a := range att {
		if !a.Left.IsZero() {
			continue
		}
		p, err := c.store.Person(ctx, a.Person)
		if err != nil {
			return nil, err
		}
		people = append(people, sandik.Seatee{Person: a.Person, Unit: p.Home, Kind: kinds[a.Person]})
	}
	tables, err := sandik.Seat(people, rules)
	if err != nil {
		return nil, err
	}
	if err := c.store.SaveTables(ctx, id, tables); err != nil {
		return nil, err
	}
	return c.store.Tables(ctx, id)
}

// SaveTables stores tables edited by hand for u.
func (c *Center) SaveTables(ctx context.Context, u sandik.User, id sandik.MeetingID, tables []sandik.Table) ([]sandik.Table, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := c.MeetingAllow(ctx, u, m, true); err != nil {
		return nil, err
	}
	if err := c.store.SaveTables(ctx, id, tables); err != nil {
		return nil, err
	}
	return c.store.Tables(ctx, id)
}

// surveyAttachments is the room kept among a meeting's attachments for
// its surveys' results.
const surveyAttachments = 5

// Attachment is a file given with minutes.
type Attachment struct {
	Name string
	Data []byte
}

// CloseMeeting closes meeting id for u with minutes, attachments kept
// in the evidence store by their SHA-256, and new decisions (ids drawn
// when empty, status open when empty), all or nothing but for the
// attachments, which stay stored if the closing fails.
func (c *Center) CloseMeeting(ctx context.Context, u sandik.User, id sandik.MeetingID, text string, files []Attachment, ds []sandik.Decision) (sandik.Minutes, []sandik.Decision, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return sandik.Minutes{}, nil, err
	}
	if err := c.MeetingAllow(ctx, u, m, true); err != nil {
		return sandik.Minutes{}, nil, err
	}
	mins := sandik.Minutes{Meeting: id, Text: text, ClosedAt: c.now(), ClosedBy: u.ID}
	if len(files) > sandik.MaxAttachments-surveyAttachments {
		return mins, nil, sandik.Invalid("invalid minutes", []sandik.Problem{{Field: "attachments", Rule: sandik.RuleTooLarge, Message: fmt.Sprintf("at most %d attachments", sandik.MaxAttachments)}})
	}
	// The surveys' aggregated results are kept with the meeting: each as
	// CSV among the minutes' attachments.
	surveys, err := c.store.Surveys(ctx, id)
	if err != nil {
		return mins, nil, err
	}
	for _, s := range surveys {
		data, err := c.ResultsCSV(ctx, s)
		if err != nil {
			return mins, nil, fmt.Errorf("results of %s: %w", s.ID, err)
		}
		files = append(files, Attachment{Name: string(s.ID) + ".csv", Data: data})
	}
	for i, f := range files {
		sum, err := c.store.PutEvidence(ctx, f.Data)
		if err != nil {
			return mins, nil, fmt.Errorf("attachments[%d]: %w", i, err)
		}
		mins.Attachments = append(mins.Attachments, sum)
	}
	for i := range ds {
		ds[i].Meeting = id
		if ds[i].ID == "" {
			ds[i].ID = sandik.DecisionID("d-" + randomHex(6))
		}
		if ds[i].Status == "" {
			ds[i].Status = sandik.DecisionOpen
		}
	}
	if err := c.store.CloseMeeting(ctx, mins, ds); err != nil {
		return mins, nil, err
	}
	got, err := c.store.Minutes(ctx, id)
	return got, ds, err
}

// AddDecision stores a decision of meeting id for u.
func (c *Center) AddDecision(ctx context.Context, u sandik.User, id sandik.MeetingID, d sandik.Decision) (sandik.Decision, error) {
	m, err := c.store.Meeting(ctx, id)
	if err != nil {
		return d, err
	}
	if err := c.MeetingAllow(ctx, u, m, true); err != nil {
		return d, err
	}
	d.Meeting = id
	if d.ID == "" {
		d.ID = sandik.DecisionID("d-" + randomHex(6))
	}
	if d.Status == "" {
		d.Status = sandik.DecisionOpen
	}
	return d, c.store.SaveDecision(ctx, d)
}

// SetDecisionStatus changes a decision's status for u, an organiser of
// its meeting.
func (c *Center) SetDecisionStatus(ctx context.Context, u sandik.User, id sandik.DecisionID, s sandik.DecisionStatus) error {
	all, err := c.store.Decisions(ctx, sandik.DecisionFilter{})
	if err != nil {
		return err
	}
	for _, d := range all {
		if d.ID != id {
			continue
		}
		m, err := c.store.Meeting(ctx, d.Meeting)
		if err != nil {
			return err
		}
		if err := c.MeetingAllow(ctx, u, m, true); err != nil {
			return err
		}
		return c.store.SetDecisionStatus(ctx, id, s)
	}
	return sandik.Errorf(sandik.ENotFound, "no decision %q", id)
}

// FollowUp is a decision on the follow-up list.
type FollowUp struct {
	sandik.Decision
	MeetingTitle string `json:"meeting_title"`
	Overdue      bool   `json:"overdue"`
}

// FollowUps lists the decisions f selects of the meetings u may read:
// overdue first, then by due day.
func (c *Center) FollowUps(ctx context.Context, u sandik.User, f sandik.DecisionFilter) ([]FollowUp, error) {
	ds, err := c.store.Decisions(ctx, f)
	if err != nil {
		return nil, err
	}
	today := sandik.DateOf(c.now())
	meetings := map[sandik.MeetingID]*sandik.Meeting{}
	out := []FollowUp{}
	for _, d := range ds {
		m, ok := meetings[d.Meeting]
		if !ok {
			got, err := c.store.Meeting(ctx, d.Meeting)
			if err != nil {
				return nil, err
			}
			if c.MeetingAllow(ctx, u, got, false) == nil {
				m = &got
			}
			meetings[d.Meeting] = m
		}
		if m != nil {
			out = append(out, FollowUp{Decision: d, MeetingTitle: m.Title, Overdue: d.Overdue(today)})
		}
	}
	slices.SortStableFunc(out, func(a, b FollowUp) int {
		switch {
		case a.Overdue == b.Overdue:
			return 0
		case a.Overdue:
			return -1
		}
		return 1
	})
	return out, nil
}

// AddFinding records a finding of a round table: by an organiser u of
// the meeting (token empty), or from the phone of the table's moderator,
// whose check-in token is given (u ignored). The id is drawn.
func (c *Center) AddFinding(ctx context.Context, u sandik.User, token string, f sandik.Finding) (sandik.Finding, error) {
	m, err := c.store.Meeting(ctx, f.Meeting)
	if err != nil {
		return f, err
	}
	if token == "" {
		if err := c.MeetingAllow(ctx, u, m, true); err != nil {
			return f, err
		}
	} else {
		a, err := c.store.Attendee(ctx, sha256.Sum256([]byte(token)))
		if err != nil || a.Meeting != m.ID {
			return f, sandik.Errorf(sandik.EForbidden, "the check-in token is not one of meeting %q", m.ID)
		}
		tables, err := c.store.Tables(ctx, m.ID)
		if err != nil {
			return f, err
		}
		if f.Table < 1 || f.Table > len(tables) || tables[f.Table-1].Moderator != a.Person {
			return f, sandik.Errorf(sandik.EForbidden, "%q does not moderate table %d", a.Person, f.Table)
		}
	}
	f.ID = "b-" + randomHex(6)
	return f, c.store.AddFinding(ctx, f)
}

// ModeratedTable is the number of the table person p moderates at
// meeting id, 0 if none.
func (c *Center) ModeratedTable(ctx context.Context, id sandik.MeetingID, p sandik.PersonID) (int, error) {
	tables, err := c.store.Tables(ctx, id)
	if err != nil {
		return 0, err
	}
	for _, t := range tables {
		if t.Moderator == p {
			return t.N, nil
		}
	}
	return 0, nil
}

// CreateMeetingFrom makes a meeting for u from the meeting from, used
// as a template: its unit, kind, place, link and invitation rule, its
// agenda moved to the new start, and its surveys' questions (drafts,
// new join codes); m gives the id, title, start and end, and may give
// the rest to replace the template's.
func (c *Center) CreateMeetingFrom(ctx context.Context, u sandik.User, from sandik.MeetingID, m sandik.Meeting) (sandik.Meeting, []sandik.Invitation, error) {
	t, err := c.store.Meeting(ctx, from)
	if err != nil {
		return m, nil, err
	}
	if err := c.MeetingAllow(ctx, u, t, false); err != nil {
		return m, nil, err
	}
	if m.Unit == "" {
		m.Unit = t.Unit
	}
	if m.Kind == "" {
		m.Kind = t.Kind
	}
	if m.Place == "" && m.Link == "" {
		m.Place, m.Link = t.Place, t.Link
	}
	if len(m.Invite.Kinds) == 0 && len(m.Invite.People) == 0 {
		m.Invite = t.Invite
	}
	if len(m.Agenda) == 0 && !m.Start.IsZero() {
		for _, a := range t.Agenda {
			if !a.At.IsZero() {
				a.At = m.Start.Add(a.At.Sub(t.Start))
			}
			m.Agenda = append(m.Agenda, a)
		}
	}
	made, invs, err := c.CreateMeeting(ctx, u, m)
	if err != nil {
		return made, nil, err
	}
	surveys, err := c.store.Surveys(ctx, from)
	if err != nil {
		return made, invs, err
	}
	for i, s := range surveys {
		s.ID = sandik.SurveyID(fmt.Sprintf("%s-%d", made.ID, i+1))
		s.Meeting, s.JoinCode = made.ID, ""
		for j := range s.Questions {
			s.Questions[j].State, s.Questions[j].Revealed = sandik.QuestionDraft, false
		}
		if _, err := c.CreateSurvey(ctx, u, s); err != nil {
			return made, invs, fmt.Errorf("copy survey %s: %w", s.ID, err)
		}
	}
	return made, invs, nil
}
