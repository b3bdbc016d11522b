package feed_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/feed"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/web/feedhttp"
)

const election = "2024-yerel"

var (
	start = time.Date(2024, 3, 31, 18, 0, 0, 0, time.UTC)
	chp   = sandik.Choice{Code: "chp", Name: "CHP"}
	akp   = sandik.Choice{Code: "ak-parti", Name: "AK PARTİ"}
	raceA = sandik.RaceCode(election + ".meclis.kadikoy")
	raceB = sandik.RaceCode(election + ".meclis.uskudar")
	boxA1 = sandik.AreaCode("34.1.1.1043")
	boxA2 = sandik.AreaCode("34.1.1.1044")
	boxB1 = sandik.AreaCode("34.2.1.2001")
	coord = sandik.User{ID: "koord", Name: "Koordinatör", Role: sandik.RoleCoordinator}
)

func registry(t testing.TB) *sandik.Registry {
	t.Helper()
	areas := []sandik.Area{
		{Code: "34", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.1", Parent: "34", Level: sandik.LevelIlce, Name: "Kadıköy"},
		{Code: "34.1.1", Parent: "34.1", Level: sandik.LevelMahalle, Name: "Moda"},
		{Code: boxA1, Parent: "34.1.1", Level: sandik.LevelSandik, Name: "Sandık 1043"},
		{Code: boxA2, Parent: "34.1.1", Level: sandik.LevelSandik, Name: "Sandık 1044"},
		{Code: "34.2", Parent: "34", Level: sandik.LevelIlce, Name: "Üsküdar"},
		{Code: "34.2.1", Parent: "34.2", Level: sandik.LevelMahalle, Name: "Altunizade"},
		{Code: boxB1, Parent: "34.2.1", Level: sandik.LevelSandik, Name: "Sandık 2001"},
	}
	races := []sandik.Race{
		{Code: raceA, Election: election, Name: "Kadıköy Belediye Meclisi", Scope: "34.1", Choices: []sandik.Choice{chp, akp}},
		{Code: raceB, Election: election, Name: "Üsküdar Belediye Meclisi", Scope: "34.2", Choices: []sandik.Choice{akp, chp}},
	}
	var regs []sandik.Registration
	for _, b := range []sandik.AreaCode{boxA1, boxA2, boxB1} {
		regs = append(regs, sandik.Registration{Election: election, Box: b, Registered: 300})
	}
	reg, err := sandik.NewRegistry(areas, []sandik.Election{{Code: election, Name: "31 Mart 2024", Date: start, Quorum: 2}}, races, regs)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// clock is a time the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type env struct {
	path  string
	st    *sqlite.Store
	c     *center.Center
	clock *clock
}

func openCenter(t *testing.T, path string, clk *clock) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	c, err := center.Open(ctx, center.Config{Store: st, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{path: path, st: st, c: c, clock: clk}
	t.Cleanup(e.close)
	return e
}

func (e *env) close() {
	e.c.Close()
	e.st.Close()
}

func newEnv(t *testing.T) *env {
	clk := &clock{t: start}
	e := openCenter(t, filepath.Join(t.TempDir(), "c.db"), clk)
	if err := e.c.ImportRegistry(context.Background(), registry(t)); err != nil {
		t.Fatal(err)
	}
	return e
}

// fakeFeed serves script on a test server with the env's clock.
func fakeFeed(t *testing.T, e *env, script string) (*feed.Fake, string) {
	t.Helper()
	s, err := feed.ParseScript([]byte(script))
	if err != nil {
		t.Fatal(err)
	}
	f, err := feed.NewFake(s, start)
	if err != nil {
		t.Fatal(err)
	}
	f.Now = e.clock.Now
	srv := httptest.NewServer(feedhttp.Fake(f))
	t.Cleanup(srv.Close)
	return f, srv.URL + "/il/34.json"
}

func follower(e *env, url string) *feed.Follower {
	m := feed.DefaultMapping()
	m.Election, m.Kind = election, "meclis"
	return &feed.Follower{Name: "ysk", URL: url, Mapping: m, Sink: e.c, Now: e.clock.Now, Fetch: feedhttp.Fetcher{}}
}

func n(v int64) *int64 { return &v }
