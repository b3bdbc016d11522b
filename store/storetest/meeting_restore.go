package storetest

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger/audit"
)

// testMeetingRestore: a meeting restored with the invitations another
// store gave it keeps them, replies included, even where its rule
// resolves otherwise today; a bad invitation is named and writes
// nothing; the restored meeting's leaves audit.
func testMeetingRestore(t *testing.T, o Opener) {
	a, b := o.Open(t), o.Open(t)
	ctx := context.Background()
	saveOrg(t, a, OrgFixture())
	saveOrg(t, b, OrgFixture())
	m := MeetingFixture("m-1", "2024-03-01")
	invs, err := a.SaveMeeting(ctx, m)
	if err != nil || len(invs) < 2 {
		t.Fatalf("SaveMeeting = %+v, %v; want at least two invitations", invs, err)
	}
	if err := a.SetReply(ctx, "m-1", invs[0].Person, sandik.ReplyYes); err != nil {
		t.Fatal(err)
	}
	invs, _ = a.Invitations(ctx, "m-1")
	// A term the rule would invite by today, left out as the source has
	// it: the restore keeps what it is given.
	kept := invs[1:]
	bad := func(change func(is []sandik.Invitation) []sandik.Invitation, field string) {
		t.Helper()
		err := b.RestoreMeeting(ctx, m, change(slices.Clone(kept)))
		if sandik.CodeOf(err) != sandik.EInvalid || !hasField(err, field) {
			t.Errorf("restore naming %s: %v", field, err)
		}
		if _, err := b.Meeting(ctx, "m-1"); sandik.CodeOf(err) != sandik.ENotFound {
			t.Fatalf("a refused restore left the meeting: %v", err)
		}
	}
	bad(func(is []sandik.Invitation) []sandik.Invitation { is[0].Meeting = "m-2"; return is }, "invitations[0].meeting")
	bad(func(is []sandik.Invitation) []sandik.Invitation { return append(is, is[0]) }, "invitations["+strconv.Itoa(len(kept))+"].person")
	bad(func(is []sandik.Invitation) []sandik.Invitation {
		return append(is, sandik.Invitation{Meeting: "m-1", Person: "zz-nobody", Reply: sandik.ReplyPending})
	}, "invitations["+strconv.Itoa(len(kept))+"].person")
	bad(func(is []sandik.Invitation) []sandik.Invitation { is[0].Reply = "belki"; return is }, "invitations[0].reply")
	withTerm := slices.IndexFunc(kept, func(inv sandik.Invitation) bool { return inv.Position != "" })
	if withTerm < 0 {
		t.Fatalf("the fixture invites nobody by a term: %+v", kept)
	}
	bad(func(is []sandik.Invitation) []sandik.Invitation {
		is[withTerm].Kind = "yonetim_kurulu_uyesi"
		return is
	},
		"invitations["+strconv.Itoa(withTerm)+"].position")
	if err := b.RestoreMeeting(ctx, m, kept); err != nil {
		t.Fatal(err)
	}
	wantCode(t, b.RestoreMeeting(ctx, m, kept), sandik.EConflict, "a meeting restored twice")
	got, err := b.Invitations(ctx, "m-1")
	if err != nil || !reflect.DeepEqual(got, kept) {
		t.Errorf("Invitations after the restore = %+v, %v; want %+v", got, err, kept)
	}
	ma, _ := a.Meeting(ctx, "m-1")
	if mb, err := b.Meeting(ctx, "m-1"); err != nil || !reflect.DeepEqual(ma, mb) {
		t.Errorf("Meeting after the restore = %+v, %v; want %+v", mb, err, ma)
	}
	if err := audit.Run(ctx, b, "", audit.Options{}); err != nil {
		t.Fatalf("audit after a restore: %v", err)
	}
}

// testSurveyRestore: the answers of a question moved from one store to
// another as QuestionAnswers read back the same, marks, values and
// every group's counts; a restore over answers, of a question not
// stored or of parts that do not fit is refused and writes nothing.
func testSurveyRestore(t *testing.T, o Opener) {
	ctx := context.Background()
	a := o.Open(t)
	att := surveyWithAttendees(t, a, 4)
	for n, vals := range map[int][]string{1: {"0", "2", "0", "1"}, 2: {"0,2", "2", "1,2", "0"}, 5: {"evet", "hayır"}} {
		if err := a.SetQuestion(ctx, "s-1", n, sandik.QuestionOpen, false); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			groups := map[sandik.Dimension]string{sandik.ByDistrict: "34.0135", sandik.ByKind: "named"}
			if i%2 == 1 {
				groups[sandik.ByTable] = "masa-1"
			}
			if err := a.Answer(ctx, "s-1", n, att[i], v, groups); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := a.SetQuestion(ctx, "s-1", 1, sandik.QuestionClosed, true); err != nil {
		t.Fatal(err)
	}
	b := o.Open(t)
	surveyWithAttendees(t, b, 4)
	for n := 1; n <= 5; n++ {
		qa, err := a.QuestionAnswers(ctx, "s-1", n)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.RestoreAnswers(ctx, "s-1", n, qa); err != nil {
			t.Fatalf("restore question %d: %v", n, err)
		}
		got, err := b.QuestionAnswers(ctx, "s-1", n)
		if err != nil || !reflect.DeepEqual(got, qa) {
			t.Errorf("question %d after the restore = %+v, %v; want %+v", n, got, err, qa)
		}
	}
	qa, _ := a.QuestionAnswers(ctx, "s-1", 2)
	if len(qa.Marks) != 4 || len(qa.Values) != 4 || len(qa.Tallies) != 3 {
		t.Fatalf("question 2 holds %+v; want 4 answers in 3 groups", qa)
	}
	if got, _ := b.Answered(ctx, "s-1", att[1].Person); !slices.Equal(got, []int{1, 2, 5}) {
		t.Errorf("Answered after the restore = %v, want [1 2 5]", got)
	}
	wantCode(t, b.RestoreAnswers(ctx, "s-1", 2, qa), sandik.EConflict, "answers restored over answers")
	_, err := b.QuestionAnswers(ctx, "s-1", 9)
	wantCode(t, err, sandik.ENotFound, "the answers of no question")
	// Refused parts, into a question that holds none.
	for field, change := range map[string]func(q *sandik.QuestionAnswers){
		"values":               func(q *sandik.QuestionAnswers) { q.Values = q.Values[1:] },
		"marks[1]":             func(q *sandik.QuestionAnswers) { q.Marks[1] = q.Marks[0] },
		"marks[3]":             func(q *sandik.QuestionAnswers) { q.Marks[3] = "zz-nobody" },
		"tallies[0].answers":   func(q *sandik.QuestionAnswers) { q.Tallies[0].Answers = 9 },
		"tallies[1]":           func(q *sandik.QuestionAnswers) { q.Tallies[1] = q.Tallies[0] },
		"tallies[0].dimension": func(q *sandik.QuestionAnswers) { q.Tallies[0].Dimension = "age" },
	} {
		q := sandik.QuestionAnswers{Marks: slices.Clone(qa.Marks), Values: slices.Clone(qa.Values), Tallies: slices.Clone(qa.Tallies)}
		change(&q)
		err := b.RestoreAnswers(ctx, "s-1", 3, q)
		if sandik.CodeOf(err) != sandik.EInvalid || !hasField(err, field) {
			t.Errorf("restore with a bad %s: %v", field, err)
		}
	}
	wantCode(t, b.RestoreAnswers(ctx, "s-1", 9, qa), sandik.ENotFound, "answers to no question")
	if got, _ := b.QuestionAnswers(ctx, "s-1", 3); len(got.Marks)+len(got.Values)+len(got.Tallies) != 0 {
		t.Errorf("refused restores left %+v", got)
	}
}
