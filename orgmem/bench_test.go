package orgmem_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/orgmem"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/synth"
)

// change is a Source over an organisation held whole, for measuring
// the index alone: what it holds and how fast it answers, without a
// store's reads.
type change struct{ c sandik.OrgChange }

func (s change) OrgGeneration(context.Context) (int64, error) { return 1, nil }
func (s change) PositionKinds(context.Context) ([]sandik.PositionKind, error) {
	return sandik.DefaultPositionKinds(), nil
}
func (s change) Units(context.Context) ([]sandik.Unit, error) { return s.c.Units, nil }
func (s change) Positions(_ context.Context, f sandik.PositionFilter) ([]sandik.Position, error) {
	i, _ := slices.BinarySearchFunc(s.c.Positions, f.After, func(p sandik.Position, id sandik.PositionID) int {
		return strings.Compare(string(p.ID), string(id))
	})
	if f.After != "" && i < len(s.c.Positions) && s.c.Positions[i].ID == f.After {
		i++
	}
	return s.c.Positions[i:min(i+f.Limit, len(s.c.Positions))], nil
}
func (s change) PersonNames(_ context.Context, after sandik.PersonID, n int) ([]sandik.PersonName, error) {
	i, _ := slices.BinarySearchFunc(s.c.People, after, func(p sandik.Person, id sandik.PersonID) int {
		return strings.Compare(string(p.ID), string(id))
	})
	if after != "" && i < len(s.c.People) && s.c.People[i].ID == after {
		i++
	}
	var out []sandik.PersonName
	for _, p := range s.c.People[i:min(i+n, len(s.c.People))] {
		out = append(out, sandik.PersonName{ID: p.ID, Name: p.Name})
	}
	return out, nil
}

// BenchmarkIndex loads a synthetic organisation into an index and
// draws charts of random units as of random days from it, reporting the
// heap the index holds (heap-MiB) and the load's time (load-s).
// SANDIK_BENCH_ORG=national runs the size (33,055 units, a
// million people, two million terms); by default a tenth of it.
func BenchmarkIndex(b *testing.B) {
	shape := synth.OrgShape{Il: 81, Ilce: 973, Mahalle: 3200, People: 100_000, Positions: 200_000}
	if os.Getenv("SANDIK_BENCH_ORG") == "national" {
		shape = synth.NationalOrg
		shape.Assignments = 0
	}
	c := synth.Org(shape, 1)
	byID := func(a, b sandik.Position) int { return strings.Compare(string(a.ID), string(b.ID)) }
	slices.SortFunc(c.Positions, byID)
	slices.SortFunc(c.People, func(a, b sandik.Person) int { return strings.Compare(string(a.ID), string(b.ID)) })
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	x, err := orgmem.Load(context.Background(), change{c}, 1)
	if err != nil {
		b.Fatal(err)
	}
	loadTook := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	kinds := sandik.DefaultPositionKinds()
	rng := rand.New(rand.NewPCG(1, 2))
	b.ResetTimer()
	for b.Loop() {
		u := c.Units[rng.IntN(len(c.Units))]
		recs, ok := x.Records(u.Code)
		if !ok {
			b.Fatalf("no unit %s", u.Code)
		}
		at := sandik.Date([]string{"2012-06-15", "2016-06-15", "2020-06-15", "2024-06-15"}[rng.IntN(4)])
		org.ChartOf(recs.Unit, at, kinds, recs.Terms, func(id sandik.PersonID) string { return recs.Names[id] })
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
	b.ReportMetric(loadTook.Seconds(), "load-s")
	runtime.KeepAlive(x)
	runtime.KeepAlive(c)
}

// BenchmarkLoadSQLite loads the index from a SQLite store holding a
// synthetic organisation (a tenth of the national one by default,
// SANDIK_BENCH_ORG=national for all of it): what a centre does in the
// background at a start.
func BenchmarkLoadSQLite(b *testing.B) {
	shape := synth.OrgShape{Il: 81, Ilce: 973, Mahalle: 3200, People: 100_000, Positions: 200_000}
	if os.Getenv("SANDIK_BENCH_ORG") == "national" {
		shape = synth.NationalOrg
	}
	shape.Assignments = 0
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(b.TempDir(), "o.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.SaveOrg(ctx, synth.Org(shape, 1)); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := orgmem.Load(ctx, st, 1); err != nil {
			b.Fatal(err)
		}
	}
}
