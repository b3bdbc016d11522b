package arrivals

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var ist = time.FixedZone("+03", 3*3600)

func at(h, m int) time.Time { return time.Date(2026, 12, 5, h, m, 0, 0, ist) }

func TestLateOrdersTheLatestFirst(t *testing.T) {
	areas := []Area{
		{Name: "Üsküdar", Expected: 10, Reported: 5, Last: at(20, 0), Missing: make([]string, 5)},
		{Name: "Şile", Expected: 10, Reported: 5, Last: at(19, 0), Missing: make([]string, 5)}, // as far along, silent longer
		{Name: "Adalar", Expected: 10, Reported: 10, Last: at(18, 0)},                          // complete: not late
		{Name: "Çatalca", Expected: 10, Reported: 2, Last: at(21, 0), Missing: make([]string, 8)},
		{Name: "Beykoz", Expected: 10, Reported: 0, Missing: make([]string, 10)},
		{Name: "Bağcılar", Expected: 10, Reported: 0, Missing: make([]string, 10)}, // a tie: Turkish order
		{Name: "Esenler", Expected: 4, Reported: 0, Missing: make([]string, 4)},    // the same share, fewer missing
	}
	var got []string
	for _, a := range Late(areas) {
		got = append(got, a.Name)
	}
	want := "Bağcılar,Beykoz,Esenler,Çatalca,Şile,Üsküdar"
	if strings.Join(got, ",") != want {
		t.Fatalf("late order %v, want %s", got, want)
	}
	if areas[0].Name != "Üsküdar" {
		t.Fatal("Late reordered its argument")
	}
	if (&Area{}).Share() != 1 {
		t.Fatal("an area with no boxes is complete")
	}
}

func TestBuckets(t *testing.T) {
	if b, step := Buckets(nil, ist); b != nil || step != 0 {
		t.Fatal("buckets of nothing")
	}
	// 17:42 to 19:05: 5-minute spans would be 18, within the 24 allowed.
	times := []time.Time{at(17, 42), at(17, 44), at(17, 45), at(18, 30), at(19, 5)}
	b, step := Buckets(times, ist)
	if step != 5*time.Minute || !b[0].Start.Equal(at(17, 40)) || b[0].N != 2 || b[1].N != 1 || len(b) != 18 {
		t.Fatalf("step %v, %d buckets, first %+v", step, len(b), b[0])
	}
	last := b[len(b)-1]
	if !last.Start.Equal(at(19, 5)) || last.N != 1 || last.Total != len(times) {
		t.Fatalf("last bucket %+v", last)
	}
	sum := 0
	for _, x := range b {
		sum += x.N
	}
	if sum != len(times) {
		t.Fatalf("buckets hold %d of %d", sum, len(times))
	}
	// The same times in another order make the same buckets.
	shuffled := []time.Time{at(19, 5), at(17, 45), at(18, 30), at(17, 42), at(17, 44)}
	if again, step2 := Buckets(shuffled, ist); step2 != step || !slices.EqualFunc(again, b, func(x, y Bucket) bool {
		return x.Start.Equal(y.Start) && x.N == y.N && x.Total == y.Total
	}) {
		t.Fatalf("unsorted times gave %v %+v", step2, again)
	}
	// A whole night, 17:40 to 04:10, takes half-hour spans.
	night := []time.Time{at(17, 40), at(23, 0), at(28, 10)}
	if _, step := Buckets(night, ist); step != 30*time.Minute {
		t.Fatalf("a night's step %v", step)
	}
	// Spans follow İstanbul's clock, not UTC's.
	hour := []time.Time{at(18, 20), at(18, 20).Add(10 * time.Hour)}
	if b, step := Buckets(hour, ist); step != 30*time.Minute || b[0].Start.In(ist).Minute() != 0 {
		t.Fatalf("aligned to %v with %v", b[0].Start.In(ist), step)
	}
}

func TestChartIsAPictureWithAName(t *testing.T) {
	if Chart(nil, "x", nil) != "" {
		t.Fatal("a chart of nothing")
	}
	b, _ := Buckets([]time.Time{at(18, 0), at(18, 1), at(18, 40)}, ist)
	svg := string(Chart(b, `Gelen "sandık"`, func(t time.Time) string { return t.In(ist).Format("15:04") }))
	for _, want := range []string{`role="img"`, `aria-label="Gelen &#34;sandık&#34;"`, ">18:00<", ">18:40<", ">2<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %s:\n%s", want, svg)
		}
	}
	if n := strings.Count(svg, "<rect"); n != len(b) {
		t.Errorf("%d bars for %d spans", n, len(b))
	}
	if strings.Contains(svg, "<a ") || strings.Contains(svg, "tabindex") {
		t.Error("the chart takes focus")
	}
}
