//go:build ignore

// compact_istanbul writes the compact copy of İstanbul's district outlines
// that the server embeds: the shared GeoJSON with coordinates rounded to
// three decimals (about 80 m, under half a pixel on an 800-unit map) and
// every property but the name dropped. Run it from this directory:
//
//	go run compact_istanbul.go ../../../shared/data/geo/istanbul-districts.geojson > istanbul-districts.geojson
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
)

type feature struct {
	Type       string            `json:"type"`
	Properties map[string]string `json:"properties"`
	Geometry   struct {
		Type        string           `json:"type"`
		Coordinates [][][][2]float64 `json:"coordinates"`
	} `json:"geometry"`
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var fc struct {
		Features []struct {
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
			Geometry struct {
				Type        string           `json:"type"`
				Coordinates [][][][2]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := struct {
		Type     string    `json:"type"`
		Licence  string    `json:"licence"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Licence: "© OpenStreetMap contributors, ODbL 1.0"}
	for _, f := range fc.Features {
		if f.Geometry.Type != "MultiPolygon" {
			fmt.Fprintf(os.Stderr, "%s: geometry %s, want MultiPolygon\n", f.Properties.Name, f.Geometry.Type)
			os.Exit(1)
		}
		var g feature
		g.Type, g.Properties = "Feature", map[string]string{"name": f.Properties.Name}
		g.Geometry.Type = "MultiPolygon"
		for _, poly := range f.Geometry.Coordinates {
			var p [][][2]float64
			for _, ring := range poly {
				var r [][2]float64
				for _, pt := range ring {
					q := [2]float64{math.Round(pt[0]*1000) / 1000, math.Round(pt[1]*1000) / 1000}
					if len(r) > 0 && r[len(r)-1] == q {
						continue // rounding joined two points
					}
					r = append(r, q)
				}
				if len(r) >= 4 {
					p = append(p, r)
				}
			}
			if len(p) > 0 {
				g.Geometry.Coordinates = append(g.Geometry.Coordinates, p)
			}
		}
		out.Features = append(out.Features, g)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
