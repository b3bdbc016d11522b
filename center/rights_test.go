package center_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/postgres"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/store/storetest"
)

// clock is a controllable now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// backends opens an empty store of each kind: SQLite always, PostgreSQL
// where a server is given (and always in CI).
func backends(t *testing.T) map[string]func(t *testing.T) sandik.Store {
	return map[string]func(t *testing.T) sandik.Store{
		"sqlite": func(t *testing.T) sandik.Store {
			s, err := sqlite.Open(context.Background(), sqlite.Options{Path: filepath.Join(t.TempDir(), "r.db")})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(t *testing.T) sandik.Store {
			s, err := postgres.Open(context.Background(), postgres.Options{URL: pgtest.Schema(t)})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
}

func istanbul(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, sandik.Istanbul())
	if err != nil {
		panic(err)
	}
	return t
}

// openRights opens a centre on st with the test registry, the fixture
// organisation and a clock, caching users for an hour so that only the
// rule of Authenticate, not a short TTL, ends a right.
func openRights(t *testing.T, st sandik.Store, clk *clock) *center.Center {
	t.Helper()
	ctx := context.Background()
	c, err := center.Open(ctx, center.Config{Store: st, Now: clk.now, UserCacheTTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.ImportRegistry(ctx, rightsRegistry(t)); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveOrg(ctx, storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	return c
}

// rightsRegistry is the test registry with the fixture organisation's
// areas added.
func rightsRegistry(t *testing.T) *sandik.Registry {
	reg, err := sandik.NewRegistry([]sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.0135", Parent: "34", Level: sandik.LevelIlce, Name: "Kadıköy"},
		{Code: "34.0135.144920", Parent: "34.0135", Level: sandik.LevelMahalle, Name: "Caferağa"},
		{Code: "34.0135.144920.1001", Parent: "34.0135.144920", Level: sandik.LevelSandik, Name: "1001"},
		{Code: "34.0101", Parent: "34", Level: sandik.LevelIlce, Name: "Adalar"},
		{Code: "34.0101.1.2001", Parent: "34.0101", Level: sandik.LevelSandik, Name: "2001"},
	}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestRightEndsWithTheTerm: a district chair's term ends on 2026-12-31;
// the user linked to them adjudicates in the district at 23:59:59 of
// that day İstanbul time and is refused one second later, through the
// real Authenticate (with an hour's cache) and Allow, on both backends.
func TestRightEndsWithTheTerm(t *testing.T) {
	for name, open := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := open(t)
			clk := &clock{t: istanbul("2026-12-31 12:00:00")}
			c := openRights(t, st, clk)
			admin := sandik.User{ID: "root", Role: sandik.RoleAdmin}
			if _, err := c.EndPosition(ctx, admin, "g-5", "2026-12-31", "kongre"); err != nil {
				t.Fatal(err)
			}
			token, err := c.CreateUserAs(ctx, admin, sandik.User{ID: "zeynep", Name: "Zeynep Kaya", Role: sandik.RoleObserver, Person: "k-3"})
			if err != nil {
				t.Fatal(err)
			}
			allowed := func() error {
				u, err := c.Authenticate(ctx, token)
				if err != nil {
					t.Fatal(err)
				}
				return c.Registry().Allow(u, sandik.ActionAdjudicate, "34.0135.144920.1001")
			}
			if err := allowed(); err != nil {
				t.Fatalf("at noon of the last day: %v", err)
			}
			clk.set(istanbul("2026-12-31 23:59:59"))
			if err := allowed(); err != nil {
				t.Fatalf("at 23:59:59 of the last day: %v", err)
			}
			if u, _ := c.Authenticate(ctx, token); u.Role != sandik.RoleCoordinator {
				t.Fatalf("at 23:59:59: %+v, want a coordinator", u)
			}
			clk.set(istanbul("2027-01-01 00:00:00"))
			err = allowed()
			if sandik.CodeOf(err) != sandik.EForbidden {
				t.Fatalf("a second after the term: %v, want EForbidden", err)
			}
			if u, _ := c.Authenticate(ctx, token); u.Role != sandik.RoleObserver || len(u.Areas) != 0 {
				t.Errorf("after the term: %+v, want an observer with no box", u)
			}
		})
	}
}

// TestGrantExpiresAndRevokes: a grant until a day holds to its last
// second; revoking one ends it on the next request even while cached.
func TestGrantExpiresAndRevokes(t *testing.T) {
	ctx := context.Background()
	st := backends(t)["sqlite"](t)
	clk := &clock{t: istanbul("2026-05-01 09:00:00")}
	c := openRights(t, st, clk)
	admin := sandik.User{ID: "root", Role: sandik.RoleAdmin}
	token, err := c.CreateUserAs(ctx, admin, sandik.User{ID: "av", Name: "Avukat", Role: sandik.RoleObserver})
	if err != nil {
		t.Fatal(err)
	}
	until, _ := sandik.ParseUntil("2026-05-02")
	g, err := c.GrantAs(ctx, admin, sandik.Grant{ID: "y-1", User: "av", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34.0101"}, Until: until, Reason: "seçim gecesi"})
	if err != nil {
		t.Fatal(err)
	}
	role := func() sandik.Role {
		u, err := c.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		return u.Role
	}
	if r := role(); r != sandik.RoleLawyer {
		t.Fatalf("with the grant: %s", r)
	}
	clk.set(istanbul("2026-05-02 23:59:59"))
	if r := role(); r != sandik.RoleLawyer {
		t.Fatalf("at the grant's last second: %s", r)
	}
	clk.set(istanbul("2026-05-03 00:00:00"))
	if r := role(); r != sandik.RoleObserver {
		t.Fatalf("after the grant: %s", r)
	}
	clk.set(istanbul("2026-05-01 10:00:00"))
	if r := role(); r != sandik.RoleLawyer {
		t.Fatalf("back within the grant: %s", r)
	}
	if _, err := c.RevokeGrantAs(ctx, admin, "av", g.ID); err != nil {
		t.Fatal(err)
	}
	if r := role(); r != sandik.RoleObserver {
		t.Fatalf("after revoking: %s", r)
	}
}

// TestDelegation: a district coordinator (by their chair's term) creates
// an observer in their district, not in the next; cannot make a
// coordinator or an administrator; cannot grant beyond their areas; and
// cannot record a chair of their own district or a term in another.
func TestDelegation(t *testing.T) {
	ctx := context.Background()
	st := backends(t)["sqlite"](t)
	clk := &clock{t: istanbul("2026-05-01 09:00:00")}
	c := openRights(t, st, clk)
	admin := sandik.User{ID: "root", Role: sandik.RoleAdmin}
	token, err := c.CreateUserAs(ctx, admin, sandik.User{ID: "kadikoy", Name: "Kadıköy", Role: sandik.RoleObserver, Person: "k-3"})
	if err != nil {
		t.Fatal(err)
	}
	chair, err := c.Authenticate(ctx, token)
	if err != nil || chair.Role != sandik.RoleCoordinator {
		t.Fatalf("the chair's user: %+v, %v", chair, err)
	}
	forbidden := func(what string, err error) {
		t.Helper()
		if sandik.CodeOf(err) != sandik.EForbidden {
			t.Errorf("%s: %v, want EForbidden", what, err)
		}
	}
	if _, err := c.CreateUserAs(ctx, chair, sandik.User{ID: "m1", Name: "Müşahit", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34.0135.144920.1001"}}); err != nil {
		t.Errorf("an observer in the district: %v", err)
	}
	_, err = c.CreateUserAs(ctx, chair, sandik.User{ID: "m2", Name: "Müşahit", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34.0101.1.2001"}})
	forbidden("an observer in the next district", err)
	_, err = c.CreateUserAs(ctx, chair, sandik.User{ID: "k2", Name: "Koordinatör", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135"}})
	forbidden("a coordinator of the district", err)
	_, err = c.CreateUserAs(ctx, chair, sandik.User{ID: "a2", Name: "Yönetici", Role: sandik.RoleAdmin})
	forbidden("an administrator", err)
	until, _ := sandik.ParseUntil("2026-05-02")
	_, err = c.GrantAs(ctx, chair, sandik.Grant{ID: "y-9", User: "m1", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34"}, Until: until, Reason: "gece"})
	forbidden("a grant over the province", err)
	if _, err := c.GrantAs(ctx, chair, sandik.Grant{ID: "y-8", User: "m1", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34.0135"}, Until: until, Reason: "gece"}); err != nil {
		t.Errorf("a lawyer's grant in the district: %v", err)
	}
	err = c.SaveOrg(ctx, chair, sandik.OrgChange{Positions: []sandik.Position{{ID: "g-20", Kind: "secim_sorumlusu", Unit: "34.0135", Person: "k-4", Start: "2026-05-01", Source: sandik.SourceAppointment}}})
	forbidden("a coordinator's position in their own district", err)
	if !strings.Contains(sandik.MessageOf(err)+err.Error(), "secim_sorumlusu") {
		t.Errorf("refusal does not name the kind: %v", err)
	}
	err = c.SaveOrg(ctx, chair, sandik.OrgChange{Positions: []sandik.Position{{ID: "g-21", Kind: "yonetim_kurulu_uyesi", Unit: "34", Person: "k-4", Start: "2026-05-01", Source: sandik.SourceAppointment}}})
	forbidden("a term in the province's unit", err)
	if err := c.SaveOrg(ctx, chair, sandik.OrgChange{Positions: []sandik.Position{{ID: "g-22", Kind: "yonetim_kurulu_uyesi", Unit: "34.0135", Person: "k-4", Start: "2026-05-01", Source: sandik.SourceAppointment}}}); err != nil {
		t.Errorf("a board member in the district: %v", err)
	}
	if _, err := c.CreateUserAs(ctx, admin, sandik.User{ID: "il", Name: "İl", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34"}}); err != nil {
		t.Fatal(err)
	}
	forbidden("removing the province's coordinator", c.RemoveUserAs(ctx, chair, "il"))
	_, err = c.CreateUserAs(ctx, chair, sandik.User{ID: "k3b", Name: "İkinci", Role: sandik.RoleObserver, Person: "k-3"})
	forbidden("a user linked to their own district's chair", err)
	if _, err := c.CreateUserAs(ctx, chair, sandik.User{ID: "k4", Name: "Üye", Role: sandik.RoleObserver, Person: "k-4"}); err != nil {
		t.Errorf("a user linked to a board member (no rights): %v", err)
	}
	if _, err := c.LinkPerson(ctx, chair, "k4", "k-1"); err != nil {
		t.Errorf("linking to the former provincial chair, whose term gives nothing now: %v", err)
	}
	_, err = c.LinkPerson(ctx, chair, "k4", "k-2")
	forbidden("linking to the provincial chair", err)
	if err := c.RemoveUserAs(ctx, chair, "k4"); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveUserAs(ctx, chair, "m1"); err != nil {
		t.Errorf("removing their own observer: %v", err)
	}
	if users, _ := st.Users(ctx); len(users) != 4 || !users[1].Removed || !users[3].Removed || users[3].ID != "m1" || users[2].Removed {
		t.Errorf("users %+v, want the province's, the chair's and two removed", users)
	}
}

// TestTermEndedElsewhereSeenAtOnce: another process on the database ends
// a chair's term early; this server, which would trust the user it read
// for an hour, reads them again at once and refuses what the term gave.
func TestTermEndedElsewhereSeenAtOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "e.db")
	st, err := sqlite.Open(ctx, sqlite.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clk := &clock{t: istanbul("2026-06-01 12:00:00")}
	server := openRights(t, st, clk)
	cli := anotherProcess(t, path, clk)
	admin := sandik.User{ID: "root", Role: sandik.RoleAdmin}
	token, err := cli.CreateUserAs(ctx, admin, sandik.User{ID: "zeynep", Name: "Zeynep Kaya", Role: sandik.RoleObserver, Person: "k-3"})
	if err != nil {
		t.Fatal(err)
	}
	if u, err := server.Authenticate(ctx, token); err != nil || u.Role != sandik.RoleCoordinator {
		t.Fatalf("the chair's user: %+v, %v", u, err)
	}
	if _, err := cli.EndPosition(ctx, admin, "g-5", "2026-05-31", "istifa"); err != nil {
		t.Fatal(err)
	}
	took := within(t, "a term ended by another process", func() bool {
		u, err := server.Authenticate(ctx, token)
		return err == nil && u.Role == sandik.RoleObserver
	})
	if took > 250*time.Millisecond {
		t.Errorf("the ended term's rights held for %v", took)
	}
}

// TestObserverBoxesFed: the boxes Config.ObserverBoxes gives a linked
// person make their user an observer of exactly those boxes.
func TestObserverBoxesFed(t *testing.T) {
	ctx := context.Background()
	st := backends(t)["sqlite"](t)
	clk := &clock{t: istanbul("2026-05-01 09:00:00")}
	c, err := center.Open(ctx, center.Config{Store: st, Now: clk.now, ObserverBoxes: func(_ context.Context, p sandik.PersonID) ([]sandik.AreaCode, error) {
		if p == "k-4" {
			return []sandik.AreaCode{"34.0101.1.2001"}, nil
		}
		return nil, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.ImportRegistry(ctx, rightsRegistry(t)); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveOrg(ctx, storetest.OrgFixture()); err != nil {
		t.Fatal(err)
	}
	token, err := c.CreateUserAs(ctx, sandik.User{ID: "root", Role: sandik.RoleAdmin}, sandik.User{ID: "ibo", Name: "İbrahim", Role: sandik.RoleObserver, Person: "k-4"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Registry().Allow(u, sandik.ActionSubmit, "34.0101.1.2001"); err != nil {
		t.Errorf("the assigned box: %v", err)
	}
	if err := c.Registry().Allow(u, sandik.ActionSubmit, "34.0135.144920.1001"); sandik.CodeOf(err) != sandik.EForbidden {
		t.Errorf("a box not assigned: %v", err)
	}
}

// grantCountingStore counts the reads of grants, the first query of every
// reading of a user's rights.
type grantCountingStore struct {
	sandik.Store
	mu     sync.Mutex
	grants int
}

func (s *grantCountingStore) Grants(ctx context.Context, f sandik.GrantFilter) ([]sandik.Grant, error) {
	s.mu.Lock()
	s.grants++
	s.mu.Unlock()
	return s.Store.Grants(ctx, f)
}

func (s *grantCountingStore) reads() int { s.mu.Lock(); defer s.mu.Unlock(); return s.grants }

// TestEffectiveKeptWhileNothingChanges: a user's rights, read for every
// check of a live page's session, are read from the store once while
// nothing changes, and again at once after a grant by this process, a
// term ended by another process (within the store's poll), the TTL, and
// the instant a grant ends; a changed stored user is never answered from
// another's rights.
func TestEffectiveKeptWhileNothingChanges(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "k.db")
	st, err := sqlite.Open(ctx, sqlite.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs := &grantCountingStore{Store: st}
	clk := &clock{t: istanbul("2026-05-01 09:00:00")}
	c := openRights(t, cs, clk) // users and rights kept for an hour
	admin := sandik.User{ID: "root", Role: sandik.RoleAdmin}
	if _, err := c.CreateUserAs(ctx, admin, sandik.User{ID: "zeynep", Name: "Zeynep Kaya", Role: sandik.RoleObserver, Person: "k-3"}); err != nil {
		t.Fatal(err)
	}
	stored := sandik.User{ID: "zeynep", Name: "Zeynep Kaya", Role: sandik.RoleObserver, Person: "k-3"}
	role := func(stored sandik.User) sandik.Role {
		t.Helper()
		u, _, err := c.Effective(ctx, stored)
		if err != nil {
			t.Fatal(err)
		}
		return u.Role
	}
	before := cs.reads()
	for range 5 {
		if r := role(stored); r != sandik.RoleCoordinator {
			t.Fatalf("the chair's user: %s", r)
		}
	}
	if n := cs.reads() - before; n != 1 {
		t.Errorf("five readings of unchanged rights read the store %d times, want 1", n)
	}
	// Another stored user of the same id (its fields changed) is read anew.
	if r := role(sandik.User{ID: "zeynep", Name: "Zeynep Kaya", Role: sandik.RoleObserver}); r != sandik.RoleObserver {
		t.Errorf("the user unlinked from the chair: %s", r)
	}
	// The TTL ends the kept answer.
	n := cs.reads()
	clk.set(istanbul("2026-05-01 10:00:01"))
	role(stored)
	if cs.reads() == n {
		t.Error("rights kept past the TTL")
	}
	// A grant by this process is seen at once, and ends at its instant.
	until, _ := sandik.ParseUntil("2026-05-01")
	if _, err := c.GrantAs(ctx, admin, sandik.Grant{ID: "y-1", User: "zeynep", Role: sandik.RoleAdmin, Until: until, Reason: "seçim gecesi"}); err != nil {
		t.Fatal(err)
	}
	if r := role(stored); r != sandik.RoleAdmin {
		t.Fatalf("with the grant: %s", r)
	}
	clk.set(istanbul("2026-05-02 00:00:00"))
	if r := role(stored); r != sandik.RoleCoordinator {
		t.Fatalf("after the grant's last day: %s", r)
	}
	// A term ended by another process is seen within the store's poll.
	cli := anotherProcess(t, path, clk)
	if _, err := cli.EndPosition(ctx, admin, "g-5", "2026-04-30", "istifa"); err != nil {
		t.Fatal(err)
	}
	within(t, "a term ended by another process", func() bool { return role(stored) == sandik.RoleObserver })
}

// anotherProcess opens a centre on its own connection to the SQLite file
// at path, as the CLI or another server would.
func anotherProcess(t *testing.T, path string, clk *clock) *center.Center {
	t.Helper()
	other, err := sqlite.Open(context.Background(), sqlite.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	cli, err := center.Open(context.Background(), center.Config{Store: other, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}
