package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sandik-dev/sandik/synth"
)

// BenchmarkSnapshot measures what the server spends on a reader that the
// cache in front did not answer: the race's index (nothing changed since
// the last look) and a kept version of the country (81 provinces), through
// the whole handler stack without the network, uncompressed.
func BenchmarkSnapshot(b *testing.B) {
	shape := synth.Shape{Provinces: 81, DistrictsPerIl: 4, MahallesPerIlce: 4, BuildingsPerMah: 5, BoxesPerBuilding: 2,
		Races: 1, Choices: 10, RegisteredPerBox: 350}
	reg, err := synth.Registry(shape)
	if err != nil {
		b.Fatal(err)
	}
	e := newEnvWith(b, reg, publicSnapshots(0))
	race := string(reg.Races[0].Code)
	h := e.base.Handler()
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		return w
	}
	get("/api/v1/snapshots/" + race)
	idx := get("/api/v1/snapshots/" + race + "/TR")
	var url string
	{
		var v indexJSON
		if err := json.Unmarshal(idx.Body.Bytes(), &v); err != nil {
			b.Fatal(err)
		}
		url = v.URL
	}
	b.Run("race-index", func(b *testing.B) {
		for b.Loop() {
			get("/api/v1/snapshots/" + race)
		}
	})
	b.Run("version", func(b *testing.B) {
		for b.Loop() {
			b.SetBytes(int64(get(url).Body.Len()))
		}
	})
}
