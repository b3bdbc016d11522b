package cli

import (
	"fmt"
	"io"

	"github.com/sandik-dev/sandik/ingest"
)

// ProgressPrinter prints a line at most every 10% of the work.
func ProgressPrinter(w io.Writer, what string) ingest.Progress {
	last := -1
	return func(done, total int) {
		if total <= 0 {
			return
		}
		step := done * 10 / total
		if step != last || done == total {
			last = step
			fmt.Fprintf(w, "  %s: %d / %d\n", what, done, total)
		}
	}
}
