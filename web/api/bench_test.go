package api

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/synth"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/strict"
)

// benchLoad is a synthetic election (20,000 boxes, 10 choices) and a
// generator of valid, distinct sheets spread over its boxes.
type benchLoad struct {
	race   sandik.RaceCode
	boxes  []sandik.AreaCode
	choice []sandik.ChoiceCode
}

func newBenchEnv(b *testing.B) (*env, *benchLoad) {
	shape := synth.Shape{Provinces: 10, DistrictsPerIl: 10, MahallesPerIlce: 20, BuildingsPerMah: 5, BoxesPerBuilding: 2,
		Races: 2, Choices: 10, RegisteredPerBox: 350}
	reg, err := synth.Registry(shape)
	if err != nil {
		b.Fatal(err)
	}
	rc := &reg.Races[0]
	l := &benchLoad{race: rc.Code, boxes: reg.RaceBoxes(rc.Code)}
	for _, c := range rc.Choices {
		l.choice = append(l.choice, c.Code)
	}
	return newEnvWith(b, reg), l
}

// body is the i-th sheet as JSON, for box i mod the number of boxes.
func (l *benchLoad) body(i int64) []byte {
	t := synth.Sheet(rand.New(rand.NewPCG(uint64(i), 7)), 350, len(l.choice))
	buf := fmt.Appendf(make([]byte, 0, 512), `{"id":"bench-%d","race":%q,"box":%q,"registered":%d,"voted":%d,`+
		`"valid_without_objection":%d,"valid_upon_objection":0,"valid_total":%d,"invalid_total":%d,"votes":{`,
		i, l.race, l.boxes[int(i)%len(l.boxes)], t.Registered, t.Voted, t.ValidWithoutObjection, t.ValidTotal, t.Invalid)
	for j, c := range l.choice {
		if j > 0 {
			buf = append(buf, ',')
		}
		buf = fmt.Appendf(buf, "%q:%d", c, t.Votes[j])
	}
	return append(buf, "}}"...)
}

// BenchmarkSubmitHandler measures the HTTP layer with the real Center and
// a durable SQLite store, without the network: many concurrent requests
// share the store's group commits.
func BenchmarkSubmitHandler(b *testing.B) {
	e, load := newBenchEnv(b)
	h := e.base.Handler()
	auth := "Bearer " + e.Tokens[volunteer]
	var next atomic.Int64
	b.SetParallelism(32)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/api/v1/submissions", bytes.NewReader(load.body(next.Add(1))))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", auth)
			// As every browser and most phones' HTTP libraries send it.
			req.Header.Set("Accept-Encoding", "gzip, deflate, br")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusCreated {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submits/s")
}

// BenchmarkSubmitHTTP adds loopback HTTP with keep-alive connections; the
// load generator shares the machine's cores with the server.
func BenchmarkSubmitHTTP(b *testing.B) {
	e, load := newBenchEnv(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
	url := e.HTTP.URL + "/api/v1/submissions"
	auth := "Bearer " + e.Tokens[volunteer]
	var next atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", url, bytes.NewReader(load.body(next.Add(1))))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", auth)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submits/s")
}

// BenchmarkSubmitCenter is the baseline: the same sheets through
// center.Submit directly, without HTTP.
func BenchmarkSubmitCenter(b *testing.B) {
	e, load := newBenchEnv(b)
	u, err := e.Center.Authenticate(b.Context(), e.Tokens[volunteer])
	if err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			var in sandik.SheetInput
			if err := strict.Decode(load.body(next.Add(1)), handler.SheetShape, &in); err != nil {
				b.Fatal(err)
			}
			if _, err := e.Center.Submit(b.Context(), u, []sandik.SheetInput{in}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submits/s")
}
