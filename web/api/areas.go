package api

import (
	"net/http"

	"github.com/sandik-dev/sandik"
)

// areaJSON is an area with the number of its direct children.
type areaJSON struct {
	sandik.Area
	Children int `json:"children"`
}

func areasOf(reg *sandik.Registry, codes []sandik.AreaCode) []areaJSON {
	out := make([]areaJSON, 0, len(codes))
	for _, c := range codes {
		if a, ok := reg.Area(c); ok {
			out = append(out, areaJSON{Area: a, Children: len(reg.Children(c))})
		}
	}
	return out
}

// listAreas returns the roots of the area tree.
func (a *API) listAreas(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
	reg := a.c.Registry()
	out := struct {
		Areas []areaJSON `json:"areas"`
	}{areasOf(reg, reg.Roots())}
	a.b.WriteJSON(w, http.StatusOK, out)
	return nil
}

// getArea returns an area, its ancestors from the root down (a
// breadcrumb), its direct children and the races it takes part in.
func (a *API) getArea(w http.ResponseWriter, r *http.Request, _ sandik.User) error {
	reg := a.c.Registry()
	code := sandik.AreaCode(r.PathValue("code"))
	area, ok := reg.Area(code)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "area %q does not exist", code)
	}
	up := reg.Ancestors(code)
	for i, j := 0, len(up)-1; i < j; i, j = i+1, j-1 {
		up[i], up[j] = up[j], up[i]
	}
	races := []sandik.RaceCode{}
	for i := range reg.Races {
		if reg.Contains(reg.Races[i].Scope, code) {
			races = append(races, reg.Races[i].Code)
		}
	}
	out := struct {
		Area      areaJSON          `json:"area"`
		Ancestors []areaJSON        `json:"ancestors"`
		Children  []areaJSON        `json:"children"`
		Races     []sandik.RaceCode `json:"races"`
	}{
		Area:      areaJSON{Area: area, Children: len(reg.Children(code))},
		Ancestors: areasOf(reg, up),
		Children:  areasOf(reg, reg.Children(code)),
		Races:     races,
	}
	a.b.WriteJSON(w, http.StatusOK, out)
	return nil
}
