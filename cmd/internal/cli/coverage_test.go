package cli

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/demo"
	"github.com/sandik-dev/sandik/store/sqlite"

	"github.com/sandik-dev/sandik/center"
)

// TestSeedCoverage: the demo's observers stand at about nine boxes in
// ten, a few boxes have two, every name is marked synthetic, a second
// seeding changes nothing. (How fast the whole of İstanbul seeds is logged,
// not asserted: the demo's start is what measures it.)
func TestSeedCoverage(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "d.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := center.Open(ctx, center.Config{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reg, err := demo.Istanbul(demo.Options{Scale: 1, Seed: 2019})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ImportRegistry(ctx, reg); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ch, err := SeedCoverage(ctx, c, reg, 2019)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	boxes := len(reg.RaceBoxes(demo.RaceMayor))
	t.Logf("%d boxes: %d people and %d assignments seeded in %v", boxes, len(ch.People), len(ch.Assignments), took)
	cov, err := c.View(Operator()).Coverage(ctx, demo.ElectionCode, "34")
	if err != nil {
		t.Fatal(err)
	}
	share := float64(cov.Covered()) / float64(cov.Boxes)
	if cov.Boxes != boxes || share < 0.88 || share > 0.92 || cov.Many == 0 || cov.Many > cov.Boxes/10 || len(cov.Children) != 39 {
		t.Errorf("coverage %+v (%.3f covered, %d districts)", cov.Counts, share, len(cov.Children))
	}
	for _, p := range ch.People {
		if !strings.HasSuffix(p.Name, "(sentetik)") || !strings.HasPrefix(p.Phones[0], "+90599") {
			t.Fatalf("person %+v is not marked synthetic", p)
		}
	}
	again, err := SeedCoverage(ctx, c, reg, 2019)
	if err != nil || len(again.People) != 0 {
		t.Errorf("a second seeding: %d people, %v", len(again.People), err)
	}
	units, _ := c.Org().Units(ctx)
	if len(units) != 40 {
		t.Errorf("%d units, want İstanbul and its 39 districts", len(units))
	}
	if u, err := c.Org().Unit(ctx, sandik.UnitCode(cov.Children[0].Area)); err != nil || u.Kind != sandik.UnitIlce {
		t.Errorf("district unit %+v, %v", u, err)
	}
}

// BenchmarkCoverage reads the coverage and the silent list of İstanbul
// and of one district over the whole demo's observers.
func BenchmarkCoverage(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(b.TempDir(), "d.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	c, err := center.Open(ctx, center.Config{Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	reg, err := demo.Istanbul(demo.Options{Scale: 1, Seed: 2019})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.ImportRegistry(ctx, reg); err != nil {
		b.Fatal(err)
	}
	if _, err := SeedCoverage(ctx, c, reg, 2019); err != nil {
		b.Fatal(err)
	}
	district := reg.Children("34")[0]
	for _, area := range []sandik.AreaCode{"34", district} {
		b.Run("coverage/"+string(area), func(b *testing.B) {
			for b.Loop() {
				if _, err := c.View(Operator()).Coverage(ctx, demo.ElectionCode, area); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("silent/"+string(area), func(b *testing.B) {
			for b.Loop() {
				if _, err := c.View(Operator()).Silent(ctx, demo.ElectionCode, area, "", 300); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
