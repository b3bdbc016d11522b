package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuUse is CPU time spent so far: this process's (the server or
// prototype under test and the load generator, which the two share) and,
// when PostgreSQL runs on this machine and /proc shows it, the
// database's, its exited backends included.
type cpuUse struct {
	self, db time.Duration
	dbSeen   bool
}

// clockTick is Linux's USER_HZ, the unit of /proc's CPU times; 100 on
// every architecture Go supports there.
const clockTick = 100

func readCPU() cpuUse {
	var u cpuUse
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		u.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	u.db, u.dbSeen = postgresCPU()
	return u
}

// postgresCPU adds up the CPU of every process named postgres: the live
// ones' own time and, through the postmaster's cutime and cstime, the
// time of the backends it has reaped, so that a connection closed during
// a run still counts.
func postgresCPU() (time.Duration, bool) {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	seen := false
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if comm, n, ok := procTicks(b); ok && strings.HasPrefix(comm, "postgres") {
			ticks += n
			seen = true
		}
	}
	return time.Duration(ticks) * time.Second / clockTick, seen
}

// procTicks reads a /proc/<pid>/stat line: the command and the process's
// user and system time with its reaped children's, in clock ticks.
func procTicks(b []byte) (comm string, ticks int64, ok bool) {
	// The command is in parentheses and may hold spaces and parentheses
	// itself: it ends at the last ')'.
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return "", 0, false
	}
	// After it, state is field 3; utime, stime, cutime and cstime are
	// fields 14 to 17.
	f := bytes.Fields(b[end+1:])
	if len(f) < 15 {
		return "", 0, false
	}
	for _, s := range f[11:15] {
		n, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil {
			return "", 0, false
		}
		ticks += n
	}
	return string(b[open+1 : end]), ticks, true
}

// since is the CPU spent from u0 to u.
func (u cpuUse) since(u0 cpuUse) cpuUse {
	return cpuUse{self: u.self - u0.self, db: u.db - u0.db, dbSeen: u.dbSeen && u0.dbSeen}
}

// perSubmission says how much CPU each of n acknowledged submissions
// cost, PostgreSQL's too when the run was on it.
func (u cpuUse) perSubmission(n int64, onPG bool) string {
	if n <= 0 {
		return "no submission acknowledged"
	}
	s := fmt.Sprintf("this process %d µs (server, load generator and readers)", u.self.Microseconds()/n)
	if onPG && u.dbSeen {
		s += fmt.Sprintf(", PostgreSQL %d µs", u.db.Microseconds()/n)
	}
	return s
}
