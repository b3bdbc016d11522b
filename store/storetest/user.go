package storetest

import (
	"context"
	"crypto/sha256"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
)

var userTests = []test{
	{"CreateAndFind", testUsers},
	{"IDTaken", testUserIDTaken},
	{"SetToken", testSetToken},
	{"NotFound", testUserNotFound},
}

// Token returns the hash of a test token.
func Token(s string) [32]byte { return sha256.Sum256([]byte(s)) }

func create(t *testing.T, s sandik.UserStore, u sandik.User, token string) {
	t.Helper()
	if err := s.CreateUser(context.Background(), u, Token(token)); err != nil {
		t.Fatalf("CreateUser(%q): %v", u.ID, err)
	}
}

func testUsers(t *testing.T, o Opener) {
	s := o.Open(t)
	users := []sandik.User{
		{ID: "zeynep", Name: "Zeynep Kaya", Role: sandik.RoleObserver},
		{ID: "ali", Name: "Ali Şahin", Role: sandik.RoleAdmin},
		{ID: "mehmet", Name: "Mehmet Öz", Role: sandik.RoleCoordinator},
	}
	for _, u := range users {
		create(t, s, u, "token-"+string(u.ID))
	}
	got, err := s.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]sandik.User{users[1], users[2], users[0]}, got); d != "" {
		t.Errorf("Users() not by id (-want +got):\n%s", d)
	}
	u, err := s.UserByToken(context.Background(), Token("token-mehmet"))
	if err != nil || u != users[2] {
		t.Errorf("UserByToken(mehmet's) = %+v, %v; want %+v", u, err, users[2])
	}
}

func testUserIDTaken(t *testing.T, o Opener) {
	s := o.Open(t)
	create(t, s, sandik.User{ID: "ali", Name: "Ali", Role: sandik.RoleObserver}, "one")
	err := s.CreateUser(context.Background(), sandik.User{ID: "ali", Name: "Other Ali", Role: sandik.RoleAdmin}, Token("two"))
	wantCode(t, err, sandik.EConflict, "CreateUser(taken id)")
	got, err := s.Users(context.Background())
	if err != nil || len(got) != 1 || got[0].Name != "Ali" {
		t.Errorf("after a refused CreateUser, Users() = %+v, %v", got, err)
	}
	if _, err := s.UserByToken(context.Background(), Token("two")); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("the refused user's token finds %v", err)
	}
}

func testSetToken(t *testing.T, o Opener) {
	s := o.Open(t)
	ali := sandik.User{ID: "ali", Name: "Ali", Role: sandik.RoleVolunteer}
	create(t, s, ali, "old")
	if err := s.SetToken(context.Background(), "ali", Token("new")); err != nil {
		t.Fatalf("SetToken: %v", err)
	}
	_, err := s.UserByToken(context.Background(), Token("old"))
	wantCode(t, err, sandik.ENotFound, "UserByToken(replaced token)")
	if u, err := s.UserByToken(context.Background(), Token("new")); err != nil || u != ali {
		t.Errorf("UserByToken(new) = %+v, %v; want %+v", u, err, ali)
	}
}

func testUserNotFound(t *testing.T, o Opener) {
	s := o.Open(t)
	_, err := s.UserByToken(context.Background(), Token("nobody"))
	wantCode(t, err, sandik.ENotFound, "UserByToken(unknown)")
	wantCode(t, s.SetToken(context.Background(), "nobody", Token("x")), sandik.ENotFound, "SetToken(unknown user)")
	if users, err := s.Users(context.Background()); err != nil || len(users) != 0 {
		t.Errorf("Users() on a new store = %v, %v; want none", users, err)
	}
}
