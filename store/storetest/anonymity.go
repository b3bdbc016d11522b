package storetest

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/sandik-dev/sandik"
)

// RawDB is the SQL behind a store, for the proof that survey answers
// cannot be joined to people: Rows runs a query and returns its rows as
// text; Columns names a table's columns.
type RawDB interface {
	Rows(t *testing.T, query string) [][]string
	Columns(t *testing.T, table string) []string
}

// personTables are the tables that name a person, and the column that
// does.
var personTables = []struct{ table, person string }{
	{"org_people", "id"},
	{"meeting_attendance", "person_id"},
	{"meeting_invitations", "person_id"},
	{"survey_participation", "person_id"},
	{"org_positions", "person"},
}

// AnswersUnjoinable stores answers of six attendees to three questions
// through s, then joins survey_answers to every table that names a
// person, each column of the one against each column of the other: no
// join may tie an answer to fewer people than all who answered its
// question. (A join on the survey's id ties an answer to everyone who
// answered anything, which tells nothing.)
func AnswersUnjoinable(t *testing.T, s sandik.Store, db RawDB) {
	ctx := context.Background()
	att := surveyWithAttendees(t, s, 6)
	for _, n := range []int{1, 3, 5} {
		if err := s.SetQuestion(ctx, "s-1", n, sandik.QuestionOpen, false); err != nil {
			t.Fatal(err)
		}
	}
	for i, a := range att {
		g := map[sandik.Dimension]string{sandik.ByDistrict: "34.0135", sandik.ByKind: "uye"}
		for _, ans := range []struct {
			n int
			v string
		}{{1, strconv.Itoa(i % 3)}, {3, strconv.Itoa(1 + i%5)}, {5, fmt.Sprintf("öneri %d", i%2)}} {
			if err := s.Answer(ctx, "s-1", ans.n, a, ans.v, g); err != nil {
				t.Fatal(err)
			}
		}
	}
	answerCols := db.Columns(t, "survey_answers")
	if len(answerCols) == 0 {
		t.Fatal("survey_answers has no columns")
	}
	for _, c := range answerCols {
		switch c {
		case "answer_key", "survey_id", "n", "value":
		default:
			t.Errorf("survey_answers has a column %q beyond its key, question and value", c)
		}
	}
	tried := 0
	for _, pt := range personTables {
		for _, pc := range db.Columns(t, pt.table) {
			for _, ac := range answerCols {
				tried++
				q := fmt.Sprintf(`SELECT CAST(a.n AS TEXT), CAST(count(DISTINCT x.%s) AS TEXT) FROM survey_answers a JOIN %s x ON CAST(a.%s AS TEXT) = CAST(x.%s AS TEXT) GROUP BY a.answer_key, a.n`,
					pt.person, pt.table, ac, pc)
				for _, row := range db.Rows(t, q) {
					n, _ := strconv.Atoi(row[0])
					people, _ := strconv.Atoi(row[1])
					if people < len(att) {
						t.Errorf("survey_answers.%s = %s.%s ties an answer to question %d to %d people, fewer than the %d who answered", ac, pt.table, pc, n, people, len(att))
					}
				}
			}
		}
	}
	if tried < 20 {
		t.Errorf("only %d joins tried", tried)
	}
}
