package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// BenchmarkKurultay is a national congress over the real HTTP server and
// SQLite: 1,400 delegates checked in from 4 desks at once, a 60-seat
// çarşaf of 150 candidates counted from 30 boxes each entered twice, and
// the approval turning the 60 winners and 30 substitutes into terms and
// mandates. It reports the p99 of a check-in's answer, the p99 from an
// entry's request until the results route reflects it, and the
// approval's time. Run it once:
//
//	go test ./web/api/ -run '^$' -bench Kurultay -benchtime 1x
func BenchmarkKurultay(b *testing.B) {
	for range b.N {
		kurultay(b)
	}
}

func kurultay(b *testing.B) {
	b.StopTimer()
	e := newEnv(b)
	ctx := context.Background()
	setup := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	c := e.Center
	const delegates, seats, subs, candidates, boxes = 1400, 60, 30, 150, 30
	ch := sandik.OrgChange{Units: []sandik.Unit{{Code: "34", Kind: sandik.UnitIl, Name: "İstanbul", Area: "34"}}}
	var ms []sandik.Mandate
	for i := range delegates {
		id := sandik.PersonID(fmt.Sprintf("d-%04d", i))
		ch.People = append(ch.People, sandik.Person{ID: id, Name: fmt.Sprintf("Delege %04d (sentetik)", i), Home: "34", Purpose: "örgüt üyeliği", Consent: "2024-01-01"})
		ms = append(ms, sandik.Mandate{ID: sandik.MandateID(fmt.Sprintf("mk-%04d", i)), Person: id, Level: sandik.LevelKurultay, Unit: "34",
			Group: sandik.UnitCode(fmt.Sprintf("il-%02d", i%81)), Rank: i/81 + 1, Start: "2019-01-01", Camp: []string{"A", "B"}[i%2]})
	}
	if err := c.SaveOrg(ctx, setup, ch); err != nil {
		b.Fatal(err)
	}
	if err := c.SaveMandates(ctx, setup, ms); err != nil {
		b.Fatal(err)
	}
	g := sandik.Congress{ID: "kurultay", Level: sandik.LevelKurultay, Unit: "34", Title: "Kurultay (sentetik)", Date: "2019-03-31", Place: "Ankara",
		Boxes: boxes, Natural: []sandik.NaturalRule{}}
	if _, err := c.CreateCongress(ctx, setup, g); err != nil {
		b.Fatal(err)
	}
	g, es, err := c.FreezeElectorate(ctx, setup, g.ID)
	if err != nil || len(es) != delegates {
		b.Fatalf("freeze: %d %v", len(es), err)
	}
	if _, err := c.AddContest(ctx, setup, sandik.Contest{Congress: g.ID, Code: "pm", Title: "Parti Meclisi", Kind: sandik.ContestBoard,
		Ballot: sandik.BallotCarsaf, Seats: seats, Substitutes: subs, Tie: sandik.TieLot}); err != nil {
		b.Fatal(err)
	}
	for l, camp := range []string{"A", "B"} {
		list := sandik.CandidateList{Congress: g.ID, Contest: "pm", Code: camp, Name: "Liste " + camp, Camp: camp, SubmittedBy: es[l].Person}
		for i := l; i < candidates; i += 2 {
			list.Candidates = append(list.Candidates, sandik.ListCandidate{Person: es[i].Person, Name: es[i].Name})
		}
		if _, err := c.AppendList(ctx, setup, list); err != nil {
			b.Fatal(err)
		}
	}
	k, err := c.OpenCounting(ctx, setup, g.ID, "pm")
	if err != nil {
		b.Fatal(err)
	}
	client := e.HTTP.Client()
	post := func(path, user string, body any) (int, []byte, error) {
		data, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", e.HTTP.URL+path, bytes.NewReader(data))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.Tokens[user])
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		return resp.StatusCode, buf.Bytes(), nil
	}
	b.StartTimer()

	// 1,400 check-ins from 4 desks at once.
	const desks = 4
	lat := make([]time.Duration, delegates)
	var wg sync.WaitGroup
	errs := make(chan error, desks)
	for d := range desks {
		wg.Go(func() {
			for i := d; i < delegates; i += desks {
				start := time.Now()
				st, body, err := post("/api/v1/congresses/kurultay/checkins", coordinator, map[string]any{"person": string(es[i].Person), "desk": fmt.Sprintf("masa-%d", d+1)})
				lat[i] = time.Since(start)
				if err != nil || st != http.StatusCreated {
					errs <- fmt.Errorf("check-in %d: %d %s %v", i, st, body, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(p99(lat).Seconds()*1000, "checkin-p99-ms")

	// 30 boxes, each entered by two people; after every entry the
	// results route is read until it reflects it.
	rng := rand.New(rand.NewPCG(2019, 1))
	reflect := make([]time.Duration, 0, 2*boxes)
	for n := 1; n <= boxes; n++ {
		ballots := int64(delegates / boxes)
		votes := map[string]int64{}
		for _, cd := range es[:candidates] {
			votes[string(cd.Person)] = rng.Int64N(ballots*35/100 + 1)
		}
		for j, user := range []string{coordinator, admin} {
			sheet := map[string]any{"id": fmt.Sprintf("pm-%02d-%d", n, j), "race": string(k.Race), "box": string(g.Box(n)), "source": "entry",
				"registered": ballots, "voted": ballots, "valid_without_objection": ballots, "valid_upon_objection": 0, "valid_total": ballots, "invalid_total": 0, "votes": votes}
			start := time.Now()
			st, body, err := post("/api/v1/submissions", user, sheet)
			if err != nil || st != http.StatusCreated {
				b.Fatalf("entry: %d %s %v", st, body, err)
			}
			var rec sandik.Receipt
			json.Unmarshal(body, &rec)
			for {
				var res struct {
					Seq int64 `json:"seq"`
				}
				r := e.Do("GET", "/api/v1/congresses/kurultay/results", coordinator, nil)
				r.Decode(b, http.StatusOK, &res)
				if res.Seq >= rec.Seq {
					break
				}
			}
			reflect = append(reflect, time.Since(start))
		}
	}
	b.ReportMetric(p99(reflect).Seconds()*1000, "entry-to-results-p99-ms")

	start := time.Now()
	st, body, err := post("/api/v1/congresses/kurultay/results/pm/approval", coordinator, map[string]any{})
	took := time.Since(start)
	if err != nil || st != http.StatusCreated {
		b.Fatalf("approval: %d %.300s %v", st, body, err)
	}
	var res sandik.ContestResult
	json.Unmarshal(body, &res)
	if len(res.Winners) != seats || len(res.Substitutes) != subs {
		b.Fatalf("approved %d winners, %d substitutes", len(res.Winners), len(res.Substitutes))
	}
	b.ReportMetric(took.Seconds()*1000, "approval-ms")
}

func p99(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)*99+99)/100-1]
}
