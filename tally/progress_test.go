package tally

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sandik-dev/sandik"
)

// Progress agrees with a naive reading of the log: a box arrived when its
// first entry or adjudication did (official figures are no arrival, and a
// person's later entry does not move it), and is missing until then.
func TestProgressMatchesTheLog(t *testing.T) {
	reg := testRegistry()
	rapid.Check(t, func(t *rapid.T) {
		// Arrival times out of log order: a box's arrival is its first
		// submission's, not its earliest time.
		log := genShuffledLog(t, reg, 60)
		e := New(reg)
		// Half the log, a progress of each race asked for (and kept) and
		// its children changed by the caller, as a scoped view does; then
		// the rest: what is asked for next must be the whole log's.
		half := rapid.IntRange(0, len(log)).Draw(t, "half")
		e.Apply(log[:half])
		for _, rc := range reg.Races {
			p, err := e.Progress(rc.Code, rc.Scope)
			if err != nil {
				t.Fatal(err)
			}
			for i := range p.Children {
				p.Children[i] = ChildProgress{Area: "changed by a caller"}
			}
		}
		e.Apply(log[half:])
		for _, rc := range reg.Races {
			// Asked twice at one version: the second is the kept one, and
			// a caller's change to the first's children is its own.
			if first, err := e.Progress(rc.Code, rc.Scope); err == nil && len(first.Children) > 0 {
				first.Children[0] = ChildProgress{Area: "changed by a caller"}
			}
			first := map[sandik.AreaCode]time.Time{}
			for _, s := range log {
				if _, seen := first[s.Box]; !seen && s.Race == rc.Code && s.Source != sandik.SourceOfficial && s.Source != sandik.SourceRecount {
					first[s.Box] = s.ReceivedAt
				}
			}
			p, err := e.Progress(rc.Code, rc.Scope)
			if err != nil {
				t.Fatal(err)
			}
			at, _ := e.Totals(rc.Code, rc.Scope)
			if len(p.Children) != len(at.Children) || p.Seq != at.Seq {
				t.Fatalf("%s: %d children, totals have %d", rc.Code, len(p.Children), len(at.Children))
			}
			for i, c := range p.Children {
				if c.Area != at.Children[i].Area {
					t.Fatalf("%s: child %d is %s, totals have %s", rc.Code, i, c.Area, at.Children[i].Area)
				}
				var want []time.Time
				var missing []sandik.AreaCode
				for _, box := range reg.RaceBoxes(rc.Code) {
					if box != c.Area && !slices.Contains(reg.Ancestors(box), c.Area) {
						continue
					}
					if at, ok := first[box]; ok {
						want = append(want, at.UTC())
					} else {
						missing = append(missing, box)
					}
				}
				slices.SortFunc(want, func(a, b time.Time) int { return a.Compare(b) })
				// In no order: compare them sorted.
				arrived := slices.SortedFunc(slices.Values(c.Arrived), time.Time.Compare)
				if !slices.EqualFunc(arrived, want, time.Time.Equal) {
					t.Fatalf("%s/%s: arrived %v, want %v", rc.Code, c.Area, c.Arrived, want)
				}
				slices.Sort(missing)
				got := slices.Sorted(slices.Values(c.Missing))
				if !slices.Equal(got, missing) {
					t.Fatalf("%s/%s: missing %v, want %v", rc.Code, c.Area, got, missing)
				}
				if len(c.Missing) != at.Children[i].BoxesExpected-at.Children[i].BoxesReported {
					t.Fatalf("%s/%s: %d missing, totals say %d", rc.Code, c.Area, len(c.Missing), at.Children[i].BoxesExpected-at.Children[i].BoxesReported)
				}
				if len(want) > 0 && !c.Last().Equal(want[len(want)-1]) {
					t.Fatalf("%s/%s: last %v", rc.Code, c.Area, c.Last())
				}
			}
		}
	})
}

func TestProgressOfABoxAndOfNothing(t *testing.T) {
	reg := testRegistry()
	e := New(reg)
	box := reg.RaceBoxes("all")[0]
	e.Apply([]sandik.Submission{ent(1, "ayse", box, sheet(300, 1, 100, 50, 20))})
	p, err := e.Progress("all", box)
	if err != nil || len(p.Children) != 1 || len(p.Children[0].Arrived) != 1 || len(p.Children[0].Missing) != 0 {
		t.Fatalf("a box's progress: %+v, %v", p, err)
	}
	if _, err := e.Progress("all", "nowhere"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("unknown area: %v", err)
	}
	if _, err := e.Progress("nope", "TR"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("unknown race: %v", err)
	}
	var none ChildProgress
	if !none.Last().IsZero() {
		t.Fatal("no arrival has a time")
	}
}

// Lasts, kept as entries apply, names for every child of every area the
// latest arrival that a walk over its boxes (Progress) finds, at every
// point of a log whose arrival times are in no order.
func TestLastsAgreeWithProgress(t *testing.T) {
	reg := testRegistry()
	rapid.Check(t, func(t *rapid.T) {
		log := genShuffledLog(t, reg, 60)
		e := drawEngine(t, reg)
		for done := 0; done <= len(log); {
			step := rapid.IntRange(1, 10).Draw(t, "step")
			e.Apply(log[done:min(done+step, len(log))])
			done += step
			for _, rc := range reg.Races {
				for _, area := range raceAreas(reg, &rc) {
					p, err := e.Progress(rc.Code, area)
					if err != nil {
						t.Fatal(err)
					}
					lasts, seq, err := e.Lasts(rc.Code, area)
					if err != nil {
						t.Fatal(err)
					}
					if seq != p.Seq || len(lasts) != len(p.Children) {
						t.Fatalf("%s/%s: %d lasts at %d, progress has %d at %d", rc.Code, area, len(lasts), seq, len(p.Children), p.Seq)
					}
					for i, c := range p.Children {
						if lasts[i].Area != c.Area || !lasts[i].Last.Equal(c.Last()) {
							t.Fatalf("%s/%s: child %d is %s last %v, progress says %s last %v", rc.Code, area, i, lasts[i].Area, lasts[i].Last, c.Area, c.Last())
						}
					}
				}
			}
		}
	})
	e := New(reg)
	if _, _, err := e.Lasts("all", "nowhere"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("an unknown area: %v", err)
	}
	if _, _, err := e.Lasts("nope", "TR"); sandik.CodeOf(err) != sandik.ENotFound {
		t.Fatalf("an unknown race: %v", err)
	}
}

// An area's Change is the latest submission that moved its public figures
// (settled, official, recounted; the children's too): a Change names the
// same public figures whenever they are read, and figures that moved name
// the submission that moved them. That is what numbers public snapshots
// alike on every instance.
func TestChangeNamesThePublicFigures(t *testing.T) {
	reg := testRegistry()
	// What the public reads: nothing of entries not yet settled.
	public := func(at AreaTotals) AreaTotals {
		clear := func(t Totals) Totals {
			t.BoxesReported, t.BoxesPending, t.BoxesConflict, t.Provisional = 0, 0, 0, Counts{}
			return t
		}
		out := AreaTotals{Totals: clear(at.Totals)}
		for _, c := range at.Children {
			out.Children = append(out.Children, clear(c))
		}
		return out
	}
	rapid.Check(t, func(t *rapid.T) {
		log := genLog(t, reg, rapid.IntRange(0, 40).Draw(t, "n"))
		e := drawEngine(t, reg)
		kept := map[string]AreaTotals{}
		before := map[string]AreaTotals{}
		for i := 0; i <= len(log); i++ {
			if i > 0 {
				e.Apply(log[i-1 : i])
			}
			for _, rc := range reg.Races {
				for _, area := range raceAreas(reg, &rc) {
					at, ch, err := e.TotalsChanged(rc.Code, area)
					if err != nil {
						t.Fatal(err)
					}
					if ch.Seq > at.Seq || ch.Seq > 0 && !ch.At.Equal(log[ch.Seq-1].ReceivedAt) {
						t.Fatalf("%s/%s after %d: change %+v", rc.Code, area, i, ch)
					}
					pub := public(at)
					where := string(rc.Code) + "/" + string(area)
					if old, ok := before[where]; ok && !reflect.DeepEqual(old, pub) && ch.Seq != int64(i) {
						t.Fatalf("%s: submission %d moved the public figures, the change names %d", where, i, ch.Seq)
					}
					before[where] = pub
					k := fmt.Sprintf("%s/%d", where, ch.Seq)
					if old, ok := kept[k]; ok && !reflect.DeepEqual(old, pub) {
						t.Fatalf("%s: one change names other figures:\n%+v\n%+v", k, old, pub)
					}
					kept[k] = pub
				}
			}
		}
	})
}

// genShuffledLog is genLog with arrival times in no order.
func genShuffledLog(t *rapid.T, reg *sandik.Registry, most int) []sandik.Submission {
	log := genLog(t, reg, rapid.IntRange(0, most).Draw(t, "n"))
	for i := range log {
		log[i].ReceivedAt = t0.Add(time.Duration(rapid.IntRange(0, 600).Draw(t, "at")) * time.Second)
	}
	return log
}

// drawEngine returns an engine keeping the figures of large nodes only, as
// in production, or of every node.
func drawEngine(t *rapid.T, reg *sandik.Registry) *Engine {
	if rapid.Bool().Draw(t, "store every node") {
		return newEngine(reg, 1)
	}
	return New(reg)
}

// raceAreas lists every area of rc's tree: its scope, the nodes below and
// the boxes, each once.
func raceAreas(reg *sandik.Registry, rc *sandik.Race) []sandik.AreaCode {
	seen := map[sandik.AreaCode]bool{rc.Scope: true}
	out := []sandik.AreaCode{rc.Scope}
	add := func(a sandik.AreaCode) {
		if !seen[a] && reg.Contains(rc.Scope, a) {
			seen[a] = true
			out = append(out, a)
		}
	}
	for _, box := range reg.RaceBoxes(rc.Code) {
		add(box)
		for _, a := range reg.Ancestors(box) {
			add(a)
		}
	}
	return out
}
