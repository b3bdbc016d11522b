package center_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/store/storetest"
)

var now = time.Date(2024, 3, 31, 20, 0, 0, 0, time.UTC)

type fixture struct {
	path  string
	store *sqlite.Store
	c     *center.Center
}

func open(t *testing.T, path string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	c, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{path: path, store: st, c: c}
	t.Cleanup(f.close)
	return f
}

func (f *fixture) close() {
	f.c.Close()
	f.store.Close()
}

func newCenter(t *testing.T) *fixture {
	f := open(t, filepath.Join(t.TempDir(), "c.db"))
	if err := f.c.ImportRegistry(context.Background(), storetest.Registry(t)); err != nil {
		t.Fatal(err)
	}
	return f
}

func n(v int64) *int64 { return &v }

// sheet is a valid input for the fixture race at box: choices ZZ, CHP, AKP.
func sheet(id string, box sandik.AreaCode, zz, chp, akp int64) sandik.SheetInput {
	valid := zz + chp + akp
	return sandik.SheetInput{ID: sandik.SubmissionID(id), Race: storetest.Race, Box: box,
		Registered: n(350), Voted: n(valid + 5), ValidWithoutObjection: n(valid), ValidUponObjection: n(0),
		ValidTotal: n(valid), Invalid: n(5), Votes: map[sandik.ChoiceCode]*int64{"ZZ": n(zz), "CHP": n(chp), "AKP": n(akp)}}
}

var (
	ayse  = sandik.User{ID: "ayse", Name: "Ayşe", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34"}}
	mehm  = sandik.User{ID: "mehmet", Name: "Mehmet", Role: sandik.RoleVolunteer}
	coord = sandik.User{ID: "koord", Name: "Koordinatör", Role: sandik.RoleCoordinator}
)

func submit(t *testing.T, f *fixture, u sandik.User, in ...sandik.SheetInput) []sandik.Receipt {
	t.Helper()
	rs, err := f.c.Submit(context.Background(), u, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.c.WaitFor(context.Background(), rs[len(rs)-1].Seq); err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestVerifiedTotalsSurviveRestart(t *testing.T) {
	f := newCenter(t)
	submit(t, f, ayse, sheet("a1", storetest.Box1, 10, 200, 100))
	submit(t, f, mehm, sheet("m1", storetest.Box1, 10, 200, 100))
	submit(t, f, ayse, sheet("a2", storetest.Box2, 5, 100, 150))
	before, err := f.c.View(admin).Totals(storetest.Race, "34")
	if err != nil {
		t.Fatal(err)
	}
	tt := before.Totals
	if tt.BoxesExpected != 2 || tt.BoxesReported != 2 || tt.BoxesVerified != 1 || tt.BoxesPending != 1 {
		t.Fatalf("box counts %+v", tt)
	}
	if !slices.Equal(tt.Verified.Votes, []int64{10, 200, 100}) || !slices.Equal(tt.Provisional.Votes, []int64{15, 300, 250}) {
		t.Fatalf("verified %v provisional %v", tt.Verified.Votes, tt.Provisional.Votes)
	}
	f.close()
	g := open(t, f.path)
	after, err := g.c.View(admin).Totals(storetest.Race, "34")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Fatalf("totals after restart differ:\n%s", diff)
	}
}

func TestBatchIsAllOrNothing(t *testing.T) {
	f := newCenter(t)
	bad := sheet("b2", storetest.Box2, 1, 2, 3)
	bad.Votes["AKP"] = n(4) // no longer adds up
	_, err := f.c.Submit(context.Background(), ayse, []sandik.SheetInput{sheet("b1", storetest.Box1, 1, 2, 3), bad})
	if sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("got %v", err)
	}
	ps := sandik.ProblemsOf(err)
	if len(ps) != 1 || ps[0].Field != "items[1].votes" || ps[0].Rule != sandik.RuleChoicesSum {
		t.Fatalf("problems %+v", ps)
	}
	if seq, _ := f.store.LastSeq(context.Background()); seq != 0 {
		t.Fatalf("a rejected batch wrote %d submissions", seq)
	}
	if _, err := f.c.Submit(context.Background(), ayse, nil); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("empty batch: %v", err)
	}
	many := make([]sandik.SheetInput, center.MaxBatch+1)
	if _, err := f.c.Submit(context.Background(), ayse, many); sandik.CodeOf(err) != sandik.ETooLarge {
		t.Fatalf("oversized batch: %v", err)
	}
	twice := sheet("same", storetest.Box1, 1, 2, 3)
	other := sheet("same", storetest.Box2, 1, 2, 3)
	if _, err := f.c.Submit(context.Background(), ayse, []sandik.SheetInput{twice, other}); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("one id for two different sheets in a batch: %v", err)
	}
}

func TestRetryIsRecognised(t *testing.T) {
	f := newCenter(t)
	in := sheet("r1", storetest.Box1, 1, 2, 3)
	first := submit(t, f, ayse, in)[0]
	again := submit(t, f, ayse, in)[0]
	if !again.Replayed || again.Seq != first.Seq || !again.ReceivedAt.Equal(first.ReceivedAt) {
		t.Fatalf("retry %+v, first %+v", again, first)
	}
	changed := sheet("r1", storetest.Box1, 1, 3, 2)
	if _, err := f.c.Submit(context.Background(), ayse, []sandik.SheetInput{changed}); sandik.CodeOf(err) != sandik.EConflict {
		t.Fatalf("same id, other content: %v", err)
	}
	// Another user reusing the id is a different submission too.
	if _, err := f.c.Submit(context.Background(), mehm, []sandik.SheetInput{in}); sandik.CodeOf(err) != sandik.EConflict {
		t.Fatalf("same id, other user: %v", err)
	}
	if seq, _ := f.store.LastSeq(context.Background()); seq != 1 {
		t.Fatalf("log holds %d submissions, want 1", seq)
	}
	got, err := f.c.View(admin).Submission(context.Background(), "r1")
	if err != nil || got.Seq != first.Seq || got.User != "ayse" {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	if _, err := f.c.View(admin).Submission(context.Background(), "nope"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("unknown id: %v", err)
	}
}

func TestWarningsAreKeptOnReplay(t *testing.T) {
	f := newCenter(t)
	in := sheet("w1", storetest.Box1, 100, 200, 100)
	in.Registered = n(300) // 405 voted
	first := submit(t, f, ayse, in)[0]
	again := submit(t, f, ayse, in)[0]
	want := sandik.WarnVotedOverRegistered | sandik.WarnRegisteredMismatch
	if first.Warnings != want || again.Warnings != want {
		t.Fatalf("warnings %v then %v, want %v", first.Warnings.Names(), again.Warnings.Names(), want.Names())
	}
}

func TestConflictAndAdjudication(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	submit(t, f, ayse, sheet("a", storetest.Box1, 10, 200, 100))
	submit(t, f, mehm, sheet("m", storetest.Box1, 10, 201, 99))
	d, err := f.c.View(admin).Box(ctx, storetest.Race, storetest.Box1)
	if err != nil {
		t.Fatal(err)
	}
	if d.State.Status != sandik.StatusConflict || len(d.Entries) != 2 {
		t.Fatalf("status %s with %d entries", d.State.Status, len(d.Entries))
	}
	want := []center.FieldDiff{{Field: "votes.CHP", Values: []int64{200, 201}}, {Field: "votes.AKP", Values: []int64{100, 99}}}
	if diff := cmp.Diff(want, d.Diffs); diff != "" {
		t.Fatalf("diffs:\n%s", diff)
	}
	cs, _ := f.c.View(admin).Conflicts(storetest.Race, "", 0)
	if len(cs) != 1 || cs[0].Box != storetest.Box1 {
		t.Fatalf("conflicts %+v", cs)
	}
	decision := sheet("adj", storetest.Box1, 10, 200, 100)
	if _, err := f.c.Adjudicate(ctx, ayse, decision); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("observer adjudicating: %v", err)
	}
	if _, err := f.c.Adjudicate(ctx, coord, decision); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("adjudication without a reason: %v", err)
	}
	decision.Reason = "tutanak fotoğrafı incelendi"
	r, err := f.c.Adjudicate(ctx, coord, decision)
	if err != nil {
		t.Fatal(err)
	}
	f.c.WaitFor(ctx, r.Seq)
	d, _ = f.c.View(admin).Box(ctx, storetest.Race, storetest.Box1)
	if d.State.Status != sandik.StatusAdjudicated || !slices.Equal(d.State.Resolved.Votes, []int64{10, 200, 100}) {
		t.Fatalf("after adjudication: %s %v", d.State.Status, d.State.Resolved)
	}
	if cs, _ := f.c.View(admin).Conflicts(storetest.Race, "", 0); len(cs) != 0 {
		t.Fatalf("conflict still listed: %+v", cs)
	}
}

func TestUsersAndTokens(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	token, err := f.c.CreateUser(ctx, ayse)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := f.c.Authenticate(ctx, token); err != nil || !reflect.DeepEqual(u, ayse) {
		t.Fatalf("authenticate: %+v %v", u, err)
	}
	for _, bad := range []string{"", "sdk_wrong"} {
		if _, err := f.c.Authenticate(ctx, bad); sandik.CodeOf(err) != sandik.EUnauthorized {
			t.Fatalf("token %q: %v", bad, err)
		}
	}
	if _, err := f.c.CreateUser(ctx, ayse); sandik.CodeOf(err) != sandik.EConflict {
		t.Fatalf("same user twice: %v", err)
	}
	if _, err := f.c.CreateUser(ctx, sandik.User{ID: "x", Name: "X", Role: "king"}); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("bad role: %v", err)
	}
	fresh, err := f.c.ResetToken(ctx, "ayse")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Authenticate(ctx, token); sandik.CodeOf(err) != sandik.EUnauthorized {
		t.Fatalf("old token still works after reset (cache not cleared): %v", err)
	}
	if u, err := f.c.Authenticate(ctx, fresh); err != nil || u.ID != "ayse" {
		t.Fatalf("new token: %v", err)
	}
	if _, err := f.c.ResetToken(ctx, "nobody"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("reset of unknown user: %v", err)
	}
	if _, err := f.c.Submit(ctx, sandik.User{ID: "ghost"}, []sandik.SheetInput{sheet("g", storetest.Box1, 1, 1, 1)}); sandik.CodeOf(err) != sandik.EForbidden {
		t.Fatalf("user without a role submitting: %v", err)
	}
}

func TestImportRegistryIsIdempotentAndAtomic(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	submit(t, f, ayse, sheet("a", storetest.Box1, 1, 2, 3))
	if err := f.c.ImportRegistry(ctx, storetest.Registry(t)); err != nil {
		t.Fatalf("same registry again: %v", err)
	}
	reg := storetest.Registry(t)
	contra := slices.Clone(reg.Registrations)
	contra[0].Registered++
	bad, err := sandik.NewRegistry(reg.Areas, reg.Elections, reg.Races, contra)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.c.ImportRegistry(ctx, bad); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("contradicting registry: %v", err)
	}
	stored, _ := f.store.LoadRegistry(ctx)
	if n, _ := stored.Registered(contra[0].Election, contra[0].Box); n != reg.Registrations[0].Registered {
		t.Fatalf("a rejected import changed the stored registry")
	}
	// A rebuild after import keeps what was counted.
	tot, _ := f.c.View(admin).Totals(storetest.Race, "34")
	if tot.Totals.BoxesReported != 1 || tot.Seq != 1 {
		t.Fatalf("totals after import: %+v", tot.Totals)
	}
	if f.c.Err() != nil {
		t.Fatalf("follower error: %v", f.c.Err())
	}
}

func TestUnknownRaceAndAreaAreNotFound(t *testing.T) {
	f := newCenter(t)
	ctx := context.Background()
	if _, err := f.c.View(admin).Totals("nope", "34"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatal(err)
	}
	if _, err := f.c.View(admin).Box(ctx, storetest.Race, "nowhere"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatal(err)
	}
	if _, err := f.c.View(admin).Conflicts(storetest.Race, "nowhere", 0); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatal(err)
	}
}

func TestWaitForSurvivesRegistryImport(t *testing.T) {
	f := newCenter(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	seq := f.c.Seq()
	done := make(chan error, 1)
	go func() { done <- f.c.WaitFor(ctx, seq+1) }()
	if err := f.c.ImportRegistry(ctx, storetest.Extra(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.Submit(ctx, ayse, []sandik.SheetInput{sheet("after-import", storetest.Box1, 1, 2, 3)}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("WaitFor across an import: %v", err)
	}
}

// within reports how long cond took to hold, failing after a second.
func within(t *testing.T, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Since(start) > time.Second {
			t.Fatalf("%s: not after a second", what)
		}
		<-tick.C
	}
	return time.Since(start)
}

// A token reset or areas changed by one process (another instance, the
// CLI) take effect on every other within the store's poll of the user
// generation (20 ms), however long its user cache would trust the user.
func TestTokenResetElsewhereRefusedAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The server would trust a user it read for an hour; its clock
	// stands still.
	clock := time.Date(2019, 3, 31, 20, 0, 0, 0, time.UTC)
	server, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return clock }, UserCacheTTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	if err := server.ImportRegistry(ctx, storetest.Registry(t)); err != nil {
		t.Fatal(err)
	}
	other, err := sqlite.Open(ctx, sqlite.Options{Path: path}) // another process's connection
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	cli, err := center.Open(ctx, center.Config{Store: other})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	token, err := cli.CreateUser(ctx, ayse)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Authenticate(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.AssignAreas(ctx, ayse.ID, []sandik.AreaCode{storetest.Box1}); err != nil {
		t.Fatal(err)
	}
	took := within(t, "areas changed elsewhere", func() bool {
		u, err := server.Authenticate(ctx, token)
		return err == nil && slices.Equal(u.Areas, []sandik.AreaCode{storetest.Box1})
	})
	t.Logf("areas changed by another process seen after %v", took)
	fresh, err := cli.ResetToken(ctx, ayse.ID)
	if err != nil {
		t.Fatal(err)
	}
	took = within(t, "a token replaced by another process", func() bool {
		_, err := server.Authenticate(ctx, token)
		return sandik.CodeOf(err) == sandik.EUnauthorized
	})
	t.Logf("a token replaced by another process refused after %v", took)
	if took > 250*time.Millisecond {
		t.Errorf("a revoked token worked for %v", took)
	}
	if _, err := server.Authenticate(ctx, fresh); err != nil {
		t.Fatalf("the new token: %v", err)
	}
}

// failingLog fails every Since once armed, like a store that has lost its
// disk.
type failingLog struct {
	sandik.Store
	armed atomic.Bool
	calls atomic.Int64
}

func (f *failingLog) Since(ctx context.Context, after int64, limit int) ([]sandik.Submission, error) {
	if f.armed.Load() {
		f.calls.Add(1)
		return nil, errors.New("disk gone")
	}
	return f.Store.Since(ctx, after, limit)
}

func TestFollowerBacksOffWhenTheLogFails(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "c.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fl := &failingLog{Store: st}
	c, err := center.Open(ctx, center.Config{Store: fl, Poll: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fl.armed.Store(true)
	// A write wakes the follower, which then cannot read the log.
	if err := c.ImportRegistry(ctx, storetest.Registry(t)); err == nil {
		t.Fatal("import succeeded while the log could not be read")
	}
	if _, err := c.Submit(ctx, coord, []sandik.SheetInput{sheet("x", storetest.Box1, 1, 2, 3)}); sandik.CodeOf(err) != sandik.EInvalid {
		t.Fatalf("submit against the old (empty) registry: %v", err)
	}
	st.Append(ctx, []sandik.Submission{storetest.Sub("wake", storetest.Box1, 1, 2, 3)})
	deadline := time.Now().Add(time.Second)
	for c.Err() == nil && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	if c.Err() == nil {
		t.Fatal("the follower's failure is not reported by Err")
	}
	start := fl.calls.Load()
	<-time.After(500 * time.Millisecond)
	// Without backoff this loop ran hundreds of thousands of times a second.
	if n := fl.calls.Load() - start; n > 10 {
		t.Fatalf("the follower read the failing log %d times in 0.5 s", n)
	}
}
