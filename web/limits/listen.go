package limits

import (
	"net"

	"golang.org/x/net/netutil"
)

// Listener accepts at most n connections open at once; past that, Accept
// waits for one to close, so the extra clients wait in the kernel's
// backlog instead of taking a file descriptor each. n ≤ 0 is no cap.
func Listener(ln net.Listener, n int) net.Listener {
	if n <= 0 {
		return ln
	}
	return netutil.LimitListener(ln, n)
}
