package geo

import (
	"math"
	"testing"
)

func TestCentroids(t *testing.T) {
	ist, err := IstanbulCentroids()
	if err != nil {
		t.Fatal(err)
	}
	if len(ist) != 39 {
		t.Errorf("%d district centroids, want 39", len(ist))
	}
	// Kadıköy lies about 40.98 N, 29.06 E; its centroid is within a few
	// kilometres of that.
	k := ist[Key("Kadıköy")]
	if math.Abs(k.Lat-40.98) > 0.05 || math.Abs(k.Lon-29.07) > 0.05 {
		t.Errorf("Kadıköy at %+v", k)
	}
	prov, err := ProvinceCentroids()
	if err != nil {
		t.Fatal(err)
	}
	iz := prov[Key("İzmir")]
	if len(prov) < 81 || iz.Lat < 37.8 || iz.Lat > 39.2 || iz.Lon < 26.2 || iz.Lon > 28.5 {
		t.Errorf("%d provinces, İzmir at %+v", len(prov), iz)
	}
	sq, a := ringCentroid([][2]float64{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}})
	if sq.Lat != 1 || sq.Lon != 1 || a != 4 {
		t.Errorf("square: %+v %v", sq, a)
	}
}
