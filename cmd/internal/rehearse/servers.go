package rehearse

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
)

// Plan is what a prepared database holds, written by -prepare for a later
// run against servers started by hand (-url): the night's parameters, so
// that the same sheets are made again, and the accounts' tokens.
type Plan struct {
	Scale       float64  `json:"scale"`
	Seed        uint64   `json:"seed"`
	Disagree    float64  `json:"disagree"`
	Typists     []string `json:"typists"`
	Coordinator string   `json:"coordinator"`
}

// Typists is how many data-entry accounts type the night's sheets.
const Typists = 64

// prepare loads the night's registry into an empty database and adds the
// typists and a coordinator whose dashboards and streams read it.
func prepare(ctx context.Context, db string, n *Night, scale float64, disagree float64) (*Plan, error) {
	log := slog.New(slog.DiscardHandler)
	st, err := cli.OpenStore(ctx, db, false, log)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if err := cli.RequireEmpty(ctx, st); err != nil {
		return nil, fmt.Errorf("the rehearsal needs an empty database: %w", err)
	}
	c, err := center.Open(ctx, center.Config{Store: st, Logger: log})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := c.ImportRegistry(ctx, n.Registry); err != nil {
		return nil, fmt.Errorf("import the synthetic registry: %w", err)
	}
	plan := &Plan{Scale: scale, Seed: n.seed, Disagree: disagree}
	for i := range Typists {
		tok, err := c.CreateUser(ctx, sandik.User{ID: sandik.UserID(fmt.Sprintf("prova-typist-%d", i+1)),
			Name: fmt.Sprintf("Prova Veri Girişi %d", i+1), Role: sandik.RoleVolunteer})
		if err != nil {
			return nil, err
		}
		plan.Typists = append(plan.Typists, tok)
	}
	if plan.Coordinator, err = c.CreateUser(ctx, sandik.User{ID: "prova-coordinator", Name: "Prova Koordinatör", Role: sandik.RoleCoordinator}); err != nil {
		return nil, err
	}
	return plan, nil
}

// WritePlan writes a plan to path, readable by its owner only: it holds
// tokens.
func WritePlan(path string, p *Plan) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// ReadPlan reads what WritePlan wrote.
func ReadPlan(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(p.Typists) < 2 || p.Coordinator == "" {
		return nil, fmt.Errorf("%s: a plan needs at least two typists' tokens and a coordinator's", path)
	}
	return &p, nil
}

// ServeArgs are the flags the rehearsal gives `sandik serve` beyond the
// database and address: one machine's load generator stands for 100,000
// phones on as many addresses, so the per-address and per-user write
// rates are off, and the wall screens' streams share one session.
var ServeArgs = []string{"-addr-write-rate", "off", "-user-write-rate", "off", "-user-writes", "100000",
	"-session-streams", "100000", "-user-streams", "100000", "-log-level", "warn"}

// server is one `sandik serve` process the rehearsal started.
type server struct {
	cmd     *exec.Cmd
	URL     string
	done    chan error
	once    sync.Once
	stopErr error
}

// startServer starts bin serve on db at a free loopback port and waits
// until it says where it serves.
func startServer(ctx context.Context, bin, db, keyFile string, extra []string, stderr io.Writer) (*server, error) {
	args := append([]string{"serve", "-db", db, "-addr", "127.0.0.1:0", "-ledger-key", keyFile}, ServeArgs...)
	args = append(args, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stderr = stderr
	dieWithParent(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s serve: %w", bin, err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			// "Sandık is serving http://127.0.0.1:PORT (database …)"
			if _, rest, ok := strings.Cut(sc.Text(), " is serving "); ok {
				u, _, _ := strings.Cut(rest, " ")
				select {
				case urls <- u:
				default:
				}
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case s.URL = <-urls:
		return s, nil
	case err := <-s.done:
		return nil, fmt.Errorf("%s serve ended before serving: %v", bin, err)
	case <-time.After(5 * time.Minute):
		cmd.Process.Kill()
		return nil, fmt.Errorf("%s serve did not start within 5 minutes", bin)
	case <-ctx.Done():
		cmd.Process.Kill()
		return nil, ctx.Err()
	}
}

// peakRSS is the process's peak resident memory (VmHWM) in bytes, 0 when
// it cannot be read (not Linux).
func (s *server) peakRSS() int64 { return procStatus(s.cmd.Process.Pid, "VmHWM:") }

// rss is its resident memory now.
func (s *server) rss() int64 { return procStatus(s.cmd.Process.Pid, "VmRSS:") }

// cpuSeconds is the CPU time (user and system) the process has used so
// far, from /proc (0 elsewhere).
func (s *server) cpuSeconds() float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing one. utime and stime are fields 14 and 15, in
	// clock ticks of 1/100 s on Linux.
	_, rest, ok := strings.Cut(string(b), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	sy, _ := strconv.ParseInt(f[12], 10, 64)
	return float64(u+sy) / 100
}

// selfCPUSeconds is the CPU time this process (the load generator, the
// readers and the fake feed) has used so far.
func selfCPUSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

func procStatus(pid int, field string) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// stop asks the server to shut down cleanly and waits, killing it after
// half a minute. Only the first call does anything.
func (s *server) stop() error {
	s.once.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case s.stopErr = <-s.done:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			s.stopErr = fmt.Errorf("the server did not stop within 30 s and was killed")
		}
	})
	return s.stopErr
}
