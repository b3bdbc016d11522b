package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/cmd/internal/rehearse"
)

// cmdRehearse is `sandik rehearse`: a synthetic national night replayed
// through the real HTTP API of servers it starts (or that -url names),
// with a report of what the servers did and whether anything was lost
// (docs/rehearse.md). It lives in the server's command, not in
// sandik-bench, because an operator rehearses the real deployment with
// it before the night (-prepare, then -url).
func cmdRehearse(e *cli.Env, args []string) error {
	fs := e.Flags("rehearse", "rehearse [flags]")
	scale := fs.Float64("scale", 1, "size of the night as a share of a national one (about 200,000 boxes); 0.01 is 2,000 boxes")
	seed := fs.Uint64("seed", 1, "seed of every synthetic figure and arrival time")
	disagree := fs.Float64("disagree", 0.02, "share of sheets whose second entry differs from the first")
	rate := fs.Float64("rate", 2000, "entries sent per second on average over the night (open model); the poll-close burst sends several times more")
	conns := fs.Int("conns", 128, "connections sending entries")
	readers := fs.Int("readers", 50, "dashboards reading an area's totals")
	readEvery := fs.Duration("read-every", 500*time.Millisecond, "how often each dashboard reads")
	sse := fs.Int("sse", 200, "live pages holding the overview's event stream open")
	withFeed := fs.Bool("feed", true, "publish the council race's official figures from a fake feed that the first server follows")
	store := fs.String("store", "", "database: empty for a temporary SQLite file, an SQLite path, or an empty PostgreSQL database's postgres:// URL")
	instances := fs.Int("instances", 1, "servers started on the database (more than one needs PostgreSQL); requests are spread over them")
	urls := fs.String("url", "", "comma-separated base URLs of servers already running on a database made by -prepare; nothing is started")
	planFile := fs.String("plan", "", "file of the plan (tokens and the night's seed): written by -prepare, read with -url")
	prepareOnly := fs.Bool("prepare", false, "only load the night's registry and accounts into -store and write -plan, for servers started by hand")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	bin := fs.String("bin", "", "the sandik binary whose serve the rehearsal starts (default: this one)")
	soak := fs.Duration("soak", 0, "after the night, keep a steady load of corrections for this long, sampling each server's heap and goroutines (e.g. 30m)")
	soakRate := fs.Float64("soak-rate", 0, "corrections sent per second during the soak (default: half of -rate)")
	sampleEvery := fs.Duration("sample-every", 2*time.Second, "how often each server's /metrics is read during the run")
	faults := fs.String("faults", "", "comma-separated faults injected during the soak (or the night): "+strings.Join(rehearse.Faults, ", ")+" (docs/rehearse.md); pg-restart restarts the local PostgreSQL cluster")
	faultFor := fs.Duration("fault-for", 10*time.Second, "how long each fault lasts; each is compared with as long a time just before it")
	bodyTimeout := fs.Duration("body-timeout", 20*time.Second, "the started servers' -body-timeout: slow-client expects slower bodies to be cut then")
	serveArgs := fs.String("serve-args", "", "more flags for the started servers, space-separated (e.g. \"-max-writes 64\")")
	nice := fs.Int("nice", 0, "once the servers run, lower the rehearsal's own priority to this Linux nice value (1-19), as clients on other machines would not take the servers' cores; 0 keeps it")
	metricsToken := fs.String("metrics-token", "", "with -url: the servers' -metrics-token, to read their /metrics")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *prepareOnly {
		if *store == "" || *planFile == "" {
			return fmt.Errorf("-prepare needs -store (the database the servers will serve) and -plan (where the tokens go)")
		}
		plan, n, err := rehearse.Prepare(e.Ctx, *store, *scale, *seed, *disagree)
		if err != nil {
			return err
		}
		if err := rehearse.WritePlan(*planFile, plan); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "prepared %s: %d boxes × %d races, %d typists and a coordinator; plan in %s\nstart the servers with: sandik serve -db %s %s\n",
			cli.DisplayDB(*store), len(n.Boxes), len(n.Races), rehearse.Typists, *planFile, cli.DisplayDB(*store), strings.Join(rehearse.ServeArgs, " "))
		return nil
	}
	if *nice < 0 || *nice > 19 {
		return fmt.Errorf("-nice %d: give a Linux nice value from 1 to 19 (0 keeps the priority)", *nice)
	}
	faultList, err := rehearse.ParseFaults(*faults, *store)
	if err != nil {
		return err
	}
	cfg := rehearse.Config{Scale: *scale, Seed: *seed, Disagree: *disagree, Rate: *rate, Conns: *conns,
		Readers: *readers, ReadEvery: *readEvery, SSE: *sse, Feed: *withFeed && *urls == "", Store: *store, Instances: *instances, Progress: e.Stderr,
		Soak: *soak, SoakRate: cmp.Or(*soakRate, *rate/2), SampleEvery: *sampleEvery, Faults: faultList, FaultFor: *faultFor,
		BodyTimeout: *bodyTimeout, ServeArgs: strings.Fields(*serveArgs), MetricsToken: *metricsToken, Nice: *nice}
	if *urls != "" {
		if *planFile == "" {
			return fmt.Errorf("-url needs -plan, the file -prepare wrote")
		}
		plan, err := rehearse.ReadPlan(*planFile)
		if err != nil {
			return err
		}
		cfg.Plan, cfg.URLs = plan, strings.Split(*urls, ",")
	} else if cfg.Bin = *bin; cfg.Bin == "" {
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("find the sandik binary to start servers with: %w", err)
		}
		cfg.Bin = self
	}
	rep, err := rehearse.Run(e.Ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		rep.WriteText(e.Stdout)
	}
	if !rep.OK {
		return fmt.Errorf("the rehearsal found %d problem(s): %s", len(rep.Problems), strings.Join(rep.Problems, "; "))
	}
	return nil
}
