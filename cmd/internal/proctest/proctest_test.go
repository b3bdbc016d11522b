package proctest_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/proctest"
	"github.com/sandik-dev/sandik/store/sqlite"
)

// A prepared store takes submissions of its volunteer, and CheckStore
// finds them all and counts each box with its latest entry.
func TestPrepareAndCheckStore(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Options{Path: filepath.Join(t.TempDir(), "a.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg, token := proctest.PrepareStore(t, st)
	if token == "" {
		t.Fatal("no token")
	}
	boxes := reg.RaceBoxes("race1")
	if len(boxes) != 4000 {
		t.Fatalf("%d boxes in race1, want 4,000", len(boxes))
	}
	acked := map[sandik.SubmissionID]string{}
	var subs []sandik.Submission
	// Three entries, the third a correction of the first box.
	for i, box := range []sandik.AreaCode{boxes[0], boxes[1], boxes[0]} {
		a := int64(10 * i)
		s := sandik.Submission{
			ID: sandik.SubmissionID(fmt.Sprintf("p-%d", i)), Race: "race1", Box: box,
			User: "crash", Source: sandik.SourceEntry, Kind: sandik.KindEntry,
			Sheet: sandik.Tutanak{Registered: 300, Voted: a + 155, ValidWithoutObjection: a + 150, ValidTotal: a + 150,
				Invalid: 5, Votes: []int64{a, 100, 30, 20}},
		}
		s.Hash = s.ContentHash()
		subs = append(subs, s)
		acked[s.ID] = fmt.Sprintf("race1|%s|%d", box, a+150)
	}
	if _, err := st.Append(ctx, subs); err != nil {
		t.Fatal(err)
	}
	valid, n := proctest.CheckStore(t, st, acked, nil)
	if valid != 170+160 || n != 2 {
		t.Fatalf("CheckStore = %d over %d boxes, want 330 over 2", valid, n)
	}
}

// The binary builds by import path from a directory outside the command.
func TestBuildSandik(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	_, bin := proctest.BuildSandik(t)
	if fi, err := os.Stat(bin); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("built binary %s: %v", bin, err)
	}
}
