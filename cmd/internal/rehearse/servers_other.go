//go:build !linux

package rehearse

import "os/exec"

// dieWithParent does nothing where the kernel offers no parent-death
// signal: a rehearsal killed hard leaves its servers running there.
func dieWithParent(*exec.Cmd) {}
