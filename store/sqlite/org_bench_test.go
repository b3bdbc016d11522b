package sqlite

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/store/storetest"
	"github.com/sandik-dev/sandik/synth"
)

// BenchmarkOrgImport imports a synthetic organisation in one change and
// reads charts of units as of days. SANDIK_BENCH_ORG=national runs the
// issue's size (81 il, 973 ilçe, 32,000 mahalle units, a million people,
// two million terms); by default a tenth of it.
func BenchmarkOrgImport(b *testing.B) {
	shape := synth.OrgShape{Il: 81, Ilce: 973, Mahalle: 3200, People: 100_000, Positions: 200_000, Assignments: 25_000}
	if os.Getenv("SANDIK_BENCH_ORG") == "national" {
		shape = synth.NationalOrg
	}
	storetest.ImportOrg(b, shape, func(tb testing.TB) sandik.Store { return openAt(tb, filepath.Join(b.TempDir(), "org.db")) })
}
