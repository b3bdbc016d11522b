package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *scale <= 0 || *scale > 1 {
		return fmt.Errorf("-scale %g: want 0 < scale ≤ 1", *scale)
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

	plan := struct {
		Chromium string      `json:"chromium"`
		Out      string      `json:"out"`
		Pages    []auditPage `json:"pages"`
	}{Chromium: chrome, Out: *out}
	pages, err := n.Select(*only)
	if err != nil {
		return err
	}
	clients := map[night.Role]*http.Client{}
	for _, p := range pages {
		ap := auditPage{Name: p.Name, URL: n.URL + p.Path, Status: p.Status, Cookies: []auditCookie{}}
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
		plan.Pages = append(plan.Pages, ap)
	}
	planFile := filepath.Join(tmp, "plan.json")
	data, err := json.Marshal(plan)
	if err != nil {
		return err
	}
	if err := os.WriteFile(planFile, data, 0o600); err != nil {
		return err
	}
	cmd := exec.CommandContext(e.Ctx, node, script, planFile)
	cmd.Stdout, cmd.Stderr = e.Stdout, e.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 1 {
			return errors.New("audit: some pages fall short of the thresholds (above)")
		}
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}
