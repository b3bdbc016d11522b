package storetest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
)

var userTests = []test{
	{"CreateAndFind", testUsers},
	{"IDTaken", testUserIDTaken},
	{"SetToken", testSetToken},
	{"NotFound", testUserNotFound},
	{"Areas", testUserAreas},
	{"AreasRace", testUserAreasRace},
	{"SaveUsers", testSaveUsers},
	{"TokenHashes", testTokenHashes},
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
		{ID: "mehmet", Name: "Mehmet Öz", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34-kadikoy", "34-besiktas"}},
	}
	for _, u := range users {
		create(t, s, u, "token-"+string(u.ID))
	}
	got, err := s.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Areas come back sorted, whatever order they were given in.
	users[2].Areas = []sandik.AreaCode{"34-besiktas", "34-kadikoy"}
	if d := cmp.Diff([]sandik.User{users[1], users[2], users[0]}, got); d != "" {
		t.Errorf("Users() not by id (-want +got):\n%s", d)
	}
	u, err := s.UserByToken(context.Background(), Token("token-mehmet"))
	if err != nil || !cmp.Equal(u, users[2]) {
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
	if u, err := s.UserByToken(context.Background(), Token("new")); err != nil || !cmp.Equal(u, ali) {
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

func testUserAreas(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	ayse := sandik.User{ID: "ayse", Name: "Ayşe Demir", Role: sandik.RoleObserver}
	create(t, s, ayse, "ayse-token")
	create(t, s, sandik.User{ID: "can", Name: "Can", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"b9"}}, "can-token")
	byToken := func(token string) []sandik.AreaCode {
		t.Helper()
		u, err := s.UserByToken(ctx, Token(token))
		if err != nil {
			t.Fatalf("UserByToken(%s): %v", token, err)
		}
		return u.Areas
	}
	if got := byToken("ayse-token"); got != nil {
		t.Errorf("a user created without areas has %v", got)
	}
	if err := s.SetUserAreas(ctx, "ayse", []sandik.AreaCode{"b3", "b1", "b2", "b1"}); err != nil {
		t.Fatalf("SetUserAreas: %v", err)
	}
	if d := cmp.Diff([]sandik.AreaCode{"b1", "b2", "b3"}, byToken("ayse-token")); d != "" {
		t.Errorf("areas after SetUserAreas (-want +got):\n%s", d)
	}
	// A second assignment replaces the first rather than adding to it.
	if err := s.SetUserAreas(ctx, "ayse", []sandik.AreaCode{"b4"}); err != nil {
		t.Fatalf("SetUserAreas: %v", err)
	}
	if d := cmp.Diff([]sandik.AreaCode{"b4"}, byToken("ayse-token")); d != "" {
		t.Errorf("areas after a second SetUserAreas (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]sandik.AreaCode{"b9"}, byToken("can-token")); d != "" {
		t.Errorf("another user's areas changed (-want +got):\n%s", d)
	}
	if err := s.SetUserAreas(ctx, "ayse", nil); err != nil {
		t.Fatalf("SetUserAreas(none): %v", err)
	}
	if got := byToken("ayse-token"); got != nil {
		t.Errorf("areas after clearing = %v; want none", got)
	}
	wantCode(t, s.SetUserAreas(ctx, "nobody", []sandik.AreaCode{"b1"}), sandik.ENotFound, "SetUserAreas(unknown user)")
	users, err := s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []sandik.User{{ID: "ayse", Name: "Ayşe Demir", Role: sandik.RoleObserver},
		{ID: "can", Name: "Can", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"b9"}}}
	if d := cmp.Diff(want, users); d != "" {
		t.Errorf("Users() (-want +got):\n%s", d)
	}
}

// testUserAreasRace has eight writers assign different sets at once: the
// user ends with exactly one of them, never a mixture.
func testUserAreasRace(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	create(t, s, sandik.User{ID: "ayse", Name: "Ayşe", Role: sandik.RoleObserver}, "ayse-token")
	sets := make([][]sandik.AreaCode, 8)
	errs := make(chan error, len(sets))
	for i := range sets {
		sets[i] = []sandik.AreaCode{sandik.AreaCode(fmt.Sprintf("w%d-a", i)), sandik.AreaCode(fmt.Sprintf("w%d-b", i))}
		go func() { errs <- s.SetUserAreas(ctx, "ayse", sets[i]) }()
	}
	for range sets {
		if err := <-errs; err != nil {
			t.Errorf("SetUserAreas: %v", err)
		}
	}
	u, err := s.UserByToken(ctx, Token("ayse-token"))
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range sets {
		if cmp.Equal(set, u.Areas) {
			return
		}
	}
	t.Errorf("after concurrent assignments the user has %v, which no writer assigned", u.Areas)
}

// testSaveUsers creates and assigns users in one go, and a refusal of any
// part leaves every user as it was.
func testSaveUsers(t *testing.T, o Opener) {
	ctx := context.Background()
	s := o.Open(t)
	old := sandik.User{ID: "eski", Name: "Eski", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"b1"}}
	create(t, s, old, "eski-token")
	newUser := func(id string, areas ...sandik.AreaCode) sandik.NewUser {
		return sandik.NewUser{User: sandik.User{ID: sandik.UserID(id), Name: id, Role: sandik.RoleObserver, Areas: areas}, TokenHash: Token(id + "-token")}
	}
	before, err := s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A taken id in the middle: the first new user must not stay behind.
	err = s.SaveUsers(ctx, []sandik.NewUser{newUser("bir", "b2"), newUser("eski"), newUser("iki")}, nil)
	wantCode(t, err, sandik.EConflict, "SaveUsers(taken id)")
	// An unknown user to assign: the new ones must not stay behind either.
	err = s.SaveUsers(ctx, []sandik.NewUser{newUser("bir", "b2")}, []sandik.User{{ID: "yok", Areas: []sandik.AreaCode{"b3"}}})
	wantCode(t, err, sandik.ENotFound, "SaveUsers(unknown user to assign)")
	if after, err := s.Users(ctx); err != nil || !cmp.Equal(before, after) {
		t.Fatalf("refused SaveUsers changed the users: %+v, %v", after, err)
	}
	if err := s.SaveUsers(ctx, []sandik.NewUser{newUser("bir", "b3", "b2"), newUser("iki")}, []sandik.User{{ID: "eski", Areas: []sandik.AreaCode{"b4", "b5"}}}); err != nil {
		t.Fatalf("SaveUsers: %v", err)
	}
	got, err := s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []sandik.User{
		{ID: "bir", Name: "bir", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"b2", "b3"}},
		{ID: "eski", Name: "Eski", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"b4", "b5"}},
		{ID: "iki", Name: "iki", Role: sandik.RoleObserver},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("users after SaveUsers (-want +got):\n%s", d)
	}
	if u, err := s.UserByToken(ctx, Token("bir-token")); err != nil || u.ID != "bir" {
		t.Errorf("a saved user's token finds %+v, %v", u, err)
	}
}

func testTokenHashes(t *testing.T, o Opener) {
	s := o.Open(t)
	ctx := context.Background()
	if got, err := s.TokenHashes(ctx); err != nil || len(got) != 0 {
		t.Fatalf("TokenHashes of a new store = %v, %v", got, err)
	}
	for _, id := range []sandik.UserID{"ali", "ayse"} {
		create(t, s, sandik.User{ID: id, Name: string(id), Role: sandik.RoleObserver}, string(id))
	}
	got, err := s.TokenHashes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[sandik.UserID][32]byte{"ali": Token("ali"), "ayse": Token("ayse")}, got); d != "" {
		t.Fatalf("TokenHashes (-want +got):\n%s", d)
	}
	err = s.CreateUser(ctx, sandik.User{ID: "other", Name: "Other", Role: sandik.RoleObserver}, Token("ali"))
	if sandik.CodeOf(err) != sandik.EConflict || !strings.Contains(err.Error(), "token") {
		t.Fatalf("a new user with a token in use: %v, want EConflict about the token", err)
	}
	wantCode(t, s.SetToken(ctx, "ayse", Token("ali")), sandik.EConflict, "SetToken to a token in use")
}
