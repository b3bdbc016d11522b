package center_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/store/sqlite"
	"github.com/sandik-dev/sandik/synth"
)

// BenchmarkProvinceTable measures the province table of all 973
// districts of a national organisation (synth, 81 il, 973 ilçe) with
// 100,000 visits and 300,000 commitments, and one district's scorecard
// (reporting its p99), on SQLite. The visits are written straight into
// the tables in one transaction (the tables' triggers count them), then
// one through the store, which counts the overdue on the day: the
// benchmark is of the reads. By
// default the organisation is small (20,000 people, 40,000 terms);
// SANDIK_BENCH_ORG=national gives it the organisation issue's sizes
// (32,000 mahalle units, 1,000,000 people, 2,000,000 terms).
//
//	go test ./center -run x -bench ProvinceTable -benchtime 20x
func BenchmarkProvinceTable(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "t.db")
	now := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(ctx, sqlite.Options{Path: path, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	shape := synth.OrgShape{Il: 81, Ilce: 973, Mahalle: 3200, People: 20_000, Positions: 40_000}
	if os.Getenv("SANDIK_BENCH_ORG") == "national" {
		shape = synth.NationalOrg
		shape.Assignments = 0
	}
	ch := synth.Org(shape, 1)
	areas := []sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"}}
	levels := map[sandik.UnitKind]sandik.AreaLevel{sandik.UnitIl: sandik.LevelIl, sandik.UnitIlce: sandik.LevelIlce, sandik.UnitMahalle: sandik.LevelMahalle}
	parentArea := map[sandik.UnitCode]sandik.AreaCode{"gm": "TR"}
	var targets []sandik.Unit
	for _, u := range ch.Units {
		parentArea[u.Code] = u.Area
		if lv, ok := levels[u.Kind]; ok {
			areas = append(areas, sandik.Area{Code: u.Area, Parent: parentArea[u.Parent], Level: lv, Name: u.Name})
			if u.Kind != sandik.UnitIl {
				targets = append(targets, u)
			}
		}
	}
	reg, err := sandik.NewRegistry(areas, nil, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.SaveOrg(ctx, ch); err != nil {
		b.Fatal(err)
	}
	if err := fillVisits(path, targets, now, 100_000, 3); err != nil {
		b.Fatal(err)
	}
	// The day's first visit through the store counts the commitments
	// overdue today, as it does on any day a visit is written.
	first := sandik.Visit{ID: "z-today", FromUnit: targets[0].Parent, Visitors: []sandik.PersonID{ch.People[0].ID},
		Target: sandik.VisitTarget{Unit: targets[0].Code}, Kind: sandik.VisitEvaluation, At: now}
	if _, err := st.SaveVisit(ctx, first, nil); err != nil {
		b.Fatal(err)
	}
	c, err := center.Open(ctx, center.Config{Store: st, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.ImportRegistry(ctx, reg); err != nil {
		b.Fatal(err)
	}
	admin := sandik.User{ID: "root", Role: sandik.RoleAdmin, Areas: []sandik.AreaCode{"TR"}}
	var districts []sandik.UnitCode
	for _, u := range targets {
		if u.Kind == sandik.UnitIlce {
			districts = append(districts, u.Code)
		}
	}
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			cards, err := c.Scorecards(ctx, admin, "", "overdue_commitments", true)
			if err != nil || len(cards) != 973 {
				b.Fatalf("%d cards, %v", len(cards), err)
			}
		}
	})
	b.Run("one", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(3, 5))
		var lat []time.Duration
		for b.Loop() {
			t0 := time.Now()
			if _, err := c.Scorecard(ctx, admin, districts[rng.IntN(len(districts))]); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		p99 := lat[len(lat)*99/100]
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	})
}

// fillVisits writes n visits to targets, each with per commitments, in
// one transaction on the database file.
func fillVisits(path string, targets []sandik.Unit, now time.Time, n, per int) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	vs, err := tx.Prepare(`INSERT INTO visits (id, from_unit, target_unit, target_muni, target_person, institution, area, kind, at, place, notes, visitors, attendees, photos, tour, meeting, by_user) VALUES (?, ?, ?, '', '', '', ?, 'degerlendirme', ?, '', '', '[]', '[]', '[]', '', '', 'bench')`)
	if err != nil {
		return err
	}
	cs, err := tx.Prepare(`INSERT INTO commitments (id, visit_id, text, owner_person, owner_unit, due, status, follows, area) VALUES (?, ?, 'Söz', '', ?, ?, ?, '', ?)`)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		u := targets[rng.IntN(len(targets))]
		id := fmt.Sprintf("z%07d", i)
		at := now.Add(-time.Duration(rng.IntN(700*24)) * time.Hour)
		if _, err := vs.Exec(id, string(u.Parent), string(u.Code), string(u.Area), at.UnixNano()); err != nil {
			return fmt.Errorf("visit %d: %w", i, err)
		}
		for j := range per {
			status := "open"
			if rng.IntN(10) < 3 {
				status = "done"
			}
			due := sandik.DateOf(now.AddDate(0, 0, rng.IntN(120)-60))
			if _, err := cs.Exec(fmt.Sprintf("%s-%d", id, j), id, string(u.Code), string(due), status, string(u.Area)); err != nil {
				return fmt.Errorf("commitment %d: %w", i, err)
			}
		}
	}
	return tx.Commit()
}
