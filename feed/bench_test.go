package feed_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/feed"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/web/feedhttp"
)

// nationalFeed is a registry of 1,000 council races of 200 boxes each
// (200,000 boxes) and the feed's rows for it.
func nationalFeed(b *testing.B) (*sandik.Registry, []feed.FakeBox) {
	districts := 1000
	if n, err := strconv.Atoi(os.Getenv("SANDIK_FEED_BENCH_RACES")); err == nil && n > 0 {
		districts = n // a smaller night to look into
	}
	return councilFeed(b, districts)
}

// councilFeed is a registry of districts council races of 200 boxes each
// and the feed's rows for it.
func councilFeed(tb testing.TB, districts int) (*sandik.Registry, []feed.FakeBox) {
	areas := []sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"}}
	var races []sandik.Race
	var regs []sandik.Registration
	var rows []feed.FakeBox
	choices := []sandik.Choice{{Code: "chp", Name: "CHP"}, {Code: "ak-parti", Name: "AK PARTİ"}, {Code: "mhp", Name: "MHP"}, {Code: "iyi", Name: "İYİ"}, {Code: "dem", Name: "DEM"}}
	for d := range districts {
		il := fmt.Sprintf("%d", 1+d/13)
		if d%13 == 0 {
			areas = append(areas, sandik.Area{Code: sandik.AreaCode(il), Parent: "TR", Level: sandik.LevelIl, Name: "İl " + il})
		}
		ilce := sandik.AreaCode(fmt.Sprintf("%s.%d", il, d))
		mah := ilce + ".1"
		areas = append(areas, sandik.Area{Code: ilce, Parent: sandik.AreaCode(il), Level: sandik.LevelIlce, Name: fmt.Sprintf("İlçe %d", d)},
			sandik.Area{Code: mah, Parent: ilce, Level: sandik.LevelMahalle, Name: "Merkez"})
		races = append(races, sandik.Race{Code: sandik.RaceCode(fmt.Sprintf("%s.meclis.%d", election, d)), Election: election, Name: "Meclis", Scope: ilce, Choices: choices})
		for n := range 200 {
			box := sandik.AreaCode(fmt.Sprintf("%s.%d", mah, 1000+n))
			areas = append(areas, sandik.Area{Code: box, Parent: mah, Level: sandik.LevelSandik, Name: fmt.Sprintf("Sandık %d", 1000+n)})
			regs = append(regs, sandik.Registration{Election: election, Box: box, Registered: 350})
			v := int64(n % 50)
			rows = append(rows, feed.FakeBox{Box: string(box), Registered: 350, Voted: 300, ValidWithoutObjection: 290, ValidTotal: 290, Invalid: 10,
				Votes: map[string]int64{"CHP": 100 + v, "AK PARTİ": 100 - v, "MHP": 40, "İYİ": 30, "DEM": 20}})
		}
	}
	reg, err := sandik.NewRegistry(areas, []sandik.Election{{Code: election, Name: "Yerel", Date: start, Quorum: 2}}, races, regs)
	if err != nil {
		tb.Fatal(err)
	}
	return reg, rows
}

// BenchmarkFollowNational is one reading of a 200,000-box feed whose page
// changed (1% of its boxes, 2,000, moved votes): the CPU one republished
// page costs. At one page every 3 minutes, the share of a core is this
// time over 180 s. Unchanged pages cost a 304 or one hash of the body.
func BenchmarkFollowNational(b *testing.B) {
	ctx := context.Background()
	reg, rows := nationalFeed(b)
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(b.TempDir(), "c.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	c, err := center.Open(ctx, center.Config{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.ImportRegistry(ctx, reg); err != nil {
		b.Fatal(err)
	}
	var body atomic.Pointer[[]byte]
	version := 0
	publish := func() {
		version++
		for i := 0; i < len(rows); i += 100 { // 1% of the boxes
			rows[i].Votes["CHP"]++
			rows[i].Votes["AK PARTİ"]--
		}
		bs, err := json.Marshal(map[string]any{"count": len(rows), "boxes": rows})
		if err != nil {
			b.Fatal(err)
		}
		body.Store(&bs)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Last-Modified", start.Add(time.Duration(version)*3*time.Minute).Format(http.TimeFormat))
		w.Write(*body.Load())
	}))
	defer srv.Close()
	m := feed.DefaultMapping()
	m.Election, m.Kind = election, "meclis"
	f := &feed.Follower{Name: "bench", URL: srv.URL, Mapping: m, Sink: c, Fetch: feedhttp.Fetcher{}}
	publish()
	if _, err := f.Poll(ctx); err != nil { // the night's first page: every box
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(*body.Load()))/1e6, "MB/page")
	var cpu, wall time.Duration
	polls := 0
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		publish()
		b.StartTimer()
		before, t0 := cpuTime(), time.Now()
		out, err := f.Poll(ctx)
		wall += time.Since(t0)
		if err != nil || out.Changed != len(rows)/100 {
			b.Fatalf("%+v %v", out, err)
		}
		cpu += cpuTime() - before
		polls++
	}
	// The process's CPU (every goroutine: the tally's follower and the
	// store's writer too) per page, as a share of one core over 3 minutes.
	per := cpu / time.Duration(polls)
	b.ReportMetric(per.Seconds(), "cpu-s/page")
	b.ReportMetric(100*per.Seconds()/180, "%core@3min")
	// From the page served to its alerts stored and the tally moved: what
	// a dashboard waits for after the reading begins.
	b.ReportMetric((wall / time.Duration(polls)).Seconds(), "wall-s/page")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
