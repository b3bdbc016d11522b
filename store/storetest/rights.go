package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger/audit"
)

var rightsTests = []test{
	{"LinkPerson", testLinkPerson},
	{"RemoveUser", testRemoveUser},
	{"KindRights", testKindRights},
	{"Grants", testGrants},
	{"GenerationMoves", testRightsGeneration},
	{"Audited", testRightsAudited},
}

func userByID(t *testing.T, s sandik.UserStore, id sandik.UserID) sandik.User {
	t.Helper()
	users, err := s.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(users, func(u sandik.User) bool { return u.ID == id })
	if i < 0 {
		t.Fatalf("no user %q among %v", id, users)
	}
	return users[i]
}

// testLinkPerson: a link is read back by every read of users, a person
// that does not exist is refused naming the field, and unlinking clears.
func testLinkPerson(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	create(t, s, sandik.User{ID: "zeynep", Name: "Zeynep Kaya", Role: sandik.RoleObserver}, "z")
	if err := s.LinkPerson(ctx, "zeynep", "k-3"); err != nil {
		t.Fatal(err)
	}
	if u := userByID(t, s, "zeynep"); u.Person != "k-3" {
		t.Errorf("Users: person %q, want k-3", u.Person)
	}
	if u, err := s.UserByToken(ctx, Token("z")); err != nil || u.Person != "k-3" {
		t.Errorf("UserByToken: %+v, %v; want person k-3", u, err)
	}
	err := s.LinkPerson(ctx, "zeynep", "k-99")
	wantCode(t, err, sandik.EInvalid, "LinkPerson(no such person)")
	if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "person" {
		t.Errorf("problems %v, want one naming person", ps)
	}
	wantCode(t, s.LinkPerson(ctx, "nobody", "k-3"), sandik.ENotFound, "LinkPerson(no such user)")
	if u := userByID(t, s, "zeynep"); u.Person != "k-3" {
		t.Errorf("a refused link changed the user: person %q", u.Person)
	}
	if err := s.LinkPerson(ctx, "zeynep", ""); err != nil {
		t.Fatal(err)
	}
	if u := userByID(t, s, "zeynep"); u.Person != "" {
		t.Errorf("unlinked user still has person %q", u.Person)
	}
}

// testRemoveUser: a removed user's token no longer finds them; they stay
// listed, marked removed.
func testRemoveUser(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	create(t, s, sandik.User{ID: "ali", Name: "Ali", Role: sandik.RoleVolunteer, Areas: []sandik.AreaCode{"34"}}, "a")
	if err := s.RemoveUser(ctx, "ali", Token("nobody holds this")); err != nil {
		t.Fatal(err)
	}
	_, err := s.UserByToken(ctx, Token("a"))
	wantCode(t, err, sandik.ENotFound, "UserByToken(removed user's old token)")
	if u := userByID(t, s, "ali"); !u.Removed || !slices.Equal(u.Areas, []sandik.AreaCode{"34"}) {
		t.Errorf("removed user reads %+v, want removed with their areas", u)
	}
	wantCode(t, s.RemoveUser(ctx, "nobody", Token("x")), sandik.ENotFound, "RemoveUser(no such user)")
}

// testKindRights: the defaults are read until overridden; a stored row,
// even an empty role, replaces the default; an unknown kind or an admin
// row is refused and writes nothing.
func testKindRights(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	got, err := s.KindRights(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, sandik.DefaultKindRights()) {
		t.Errorf("KindRights on a new store = %v, want the defaults %v", got, sandik.DefaultKindRights())
	}
	err = s.SaveKindRights(ctx, []sandik.KindRight{{Kind: "sekreter", Role: sandik.RoleVolunteer}, {Kind: "yok", Role: sandik.RoleLawyer}, {Kind: "sayman", Role: sandik.RoleAdmin}})
	wantCode(t, err, sandik.EInvalid, "SaveKindRights(unknown kind, admin)")
	if fields := problemFields(err); !slices.Equal(fields, []string{"rights[1].kind", "rights[2].role"}) {
		t.Errorf("problems name %v", fields)
	}
	if added, _ := s.AddedKindRights(ctx); len(added) != 0 {
		t.Errorf("a refused save stored %v", added)
	}
	if err := s.SaveKindRights(ctx, []sandik.KindRight{{Kind: "ilce_baskani", Role: ""}, {Kind: "basin_sozcusu", Role: sandik.RoleVolunteer}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveKindRights(ctx, []sandik.KindRight{{Kind: "basin_sozcusu", Role: sandik.RoleLawyer}}); err != nil {
		t.Fatal(err)
	}
	got, err = s.KindRights(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := map[sandik.KindCode]sandik.Role{}
	for _, r := range got {
		m[r.Kind] = r.Role
	}
	if m["ilce_baskani"] != "" || m["basin_sozcusu"] != sandik.RoleLawyer || m["il_baskani"] != sandik.RoleCoordinator {
		t.Errorf("KindRights = %v", got)
	}
}

func problemFields(err error) []string {
	var out []string
	for _, p := range sandik.ProblemsOf(err) {
		out = append(out, p.Field)
	}
	return out
}

// testGrants: a grant reads back as saved (areas sorted, times to the
// nanosecond), filters by user, refuses a missing expiry, an unknown user
// and a taken id, and a revocation is kept once.
func testGrants(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	create(t, s, sandik.User{ID: "ali", Name: "Ali", Role: sandik.RoleObserver}, "a")
	create(t, s, sandik.User{ID: "veli", Name: "Veli", Role: sandik.RoleObserver}, "v")
	from := time.Date(2026, 3, 1, 9, 0, 0, 123, time.UTC)
	g := sandik.Grant{ID: "y-1", User: "ali", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34.0135", "34.0101"},
		From: from, Until: sandik.DayEnd("2026-12-31"), Reason: "seçim gecesi", GrantedBy: "admin"}
	if err := s.SaveGrant(ctx, g); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveGrant(ctx, sandik.Grant{ID: "y-2", User: "veli", Role: sandik.RoleVolunteer, Areas: []sandik.AreaCode{"34"},
		From: from, Until: from.Add(time.Hour), Reason: "gece", GrantedBy: "admin"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Grant(ctx, "y-1")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Areas, []sandik.AreaCode{"34.0101", "34.0135"}) || !got.From.Equal(from) || !got.Until.Equal(g.Until) || got.Reason != g.Reason || got.GrantedBy != "admin" {
		t.Errorf("Grant = %+v, want %+v with areas sorted", got, g)
	}
	list, err := s.Grants(ctx, sandik.GrantFilter{User: "veli"})
	if err != nil || len(list) != 1 || list[0].ID != "y-2" {
		t.Errorf("Grants(veli) = %v, %v", list, err)
	}
	noUntil := g
	noUntil.ID, noUntil.Until = "y-3", time.Time{}
	wantCode(t, s.SaveGrant(ctx, noUntil), sandik.EInvalid, "SaveGrant(no expiry)")
	nobody := g
	nobody.ID, nobody.User = "y-4", "nobody"
	wantCode(t, s.SaveGrant(ctx, nobody), sandik.EInvalid, "SaveGrant(no such user)")
	wantCode(t, s.SaveGrant(ctx, g), sandik.EConflict, "SaveGrant(taken id)")
	if all, _ := s.Grants(ctx, sandik.GrantFilter{}); len(all) != 2 {
		t.Errorf("%d grants after refusals, want 2", len(all))
	}
	at := from.Add(24 * time.Hour)
	if err := s.RevokeGrant(ctx, "y-1", at, "admin"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Grant(ctx, "y-1")
	if !got.Revoked.Equal(at) || got.RevokedBy != "admin" || !got.End().Equal(at) {
		t.Errorf("revoked grant reads %+v", got)
	}
	wantCode(t, s.RevokeGrant(ctx, "y-1", at, "admin"), sandik.EConflict, "RevokeGrant(twice)")
	wantCode(t, s.RevokeGrant(ctx, "y-2", from.Add(2*time.Hour), "admin"), sandik.EConflict, "RevokeGrant(expired)")
	wantCode(t, s.RevokeGrant(ctx, "y-9", at, "admin"), sandik.ENotFound, "RevokeGrant(no such grant)")
}

// testRightsGeneration: every write that gives or takes rights — a term,
// its end, a link, a grant, its revocation, the table — moves the user
// generation, so cached users are read again.
func testRightsGeneration(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	create(t, s, sandik.User{ID: "ali", Name: "Ali", Role: sandik.RoleObserver}, "a")
	from := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, step := range []struct {
		what  string
		write func() error
	}{
		{"SaveOrg", func() error { return s.SaveOrg(ctx, OrgFixture()) }},
		{"EndPosition", func() error { return s.EndPosition(ctx, "g-5", "2026-01-31", "istifa") }},
		{"LinkPerson", func() error { return s.LinkPerson(ctx, "ali", "k-3") }},
		{"SaveKindRights", func() error {
			return s.SaveKindRights(ctx, []sandik.KindRight{{Kind: "sekreter", Role: sandik.RoleVolunteer}})
		}},
		{"SaveGrant", func() error {
			return s.SaveGrant(ctx, sandik.Grant{ID: "y-1", User: "ali", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34"}, From: from, Until: from.Add(time.Hour), Reason: "gece", GrantedBy: "admin"})
		}},
		{"RevokeGrant", func() error { return s.RevokeGrant(ctx, "y-1", from.Add(time.Minute), "admin") }},
		{"RemoveUser", func() error { return s.RemoveUser(ctx, "ali", Token("gone")) }},
	} {
		before, err := s.UserGeneration(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := step.write(); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
		after, err := s.UserGeneration(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after <= before {
			t.Errorf("%s left the user generation at %d", step.what, after)
		}
	}
}

// testRightsAudited: links, removals, rows of the table and grants,
// revoked or not, are leaves the audit recomputes from their rows.
func testRightsAudited(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	saveOrg(t, s, OrgFixture())
	create(t, s, sandik.User{ID: "ali", Name: "Ali", Role: sandik.RoleObserver}, "a")
	create(t, s, sandik.User{ID: "veli", Name: "Veli", Role: sandik.RoleObserver}, "v")
	from := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, err := range []error{
		s.LinkPerson(ctx, "ali", "k-3"),
		s.RemoveUser(ctx, "veli", Token("gone")),
		s.SaveKindRights(ctx, []sandik.KindRight{{Kind: "sekreter", Role: sandik.RoleVolunteer}}),
		s.SaveGrant(ctx, sandik.Grant{ID: "y-1", User: "ali", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34"}, From: from, Until: from.Add(time.Hour), Reason: "gece", GrantedBy: "admin"}),
		s.SaveGrant(ctx, sandik.Grant{ID: "y-2", User: "ali", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34"}, From: from, Until: from.Add(time.Hour), Reason: "gece", GrantedBy: "admin"}),
		s.RevokeGrant(ctx, "y-2", from.Add(time.Minute), "admin"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := audit.Run(ctx, s, "", audit.Options{}); err != nil {
		t.Fatalf("audit of an honest store: %v", err)
	}
}
