package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
	"github.com/sandik-dev/sandik/ledger/audit"
)

var contactTests = []test{
	{"ViewsLogged", testContactViewsLogged},
	{"ViewsLimited", testContactViewsLimited},
	{"ViewsRefusedWriteNothing", testContactViewsRefused},
	{"Erase", testContactErase},
	{"EraseTwiceOrMissing", testContactEraseRefused},
	{"ErasedAudited", testContactErasedAudited},
	{"ErasedCopied", testContactErasedCopied},
}

func view(u sandik.UserID, p sandik.PersonID, at time.Time, fs ...sandik.ContactField) sandik.ContactView {
	return sandik.ContactView{User: u, Person: p, At: at, Fields: fs}
}

func testContactViewsLogged(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	at := Received()
	got, err := s.LogContactViews(ctx, []sandik.ContactView{
		view("ayse", "k-1", at, sandik.FieldPhones, sandik.FieldEmail),
		view("ayse", "k-3", at, sandik.FieldPhones, sandik.FieldNote),
	}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Seq <= 0 || got[1].Seq <= got[0].Seq {
		t.Fatalf("LogContactViews = %+v, want two views numbered in order", got)
	}
	if _, err := s.LogContactViews(ctx, []sandik.ContactView{view("mehmet", "k-1", at.Add(time.Second), sandik.FieldPhones)}, 10); err != nil {
		t.Fatal(err)
	}
	all, err := s.ContactViews(ctx, sandik.ContactViewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || !all[0].At.Equal(at) || !slices.Equal(all[0].Fields, []sandik.ContactField{sandik.FieldPhones, sandik.FieldEmail}) {
		t.Fatalf("ContactViews = %+v", all)
	}
	for _, c := range []struct {
		f    sandik.ContactViewFilter
		want []int64
	}{
		{sandik.ContactViewFilter{Person: "k-1"}, []int64{all[0].Seq, all[2].Seq}},
		{sandik.ContactViewFilter{User: "ayse"}, []int64{all[0].Seq, all[1].Seq}},
		{sandik.ContactViewFilter{User: "ayse", Person: "k-3"}, []int64{all[1].Seq}},
		{sandik.ContactViewFilter{After: all[0].Seq, Limit: 1}, []int64{all[1].Seq}},
		{sandik.ContactViewFilter{Person: "k-2"}, nil},
	} {
		vs, err := s.ContactViews(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []int64
		for _, v := range vs {
			seqs = append(seqs, v.Seq)
		}
		if !slices.Equal(seqs, c.want) {
			t.Errorf("ContactViews(%+v) = %v, want %v", c.f, seqs, c.want)
		}
	}
}

// testContactViewsLimited: at most perMinute views of one user in any
// minute, counted across calls; another user has a budget of their own,
// and a minute later the user has theirs back.
func testContactViewsLimited(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	at := Received()
	for i := range 3 {
		if _, err := s.LogContactViews(ctx, []sandik.ContactView{view("ayse", "k-1", at.Add(time.Duration(i)*time.Second), sandik.FieldPhones)}, 3); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.LogContactViews(ctx, []sandik.ContactView{view("ayse", "k-3", at.Add(30*time.Second), sandik.FieldPhones)}, 3)
	if sandik.CodeOf(err) != sandik.ETooMany {
		t.Fatalf("a fourth view in a minute: %v, want %s", err, sandik.ETooMany)
	}
	if _, err := s.LogContactViews(ctx, []sandik.ContactView{view("mehmet", "k-3", at.Add(30*time.Second), sandik.FieldPhones)}, 3); err != nil {
		t.Fatalf("another user's view: %v", err)
	}
	if _, err := s.LogContactViews(ctx, []sandik.ContactView{view("ayse", "k-3", at.Add(time.Minute+time.Second), sandik.FieldPhones)}, 3); err != nil {
		t.Fatalf("a view a minute after the second: %v", err)
	}
}

// testContactViewsRefused: a call over the limit, or with a view of a
// person who does not exist, writes none of its views.
func testContactViewsRefused(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	at := Received()
	for _, vs := range [][]sandik.ContactView{
		{view("ayse", "k-1", at, sandik.FieldPhones), view("ayse", "k-2", at, sandik.FieldEmail), view("ayse", "k-3", at, sandik.FieldPhones)},
		{view("ayse", "k-1", at, sandik.FieldPhones), view("ayse", "nobody", at, sandik.FieldPhones)},
		{view("ayse", "k-1", at, sandik.FieldPhones), view("mehmet", "k-1", at, sandik.FieldPhones)},
		{view("ayse", "k-1", at, sandik.FieldNote)},
	} {
		if _, err := s.LogContactViews(ctx, vs, 2); err == nil {
			t.Errorf("LogContactViews(%+v) accepted", vs)
		}
	}
	all, err := s.ContactViews(ctx, sandik.ContactViewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 0 {
		t.Errorf("refused calls wrote %+v", all)
	}
}

func testContactErase(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	c := OrgFixture()
	saveOrg(t, s, c)
	if _, err := s.LogContactViews(ctx, []sandik.ContactView{view("ayse", "k-1", Received(), sandik.FieldPhones)}, 10); err != nil {
		t.Fatal(err)
	}
	if err := s.ErasePerson(ctx, "k-1", "2025-03-01", ""); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("erase without a reason: %v, want invalid", err)
	}
	if err := s.ErasePerson(ctx, "k-1", "2025-03-01", "KVKK m.7 talebi"); err != nil {
		t.Fatal(err)
	}
	p, err := s.Person(ctx, "k-1")
	if err != nil {
		t.Fatal(err)
	}
	want := sandik.Person{ID: "k-1", Home: "34", Purpose: "örgüt üyeliği", Consent: "2019-01-01", Erased: "2025-03-01", EraseReason: "KVKK m.7 talebi"}
	if fmt.Sprint(p) != fmt.Sprint(want) {
		t.Errorf("erased person = %+v, want %+v", p, want)
	}
	// The history stays: the term, and the view by id.
	terms, err := s.Positions(ctx, sandik.PositionFilter{Person: "k-1"})
	if err != nil || len(terms) != 1 || terms[0].ID != "g-1" {
		t.Errorf("terms of the erased person = %+v, %v", terms, err)
	}
	vs, err := s.ContactViews(ctx, sandik.ContactViewFilter{Person: "k-1"})
	if err != nil || len(vs) != 1 {
		t.Errorf("views of the erased person = %+v, %v", vs, err)
	}
	// Others are untouched.
	other, err := s.Person(ctx, "k-3")
	if err != nil || other.Name != "Zeynep Kaya" || other.Note != "çarşamba akşamları" {
		t.Errorf("another person after an erasure = %+v, %v", other, err)
	}
}

func testContactEraseRefused(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	if err := s.ErasePerson(ctx, "nobody", "2025-03-01", "talep"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("erase of nobody: %v, want not found", err)
	}
	if err := s.ErasePerson(ctx, "k-2", "2025-03-01", "talep"); err != nil {
		t.Fatal(err)
	}
	if err := s.ErasePerson(ctx, "k-2", "2025-03-02", "talep"); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("second erasure: %v, want conflict", err)
	}
}

// testContactErasedAudited: views and erasures are leaves, and the audit
// recomputes an erased person from the row as it stands.
func testContactErasedAudited(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	c := OrgFixture()
	saveOrg(t, s, c)
	if _, err := s.LogContactViews(ctx, []sandik.ContactView{view("ayse", "k-1", Received(), sandik.FieldPhones)}, 10); err != nil {
		t.Fatal(err)
	}
	if err := s.ErasePerson(ctx, "k-1", "2025-03-01", "talep"); err != nil {
		t.Fatal(err)
	}
	size, err := s.LedgerSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(len(c.Kinds) + len(c.Units) + len(c.People) + len(c.Positions) + 2); size != want {
		t.Errorf("%d leaves, want %d", size, want)
	}
	recs, err := s.LedgerRecords(ctx, size-2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(recs[0].ID, ledger.ContactViewPrefix) {
		t.Errorf("leaf of the view = %+v", recs[0])
	}
	if recs[1].ID != ledger.OrgPersonPrefix+"k-1" {
		t.Errorf("leaf of the erasure = %+v", recs[1])
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit after an erasure: %v", err)
	}
}

// testContactErasedCopied: an erased record, as an export or a copy of
// the database holds it, is saved as it is and audits; one that still
// holds data is refused.
func testContactErasedCopied(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	c := OrgFixture()
	c.People[1] = sandik.Person{ID: "k-2", Home: "34", Purpose: "örgüt üyeliği", Consent: "2023-06-01", Erased: "2025-03-01", EraseReason: "talep"}
	bad := c
	bad.People = append([]sandik.Person(nil), c.People...)
	bad.People[1].Note = "left behind"
	if err := s.SaveOrg(ctx, bad); sandik.CodeOf(err) != sandik.EInvalid {
		t.Errorf("an erased record holding a note: %v, want invalid", err)
	}
	saveOrg(t, s, c)
	p, err := s.Person(ctx, "k-2")
	if err != nil || fmt.Sprint(p) != fmt.Sprint(c.People[1]) {
		t.Errorf("erased record = %+v, %v; want %+v", p, err, c.People[1])
	}
	if err := s.ErasePerson(ctx, "k-2", "2025-03-02", "again"); sandik.CodeOf(err) != sandik.EConflict {
		t.Errorf("erasing a copied erased record: %v, want conflict", err)
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit: %v", err)
	}
}
