package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/demo"
	"github.com/sandik-dev/sandik/feed"
	"github.com/sandik-dev/sandik/web/feedhttp"
)

// DemoFeedPath is the page the demo's fake publisher serves, on a port
// of its own on the loopback.
const DemoFeedPath = "/il/34.json"

// SeedFeedReading reads an official feed once for the demo, as `sandik
// follow` does: a fake publisher (feed.Fake, the one `sandik feed serve`
// runs) serves a page on which the YSK corrects two of the mayoral
// race's published boxes, moving 20 and 7 votes from the box's leader to
// its second, and a follower polls it over HTTP and records what
// changed. The alerts page (/resmi) and those boxes' versions then show
// the change on first start, each with the publisher's address as its
// source. It returns the reading's result, the first changed box and a
// stop that closes the publisher (its address answers until then).
func SeedFeedReading(ctx context.Context, c *center.Center, reg *sandik.Registry, at time.Time) (center.FeedResult, sandik.AreaCode, func(), error) {
	view := c.View(Operator())
	rc, ok := reg.Race(demo.RaceMayor)
	if !ok {
		return center.FeedResult{}, "", nil, fmt.Errorf("demo feed: no race %s", demo.RaceMayor)
	}
	var boxes []feed.FakeBox
	var first sandik.AreaCode
	for _, box := range reg.RaceBoxes(demo.RaceMayor) {
		d, err := view.Box(ctx, demo.RaceMayor, box)
		if err != nil || d.State.Official == nil {
			continue
		}
		t := *d.State.Official
		t.Votes = append([]int64(nil), t.Votes...)
		lead, second := 0, 1
		for i, v := range t.Votes {
			switch {
			case v > t.Votes[lead]:
				lead, second = i, lead
			case i != lead && (second == lead || v > t.Votes[second]):
				second = i
			}
		}
		moved := []int64{20, 7}[len(boxes)]
		if lead == second || t.Votes[lead] < moved {
			continue
		}
		t.Votes[lead] -= moved
		t.Votes[second] += moved
		votes := map[string]int64{}
		for i, ch := range rc.Choices {
			votes[string(ch.Code)] = t.Votes[i]
		}
		boxes = append(boxes, feed.FakeBox{Box: string(box), Race: string(rc.Code), Registered: t.Registered, VotedByLaw: t.VotedByLaw, Voted: t.Voted,
			ValidWithoutObjection: t.ValidWithoutObjection, ValidUponObjection: t.ValidUponObjection, ValidTotal: t.ValidTotal, Invalid: t.Invalid, Votes: votes})
		if first == "" {
			first = box
		}
		if len(boxes) == 2 {
			break
		}
	}
	if len(boxes) == 0 {
		return center.FeedResult{}, "", nil, fmt.Errorf("demo feed: no published box to correct")
	}
	fake, err := feed.NewFake(&feed.Script{Steps: []feed.Step{{Boxes: boxes}}}, at)
	if err != nil {
		return center.FeedResult{}, "", nil, fmt.Errorf("demo feed: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return center.FeedResult{}, "", nil, fmt.Errorf("demo feed: %w", err)
	}
	srv := &http.Server{Handler: feedhttp.Fake(fake), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	stop := func() {
		srv.Close()
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Warn("demo feed: the fake publisher stopped", "err", err)
		}
	}
	m := feed.DefaultMapping()
	m.Election, m.Races = rc.Election, []sandik.RaceCode{rc.Code}
	f := &feed.Follower{Name: "demo", URL: "http://" + ln.Addr().String() + DemoFeedPath, Mapping: m, Sink: c,
		Fetch: feedhttp.Fetcher{Client: &http.Client{Timeout: 30 * time.Second}}}
	out, err := f.Poll(ctx)
	if err != nil {
		stop()
		return center.FeedResult{}, "", nil, fmt.Errorf("demo feed: %w", err)
	}
	return out.FeedResult, first, stop, nil
}
