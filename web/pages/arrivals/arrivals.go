// Package arrivals turns when ballot boxes arrived into what a coordinator
// reads to find where the night is late: the areas below ordered from the
// latest, and the arrivals over time as a small bar chart with a table
// beside it.
package arrivals

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/sandik-dev/sandik/collation"
)

// Area is one area below the one in view, as far as its arrivals go.
type Area struct {
	Code, Name         string
	Expected, Reported int
	Last               time.Time // its latest box's arrival; zero if none
	Missing            []string  // codes of its boxes with no entry yet
}

// Share is the part of the area's boxes in, 0 to 1.
func (a *Area) Share() float64 {
	if a.Expected == 0 {
		return 1
	}
	return float64(a.Reported) / float64(a.Expected)
}

// Late returns the areas that still miss boxes, the latest first: the
// smallest share in, then the one silent the longest (none in at all
// before any), then the most boxes missing, then by name.
func Late(areas []Area) []Area {
	out := slices.DeleteFunc(slices.Clone(areas), func(a Area) bool { return len(a.Missing) == 0 })
	slices.SortStableFunc(out, func(a, b Area) int {
		return cmp.Or(
			cmp.Compare(a.Share(), b.Share()),
			a.Last.Compare(b.Last),
			cmp.Compare(len(b.Missing), len(a.Missing)),
			collation.Compare(a.Name, b.Name),
		)
	})
	return out
}

// Bucket is a span of time and the boxes that arrived in it.
type Bucket struct {
	Start time.Time
	N     int // arrived in the span
	Total int // arrived by its end
}

// steps are the spans a chart may use: the shortest that keeps it to
// maxBuckets bars.
var steps = [...]time.Duration{5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

const maxBuckets = 24

// Buckets counts arrival times, in any order, in spans of a round length,
// aligned to the clock in loc, from the first arrival's span to the
// last's. It takes two passes and no sort: the country's overview counts
// every box that has reported, and sorting them on every live update was
// most of a national night's CPU (BENCHMARKS.md, sixth session).
func Buckets(times []time.Time, loc *time.Location) ([]Bucket, time.Duration) {
	if len(times) == 0 {
		return nil, 0
	}
	first, last := times[0], times[0]
	for _, t := range times[1:] {
		if t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if last.Sub(align(first, s, loc))/s < maxBuckets {
			step = s
			break
		}
	}
	start := align(first, step, loc)
	out := make([]Bucket, last.Sub(start)/step+1)
	for _, t := range times {
		out[t.Sub(start)/step].N++
	}
	total := 0
	for i := range out {
		out[i].Start = start.Add(time.Duration(i) * step)
		total += out[i].N
		out[i].Total = total
	}
	return out, step
}

// align rounds t down to a multiple of step on loc's clock (spans of a
// day start at midnight).
func align(t time.Time, step time.Duration, loc *time.Location) time.Time {
	lt := t.In(loc)
	day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	return day.Add(lt.Sub(day) / step * step)
}

// Chart draws buckets as a bar chart of boxes per span, its highest bar
// labelled, the first and last times under it. It is a picture (role img)
// with label as its name; the table beside it gives every figure.
func Chart(buckets []Bucket, label string, clock func(time.Time) string) template.HTML {
	if len(buckets) == 0 {
		return ""
	}
	const barW, gap, h, axis = 14, 2, 80, 16
	most := 1
	for _, b := range buckets {
		most = max(most, b.N)
	}
	// A few bars keep the width of a dozen, so they do not shrink to a
	// sliver with their labels cut.
	w := max(len(buckets), 12) * (barW + gap)
	var s strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&s, `<svg class="arrivals" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`, w, h+axis, 2*w, 2*(h+axis), esc(label))
	for i, b := range buckets {
		bh := float64(b.N) * (h - 12) / float64(most)
		fmt.Fprintf(&s, `<rect x="%d" y="%.1f" width="%d" height="%.1f" fill="#0b5cad"/>`, i*(barW+gap), h-bh, barW, bh)
		if b.N == most {
			// Anchored at the bar's edge away from the picture's nearer
			// side, the count stays inside it above the first or last bar.
			x, anchor := i*(barW+gap), "start"
			if 2*i >= len(buckets) {
				x, anchor = x+barW, "end"
			}
			fmt.Fprintf(&s, `<text x="%d" y="%.1f" font-size="9" text-anchor="%s" aria-hidden="true">%d</text>`, x, h-bh-2, anchor, b.N)
		}
	}
	fmt.Fprintf(&s, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#555"/>`, h, len(buckets)*(barW+gap), h)
	fmt.Fprintf(&s, `<text x="0" y="%d" font-size="9" aria-hidden="true">%s</text>`, h+12, esc(clock(buckets[0].Start)))
	if len(buckets) > 3 {
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="9" text-anchor="end" aria-hidden="true">%s</text>`, len(buckets)*(barW+gap), h+12, esc(clock(buckets[len(buckets)-1].Start)))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}
