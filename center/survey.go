package center

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"slices"
	"sync"

	"github.com/sandik-dev/sandik"
)

// Live surveys: made and presented by a meeting's organisers, answered
// from the phones through their check-in, and their results under the k
// rules; a bell wakes the live views.

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
	groups := map[sandik.Dimension]string{sandik.ByDistrict: string(p.Home), sandik.ByKind: kind}
	tables, err := c.store.Tables(ctx, a.Meeting)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		if t.Moderator == a.Person || slices.Contains(t.Members, a.Person) {
			groups[sandik.ByTable] = fmt.Sprintf("masa-%d", t.N)
		}
	}
	return groups, nil
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
