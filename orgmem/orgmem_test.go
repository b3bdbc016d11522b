package orgmem_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
	"github.com/sandik-dev/sandik/orgmem"
	"github.com/sandik-dev/sandik/store/postgres"
	"github.com/sandik-dev/sandik/store/postgres/pgtest"
	"github.com/sandik-dev/sandik/store/sqlite"
)

type store interface {
	sandik.OrgStore
	sandik.ContactStore
}

func backends(t *testing.T, run func(t *testing.T, st store)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), sqlite.Options{Path: filepath.Join(t.TempDir(), "o.db")})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		run(t, st)
	})
	t.Run("postgres", func(t *testing.T) {
		st, err := postgres.Open(context.Background(), postgres.Options{URL: pgtest.Schema(t)})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		run(t, st)
	})
}

// sameRecords fails t unless the index draws unit code as the store
// does: the same unit, children and terms with their holders' names,
// and the same chart on day.
func sameRecords(t interface {
	Helper()
	Fatalf(string, ...any)
}, x *orgmem.Index, st store, code sandik.UnitCode, day sandik.Date) {
	t.Helper()
	want, err := st.UnitRecords(context.Background(), code)
	if err != nil {
		t.Fatalf("store's records of %s: %v", code, err)
	}
	got, ok := x.Records(code)
	if !ok {
		t.Fatalf("the index holds no unit %s", code)
	}
	// PostgreSQL orders text by the database's collation, the index by
	// bytes: compared in one order.
	byBytes := func(a, b sandik.Unit) int { return strings.Compare(string(a.Code), string(b.Code)) }
	slices.SortFunc(want.Children, byBytes)
	slices.SortFunc(want.Terms, func(a, b sandik.Position) int { return strings.Compare(string(a.ID), string(b.ID)) })
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("records of %s:\n got  %+v\n want %+v", code, got, want)
	}
	kinds, err := st.PositionKinds(context.Background())
	if err != nil {
		t.Fatalf("kinds: %v", err)
	}
	if !reflect.DeepEqual(x.Kinds(), kinds) {
		t.Fatalf("kinds:\n got  %+v\n want %+v", x.Kinds(), kinds)
	}
	chart := func(r sandik.UnitRecords) org.Chart {
		return org.ChartOf(r.Unit, day, kinds, r.Terms, func(id sandik.PersonID) string { return r.Names[id] })
	}
	if g, w := chart(got), chart(want); !reflect.DeepEqual(g, w) {
		t.Fatalf("chart of %s on %s:\n got  %+v\n want %+v", code, day, g, w)
	}
}

func gen(t interface{ Fatalf(string, ...any) }, st store) int64 {
	g, err := st.OrgGeneration(context.Background())
	if err != nil {
		t.Fatalf("generation: %v", err)
	}
	return g
}

func day(t *rapid.T, label string) sandik.Date {
	return sandik.Date(fmt.Sprintf("%04d-%02d-%02d", rapid.IntRange(2010, 2026).Draw(t, label+"y"),
		rapid.IntRange(1, 12).Draw(t, label+"m"), rapid.IntRange(1, 28).Draw(t, label+"d")))
}

// TestIndexEqualsStore: after random writes (units, people, terms of
// one- and many-holder kinds, ends, erasures, a kind added), each
// applied to the store and, when the store took it, to the index, the
// index gives every unit's records and its chart as of a random day as
// the store does, and a fresh load equals the index kept in step.
func TestIndexEqualsStore(t *testing.T) {
	// Pages of three: the loads below read many, one ahead of another.
	defer orgmem.SetPage(3)()
	backends(t, func(t *testing.T, st store) {
		ctx := context.Background()
		x, err := orgmem.Load(ctx, st, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := x.Records("gm"); ok {
			t.Fatal("an empty store's index holds a unit")
		}
		base := sandik.OrgChange{
			Units:  []sandik.Unit{{Code: "gm", Kind: sandik.UnitHQ, Name: "Genel Merkez", Area: "TR"}},
			People: []sandik.Person{{ID: "k0", Name: "İlk Kişi", Phones: []string{"+905320000000"}, Home: "gm", Purpose: "üyelik", Consent: "2024-01-01"}},
		}
		if err := st.SaveOrg(ctx, base); err != nil {
			t.Fatal(err)
		}
		if err := x.Apply(base, gen(t, st)); err != nil {
			t.Fatal(err)
		}
		units := []sandik.UnitCode{"gm"}
		people := []sandik.PersonID{"k0"}
		var terms []sandik.Position
		n := 0
		rapid.Check(t, func(rt *rapid.T) {
			for range rapid.IntRange(1, 8).Draw(rt, "writes") {
				n++
				before := gen(rt, st)
				switch op := rapid.IntRange(0, 9).Draw(rt, "op"); {
				case op == 0: // a unit under another
					parent := rapid.SampledFrom(units).Draw(rt, "parent")
					u := sandik.Unit{Code: sandik.UnitCode(fmt.Sprintf("%s.%d", parent, n)), Kind: sandik.UnitWomen, Name: fmt.Sprintf("Kol %d", n), Parent: parent, Area: "TR"}
					if parent == "gm" {
						u.Kind, u.Code = sandik.UnitIl, sandik.UnitCode(fmt.Sprintf("il%d", n))
					}
					ch := sandik.OrgChange{Units: []sandik.Unit{u}}
					if err := st.SaveOrg(ctx, ch); err != nil {
						// A women's branch under a branch is refused.
						if gen(rt, st) != before {
							rt.Fatalf("a refused change moved the generation")
						}
						continue
					}
					if err := x.Apply(ch, gen(rt, st)); err != nil {
						rt.Fatal(err)
					}
					units = append(units, u.Code)
				case op == 1: // a person
					p := sandik.Person{ID: sandik.PersonID(fmt.Sprintf("k%d", n)), Name: fmt.Sprintf("Kişi %d", n), Email: fmt.Sprintf("k%d@example.org", n),
						Home: rapid.SampledFrom(units).Draw(rt, "home"), Purpose: "üyelik", Consent: "2024-01-01"}
					ch := sandik.OrgChange{People: []sandik.Person{p}}
					if err := st.SaveOrg(ctx, ch); err != nil {
						rt.Fatal(err)
					}
					if err := x.Apply(ch, gen(rt, st)); err != nil {
						rt.Fatal(err)
					}
					people = append(people, p.ID)
				case op <= 5: // a term, a chair's at times
					p := sandik.Position{ID: sandik.PositionID(fmt.Sprintf("g%d", n)), Kind: rapid.SampledFrom([]sandik.KindCode{"delege", "yonetim_kurulu_uyesi", "sekreter"}).Draw(rt, "kind"),
						Unit: rapid.SampledFrom(units).Draw(rt, "unit"), Person: rapid.SampledFrom(people).Draw(rt, "person"),
						Start: day(rt, "start"), Source: rapid.SampledFrom([]sandik.PositionSource{sandik.SourceCongress, sandik.SourceAppointment, sandik.SourceElection}).Draw(rt, "source")}
					if rapid.Bool().Draw(rt, "ended") {
						if end := day(rt, "end"); end >= p.Start {
							p.End, p.EndReason = end, rapid.SampledFrom([]string{"istifa", "kongre", "vefat"}).Draw(rt, "reason")
						}
					}
					ch := sandik.OrgChange{Positions: []sandik.Position{p}}
					if err := st.SaveOrg(ctx, ch); err != nil {
						if sandik.CodeOf(err) != sandik.EConflict || gen(rt, st) != before {
							rt.Fatalf("term %+v: %v", p, err)
						}
						continue
					}
					if err := x.Apply(ch, gen(rt, st)); err != nil {
						rt.Fatal(err)
					}
					terms = append(terms, p)
				case op <= 7 && len(terms) > 0: // an end
					i := rapid.IntRange(0, len(terms)-1).Draw(rt, "term")
					p := terms[i]
					end := day(rt, "end")
					if p.End != "" || end < p.Start {
						continue
					}
					if err := st.EndPosition(ctx, p.ID, end, "istifa"); err != nil {
						rt.Fatal(err)
					}
					if err := x.End(p.Unit, p.ID, end, "istifa", gen(rt, st)); err != nil {
						rt.Fatal(err)
					}
					terms[i].End, terms[i].EndReason = end, "istifa"
				case op == 8 && len(people) > 1: // an erasure
					id := rapid.SampledFrom(people).Draw(rt, "erased")
					err := st.ErasePerson(ctx, id, "2026-12-06", "kişinin talebi")
					if sandik.CodeOf(err) == sandik.EConflict {
						continue // erased already
					}
					if err != nil {
						rt.Fatal(err)
					}
					if err := x.Erase(id, gen(rt, st)); err != nil {
						rt.Fatal(err)
					}
				case op == 9 && rapid.IntRange(0, 9).Draw(rt, "kinds") == 0: // a kind
					ch := sandik.OrgChange{Kinds: []sandik.PositionKind{{Code: sandik.KindCode(fmt.Sprintf("tur%d", n)), Name: fmt.Sprintf("Tür %d", n)}}}
					if err := st.SaveOrg(ctx, ch); err != nil {
						rt.Fatal(err)
					}
					if err := x.Apply(ch, gen(rt, st)); err != nil {
						rt.Fatal(err)
					}
				}
			}
			if x.Gen() != gen(rt, st) {
				rt.Fatalf("the index is at generation %d, the store at %d", x.Gen(), gen(rt, st))
			}
			for range 3 {
				sameRecords(rt, x, st, rapid.SampledFrom(units).Draw(rt, "look"), day(rt, "at"))
			}
		})
		fresh, err := orgmem.Load(ctx, st, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range units {
			a, _ := fresh.Records(u)
			b, _ := x.Records(u)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("unit %s loaded afresh:\n %+v\n kept in step:\n %+v", u, a, b)
			}
			sameRecords(t, fresh, st, u, "2020-06-15")
		}
	})
}

// TestEraseOverwritesName: an erased person's name is gone from the
// index at once, not only hidden; the index shows a removed person.
func TestEraseOverwritesName(t *testing.T) {
	backends(t, func(t *testing.T, st store) {
		ctx := context.Background()
		ch := sandik.OrgChange{
			Units:     []sandik.Unit{{Code: "gm", Kind: sandik.UnitHQ, Name: "Genel Merkez", Area: "TR"}},
			People:    []sandik.Person{{ID: "k1", Name: "Zeynep Gizliadlı", Home: "gm", Purpose: "üyelik", Consent: "2024-01-01"}},
			Positions: []sandik.Position{{ID: "g1", Kind: "genel_baskan", Unit: "gm", Person: "k1", Start: "2020-01-01", Source: sandik.SourceCongress}},
		}
		if err := st.SaveOrg(ctx, ch); err != nil {
			t.Fatal(err)
		}
		x, err := orgmem.Load(ctx, st, 1)
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := x.Records("gm"); r.Names["k1"] != "Zeynep Gizliadlı" {
			t.Fatalf("before the erasure the chart shows %q", r.Names["k1"])
		}
		if err := st.ErasePerson(ctx, "k1", "2026-12-06", "kişinin talebi"); err != nil {
			t.Fatal(err)
		}
		if err := x.Erase("k1", gen(t, st)); err != nil {
			t.Fatal(err)
		}
		if r, _ := x.Records("gm"); r.Names["k1"] != sandik.RemovedPerson {
			t.Fatalf("after the erasure the chart shows %q", r.Names["k1"])
		}
		if bytes.Contains(orgmem.NamesOf(x), []byte("Gizliadlı")) {
			t.Fatal("the erased name is still in the index's memory")
		}
		sameRecords(t, x, st, "gm", "2024-01-01")
	})
}
