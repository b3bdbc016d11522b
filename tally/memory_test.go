package tally

import (
	"runtime"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/synth"
)

// memoryShape is a national night's shape at a tenth of its boxes: 5
// races of 20 choices over 20,412 boxes, one per building, as
// synth.National has them.
var memoryShape = synth.Shape{Provinces: 81, DistrictsPerIl: 12, MahallesPerIlce: 21, BuildingsPerMah: 1, BoxesPerBuilding: 1,
	Races: 5, Choices: 20, Quorum: 2, RegisteredPerBox: 350}

// engineHeap returns the live heap an engine over reg holds once subs are
// applied in pages, as a restart applies them.
func engineHeap(reg *sandik.Registry, subs []sandik.Submission) (int64, *Engine) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := int64(ms.HeapAlloc)
	e := New(reg)
	for i := 0; i < len(subs); i += 5000 {
		e.Apply(subs[i:min(len(subs), i+5000)])
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc) - before, e
}

func memoryLog(tb testing.TB) (*sandik.Registry, []sandik.Submission) {
	reg, err := synth.Registry(memoryShape)
	if err != nil {
		tb.Fatal(err)
	}
	subs := synth.Entries(reg, 2, 1)
	for i := range subs {
		subs[i].Seq = int64(i + 1)
	}
	return reg, subs
}

// TestMemoryPerBox: a box of a race entered twice alike costs the engine
// at most 290 bytes, the tree, the shape and the interned users included.
// At this writing it is about 267: the sheet once (54 bytes, its 27
// figures in 16 bits), two entries of 32, the box's 56, its public change
// (16), and the shape's share (a mahalle and a building per box here,
// shared by the 5 races). With 32-bit figures it was about 324; before
// the sheets moved into arenas and small nodes stopped keeping figures,
// about 1,430. A national night is 204,120 boxes × 5 races: 290 bytes
// each is 296 MB.
func TestMemoryPerBox(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a tenth of a national night")
	}
	reg, subs := memoryLog(t)
	heap, e := engineHeap(reg, subs)
	boxes := memoryShape.Boxes() * memoryShape.Races
	per := float64(heap) / float64(boxes)
	t.Logf("%d box×race pairs: engine heap %.1f MiB, %.0f bytes each", boxes, float64(heap)/(1<<20), per)
	if per > 290 {
		t.Errorf("the engine holds %.0f bytes per box of a race, want at most 290", per)
	}
	tot, err := e.Totals(reg.Races[0].Code, reg.Races[0].Scope)
	if err != nil || tot.Totals.BoxesVerified != memoryShape.Boxes() {
		t.Fatalf("totals %+v (%v), want every box verified", tot.Totals, err)
	}
	runtime.KeepAlive(subs)
}

// BenchmarkRebuildMemory reports what the engine holds per box of a race
// after a rebuild of two agreeing entries per box, and the rebuild's time.
func BenchmarkRebuildMemory(b *testing.B) {
	reg, subs := memoryLog(b)
	boxes := memoryShape.Boxes() * memoryShape.Races
	var heap int64
	for b.Loop() {
		heap, _ = engineHeap(reg, subs)
	}
	b.ReportMetric(float64(heap)/float64(boxes), "B/box-race")
	b.ReportMetric(float64(heap)/(1<<20), "MiB")
	runtime.KeepAlive(subs)
}
