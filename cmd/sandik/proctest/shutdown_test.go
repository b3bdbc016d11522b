package proctest

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/proctest"
)

// TestSigtermShutsDownCleanly: under load, SIGTERM makes `sandik serve`
// stop accepting, finish what is in flight and exit 0, and every
// acknowledged submission is in the log.
func TestSigtermShutsDownCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and signals a real server")
	}
	dir, bin := proctest.BuildSandik(t)
	db := filepath.Join(dir, "term.db")
	reg, token := prepareCrashDB(t, db)
	url, proc, _ := startServer(t, bin, db)
	acked := map[sandik.SubmissionID]string{}
	refused := map[sandik.SubmissionID]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	for w := 0; w < 8; w++ {
		wg.Go(func() {
			client := &http.Client{Timeout: 5 * time.Second}
			for i := w * 1_000_000; ctx.Err() == nil; i++ {
				id, body, want := crashSubmission(reg, i, false)
				code := post(ctx, client, url, token, body)
				if code == 0 {
					return // the server has closed its listener
				}
				mu.Lock()
				if code/100 == 2 {
					acked[id] = want
				}
				mu.Unlock()
			}
		})
	}
	time.AfterFunc(300*time.Millisecond, func() { proc.Process.Signal(syscall.SIGTERM) })
	err := proc.Wait()
	cancel()
	wg.Wait()
	if err != nil {
		t.Fatalf("sandik serve after SIGTERM: %v (want exit status 0)", err)
	}
	checkCrashDB(t, db, reg, acked, refused)
}
