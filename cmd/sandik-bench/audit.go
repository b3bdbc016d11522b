package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sandik-dev/sandik/demo"

	"github.com/sandik-dev/sandik/cmd/internal/chromium"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/cmd/internal/night"
)

// auditPage is one page of the plan tools/audit/audit.mjs reads.
type auditPage struct {
	Name    string        `json:"name"`
	URL     string        `json:"url"`
	Status  int           `json:"status"`
	Cookies []auditCookie `json:"cookies"`
	// AxeOnly pages are checked by axe-core at both widths without a
	// Lighthouse run (-lighthouse).
	AxeOnly bool `json:"axeOnly,omitempty"`
}

type auditCookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	URL   string `json:"url"`
}

// cmdAudit serves a demo night and runs Lighthouse (mobile) and axe-core
// over every page of it in Chromium, each page signed in as the role that
// reads it; the thresholds are the script's (tools/audit/audit.mjs).
func cmdAudit(e *cli.Env, args []string) error {
	fs := e.Flags("audit", "audit [flags]")
	tools := fs.String("tools", "tools/audit", "directory of audit.mjs, with its node_modules installed (npm ci)")
	out := fs.String("out", "audit", "directory for the full Lighthouse and axe reports")
	scale := fs.Float64("scale", 0.05, "share of İstanbul's ballot boxes in the demo, 0 < scale ≤ 1")
	seed := fs.Int64("seed", 2019, "random seed of the synthetic night")
	only := fs.String("pages", "", "comma-separated names of the pages to audit (default: every page)")
	jobFlag := fs.Int("jobs", 1, "pages audited at once, each job a Lighthouse of its own with its own Chromium (1 to 4)")
	lhFlag := fs.String("lighthouse", "all", "pages Lighthouse runs on, the others checked by axe alone: all, sample (one page of each kind) or comma-separated names")
	axeJobs := fs.Int("axe-jobs", 2, "pages checked by axe alone at once, before the Lighthouse runs (1 to 4)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *scale <= 0 || *scale > 1 {
		return fmt.Errorf("-scale %g: want 0 < scale ≤ 1", *scale)
	}
	if *jobFlag < 1 || *jobFlag > 4 {
		return fmt.Errorf("-jobs %d: want 1 to 4", *jobFlag)
	}
	if *axeJobs < 1 || *axeJobs > 4 {
		return fmt.Errorf("-axe-jobs %d: want 1 to 4", *axeJobs)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return errors.New("no node found; install it with: apt-get install -y nodejs npm")
	}
	script := filepath.Join(*tools, "audit.mjs")
	if _, err := os.Stat(script); err != nil {
		return fmt.Errorf("-tools %s: %w", *tools, err)
	}
	if _, err := os.Stat(filepath.Join(*tools, "node_modules", "lighthouse")); err != nil {
		return fmt.Errorf("-tools %s: lighthouse is not installed there; run: npm ci --prefix %s", *tools, *tools)
	}
	chrome, err := chromium.Path()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "sandik-audit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	n, err := night.Start(e.Ctx, tmp, night.Options{Scale: *scale, Seed: *seed, Stderr: e.Stderr, Day: demo.LiveDay(time.Now())})
	if err != nil {
		return err
	}
	defer n.Close()

	pages, err := n.Select(*only)
	if err != nil {
		return err
	}
	measured, err := lighthousePages(n, *lhFlag)
	if err != nil {
		return err
	}
	clients := map[night.Role]*http.Client{}
	var all []auditPage
	for _, p := range pages {
		ap := auditPage{Name: p.Name, URL: n.URL + p.Path, Status: p.Status, Cookies: []auditCookie{}, AxeOnly: measured != nil && !measured[p.Name]}
		if p.Role != night.Anonymous {
			c, ok := clients[p.Role]
			if !ok {
				if c, err = n.Client(e.Ctx, p.Role); err != nil {
					return err
				}
				clients[p.Role] = c
			}
			for _, ck := range n.Cookies(c) {
				ap.Cookies = append(ap.Cookies, auditCookie{ck.Name, ck.Value, n.URL})
			}
		}
		all = append(all, ap)
	}
	// The pages axe alone checks go first, several at once: axe's verdict
	// does not depend on how busy the host is. The Lighthouse runs follow,
	// -jobs at once (1 in CI), with the host to themselves.
	var axeOnly, withLighthouse []auditPage
	for _, p := range all {
		if p.AxeOnly {
			axeOnly = append(axeOnly, p)
		} else {
			withLighthouse = append(withLighthouse, p)
		}
	}
	r := auditRun{e: e, node: node, script: script, chrome: chrome, out: *out, tmp: tmp}
	var short bool
	for i, phase := range []struct {
		pages []auditPage
		jobs  int
	}{{axeOnly, *axeJobs}, {withLighthouse, *jobFlag}} {
		if len(phase.pages) == 0 {
			continue
		}
		s, err := r.run(fmt.Sprintf("plan-%d", i+1), phase.pages, phase.jobs)
		if err != nil {
			return err
		}
		short = short || s
	}
	if short {
		return errors.New("audit: some pages fall short of the thresholds (above)")
	}
	return nil
}

// auditRun runs tools/audit/audit.mjs over plans of pages.
type auditRun struct {
	e                         *cli.Env
	node, script, chrome, out string
	tmp                       string // where the plans are written
}

// run audits pages in jobs node processes at once, the pages dealt out
// among them in turn; short says whether a page fell short of the
// thresholds. Each job is a node process of its own: Lighthouse keeps
// state per process and traces its whole browser, so runs sharing either
// would read each other's work. Each job fits its CPU slowdown to the
// host as it finds it, busier with the other jobs running, so the scores
// stay those of the emulated phone.
func (r auditRun) run(name string, pages []auditPage, jobs int) (short bool, err error) {
	jobs = min(jobs, len(pages))
	plans := make([]auditPlan, jobs)
	for i, p := range pages {
		plans[i%jobs].Pages = append(plans[i%jobs].Pages, p)
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		crashed []error
	)
	for i := range plans {
		plans[i].Chromium, plans[i].Out = r.chrome, r.out
		planFile := filepath.Join(r.tmp, fmt.Sprintf("%s-%d.json", name, i+1))
		data, err := json.Marshal(plans[i])
		if err != nil {
			return false, err
		}
		if err := os.WriteFile(planFile, data, 0o600); err != nil {
			return false, err
		}
		cmd := exec.CommandContext(r.e.Ctx, r.node, r.script, planFile)
		prefix := ""
		if jobs > 1 {
			prefix = fmt.Sprintf("[%d] ", i+1)
		}
		stdout, stderr := &linePrefixer{w: r.e.Stdout, mu: &mu, prefix: prefix}, &linePrefixer{w: r.e.Stderr, mu: &mu, prefix: prefix}
		cmd.Stdout, cmd.Stderr = stdout, stderr
		wg.Go(func() {
			err := cmd.Run()
			stdout.flush()
			stderr.flush()
			mu.Lock()
			defer mu.Unlock()
			var exit *exec.ExitError
			switch {
			case err == nil:
			case errors.As(err, &exit) && exit.ExitCode() == 1:
				short = true
			default:
				crashed = append(crashed, fmt.Errorf("audit job %d: %w", i+1, err))
			}
		})
	}
	wg.Wait()
	return short, errors.Join(crashed...)
}

// lighthousePages reads -lighthouse: nil for every page, else the set
// of pages Lighthouse runs on, each a page of the night.
func lighthousePages(n *night.Night, flag string) (map[string]bool, error) {
	var names []string
	switch flag {
	case "all":
		return nil, nil
	case "sample":
		names = night.LighthouseSample
	default:
		for name := range strings.SplitSeq(flag, ",") {
			if name = strings.TrimSpace(name); name != "" {
				names = append(names, name)
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("-lighthouse %q: want all, sample or page names", flag)
	}
	set := map[string]bool{}
	for _, name := range names {
		if _, ok := n.Page(name); !ok {
			return nil, fmt.Errorf("-lighthouse: no page named %q; the pages are %s", name, strings.Join(n.Names(), ", "))
		}
		set[name] = true
	}
	return set, nil
}

// auditPlan is the file tools/audit/audit.mjs reads.
type auditPlan struct {
	Chromium string      `json:"chromium"`
	Out      string      `json:"out"`
	Pages    []auditPage `json:"pages"`
}

// linePrefixer writes whole lines to w, each after prefix, holding mu
// for each, so that the jobs' reports interleave by line and no line is
// cut by another's.
type linePrefixer struct {
	w      io.Writer
	mu     *sync.Mutex
	prefix string
	buf    []byte
}

func (l *linePrefixer) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		l.mu.Lock()
		_, err := fmt.Fprintf(l.w, "%s%s\n", l.prefix, l.buf[:i])
		l.mu.Unlock()
		l.buf = l.buf[i+1:]
		if err != nil {
			return len(p), err
		}
	}
}

// flush writes what is left of a last line without its newline.
func (l *linePrefixer) flush() {
	if len(l.buf) > 0 {
		l.Write([]byte("\n"))
	}
}
