package postgres

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
	"github.com/sandik-dev/sandik/synth"
)

// BenchmarkAppendConcurrent is election night on one instance: many
// callers, one submission each, every one committed (fsynced by the
// server) before it is answered. The goroutines are callers × GOMAXPROCS.
func BenchmarkAppendConcurrent(b *testing.B) {
	for _, callers := range []int{32, 128} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			s := openAt(b, pgtest.Schema(b))
			var next atomic.Int64
			b.SetParallelism(callers)
			storetest.AppendParallel(b, s, s.Stats, func() sandik.Submission {
				i := next.Add(1)
				return storetest.Sub(fmt.Sprintf("bench-%d", i), storetest.Box1, i%100, 50)
			})
		})
	}
}

// BenchmarkSaveRegistry is an import of the whole country (about 200,000
// boxes): the first save, by COPY; the same registry again, which writes
// nothing; and loading it back.
func BenchmarkSaveRegistry(b *testing.B) {
	reg, err := synth.Registry(synth.Shape{Provinces: 81, DistrictsPerIl: 12, MahallesPerIlce: 42, BuildingsPerMah: 5,
		BoxesPerBuilding: 1, Races: 2, Choices: 8, RegisteredPerBox: 350})
	if err != nil {
		b.Fatal(err)
	}
	storetest.SaveRegistry(b, reg, func(tb testing.TB) sandik.RegistryStore { return openAt(tb, pgtest.Schema(tb)) })
}
