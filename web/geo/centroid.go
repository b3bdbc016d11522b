package geo

import (
	"encoding/json"
	"fmt"
	"math"
)

// LatLon is a place in degrees.
type LatLon struct{ Lat, Lon float64 }

// ProvinceCentroids returns the centroid of every province's largest
// ring, by Key of its name: where a tour of the province starts.
func ProvinceCentroids() (map[string]LatLon, error) { return centroids(provincesJSON) }

// IstanbulCentroids returns the centroid of each of İstanbul's districts,
// by Key of its name: the stops of a tour and the distances of sister
// districts.
func IstanbulCentroids() (map[string]LatLon, error) { return centroids(istanbulJSON) }

// centroids takes the area-weighted centroid of each feature's largest
// ring, in longitude and latitude taken as a plane: districts and
// provinces are small enough for the error to be far below a kilometre.
func centroids(data []byte) (map[string]LatLon, error) {
	var fc featureCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, fmt.Errorf("geo: %w", err)
	}
	out := make(map[string]LatLon, len(fc.Features))
	for i, f := range fc.Features {
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("geo: feature %d (%s): %w", i, f.Properties.Name, err)
			}
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, fmt.Errorf("geo: feature %d (%s): %w", i, f.Properties.Name, err)
			}
			polys = [][][][2]float64{p}
		}
		best, bestArea := LatLon{}, 0.0
		for _, p := range polys {
			if len(p) == 0 {
				continue
			}
			c, a := ringCentroid(p[0])
			if a > bestArea {
				best, bestArea = c, a
			}
		}
		if bestArea > 0 {
			out[Key(f.Properties.Name)] = best
		}
	}
	return out, nil
}

// ringCentroid is the centroid of a ring of [lon, lat] points and its
// area (in square degrees, unsigned).
func ringCentroid(ring [][2]float64) (LatLon, float64) {
	var a, cx, cy float64
	for i := range ring {
		p, q := ring[i], ring[(i+1)%len(ring)]
		cross := p[0]*q[1] - q[0]*p[1]
		a += cross
		cx += (p[0] + q[0]) * cross
		cy += (p[1] + q[1]) * cross
	}
	if a == 0 {
		return LatLon{}, 0
	}
	return LatLon{Lat: cy / (3 * a), Lon: cx / (3 * a)}, math.Abs(a / 2)
}
