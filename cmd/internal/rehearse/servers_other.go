//go:build !linux

package rehearse

import (
	"errors"
	"os/exec"
)

// dieWithParent does nothing where the kernel offers no parent-death
// signal: a rehearsal killed hard leaves its servers running there.
func dieWithParent(*exec.Cmd) {}

// lowerPriority is Linux's only: elsewhere -nice is refused.
func lowerPriority(int) error {
	return errors.New("-nice lowers the rehearsal's priority on Linux only")
}
