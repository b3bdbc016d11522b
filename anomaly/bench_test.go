package anomaly

import "testing"

// BenchmarkDetect judges a national election's worth of boxes: 200,000
// in 20,000 neighbourhoods, each with a second entry (synthetic numbers).
func BenchmarkDetect(b *testing.B) {
	boxes := synthetic(1, 200_000, 20_000)
	for i := range boxes {
		other := boxes[i].Sheet.Clone()
		boxes[i].Other = &other
	}
	th := DefaultThresholds()
	b.ReportAllocs()
	for b.Loop() {
		Detect(boxes, parties, th)
	}
	b.ReportMetric(float64(len(boxes)*b.N)/b.Elapsed().Seconds(), "boxes/s")
}
