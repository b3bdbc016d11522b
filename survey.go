package sandik

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Live surveys of a meeting: questions the presenter opens, closes and
// reveals, answered on the attendees' phones through their check-in.
// Answers are kept apart from who gave them: a person gets a mark that
// they answered a question, the answer holds no person.

// SurveyID names a survey.
type SurveyID string

// QuestionKind is the form of a question's answer.
type QuestionKind string

// The kinds of question.
const (
	QuestionSingle   QuestionKind = "single"   // one option
	QuestionMultiple QuestionKind = "multiple" // any options, at least one
	QuestionScale    QuestionKind = "scale"    // 1 to 5
	QuestionRanking  QuestionKind = "ranking"  // every option, in order
	QuestionText     QuestionKind = "text"     // a short text
)

// QuestionKinds lists every kind of question.
func QuestionKinds() []QuestionKind {
	return []QuestionKind{QuestionSingle, QuestionMultiple, QuestionScale, QuestionRanking, QuestionText}
}

// QuestionState is where a question is in the presenter's hands.
type QuestionState string

// The states of a question: drafted, open to answers, closed.
const (
	QuestionDraft  QuestionState = "draft"
	QuestionOpen   QuestionState = "open"
	QuestionClosed QuestionState = "closed"
)

// Question is a question of a survey, numbered from 1. Results are
// shown to participants only once Revealed.
type Question struct {
	N        int           `json:"n"`
	Kind     QuestionKind  `json:"kind"`
	Text     string        `json:"text"`
	Options  []string      `json:"options,omitempty"`
	State    QuestionState `json:"state"`
	Revealed bool          `json:"revealed"`
}

// Survey is a meeting's survey. K is the least number of answers a group
// of a breakdown needs to be shown (DefaultK when 0 is given).
type Survey struct {
	ID        SurveyID   `json:"id"`
	Meeting   MeetingID  `json:"meeting"`
	Title     string     `json:"title"`
	K         int        `json:"k"`
	JoinCode  string     `json:"join_code,omitempty"`
	Questions []Question `json:"questions"`
}

// Bounds of a survey.
const (
	DefaultK       = 5
	MaxK           = 100
	MaxQuestions   = 50
	MaxOptions     = 12
	MaxAnswerText  = 280
	scaleLow       = 1
	scaleHigh      = 5
	minChoiceCount = 2
)

// Validate checks s's own fields.
func (s Survey) Validate() error {
	var ps problems
	if err := ValidateCode(string(s.ID)); err != nil {
		ps.add("id", RuleInvalidValue, "%v", err)
	}
	if err := ValidateCode(string(s.Meeting)); err != nil {
		ps.add("meeting", RuleInvalidValue, "%v", err)
	}
	nameProblems(&ps, "title", s.Title, true)
	if s.K < 1 || s.K > MaxK {
		ps.add("k", RuleInvalidValue, "must be from 1 to %d (got %d)", MaxK, s.K)
	}
	if len(s.Questions) == 0 || len(s.Questions) > MaxQuestions {
		ps.add("questions", RuleInvalidValue, "a survey has 1 to %d questions (got %d)", MaxQuestions, len(s.Questions))
	}
	for i, q := range s.Questions {
		f := fmt.Sprintf("questions[%d]", i)
		if q.N != i+1 {
			ps.add(f+".n", RuleInvalidValue, "questions are numbered 1, 2, … in order (want %d, got %d)", i+1, q.N)
		}
		if !slices.Contains(QuestionKinds(), q.Kind) {
			ps.add(f+".kind", RuleInvalidValue, "unknown kind of question %q (want one of %s)", q.Kind, joinKinds(QuestionKinds()))
		}
		nameProblems(&ps, f+".text", q.Text, true)
		choices := q.Kind == QuestionSingle || q.Kind == QuestionMultiple || q.Kind == QuestionRanking
		switch {
		case choices && (len(q.Options) < minChoiceCount || len(q.Options) > MaxOptions):
			ps.add(f+".options", RuleInvalidValue, "a %s question has %d to %d options (got %d)", q.Kind, minChoiceCount, MaxOptions, len(q.Options))
		case !choices && len(q.Options) > 0:
			ps.add(f+".options", RuleInvalidValue, "a %s question has no options", q.Kind)
		}
		seen := map[string]bool{}
		for j, o := range q.Options {
			nameProblems(&ps, fmt.Sprintf("%s.options[%d]", f, j), o, true)
			if seen[o] {
				ps.add(fmt.Sprintf("%s.options[%d]", f, j), RuleDuplicate, "%q is given twice", o)
			}
			seen[o] = true
		}
		if q.State != QuestionDraft || q.Revealed {
			ps.add(f+".state", RuleInvalidValue, "a new question is a draft, not revealed")
		}
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid survey %q", s.ID), ps)
	}
	return nil
}

// Answer is what a participant sends: Choices (option indexes from 0)
// for single, multiple and ranking questions, Scale for a scale, Text
// for a text.
type Answer struct {
	Choices []int  `json:"choices,omitempty"`
	Scale   int    `json:"scale,omitempty"`
	Text    string `json:"text,omitempty"`
}

// Value checks a against q and returns it as stored: option indexes
// joined by commas (sorted for a multiple choice, in order for a
// ranking), the scale's digit, or the text.
func (q Question) Value(a Answer) (string, error) {
	var ps problems
	var v string
	choices := func() {
		for i, c := range a.Choices {
			if c < 0 || c >= len(q.Options) {
				ps.add(fmt.Sprintf("choices[%d]", i), RuleInvalidValue, "option %d does not exist (0 to %d)", c, len(q.Options)-1)
			}
		}
		set := slices.Clone(a.Choices)
		slices.Sort(set)
		if len(slices.Compact(set)) != len(a.Choices) {
			ps.add("choices", RuleDuplicate, "an option is chosen twice")
		}
	}
	if a.Text != "" && q.Kind != QuestionText || a.Scale != 0 && q.Kind != QuestionScale || len(a.Choices) > 0 && q.Kind == QuestionText || len(a.Choices) > 0 && q.Kind == QuestionScale {
		ps.add("answer", RuleInvalidValue, "a %s question is answered with %s", q.Kind, answerForm(q.Kind))
	}
	switch q.Kind {
	case QuestionSingle:
		if len(a.Choices) != 1 {
			ps.add("choices", RuleInvalidValue, "choose exactly one option")
		}
		choices()
		v = joinInts(a.Choices)
	case QuestionMultiple:
		if len(a.Choices) == 0 {
			ps.add("choices", RuleRequired, "choose at least one option")
		}
		choices()
		set := slices.Clone(a.Choices)
		slices.Sort(set)
		v = joinInts(set)
	case QuestionRanking:
		if len(a.Choices) != len(q.Options) {
			ps.add("choices", RuleInvalidValue, "rank every option: %d given of %d", len(a.Choices), len(q.Options))
		}
		choices()
		v = joinInts(a.Choices)
	case QuestionScale:
		if a.Scale < scaleLow || a.Scale > scaleHigh {
			ps.add("scale", RuleInvalidValue, "is from %d to %d (got %d)", scaleLow, scaleHigh, a.Scale)
		}
		v = strconv.Itoa(a.Scale)
	case QuestionText:
		switch {
		case strings.TrimSpace(a.Text) == "":
			ps.add("text", RuleRequired, "is required")
		case utf8.RuneCountInString(a.Text) > MaxAnswerText:
			ps.add("text", RuleTooLarge, "is longer than %d characters", MaxAnswerText)
		default:
			nameProblems(&ps, "text", strings.TrimSpace(a.Text), true)
		}
		v = strings.TrimSpace(a.Text)
	}
	if len(ps) > 0 {
		return "", Invalid(fmt.Sprintf("invalid answer to question %d", q.N), ps)
	}
	return v, nil
}

// Categories are the categories a stored value counts in for a
// breakdown: each option chosen, the scale's digit, a ranking's first
// option; a text counts in none.
func (q Question) Categories(value string) []string {
	switch q.Kind {
	case QuestionSingle, QuestionMultiple, QuestionScale:
		return strings.Split(value, ",")
	case QuestionRanking:
		first, _, _ := strings.Cut(value, ",")
		return []string{first}
	}
	return nil
}

func answerForm(k QuestionKind) string {
	switch k {
	case QuestionScale:
		return "a scale"
	case QuestionText:
		return "a text"
	}
	return "choices"
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// Dimension is what a breakdown groups answers by.
type Dimension string

// The dimensions of a breakdown.
const (
	ByDistrict Dimension = "district" // the participant's home unit
	ByKind     Dimension = "kind"     // the kind of position they were invited as
	ByTable    Dimension = "table"    // the round table they sit at
)

// Dimensions lists every dimension.
func Dimensions() []Dimension { return []Dimension{ByTable, ByDistrict, ByKind} }

// GroupTally is how many answers of one group of a dimension fell in
// each category; Answers counts the answers (a multiple choice counts
// once, in as many categories as were chosen).
type GroupTally struct {
	Dimension Dimension      `json:"dimension"`
	Group     string         `json:"group"`
	Answers   int            `json:"answers"`
	Counts    map[string]int `json:"counts"`
}

// SurveyStore keeps surveys and their answers.
type SurveyStore interface {
	// SaveSurvey stores a new survey of a stored meeting; EInvalid if it
	// fails its Validate, ENotFound if the meeting is not stored,
	// EConflict if the id is taken.
	SaveSurvey(ctx context.Context, s Survey) error
	// Survey returns a survey with its questions; ENotFound if none.
	Survey(ctx context.Context, id SurveyID) (Survey, error)
	// Surveys returns every survey of a meeting (all when id is empty),
	// by id.
	Surveys(ctx context.Context, id MeetingID) ([]Survey, error)
	// SetQuestion changes question n's state and whether its results
	// are revealed; ENotFound if there is no such question.
	SetQuestion(ctx context.Context, id SurveyID, n int, st QuestionState, revealed bool) error
	// Answer stores an attendee's answer to question n, which must be
	// open (EConflict if not): a mark that the attendee answered, under
	// a unique key (EConflict on a second answer, from the database),
	// and apart from it the value and the attendee's group of each
	// dimension counted, holding nothing that joins them to the mark.
	// Neither is a leaf of the ledger: two leaves written side by side
	// would join them by their order.
	Answer(ctx context.Context, id SurveyID, n int, who Attendance, value string, groups map[Dimension]string) error
	// Answers returns the values given to question n, sorted.
	Answers(ctx context.Context, id SurveyID, n int) ([]string, error)
	// Tallies returns question n's counts by group, by dimension and
	// group.
	Tallies(ctx context.Context, id SurveyID, n int) ([]GroupTally, error)
	// Answered returns the numbers of the questions of survey id that
	// person p has answered, in order.
	Answered(ctx context.Context, id SurveyID, p PersonID) ([]int, error)
	// Participants counts the attendees who answered question n.
	Participants(ctx context.Context, id SurveyID, n int) (int, error)
	// QuestionAnswers returns all that question n holds of its answers,
	// each part apart as it is kept; ENotFound if there is no such
	// question.
	QuestionAnswers(ctx context.Context, id SurveyID, n int) (QuestionAnswers, error)
	// RestoreAnswers writes question n's answers as another store holds
	// them (QuestionAnswers), all or nothing, whatever the question's
	// state: EInvalid if qa fails its Check or a mark names a person not
	// stored, ENotFound if there is no such question, EConflict if it
	// holds answers already. Like Answer, nothing of it is a leaf of the
	// ledger.
	RestoreAnswers(ctx context.Context, id SurveyID, n int, qa QuestionAnswers) error
}

// QuestionAnswers is what a question holds of its answers, in the parts
// a store keeps apart: who answered, the values given and the counts by
// group. It is what a copy of a whole database moves: Answer cannot
// re-create the counts of a breakdown without being told each value's
// groups, which nothing stored joins (and must not).
type QuestionAnswers struct {
	Marks   []PersonID   `json:"marks"`   // who answered, by id
	Values  []string     `json:"values"`  // the values given, sorted
	Tallies []GroupTally `json:"tallies"` // by dimension and group
}

// MaxRestoredAnswers bounds the answers of one question a restore
// writes: far above a hall's attendance.
const MaxRestoredAnswers = 100_000

// Check returns an EInvalid *Error naming every part of qa that no
// question could hold, or nil: as many values as marks, marks sorted
// and each once, groups sorted by dimension and group and each once, no
// group counting more answers than there are, nor a category more than
// its group's answers.
func (qa QuestionAnswers) Check() error {
	var ps problems
	if len(qa.Marks) > MaxRestoredAnswers {
		ps.add("marks", RuleTooLarge, "at most %d answers to a question (got %d)", MaxRestoredAnswers, len(qa.Marks))
	}
	if len(qa.Values) != len(qa.Marks) {
		ps.add("values", RuleInvalidValue, "%d values for %d marks: every answer is one of each", len(qa.Values), len(qa.Marks))
	}
	for i, p := range qa.Marks {
		if err := ValidateCode(string(p)); err != nil {
			ps.add(fmt.Sprintf("marks[%d]", i), RuleInvalidValue, "%v", err)
		} else if i > 0 && p <= qa.Marks[i-1] {
			ps.add(fmt.Sprintf("marks[%d]", i), RuleInvalidValue, "%q is not after %q: marks are sorted, each once", p, qa.Marks[i-1])
		}
	}
	for i, v := range qa.Values {
		if v == "" || len(v) > 4*MaxAnswerText {
			ps.add(fmt.Sprintf("values[%d]", i), RuleInvalidValue, "must be 1 to %d bytes (got %d)", 4*MaxAnswerText, len(v))
		}
	}
	if len(qa.Tallies) > len(Dimensions())*(len(qa.Marks)+1) {
		ps.add("tallies", RuleTooLarge, "%d groups for %d answers", len(qa.Tallies), len(qa.Marks))
	}
	for i, g := range qa.Tallies {
		f := fmt.Sprintf("tallies[%d]", i)
		if !slices.Contains(Dimensions(), g.Dimension) {
			ps.add(f+".dimension", RuleInvalidValue, "unknown dimension %q", g.Dimension)
		}
		if prev := qa.Tallies[max(i-1, 0)]; i > 0 && (g.Dimension < prev.Dimension || g.Dimension == prev.Dimension && g.Group <= prev.Group) {
			ps.add(f, RuleInvalidValue, "group %q of %s is not after group %q of %s: groups are sorted, each once", g.Group, g.Dimension, prev.Group, prev.Dimension)
		}
		if len(g.Group) > 200 {
			ps.add(f+".group", RuleTooLarge, "is longer than 200 bytes (got %d)", len(g.Group))
		}
		if g.Answers < 0 || g.Answers > len(qa.Values) {
			ps.add(f+".answers", RuleInvalidValue, "counts %d of %d answers", g.Answers, len(qa.Values))
		}
		if len(g.Counts) > MaxOptions+1 {
			ps.add(f+".counts", RuleTooLarge, "at most %d categories (got %d)", MaxOptions+1, len(g.Counts))
		}
		for _, cat := range slices.Sorted(maps.Keys(g.Counts)) {
			if c := g.Counts[cat]; cat == "" || c < 1 || c > g.Answers {
				ps.add(f+".counts."+cat, RuleInvalidValue, "counts %d of the group's %d answers", c, g.Answers)
			}
		}
	}
	if len(ps) > 0 {
		return Invalid("invalid answers of a question", ps)
	}
	return nil
}
