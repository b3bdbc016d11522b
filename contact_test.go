package sandik

import (
	"testing"
)

// TestContactMatrix enumerates role × scope against the table written
// in MaySeeContact's comment and docs/org.md: 0 unexpected allows, and
// no refusal of what the table allows.
func TestContactMatrix(t *testing.T) {
	reg := policyRegistry(t)
	const area = AreaCode("34.01") // Adalar, the person's home unit's area
	scopes := []struct {
		name  string
		areas []AreaCode
	}{
		{"in scope (the district)", []AreaCode{"34.01"}},
		{"in scope (the province above)", []AreaCode{"34"}},
		{"in scope of a box inside only", []AreaCode{"34.01.01.1"}},
		{"out of scope", []AreaCode{"34.02"}},
		{"unscoped", nil},
	}
	// The table: role → scope name → allowed. A box inside the district
	// does not cover the district's people: the scope is where the
	// person's unit works.
	table := map[Role]map[string]bool{
		RoleAdmin:       {"unscoped": true},
		RoleCoordinator: {"in scope (the district)": true, "in scope (the province above)": true, "unscoped": true},
		RoleLawyer:      {},
		RoleVolunteer:   {},
		RoleObserver:    {},
	}
	n := 0
	for _, role := range []Role{RoleAdmin, RoleCoordinator, RoleLawyer, RoleVolunteer, RoleObserver} {
		for _, sc := range scopes {
			if role == RoleAdmin && sc.areas != nil {
				continue // an administrator has no areas (User.Validate)
			}
			n++
			u := User{ID: "u", Role: role, Areas: sc.areas}
			want := table[role][sc.name]
			err := reg.AllowContact(u, area)
			if got := err == nil; got != want {
				t.Errorf("%s %s: allowed %v, the table says %v (%v)", role, sc.name, got, want, err)
			}
			if got := MaySeeContact(u, reg.InScope(u, area)); got != want {
				t.Errorf("MaySeeContact(%s %s) = %v, the table says %v", role, sc.name, got, want)
			}
			if err != nil && CodeOf(err) != EForbidden {
				t.Errorf("%s %s: refused with %v, want forbidden", role, sc.name, err)
			}
		}
	}
	if n != 21 {
		t.Errorf("%d cases, want 21", n)
	}
	if err := reg.AllowContact(User{ID: "x", Role: "nobody"}, area); CodeOf(err) != EForbidden {
		t.Errorf("a user without a role: %v", err)
	}
}

func TestContactFields(t *testing.T) {
	p := Person{ID: "k", Name: "A", Phones: []string{"+905321234567"}, Email: "a@example.org", Note: "n"}
	if fs := p.ContactFields(); len(fs) != 3 || !Logged(fs) {
		t.Errorf("ContactFields = %v", fs)
	}
	if h := p.HideContact(); h.Phones != nil || h.Email != "" || h.Note != "" || h.Name != "A" {
		t.Errorf("HideContact = %+v", h)
	}
	if Logged([]ContactField{FieldNote}) {
		t.Error("a note alone is a logged view")
	}
	if (Person{Name: ""}).ShownName() != "" || (Person{Erased: "2025-01-01"}).ShownName() != RemovedPerson {
		t.Error("ShownName")
	}
}

func TestEraseReason(t *testing.T) {
	for _, c := range []struct {
		reason string
		ok     bool
	}{{"KVKK m.11 talebi", true}, {"", false}, {" x", false}, {"a\nb", false}, {string(make([]byte, MaxEraseReason+1)), false}} {
		if err := CheckEraseReason(c.reason); (err == nil) != c.ok {
			t.Errorf("CheckEraseReason(%q) = %v", c.reason, err)
		}
	}
	p := Person{ID: "k", Name: "A", Home: "34", Purpose: "p", Consent: "2024-01-01", Erased: "2025-01-01"}
	if err := p.Validate(); err == nil {
		t.Error("a person given as erased is valid")
	}
}
