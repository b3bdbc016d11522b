package pages

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/collation"
)

// Tours: the plan of districts to visit, its progress and its suggested
// route drawn as a small map (points at the districts' centroids, a line
// in the route's order, each point coloured by its stop's status).

type toursView struct {
	base
	Rows      []tourRow
	Plan      bool
	Units     []unitOption
	Districts []unitOption
	Problems  []string
	Day       string
	Unvisited []string
}

type tourRow struct {
	Href, Title                 string
	Visited, Pending, Postponed int
}

func (p *Pages) toursPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	return p.renderTours(w, r, u, http.StatusOK, nil)
}

func (p *Pages) renderTours(w http.ResponseWriter, r *http.Request, u sandik.User, status int, problems []string) error {
	ctx := r.Context()
	v := toursView{base: p.baseOf(r, u, "tours.title"), Plan: u.Role.CanAdjudicate(), Problems: problems, Day: string(sandik.DateOf(p.now()))}
	ts, err := p.c.Tours(ctx, u)
	if err != nil {
		return err
	}
	for _, t := range ts {
		tv, err := p.c.Tour(ctx, u, t.ID)
		if err != nil {
			return err
		}
		v.Rows = append(v.Rows, tourRow{Href: "/turlar/" + url.PathEscape(string(t.ID)), Title: t.Title,
			Visited: tv.Progress.Visited, Pending: tv.Progress.Pending, Postponed: tv.Progress.Postponed})
	}
	visible, err := p.visibleUnits(r, u)
	if err != nil {
		return err
	}
	for _, un := range visible {
		o := unitOption{Code: string(un.Code), Name: un.Name}
		if un.Kind == sandik.UnitIlce {
			v.Districts = append(v.Districts, o)
		} else if un.Kind == sandik.UnitIl || un.Kind == sandik.UnitHQ {
			v.Units = append(v.Units, o)
			if un.Kind == sandik.UnitIl && len(v.Unvisited) == 0 {
				if us, err := p.c.Unvisited(ctx, u, un.Code, 6); err == nil {
					for _, x := range us {
						v.Unvisited = append(v.Unvisited, x.Name)
					}
				}
			}
		}
	}
	collation.Sort(v.Districts, func(o unitOption) string { return o.Name })
	collation.Sort(v.Units, func(o unitOption) string { return o.Name })
	return p.render(w, status, "tours", v)
}

// createTour plans a tour of the districts ticked, each on the day given
// beside it (the first day for those left empty).
func (p *Pages) createTour(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	t := sandik.Tour{Title: strings.TrimSpace(f.Get("title")), Unit: sandik.UnitCode(f.Get("unit"))}
	for _, code := range f["stop"] {
		day := f.Get("day_" + code)
		if day == "" {
			day = f.Get("start")
		}
		t.Stops = append(t.Stops, sandik.TourStop{Unit: sandik.UnitCode(code), Planned: sandik.Date(day), Status: sandik.StopPending})
	}
	tv, err := p.c.CreateTour(r.Context(), u, t)
	if err != nil {
		if code := sandik.CodeOf(err); code == sandik.EInvalid || code == sandik.EConflict {
			return p.renderTours(w, r, u, http.StatusUnprocessableEntity, problemLines(err))
		}
		return err
	}
	http.Redirect(w, r, "/turlar/"+url.PathEscape(string(tv.Tour.ID)), http.StatusSeeOther)
	return nil
}

type tourView struct {
	base
	Tour     center.TourView
	Stops    []stopRow
	Map      *tourMap
	Change   bool
	TotalKM  string
	Unplaced []string
}

type stopRow struct {
	N                                 int
	Unit, Name, Planned, Status, Code string
	KM                                string
	Visited, Postponed                bool
}

type tourMap struct {
	W, H   int
	Path   string
	Points []mapPoint
	Start  *mapPoint
}

type mapPoint struct {
	X, Y  float64
	Label string
	N     int
	Fill  string
	Title string
}

func (p *Pages) tourPage(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	ctx := r.Context()
	tv, err := p.c.Tour(ctx, u, sandik.TourID(r.PathValue("id")))
	if err != nil {
		return err
	}
	v := tourView{base: p.baseOf(r, u, "tour.title"), Tour: tv}
	v.Title = tv.Tour.Title
	if un, err := p.c.Org().Unit(ctx, tv.Tour.Unit); err == nil {
		v.Change = p.c.OrgAllow(u, un.Area, true) == nil
	}
	status := map[sandik.UnitCode]sandik.TourStop{}
	for _, s := range tv.Progress.Stops {
		status[s.Unit] = s
	}
	total := 0.0
	for i, leg := range tv.Route {
		s := status[leg.Unit]
		total += leg.KM
		v.Stops = append(v.Stops, stopRow{N: i + 1, Code: string(leg.Unit), Name: tv.Names[leg.Unit], Planned: string(s.Planned),
			Status: v.L.T("stop." + string(s.Status)), KM: fmt.Sprintf("%.0f", leg.KM), Visited: s.Status == sandik.StopVisited, Postponed: s.Status == sandik.StopPostponed})
	}
	for _, code := range tv.Unplaced {
		s := status[code]
		v.Stops = append(v.Stops, stopRow{N: len(v.Stops) + 1, Code: string(code), Name: tv.Names[code], Planned: string(s.Planned),
			Status: v.L.T("stop." + string(s.Status)), KM: "–", Visited: s.Status == sandik.StopVisited, Postponed: s.Status == sandik.StopPostponed})
		v.Unplaced = append(v.Unplaced, tv.Names[code])
	}
	v.TotalKM = fmt.Sprintf("%.0f", total)
	v.Map = drawTour(v.L, tv, status)
	return p.render(w, http.StatusOK, "tour", v)
}

// drawTour projects the route's points onto a box 600 units wide with
// an equirectangular projection around their middle latitude (a
// province is small enough for it).
func drawTour(l *lang, tv center.TourView, status map[sandik.UnitCode]sandik.TourStop) *tourMap {
	if len(tv.Route) == 0 {
		return nil
	}
	pts := []sandik.Point{}
	if tv.Start != nil {
		pts = append(pts, *tv.Start)
	}
	for _, leg := range tv.Route {
		pts = append(pts, leg.At)
	}
	minLat, maxLat, minLon, maxLon := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		minLat, maxLat = math.Min(minLat, p.Lat), math.Max(maxLat, p.Lat)
		minLon, maxLon = math.Min(minLon, p.Lon), math.Max(maxLon, p.Lon)
	}
	k := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	spanX, spanY := math.Max((maxLon-minLon)*k, 1e-3), math.Max(maxLat-minLat, 1e-3)
	const width, pad = 600.0, 40.0
	scale := (width - 2*pad) / math.Max(spanX, spanY*1.0)
	h := spanY*scale + 2*pad
	if h < 200 {
		h = 200
	}
	proj := func(p sandik.Point) (float64, float64) {
		return math.Round((pad+(p.Lon-minLon)*k*scale)*10) / 10, math.Round((h-pad-(p.Lat-minLat)*scale)*10) / 10
	}
	m := &tourMap{W: int(width), H: int(h)}
	var path strings.Builder
	if tv.Start != nil {
		x, y := proj(*tv.Start)
		m.Start = &mapPoint{X: x, Y: y, Label: l.T("tour.start")}
		fmt.Fprintf(&path, "M%.1f %.1f", x, y)
	}
	for i, leg := range tv.Route {
		x, y := proj(leg.At)
		if path.Len() == 0 {
			fmt.Fprintf(&path, "M%.1f %.1f", x, y)
		} else {
			fmt.Fprintf(&path, " L%.1f %.1f", x, y)
		}
		s := status[leg.Unit]
		fill := "#b8860b" // pending
		switch s.Status {
		case sandik.StopVisited:
			fill = "#1a7f37"
		case sandik.StopPostponed:
			fill = "#767676"
		}
		m.Points = append(m.Points, mapPoint{X: x, Y: y, N: i + 1, Label: tv.Names[leg.Unit], Fill: fill,
			Title: fmt.Sprintf("%d. %s: %s", i+1, tv.Names[leg.Unit], l.T("stop."+string(s.Status)))})
	}
	m.Path = path.String()
	return m
}

func (p *Pages) setStop(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := sandik.TourID(r.PathValue("id"))
	if _, err := p.c.SetStop(r.Context(), u, id, sandik.UnitCode(r.PathValue("unit")), sandik.StopStatus(r.PostForm.Get("status")), sandik.Date(r.PostForm.Get("planned"))); err != nil {
		return err
	}
	http.Redirect(w, r, "/turlar/"+url.PathEscape(string(id)), http.StatusSeeOther)
	return nil
}
