package itiraz

import (
	"strings"
	"testing"
	"time"
)

// Each case is listed once, drafts by urgency, the rest by deadline and
// then by title in Turkish order, the same on every read.
func TestListShowsEachCaseOnceInOrder(t *testing.T) {
	now := time.Date(2019, 3, 31, 20, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return now.Add(time.Duration(h) * time.Hour) }
	cases := []*Case{
		{ID: "c1", Title: "Üsküdar", Status: StatusFiled, Deadline: at(5)},
		{ID: "c2", Title: "Şişli", Status: StatusFiled, Deadline: at(5)},
		{ID: "c3", Title: "Bayrampaşa", Status: StatusDraft, Deadline: at(10)},
		{ID: "c4", Title: "Bağcılar", Status: StatusAccepted, Deadline: at(5)},
		{ID: "c5", Title: "Çatalca", Status: StatusDraft, Deadline: at(-3)},
		{ID: "c6", Title: "Adalar", Status: StatusFiled},
		{ID: "c7", Title: "Zeytinburnu", Status: StatusDraft, Deadline: at(100)},
		{ID: "c8", Title: "Sarıyer", Status: StatusFiled, Deadline: at(1)},
		{ID: "c0", Title: "Beykoz", Status: StatusDraft, Deadline: at(10)},
		{ID: "c9", Title: "Esenler", Status: StatusDraft, Deadline: at(-3)},
		{ID: "ca", Title: "Arnavutköy", Status: StatusDraft, Deadline: at(-1)},
	}
	l := List(cases, now, 48*time.Hour)
	ids := func(cs []*Case) string {
		var s []string
		for _, c := range cs {
			s = append(s, string(c.ID))
		}
		return strings.Join(s, ",")
	}
	// Two drafts due at once: Bayrampaşa before Beykoz, whatever their ids.
	if got := ids(l.Soon); got != "c3,c0" {
		t.Errorf("soon %s", got)
	}
	// The one just missed first; Çatalca before Esenler at one hour.
	if got := ids(l.Expired); got != "ca,c5,c9" {
		t.Errorf("expired %s", got)
	}
	// Sarıyer first (soonest), then three at the same hour in Turkish
	// order (Bağcılar, Şişli, Üsküdar), the distant draft, none last.
	if got := ids(l.Rest); got != "c8,c4,c2,c1,c7,c6" {
		t.Errorf("rest %s", got)
	}
	for i := range 5 {
		shuffled := append(cases[i:len(cases):len(cases)], cases[:i]...)
		if again := List(shuffled, now, 48*time.Hour); ids(again.Rest) != ids(l.Rest) {
			t.Fatalf("the order depends on the input's: %s", ids(again.Rest))
		}
	}
}
