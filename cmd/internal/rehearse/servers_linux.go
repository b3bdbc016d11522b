package rehearse

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel stop a server the rehearsal started when
// the rehearsal itself dies, killed before it could stop them.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
