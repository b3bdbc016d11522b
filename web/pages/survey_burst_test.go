package pages

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/handler"
)

// TestSurveyBurst is the benchmark of BENCHMARKS.md ("Live surveys"):
// SANDIK_BENCH_SURVEY phones (1000 when set to 1) answer one question
// at once through the phone's page while as many projector streams
// watch; every answer must be counted exactly, and the p99 of the time
// from an answer's acknowledgement to every watcher showing a count
// that includes it is reported. It runs only when asked.
func TestSurveyBurst(t *testing.T) {
	env := os.Getenv("SANDIK_BENCH_SURVEY")
	if env == "" {
		t.Skip("set SANDIK_BENCH_SURVEY=1 (1000 phones and watchers) or a number")
	}
	n := 1000
	if v, err := strconv.Atoi(env); err == nil && v > 1 {
		n = v
	}
	e := newBaseEnv(t, func(c *handler.Config) {
		c.Limits.StreamsPerSession, c.Limits.StreamsPerUser = 2*n, 2*n
	})
	ctx := context.Background()
	setup := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	peopleFixture(t, e)
	ch := sandik.OrgChange{}
	ids := make([]sandik.PersonID, n)
	for i := range n {
		ids[i] = sandik.PersonID(fmt.Sprintf("p-%04d", i))
		ch.People = append(ch.People, sandik.Person{ID: ids[i], Name: fmt.Sprintf("Katılımcı %d (sentetik)", i), Home: []sandik.UnitCode{"34.01", "34.02"}[i%2], Purpose: "örgüt üyeliği", Consent: "2024-01-01"})
	}
	if err := e.Center.SaveOrg(ctx, setup, ch); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2024, 6, 1, 10, 0, 0, 0, sandik.Istanbul())
	m, _, err := e.Center.CreateMeeting(ctx, setup, sandik.Meeting{ID: "t-1", Unit: "34", Title: "Çalıştay", Kind: sandik.MeetingWorkshop,
		Start: start, End: start.Add(6 * time.Hour), Place: "Sarıyer", Invite: sandik.InviteRule{People: ids}})
	if err != nil {
		t.Fatal(err)
	}
	qs, _ := ParseQuestions("tek: Kardeş ilçe modeli? | Evet | Hayır | Kararsızım")
	s, err := e.Center.CreateSurvey(ctx, setup, sandik.Survey{ID: "a-1", Meeting: "t-1", Title: "Anket", Questions: qs})
	if err != nil {
		t.Fatal(err)
	}
	tokens := make([]string, n)
	for i, id := range ids {
		ci, err := e.Center.CheckInWithCode(ctx, "t-1", m.Code, id)
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = ci.Token
	}
	if err := e.Center.SetQuestion(ctx, setup, "a-1", 1, sandik.QuestionOpen, false); err != nil {
		t.Fatal(err)
	}

	// The watchers: one signed-in browser's session, n streams.
	b := e.Browser(coordinator)
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	type seen struct {
		at    time.Time
		count int
	}
	watched := make([][]seen, n)
	var wg sync.WaitGroup
	ready := make(chan struct{}, n)
	transport := &http.Transport{MaxIdleConnsPerHost: 4 * n, MaxConnsPerHost: 0}
	client := &http.Client{Jar: b.Client.Jar, Transport: transport}
	for w := range n {
		req, _ := http.NewRequestWithContext(sctx, "GET", e.HTTP.URL+"/anket/a-1/ekran/live", nil)
		resp, err := client.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("watcher %d: %v %v", w, err, resp)
		}
		wg.Go(func() {
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			first := true
			for sc.Scan() {
				line, ok := strings.CutPrefix(sc.Text(), "data: ")
				if !ok || !strings.HasPrefix(line, "{") {
					continue
				}
				var p livePayload
				if json.Unmarshal([]byte(line), &p) != nil {
					continue
				}
				c, _ := strconv.Atoi(strings.Map(func(r rune) rune {
					if r >= '0' && r <= '9' {
						return r
					}
					return -1
				}, p.K["q1.answers"]))
				watched[w] = append(watched[w], seen{time.Now(), c})
				if first {
					ready <- struct{}{}
					first = false
				}
				if c == n {
					return
				}
			}
		})
	}
	for range n {
		<-ready
	}

	// The phones, all at once.
	acks := make([]time.Time, n)
	statuses := make([]int, n)
	began := time.Now()
	var phones sync.WaitGroup
	for i := range n {
		phones.Go(func() {
			req, _ := http.NewRequest("POST", e.HTTP.URL+"/katil/t-1/anket/a-1/1", strings.NewReader(url.Values{"choice": {strconv.Itoa(i % 3)}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Cookie", tokenCookie("t-1")+"="+tokens[i]+"; "+joinCookie("a-1")+"="+s.JoinCode)
			resp, err := transport.RoundTrip(req)
			if err != nil {
				statuses[i] = -1
				return
			}
			resp.Body.Close()
			acks[i], statuses[i] = time.Now(), resp.StatusCode
		})
	}
	phones.Wait()
	answered := time.Since(began)
	for i, st := range statuses {
		if st != http.StatusSeeOther {
			t.Fatalf("phone %d: status %d", i, st)
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the watchers did not all see every answer within a minute")
	}
	res, err := e.Center.Results(ctx, s, 1)
	if err != nil || res.Answers != n || res.Counts["0"]+res.Counts["1"]+res.Counts["2"] != n {
		t.Fatalf("results %+v, %v; want %d answers", res, err, n)
	}
	if parts, _ := e.Center.Meetings().Participants(ctx, "a-1", 1); parts != n {
		t.Fatalf("%d participation marks, want %d", parts, n)
	}
	// Latency: the k-th acknowledgement against the first moment each
	// watcher showed at least k answers.
	sorted := slices.Clone(acks)
	slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
	var lat []time.Duration
	events := 0
	for _, evs := range watched {
		events += len(evs)
		j := 0
		for k := 1; k <= n; k++ {
			for j < len(evs) && evs[j].count < k {
				j++
			}
			if j == len(evs) {
				t.Fatalf("a watcher never showed %d answers", k)
			}
			lat = append(lat, max(0, evs[j].at.Sub(sorted[k-1])))
		}
	}
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))] }
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%d phones answered in %s; %d watchers received %d events (%.1f each); ack→shown p50 %s, p99 %s, max %s",
		n, answered.Round(time.Millisecond), n, events, float64(events)/float64(n), p(0.5).Round(time.Millisecond), p(0.99).Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	t.Log(buf.String())
	if answered > 10*time.Second {
		t.Errorf("answering took %s, over 10 s", answered)
	}
	if p(0.99) > time.Second {
		t.Errorf("p99 from acknowledgement to projector %s, over 1 s", p(0.99))
	}
	stop()
}
