package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/demo"
)

// DemoFeedURL is where the demo's official feed reading says it came
// from: no publisher is contacted.
const DemoFeedURL = "https://sentetik-ysk.example/il/34.json"

// SeedFeedReading records one reading of an official feed for the demo,
// as the follower records one (center.RecordOfficial): the YSK corrects
// two of the mayoral race's published boxes, moving 20 and 7 votes from
// the box's leader to its second. The alerts page (/resmi) and those
// boxes' versions then show the change on first start. It returns the
// reading's result and the first changed box.
func SeedFeedReading(ctx context.Context, c *center.Center, reg *sandik.Registry, at time.Time) (center.FeedResult, sandik.AreaCode, error) {
	view := c.View(Operator())
	var rows []sandik.ImportedSheet
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
		moved := []int64{20, 7}[len(rows)]
		if lead == second || t.Votes[lead] < moved {
			continue
		}
		t.Votes[lead] -= moved
		t.Votes[second] += moved
		rows = append(rows, sandik.ImportedSheet{Race: demo.RaceMayor, Box: box, User: "ysk", Source: sandik.SourceOfficial, Sheet: t, CapturedAt: at})
		if len(rows) == 2 {
			break
		}
	}
	if len(rows) == 0 {
		return center.FeedResult{}, "", fmt.Errorf("demo feed: no published box to correct")
	}
	res, err := c.RecordOfficial(ctx, center.FeedBatch{SourceURL: DemoFeedURL, SeenAt: at, Sheets: rows,
		State: sandik.FeedState{Feed: "demo", PolledAt: at}})
	if err != nil {
		return res, "", fmt.Errorf("demo feed: %w", err)
	}
	return res, rows[0].Box, nil
}
