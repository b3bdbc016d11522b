//go:build unix

package limits

import "syscall"

// RaiseOpenFiles raises the soft limit of open files to the hard limit,
// since every connection and every live stream holds one, and returns the
// limit now in force. The soft limit many systems start with (1024) is
// far below what one election night's streams need.
func RaiseOpenFiles() (soft, hard uint64, err error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, 0, err
	}
	if rl.Cur < rl.Max {
		raised := rl
		raised.Cur = rl.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err != nil {
			return uint64(rl.Cur), uint64(rl.Max), err
		}
		rl = raised
	}
	return uint64(rl.Cur), uint64(rl.Max), nil
}
