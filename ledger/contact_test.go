package ledger

import (
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// Every field of a view and of an erased record moves its leaf; an
// erased record never hashes like the record it replaced.
func TestContactLeaves(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 5, time.UTC)
	v := sandik.ContactView{Seq: 7, User: "ayse", Person: "k-1", At: at, Fields: []sandik.ContactField{sandik.FieldPhones}}
	base := ContactViewRecord(v)
	if base.ID != "view/7" || base.Seq != 7 || base.Kind != KindOrg {
		t.Fatalf("view leaf = %+v", base)
	}
	for name, w := range map[string]sandik.ContactView{
		"user":   {Seq: 7, User: "mehmet", Person: "k-1", At: at, Fields: v.Fields},
		"person": {Seq: 7, User: "ayse", Person: "k-2", At: at, Fields: v.Fields},
		"time":   {Seq: 7, User: "ayse", Person: "k-1", At: at.Add(1), Fields: v.Fields},
		"fields": {Seq: 7, User: "ayse", Person: "k-1", At: at, Fields: []sandik.ContactField{sandik.FieldPhones, sandik.FieldEmail}},
	} {
		if ContactViewRecord(w).ContentHash == base.ContentHash {
			t.Errorf("a view with another %s hashes the same", name)
		}
	}
	p := sandik.Person{ID: "k-1", Home: "34", Purpose: "p", Consent: "2024-01-01"}
	e := p
	e.Erased, e.EraseReason = "2025-03-01", "talep"
	if PersonLeaf(e) != ErasedPersonRecord(e) || PersonLeaf(p) != PersonRecord(p) || PersonLeaf(e).ContentHash == PersonRecord(p).ContentHash {
		t.Error("PersonLeaf does not tell erased records apart")
	}
	back := e
	back.Name = "Ayşe"
	if ErasedPersonRecord(back).ContentHash == ErasedPersonRecord(e).ContentHash {
		t.Error("a name put back into an erased record hashes the same")
	}
}
