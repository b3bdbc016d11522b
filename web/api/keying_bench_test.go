package api

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/handler"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// BenchmarkSheetPhotoUploads sends 1,000 photos of about 3 MB at once,
// ten from each of 100 observers, through the real server with the
// limits `sandik serve` starts with, and reports the process's peak
// resident memory (VmHWM) and how the uploads were answered: within the
// per-user and total body budgets and the few photos decoded at once,
// memory stays bounded however many are in flight.
// go test ./web/api -run x -bench SheetPhotoUploads -benchtime 1x
func BenchmarkSheetPhotoUploads(b *testing.B) {
	e := &env{}
	e.Env = webtest.Start(b, webtest.Registry(b), openStore, func(w *webtest.Env) (http.Handler, func()) {
		e.base = handler.New(handler.Config{Logger: w.Logger, Authenticate: w.Center.Authenticate, Seq: w.Center.Seq,
			MaxInFlightWrites: 256, Limits: handler.DefaultLimits()})
		Mount(e.base, w.Center, Config{MaxBodyBytes: 1 << 20, MaxBatchBytes: 8 << 20, WaitTimeout: time.Second})
		e.base.Handle("/", e.base.NotFound)
		return e.base.Handler(), nil
	})
	const users, each = 100, 10
	for i := range users {
		e.AddUser(sandik.User{ID: sandik.UserID(fmt.Sprintf("foto-%03d", i)), Name: "Müşahit", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34"}})
	}
	// A 2,000 × 1,500 photo of noise at quality 95 is about 3 MB.
	img := image.NewGray(image.Rect(0, 0, 2000, 1500))
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(rnd.IntN(256))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		b.Fatal(err)
	}
	photo := buf.Bytes()
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: 1000}}
	b.ResetTimer()
	for range b.N {
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range users * each {
			wg.Go(func() {
				user := fmt.Sprintf("foto-%03d", i%users)
				req, _ := http.NewRequest("POST", e.HTTP.URL+"/api/v1/races/"+raceIST+"/boxes/"+box1+"/photos", bytes.NewReader(photo))
				req.Header.Set("Content-Type", "image/jpeg")
				req.Header.Set("Authorization", "Bearer "+e.Tokens[user])
				<-start
				resp, err := client.Do(req)
				code := -1 // refused before the body was read whole: the server closed the connection
				if err == nil {
					code = resp.StatusCode
					resp.Body.Close()
				}
				mu.Lock()
				statuses[code]++
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		b.Logf("photo %d bytes; answers by status: %v", len(photo), statuses)
		b.ReportMetric(float64(statuses[http.StatusCreated]+statuses[http.StatusOK]), "accepted")
		b.ReportMetric(float64(statuses[http.StatusTooManyRequests]+statuses[http.StatusServiceUnavailable]+statuses[-1]), "refused-for-load")
	}
	b.StopTimer()
	b.ReportMetric(peakRSSMB(b), "peak-RSS-MB")
}

// peakRSSMB reads the process's peak resident set from /proc.
func peakRSSMB(b *testing.B) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc:", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}
