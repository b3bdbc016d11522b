package rehearse

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// lowerPriority sets every thread's nice value, those already running and
// one started after. It runs in a child process: the test binary's own
// priority is left alone.
func TestLowerPriority(t *testing.T) {
	if os.Getenv("SANDIK_TEST_LOWER_PRIORITY") == "" {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestLowerPriority$", "-test.v")
		cmd.Env = append(os.Environ(), "SANDIK_TEST_LOWER_PRIORITY=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "every thread at nice 7") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	if err := lowerPriority(7); err != nil {
		t.Fatal(err)
	}
	// A thread the runtime starts now inherits the value.
	started := make(chan struct{})
	release := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		close(started)
		<-release
	}()
	<-started
	defer close(release)
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		stat, err := os.ReadFile("/proc/self/task/" + task.Name() + "/stat")
		if err != nil {
			continue // the thread has ended
		}
		// The fields after the command's closing parenthesis; nice is
		// the 19th field of the line, the 17th of these.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if nice, err := strconv.Atoi(fields[16]); err != nil || nice != 7 {
			t.Errorf("thread %s at nice %q", task.Name(), fields[16])
		}
	}
	if !t.Failed() {
		t.Logf("every thread at nice 7 (%d threads)", len(tasks))
	}
}
