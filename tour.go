package sandik

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Tours: a plan of units to visit with planned days, such as the İzmir
// chair's tour of Kiraz, Beydağ, Tire and Bayındır after March 2024.
// Whether a stop was visited is computed from the visits that name the
// tour, never stored; a stop may be put off (postponed) by hand.

// TourID names a tour.
type TourID string

// StopStatus is where a stop of a tour stands.
type StopStatus string

// The statuses of a stop. Visited is computed (Progress); the store
// keeps pending or postponed.
const (
	StopPending   StopStatus = "pending"
	StopPostponed StopStatus = "postponed"
	StopVisited   StopStatus = "visited"
)

// TourStop is a unit to visit on a planned day.
type TourStop struct {
	Unit    UnitCode   `json:"unit"`
	Planned Date       `json:"planned"`
	Status  StopStatus `json:"status"`
}

// Tour is a plan of visits made from a unit (the province).
type Tour struct {
	ID    TourID     `json:"id"`
	Title string     `json:"title"`
	Unit  UnitCode   `json:"unit"`
	Stops []TourStop `json:"stops"`
	By    UserID     `json:"by,omitempty"`
}

// MaxTourStops bounds a tour.
const MaxTourStops = 200

// Validate checks t's own fields.
func (t Tour) Validate() error {
	var ps problems
	codeProblem(&ps, "id", string(t.ID), true)
	nameProblems(&ps, "title", t.Title, true)
	codeProblem(&ps, "unit", string(t.Unit), true)
	if len(t.Stops) == 0 {
		ps.add("stops", RuleRequired, "a tour has at least one unit to visit")
	}
	if len(t.Stops) > MaxTourStops {
		ps.add("stops", RuleTooLarge, "at most %d stops (got %d)", MaxTourStops, len(t.Stops))
	}
	seen := map[UnitCode]bool{}
	for i, s := range t.Stops {
		f := fmt.Sprintf("stops[%d]", i)
		codeProblem(&ps, f+".unit", string(s.Unit), true)
		if seen[s.Unit] {
			ps.add(f+".unit", RuleInvalidValue, "%q is planned twice", s.Unit)
		}
		seen[s.Unit] = true
		if _, err := ParseDate(string(s.Planned)); err != nil {
			ps.add(f+".planned", RuleInvalidValue, "%v", err)
		}
		if s.Status != StopPending && s.Status != StopPostponed {
			ps.add(f+".status", RuleInvalidValue, "a stop is planned pending or postponed, not %q", s.Status)
		}
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid tour %q", t.ID), ps)
	}
	return nil
}

// TourProgress counts a tour's stops by status, visited computed.
type TourProgress struct {
	Stops     []TourStop `json:"stops"`
	Visited   int        `json:"visited"`
	Pending   int        `json:"pending"`
	Postponed int        `json:"postponed"`
}

// Progress marks visited every stop whose unit one of visits (of this
// tour) went to; the others keep their stored status.
func (t Tour) Progress(visits []Visit) TourProgress {
	went := map[UnitCode]bool{}
	for _, v := range visits {
		if v.Tour == t.ID && v.Target.Unit != "" {
			went[v.Target.Unit] = true
		}
	}
	p := TourProgress{Stops: slices.Clone(t.Stops)}
	for i := range p.Stops {
		if went[p.Stops[i].Unit] {
			p.Stops[i].Status = StopVisited
		}
		switch p.Stops[i].Status {
		case StopVisited:
			p.Visited++
		case StopPostponed:
			p.Postponed++
		default:
			p.Pending++
		}
	}
	return p
}

// Point is a place on the earth in degrees.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// KM is the great-circle distance between a and b in kilometres.
func KM(a, b Point) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Leg is one step of a suggested route.
type Leg struct {
	Unit UnitCode `json:"unit"`
	At   Point    `json:"at"`
	KM   float64  `json:"km"` // from the step before (the start for the first)
}

// NearestNeighbour orders the units of places from start: each step goes
// to the nearest unit not yet visited, a tie to the smaller code, so the
// route is the same on every run. Units without a place are left out
// and returned apart, in code order.
func NearestNeighbour(start Point, units []UnitCode, places map[UnitCode]Point) (route []Leg, unplaced []UnitCode) {
	left := make([]UnitCode, 0, len(units))
	for _, u := range units {
		if _, ok := places[u]; ok {
			left = append(left, u)
		} else {
			unplaced = append(unplaced, u)
		}
	}
	slices.Sort(left)
	left = slices.Compact(left)
	slices.Sort(unplaced)
	at := start
	for len(left) > 0 {
		best, bestKM := 0, math.Inf(1)
		for i, u := range left {
			if d := KM(at, places[u]); d < bestKM {
				best, bestKM = i, d
			}
		}
		u := left[best]
		route = append(route, Leg{Unit: u, At: places[u], KM: bestKM})
		at = places[u]
		left = slices.Delete(left, best, best+1)
	}
	return route, unplaced
}

// Unvisited returns the units of units that no visit from one of from
// (the province's units) reached since since: "units no one from the
// province has visited in N months". Visits reach a unit by naming it as
// the target.
func Unvisited(units []UnitCode, visits []Visit, from map[UnitCode]bool, since time.Time) []UnitCode {
	seen := map[UnitCode]bool{}
	for _, v := range visits {
		if from[v.FromUnit] && !v.At.Before(since) && v.Target.Unit != "" {
			seen[v.Target.Unit] = true
		}
	}
	var out []UnitCode
	for _, u := range units {
		if !seen[u] {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}
