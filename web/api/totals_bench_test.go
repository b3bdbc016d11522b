package api

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/synth"
)

// countryEnv serves a country of 81 provinces (12 choices, one race).
func countryEnv(b *testing.B) (*env, *sandik.Registry) {
	shape := synth.Shape{Provinces: 81, DistrictsPerIl: 4, MahallesPerIlce: 4, BuildingsPerMah: 5, BoxesPerBuilding: 2,
		Races: 1, Choices: 12, RegisteredPerBox: 350}
	reg, err := synth.Registry(shape)
	if err != nil {
		b.Fatal(err)
	}
	return newEnvWith(b, reg), reg
}

// BenchmarkTotals measures what the origin spends on a dashboard's read of
// an area's live totals (GET /api/v1/races/{race}/totals/{area}): the
// country (81 provinces as children) and a province, as a coordinator,
// through the whole handler stack without the network, uncompressed.
func BenchmarkTotals(b *testing.B) {
	e, reg := countryEnv(b)
	race := string(reg.Races[0].Code)
	h := e.base.Handler()
	auth := "Bearer " + e.Tokens[coordinator]
	for _, area := range []string{string(reg.Roots()[0]), string(reg.Areas[1].Code)} {
		path := "/api/v1/races/" + race + "/totals/" + area
		b.Run(area, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				r := httptest.NewRequest("GET", path, nil)
				r.Header.Set("Authorization", auth)
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", path, w.Code, w.Body)
				}
				b.SetBytes(int64(w.Body.Len()))
			}
		})
	}
}

// BenchmarkTotalsEncode compares the two encoders of the answer a read
// that misses the cache makes (the country: 81 provinces of 12 choices):
// encoding/json against the hand-written one.
func BenchmarkTotalsEncode(b *testing.B) {
	e, reg := countryEnv(b)
	rc := reg.Races[0]
	u, err := e.Center.Authenticate(b.Context(), e.Tokens[coordinator])
	if err != nil {
		b.Fatal(err)
	}
	at, err := e.Center.View(u).Totals(rc.Code, reg.Roots()[0])
	if err != nil {
		b.Fatal(err)
	}
	out := totalsJSON{Unofficial: true, Notice: "Unofficial: …", Race: rc.Code, Choices: rc.Choices, AreaTotals: at}
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodeJSON(out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("by-hand", func(b *testing.B) {
		for b.Loop() {
			out.appendJSON(make([]byte, 0, totalsJSONSize(&out)))
		}
	})
}

// BenchmarkTotalsGzip is a dashboard's read of the country's totals in a
// browser, which accepts gzip: a quarter of the boxes reported, so that
// the figures vary as on the night. During the night every write changes
// the answer, so it is compressed anew at every read; gzbytes is what
// goes on the wire.
func BenchmarkTotalsGzip(b *testing.B) {
	e, reg := countryEnv(b)
	rc := &reg.Races[0]
	u, err := e.Center.Authenticate(b.Context(), e.Tokens[volunteer])
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 9))
	var batch []sandik.SheetInput
	var last int64
	boxes := reg.RaceBoxes(rc.Code)
	for i := 0; i < len(boxes); i += 4 {
		t := synth.Sheet(rng, 350, len(rc.Choices))
		in := sandik.SheetInput{ID: sandik.SubmissionID(fmt.Sprintf("gz-%d", i)), Race: rc.Code, Box: boxes[i],
			Registered: &t.Registered, Voted: &t.Voted, ValidWithoutObjection: &t.ValidWithoutObjection,
			ValidUponObjection: &t.ValidUponObjection, ValidTotal: &t.ValidTotal, Invalid: &t.Invalid,
			Votes: map[sandik.ChoiceCode]*int64{}}
		for j, c := range rc.Choices {
			in.Votes[c.Code] = &t.Votes[j]
		}
		if batch = append(batch, in); len(batch) == center.MaxBatch || i+4 >= len(boxes) {
			rs, err := e.Center.Submit(b.Context(), u, batch)
			if err != nil {
				b.Fatal(err)
			}
			last, batch = rs[len(rs)-1].Seq, nil
		}
	}
	if err := e.Center.WaitFor(b.Context(), last); err != nil {
		b.Fatal(err)
	}
	h := e.base.Handler()
	auth := "Bearer " + e.Tokens[coordinator]
	path := "/api/v1/races/" + string(rc.Code) + "/totals/" + string(reg.Roots()[0])
	var size int
	for b.Loop() {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Authorization", auth)
		r.Header.Set("Accept-Encoding", "gzip, deflate, br")
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "gzip" {
			b.Fatalf("%s: %d %q", path, w.Code, w.Header().Get("Content-Encoding"))
		}
		size = w.Body.Len()
	}
	b.ReportMetric(float64(size), "gzbytes")
}
