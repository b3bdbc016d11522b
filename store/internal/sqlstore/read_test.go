package sqlstore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/internal/commitq"
	"github.com/sandik-dev/sandik/store/storetest"
)

var areaQueries = UserQueries{Of: "areas of", All: "all areas"}

// Users come with their areas; a user without areas has none (nil), as
// one created without them.
func TestUsers(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	f.rows["users"] = [][]any{{"ali", "Ali", "admin", "", false}, {"ayse", "Ayşe", "observer", "k-1", false}, {"eski", "Eski", "observer", "", true}}
	f.rows["all areas"] = [][]any{{"ayse", "34.1"}, {"ayse", "34.2"}}
	f.rows["by token"] = [][]any{{"ayse", "Ayşe", "observer", "k-1", false}}
	f.rows["areas of"] = [][]any{{"34.1"}, {"34.2"}}
	users, err := Users(ctx, f.db(), "users", areaQueries)
	want := []sandik.User{{ID: "ali", Name: "Ali", Role: sandik.RoleAdmin},
		{ID: "ayse", Name: "Ayşe", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34.1", "34.2"}, Person: "k-1"},
		{ID: "eski", Name: "Eski", Role: sandik.RoleObserver, Removed: true}}
	if d := cmp.Diff(want, users); err != nil || d != "" {
		t.Errorf("Users: %v (-want +got):\n%s", err, d)
	}
	u, err := UserByToken(ctx, f.db(), "by token", areaQueries, [32]byte{7})
	if d := cmp.Diff(want[1], u); err != nil || d != "" || f.args["areas of"][0] != "ayse" {
		t.Errorf("UserByToken: %v (-want +got):\n%s", err, d)
	}
	if _, err := UserByToken(ctx, f.db(), "nobody", areaQueries, [32]byte{7}); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("an unknown token: %v", err)
	}
	delete(f.rows, "areas of")
	if u, err := UserByToken(ctx, f.db(), "by token", areaQueries, [32]byte{7}); err != nil || u.Areas != nil {
		t.Errorf("a user without areas: %#v, %v", u.Areas, err)
	}
}

func TestTokenHashes(t *testing.T) {
	f := newFake()
	hash := storetest.Token("a")
	f.rows["hashes"] = [][]any{{"ali", hash[:]}}
	f.rows["short"] = [][]any{{"ali", []byte{1, 2}}}
	got, err := TokenHashes(context.Background(), f.db(), "hashes")
	if err != nil || got["ali"] != storetest.Token("a") || len(got) != 1 {
		t.Errorf("TokenHashes = %v, %v", got, err)
	}
	if _, err := TokenHashes(context.Background(), f.db(), "short"); err == nil || !strings.Contains(err.Error(), "token hash of 2 bytes") {
		t.Errorf("a damaged hash: %v", err)
	}
}

func TestUserWrites(t *testing.T) {
	ctx := context.Background()
	var create []sandik.NewUser
	var areas []sandik.User
	fail := errors.New("disk full")
	w := NewUserWrites("fake", func(_ context.Context, c []sandik.NewUser, a []sandik.User) error {
		create, areas = c, a
		return fail
	})
	err := w.CreateUser(ctx, sandik.User{ID: "ali"}, [32]byte{1})
	if !errors.Is(err, fail) || err.Error() != `fake: create user "ali": disk full` || len(create) != 1 || create[0].TokenHash != [32]byte{1} || areas != nil {
		t.Errorf("CreateUser: %v, %+v, %+v", err, create, areas)
	}
	err = w.SetUserAreas(ctx, "ali", []sandik.AreaCode{"34"})
	if !errors.Is(err, fail) || create != nil || len(areas) != 1 || areas[0].Areas[0] != "34" {
		t.Errorf("SetUserAreas: %v, %+v, %+v", err, create, areas)
	}
	if err := w.SaveUsers(ctx, nil, nil); !strings.Contains(err.Error(), "save 0 new and 0 assigned users") {
		t.Errorf("SaveUsers: %v", err)
	}
	if UserTaken("ali", true).Message == UserTaken("ali", false).Message {
		t.Error("a taken id and a taken token read alike")
	}
}

// A session comes with its user, whose areas come with them.
func TestSessionUser(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	token := storetest.Token("t")
	f.rows["session"] = [][]any{{token[:], int64(1e9), int64(2e9), "ayse", "Ayşe", "observer", "k-1", false}}
	f.rows["short"] = [][]any{{[]byte{1}, int64(1e9), int64(2e9), "ayse", "Ayşe", "observer", "", false}}
	f.rows["areas of"] = [][]any{{"34.1"}}
	ss, u, err := SessionUser(ctx, f.db(), "session", areaQueries, [32]byte{9})
	wantSS := sandik.Session{ID: [32]byte{9}, TokenHash: token, User: "ayse", Created: time.Unix(1, 0).UTC(), Seen: time.Unix(2, 0).UTC()}
	if err != nil || ss != wantSS || u.ID != "ayse" || u.Role != sandik.RoleObserver || len(u.Areas) != 1 || u.Person != "k-1" {
		t.Errorf("SessionUser = %+v, %+v, %v", ss, u, err)
	}
	if _, _, err := SessionUser(ctx, f.db(), "none", areaQueries, [32]byte{9}); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("no session: %v", err)
	}
	if _, _, err := SessionUser(ctx, f.db(), "short", areaQueries, [32]byte{9}); err == nil || sandik.CodeOf(err) != sandik.EInternal {
		t.Errorf("a damaged token hash: %v", err)
	}
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	f.rows["one"] = [][]any{{"k", `{"a":1}`, 3, "ali", int64(5e9)}}
	st, err := Setting(ctx, f.db(), "one", "k")
	want := sandik.Setting{Key: "k", Value: []byte(`{"a":1}`), Version: 3, UpdatedBy: "ali", UpdatedAt: time.Unix(5, 0).UTC()}
	if d := cmp.Diff(want, st); err != nil || d != "" || f.args["one"][0] != "k" {
		t.Errorf("Setting: %v (-want +got):\n%s", err, d)
	}
	if _, err := Setting(ctx, f.db(), "none", "k"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("no setting: %v", err)
	}
	if all, err := Settings(ctx, f.db(), "one"); err != nil || len(all) != 1 {
		t.Errorf("Settings = %v, %v", all, err)
	}
	if err := SettingMoved("k", 4, 3); sandik.CodeOf(err) != sandik.EConflict || !strings.Contains(err.Error(), "version 4, not 3") {
		t.Errorf("SettingMoved: %v", err)
	}
}

// registryRows answers ReadRegistry's statements with reg's records.
func registryRows(f *fakeDB, order string, reg *sandik.Registry) {
	var areas, elections, races, choices, regs [][]any
	for _, a := range reg.Areas {
		areas = append(areas, []any{string(a.Code), string(a.Parent), int64(a.Level), a.Name, a.YSKID})
	}
	for _, e := range reg.Elections {
		elections = append(elections, []any{string(e.Code), e.Name, e.Date.Format(time.RFC3339Nano), int64(e.Quorum)})
	}
	for _, rc := range reg.Races {
		races = append(races, []any{string(rc.Code), string(rc.Election), rc.Name, string(rc.Scope), int64(rc.Marks)})
		for _, ch := range rc.Choices {
			choices = append(choices, []any{string(rc.Code), string(ch.Code), ch.Name})
		}
	}
	for _, g := range reg.Registrations {
		regs = append(regs, []any{string(g.Election), string(g.Box), g.Registered})
	}
	for table, rows := range map[string][][]any{"areas": areas, "elections": elections, "races": races, "registrations": regs} {
		for q := range f.statements(table, order) {
			f.rows[q] = rows
		}
	}
	f.rows[`SELECT race, code, name FROM race_choices ORDER BY race, pos`] = choices
}

// statements yields the statements of ReadRegistry that read table.
func (f *fakeDB) statements(table, order string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for _, q := range []string{
			`SELECT code, coalesce(parent, ''), level, name, ysk_id FROM areas ORDER BY `,
			`SELECT code, name, date, quorum FROM elections ORDER BY `,
			`SELECT code, election, name, scope, marks FROM races ORDER BY `,
			`SELECT election, box, registered FROM registrations ORDER BY `,
		} {
			if strings.Contains(q, "FROM "+table+" ") && !yield(q+order) {
				return
			}
		}
	}
}

// The registry read back is the one stored; a registry to save yields
// only the records not stored, and nothing when it contradicts them.
func TestRegistry(t *testing.T) {
	ctx := context.Background()
	reg := storetest.Registry(t)
	f := newFake()
	registryRows(f, "ord", reg)
	got, err := ReadRegistry(ctx, f.query, "ord")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(reg.Races, got.Races); d != "" || len(got.Areas) != len(reg.Areas) || len(got.Registrations) != len(reg.Registrations) {
		t.Errorf("registry read back differs (-want +got):\n%s", d)
	}

	empty := newFake()
	recs, err := Unsaved(ctx, empty.query, "rowid", reg)
	if err != nil || len(recs.Areas) != len(reg.Areas) || len(recs.Races) != len(reg.Races) || recs.Areas[0] != reg.Areas[0] {
		t.Errorf("Unsaved into an empty store: %d areas, %d races, %v", len(recs.Areas), len(recs.Races), err)
	}
	if recs, err := Unsaved(ctx, f.query, "ord", reg); err != nil || len(recs.Areas)+len(recs.Elections)+len(recs.Races)+len(recs.Registrations) != 0 {
		t.Errorf("Unsaved of the stored registry: %+v, %v", recs, err)
	}
	changed := storetest.Registry(t)
	changed.Races[0].Name = "another name"
	changed.Registrations[0].Registered++
	_, err = Unsaved(ctx, f.query, "ord", changed)
	if sandik.CodeOf(err) != sandik.EConflict || len(sandik.ProblemsOf(err)) != 2 {
		t.Errorf("Unsaved of a contradicting registry: %v", err)
	}

	bad := newFake()
	registryRows(bad, "ord", reg)
	bad.rows[`SELECT race, code, name FROM race_choices ORDER BY race, pos`] = [][]any{{"no-such-race", "x", "X"}}
	if _, err := ReadRegistry(ctx, bad.query, "ord"); err == nil || !strings.Contains(err.Error(), "race choices") {
		t.Errorf("a choice of an unknown race: %v", err)
	}
}

// The log reads size pages by the notifier's head, answer a missing id
// with ENotFound, and wait on the notifier.
func TestLogReads(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	f.rows["head"] = [][]any{{int64(42)}}
	var hints []int
	read := func(_ context.Context, hint int, query string, args ...any) ([]sandik.Submission, error) {
		hints = append(hints, hint)
		if query == "by id" && args[0] == "known" {
			return []sandik.Submission{{ID: "known"}}, nil
		}
		if query == "broken" {
			return nil, errors.New("connection lost")
		}
		return nil, nil
	}
	var n commitq.Notifier
	n.Publish(30)
	l := NewLogReads(f.db(), LogQueries{Since: "since", ByID: "by id", ByBox: "by box", Head: "head"}, read, &n, nil)
	if subs, err := l.Since(ctx, 10, 0); err != nil || subs == nil || len(subs) != 0 || len(hints) != 0 {
		t.Errorf("Since with no room: %v, %v", subs, err)
	}
	for _, c := range []struct {
		after int64
		limit int
	}{{10, 1000}, {10, 5}, {40, 5}} {
		if _, err := l.Since(ctx, c.after, c.limit); err != nil {
			t.Fatal(err)
		}
	}
	if want := []int{20, 5, 0}; !cmp.Equal(hints, want) {
		t.Errorf("page hints %v, want %v", hints, want)
	}
	if s, err := l.Submission(ctx, "known"); err != nil || s.ID != "known" {
		t.Errorf("Submission(known) = %+v, %v", s, err)
	}
	if _, err := l.Submission(ctx, "unknown"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Errorf("Submission(unknown): %v", err)
	}
	if seq, err := l.LastSeq(ctx); err != nil || seq != 42 {
		t.Errorf("LastSeq = %d, %v", seq, err)
	}
	broken := NewLogReads(f.db(), LogQueries{ByBox: "broken"}, read, &n, nil)
	if _, err := broken.BoxSubmissions(ctx, "r", "b"); err == nil || !strings.HasPrefix(err.Error(), `fake: read submissions of box "b" race "r": `) {
		t.Errorf("a failed read: %v", err)
	}
	synctest.Test(t, func(t *testing.T) {
		var n commitq.Notifier
		l := NewLogReads(f.db(), LogQueries{}, read, &n, nil)
		done := make(chan error, 1)
		go func() { done <- l.WaitFor(context.Background(), 1, 0) }()
		synctest.Wait()
		n.Publish(2)
		if err := <-done; err != nil {
			t.Errorf("WaitFor: %v", err)
		}
	})
}
