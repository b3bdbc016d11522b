package rehearse

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/sandik-dev/sandik/cmd/internal/loadclient"
	"github.com/sandik-dev/sandik/feed"
	"github.com/sandik-dev/sandik/web/feedhttp"
)

// FeedKind is the kind of race the fake official feed publishes: the
// council, the race YSK's per-box files carry.
const FeedKind = "meclis"

// feedSteps is how many times the fake feed publishes during the night.
const feedSteps = 8

// officialFeed is the fake YSK feed of a rehearsal, served by the
// feed package's scripted fake (the one `sandik feed serve` runs).
type officialFeed struct {
	URL      string
	Interval time.Duration // how often the follower should read it
	Boxes    int           // published by the last step
	Differ   int           // published with other figures than the sheet
	srv      *http.Server
	fake     atomic.Pointer[feed.Fake]
}

// listenFeed opens the fake feed's address, so that the servers can be
// started following it; until publish it answers 404, as a publisher
// does before polls close.
func listenFeed(n *Night, night time.Duration) (*officialFeed, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &officialFeed{Interval: max(time.Second, night/40), Boxes: len(n.Boxes), URL: "http://" + ln.Addr().String() + "/"}
	f.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fk := f.fake.Load(); fk != nil {
			feedhttp.Fake(fk).ServeHTTP(w, r)
			return
		}
		http.Error(w, "no results published yet", http.StatusNotFound)
	})}
	go f.srv.Serve(ln)
	return f, nil
}

// publish scripts the feed for a night starting at start: the council
// race's boxes in feedSteps steps over the first nine tenths of the night,
// every box's true sheet except one in a hundred, whose official figures
// move five votes from the first party to the second (a discrepancy to
// object to).
func (f *officialFeed) publish(n *Night, night time.Duration, start time.Time) error {
	race := -1
	for r, rc := range n.Races {
		if string(rc.Code) == string(Election)+"."+FeedKind+".TR" {
			race = r
		}
	}
	if race < 0 {
		return fmt.Errorf("the night has no %s race", FeedKind)
	}
	rc := n.Races[race]
	s := &feed.Script{}
	for k := 1; k <= feedSteps; k++ {
		at := time.Duration(float64(night) * 0.9 * float64(k) / feedSteps)
		step := feed.Step{At: feed.Duration(at)}
		lo, hi := (k-1)*len(n.Boxes)/feedSteps, k*len(n.Boxes)/feedSteps
		for b := lo; b < hi; b++ {
			p := b*len(n.Races) + race
			t := n.Sheet(p)
			if b%100 == 7 && t.Votes[0] >= 5 {
				t.Votes[0] -= 5
				t.Votes[1] += 5
				f.Differ++
			}
			votes := make(map[string]int64, len(t.Votes))
			for c, ch := range rc.Choices {
				votes[string(ch.Code)] = t.Votes[c]
			}
			step.Boxes = append(step.Boxes, feed.FakeBox{Box: string(n.Boxes[b]), Registered: t.Registered, Voted: t.Voted,
				ValidWithoutObjection: t.ValidWithoutObjection, ValidTotal: t.ValidTotal, Invalid: t.Invalid, Votes: votes})
		}
		s.Steps = append(s.Steps, step)
	}
	fake, err := feed.NewFake(s, start)
	if err != nil {
		return fmt.Errorf("fake feed: %w", err)
	}
	f.fake.Store(fake)
	return nil
}

// followArgs are the flags that make `sandik serve` follow the feed.
func (f *officialFeed) followArgs() []string {
	return []string{"-follow", f.URL, "-follow-election", string(Election), "-follow-kind", FeedKind, "-follow-interval", f.Interval.String(),
		"-follow-max-backoff", f.Interval.String()}
}

func (f *officialFeed) close() { f.srv.Close() }

// waitOfficial polls each server until the council race's national
// totals count every published box as official.
func waitOfficial(ctx context.Context, urls []string, token string, boxes int, limit time.Duration) ([]int, error) {
	deadline := time.Now().Add(limit)
	seen := make([]int, len(urls))
	path := "/api/v1/races/" + string(Election) + "." + FeedKind + ".TR/totals/TR"
	for i, u := range urls {
		host, _ := hostOf(u)
		c := &loadclient.Client{Addr: host}
		defer c.Close()
		for {
			code, _, body, err := c.Do("GET", path, "Bearer "+token, nil)
			if err != nil || code != 200 {
				return seen, fmt.Errorf("official totals on %s: %d %v", u, code, err)
			}
			var t struct {
				Totals struct {
					BoxesOfficial int `json:"boxes_official"`
				} `json:"totals"`
			}
			if err := json.Unmarshal(body, &t); err != nil {
				return seen, err
			}
			seen[i] = t.Totals.BoxesOfficial
			if seen[i] >= boxes {
				break
			}
			if time.Now().After(deadline) {
				return seen, fmt.Errorf("%s shows %d of the feed's %d boxes as official after %s", u, seen[i], boxes, limit)
			}
			select {
			case <-time.After(100 * time.Millisecond):
			case <-ctx.Done():
				return seen, ctx.Err()
			}
		}
	}
	return seen, nil
}
