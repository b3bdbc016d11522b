package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// ErasedInVisits is what testVisitErasure writes of k-1 (Ayşe Yılmaz,
// +905321234567, ayse@example.org) into visits and commitments, in
// several cases and spacings, for a backend's own test to look for in
// its files after the erasure.
var ErasedInVisits = []string{"Ayşe Yılmaz", "AYŞE YILMAZ", "ayşe  yılmaz", "+905321234567", "ayse@example.org"}

// SaveVisitsNaming stores, on the organisation fixture, a visit whose
// place, notes and commitments name k-1 in every form of
// ErasedInVisits, with k-1 visiting and attending, and a visit naming
// k-2 (Mehmet Demir), whom nobody erases.
func SaveVisitsNaming(t testing.TB, s sandik.Store) {
	t.Helper()
	ctx := context.Background()
	v := VisitFixture("v-erase")
	v.Visitors = []sandik.PersonID{"k-1", "k-2"}
	v.Attendees = []sandik.PersonID{"k-1"}
	v.Place = "Ayşe Yılmaz'ın bürosu"
	v.Notes = "AYŞE YILMAZ ve ayşe  yılmaz ile görüşüldü; telefon +905321234567, e-posta ayse@example.org. Mehmet Demir de vardı."
	c := CommitmentFixture("c-erase", "", "2024-05-10")
	c.Text = "Ayşe Yılmaz raporu hazırlayacak"
	c.OwnerPerson, c.OwnerUnit = "k-1", ""
	if _, err := s.SaveVisit(ctx, v, []sandik.Commitment{c}); err != nil {
		t.Fatal(err)
	}
	f := CommitmentFixture("c-erase-2", "v-erase", "2024-05-20")
	f.Text, f.Follows = "Rapor AYŞE YILMAZ'dan istenecek", "c-erase"
	if _, err := s.SaveCommitment(ctx, f); err != nil {
		t.Fatal(err)
	}
	other := VisitFixture("v-other")
	other.Notes = "Mehmet Demir aradı."
	if _, err := s.SaveVisit(ctx, other, nil); err != nil {
		t.Fatal(err)
	}
}

// testVisitErasure: erasing a person takes their name, phones and e-mail
// out of the texts of visits and commitments, in any case, leaving the
// rest of the text, the references by id and the counts as they were.
func testVisitErasure(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	SaveVisitsNaming(t, s)
	if err := s.ErasePerson(ctx, "k-1", "2025-03-01", "KVKK m.7 talebi"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []sandik.Store{s, o.Reopen(t, s)} {
		v, err := s.Visit(ctx, "v-erase")
		if err != nil {
			t.Fatal(err)
		}
		cs, err := s.Commitments(ctx, sandik.CommitmentFilter{Visit: "v-erase"})
		if err != nil || len(cs) != 2 {
			t.Fatalf("commitments of the visit: %+v, %v", cs, err)
		}
		texts := []string{v.Place, v.Notes, v.Target.Institution, cs[0].Text, cs[1].Text}
		for _, text := range texts {
			if _, named := sandik.ScrubPerson(text, sandik.Person{Name: "Ayşe Yılmaz", Phones: []string{"+905321234567"}, Email: "ayse@example.org"}); named {
				t.Errorf("the erased person is still in %q", text)
			}
		}
		want := "[silinmiş kişi] ve [silinmiş kişi] ile görüşüldü; telefon [silinmiş kişi], e-posta [silinmiş kişi]. Mehmet Demir de vardı."
		if v.Notes != want || v.Place != "[silinmiş kişi]'ın bürosu" || !strings.HasPrefix(cs[0].Text, "[silinmiş kişi] raporu") {
			t.Errorf("after the erasure: place %q, notes %q, commitment %q; want notes %q", v.Place, v.Notes, cs[0].Text, want)
		}
		// The references stay: they lead to the erased record.
		if len(v.Visitors) != 2 || v.Visitors[0] != "k-1" || len(v.Attendees) != 1 || cs[0].OwnerPerson != "k-1" || cs[1].Follows != "c-erase" {
			t.Errorf("references changed by the erasure: %+v, %+v", v, cs)
		}
		if other, err := s.Visit(ctx, "v-other"); err != nil || other.Notes != "Mehmet Demir aradı." {
			t.Errorf("a visit naming someone else: %+v, %v", other, err)
		}
		for _, at := range []time.Time{VisitAt(), VisitAt().AddDate(0, 1, 0)} {
			CheckVisitCounts(t, s, at, "after the erasure")
		}
	}
}
