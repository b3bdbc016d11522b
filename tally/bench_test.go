package tally

import (
	"testing"

	"github.com/sandik-dev/sandik/synth"
)

// BenchmarkApply measures box changes per second on one core: each
// submission changes one box's figures in a race of 20 choices whose boxes
// sit 5 levels below the top (country, il, ilçe, mahalle, building).
func BenchmarkApply(b *testing.B) {
	shape := synth.Shape{Provinces: 20, DistrictsPerIl: 10, MahallesPerIlce: 20, BuildingsPerMah: 5, BoxesPerBuilding: 2,
		Races: 1, Choices: 20, RegisteredPerBox: 350}
	reg, err := synth.Registry(shape)
	if err != nil {
		b.Fatal(err)
	}
	subs := synth.Entries(reg, 2, 1)
	b.ReportAllocs()
	b.ResetTimer()
	var e *Engine
	applied := 0
	for i := 0; i < b.N; i++ {
		if applied%len(subs) == 0 {
			b.StopTimer()
			e = New(reg)
			b.StartTimer()
		}
		s := &subs[applied%len(subs)]
		s.Seq = int64(applied%len(subs) + 1)
		e.Apply(subs[applied%len(subs) : applied%len(subs)+1])
		applied++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "changes/s")
}
