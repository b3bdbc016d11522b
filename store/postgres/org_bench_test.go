package postgres

import (
	"os"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/storetest"
	"github.com/sandik-dev/sandik/synth"
)

// BenchmarkOrgImport is the SQLite benchmark of the same name on
// PostgreSQL: one import of a synthetic organisation, then charts as of
// days. SANDIK_BENCH_ORG=national runs the size; by default a
// hundredth of it.
func BenchmarkOrgImport(b *testing.B) {
	shape := synth.OrgShape{Il: 81, Ilce: 97, Mahalle: 320, People: 10_000, Positions: 20_000}
	if os.Getenv("SANDIK_BENCH_ORG") == "national" {
		shape = synth.NationalOrg
	}
	storetest.ImportOrg(b, shape, func(tb testing.TB) sandik.Store { return openAt(tb, pgtest.Schema(tb)) })
}
