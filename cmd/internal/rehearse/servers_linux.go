package rehearse

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// dieWithParent has the kernel stop a server the rehearsal started when
// the rehearsal itself dies, killed before it could stop them.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// lowerPriority gives every thread of this process the nice value n (0
// to 19), and with it those it starts later, which inherit it. Linux
// keeps a nice value per thread, so setting the process's alone would
// leave the load on the threads already running.
func lowerPriority(n int) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return fmt.Errorf("lower the rehearsal's priority: %w", err)
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, n); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("lower the rehearsal's priority to nice %d: %w", n, err)
		}
	}
	return nil
}
