package center

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Two instances on one machine write the same checkpoint file at once:
// every write succeeds, the file is always one of them whole, and no
// temporary file is left behind.
func TestCheckpointFileWrittenByTwoAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.key.checkpoint")
	a, b := bytes.Repeat([]byte("a"), 4096), bytes.Repeat([]byte("b"), 4096)
	var wg sync.WaitGroup
	for _, data := range [][]byte{a, b} {
		wg.Go(func() {
			for range 200 {
				if err := writeFileAtomic(path, data); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, a) && !bytes.Equal(got, b) {
		t.Fatalf("the file holds %d bytes, neither write whole (%v)", len(got), err)
	}
	left, _ := filepath.Glob(path + ".*")
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", fi.Mode(), err)
	}
}
