package sandik

import (
	"math"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"
)

func TestKM(t *testing.T) {
	// İzmir Konak to Tire, about 70 km as the crow flies.
	d := KM(Point{38.4189, 27.1287}, Point{38.0897, 27.7350})
	if d < 60 || d > 70 {
		t.Errorf("Konak–Tire %.1f km", d)
	}
	if KM(Point{1, 2}, Point{1, 2}) != 0 {
		t.Error("distance to itself")
	}
}

func TestNearestNeighbour(t *testing.T) {
	places := map[UnitCode]Point{"a": {0, 3}, "b": {0, 1}, "c": {0, 2}, "d": {0, -5}}
	route, unplaced := NearestNeighbour(Point{0, 0}, []UnitCode{"a", "b", "c", "d", "e"}, places)
	var got []UnitCode
	for _, l := range route {
		got = append(got, l.Unit)
	}
	if !slices.Equal(got, []UnitCode{"b", "c", "a", "d"}) || !slices.Equal(unplaced, []UnitCode{"e"}) {
		t.Errorf("route %v unplaced %v", got, unplaced)
	}
	if math.Abs(route[3].KM-KM(places["a"], places["d"])) > 1e-9 {
		t.Errorf("leg km %v", route[3].KM)
	}
}

func TestNearestNeighbourProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 12).Draw(t, "n")
		places := map[UnitCode]Point{}
		var units []UnitCode
		for i := range n {
			u := UnitCode(string(rune('a' + i)))
			units = append(units, u)
			places[u] = Point{rapid.Float64Range(36, 42).Draw(t, "lat"), rapid.Float64Range(26, 45).Draw(t, "lon")}
		}
		start := Point{39, 32}
		r1, _ := NearestNeighbour(start, units, places)
		shuffled := slices.Clone(units)
		slices.Reverse(shuffled)
		r2, _ := NearestNeighbour(start, shuffled, places)
		if !slices.Equal(r1, r2) {
			t.Fatalf("route depends on input order")
		}
		if len(r1) != n {
			t.Fatalf("%d legs for %d units", len(r1), n)
		}
		at, seen := start, map[UnitCode]bool{}
		for _, l := range r1 {
			for _, u := range units {
				if !seen[u] && u != l.Unit && KM(at, places[u]) < l.KM-1e-9 {
					t.Fatalf("leg to %s (%.3f km) while %s is nearer", l.Unit, l.KM, u)
				}
			}
			seen[l.Unit] = true
			at = l.At
		}
	})
}

func TestTourProgressAndUnvisited(t *testing.T) {
	tour := Tour{ID: "t1", Title: "Tur", Unit: "il", Stops: []TourStop{
		{Unit: "kiraz", Planned: "2024-05-10", Status: StopPending},
		{Unit: "beydag", Planned: "2024-05-11", Status: StopPostponed},
		{Unit: "tire", Planned: "2024-05-12", Status: StopPending},
		{Unit: "bayindir", Planned: "2024-05-13", Status: StopPending},
	}}
	if err := tour.Validate(); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 10, 9, 0, 0, 0, time.UTC)
	visits := []Visit{
		{ID: "v1", Tour: "t1", FromUnit: "il", Target: VisitTarget{Unit: "kiraz"}, At: at},
		{ID: "v2", Tour: "other", FromUnit: "il", Target: VisitTarget{Unit: "tire"}, At: at},
	}
	p := tour.Progress(visits)
	if p.Visited != 1 || p.Pending != 2 || p.Postponed != 1 || p.Stops[0].Status != StopVisited {
		t.Errorf("progress %+v", p)
	}
	from := map[UnitCode]bool{"il": true}
	got := Unvisited([]UnitCode{"kiraz", "tire", "beydag"}, visits, from, at.AddDate(0, -6, 0))
	if !slices.Equal(got, []UnitCode{"beydag"}) {
		t.Errorf("unvisited %v", got)
	}
	if got := Unvisited([]UnitCode{"kiraz"}, visits, from, at.Add(time.Hour)); len(got) != 1 {
		t.Errorf("a visit before the window counts: %v", got)
	}
	dup := tour
	dup.Stops = append(slices.Clone(tour.Stops), TourStop{Unit: "kiraz", Planned: "2024-05-14", Status: StopPending})
	if dup.Validate() == nil {
		t.Error("a unit planned twice passed")
	}
}
