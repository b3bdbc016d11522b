package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/anomaly"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/ingest"
)

// cmdCheck runs an import's checks and the anomaly flags on files without
// storing anything.
func cmdCheck(e *cli.Env, args []string) error {
	fs := e.Flags("check", "check [flags] FILE…")
	lang := fs.String("lang", "tr", "language of the summary: tr or en")
	limit := fs.Int("max", 50, "most flags printed (all are counted)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 || (*lang != "tr" && *lang != "en") || *limit < 0 {
		fs.Usage()
		return cli.ErrUsage
	}
	p := checkPrinter{w: e.Stdout, lang: *lang, limit: *limit}
	files, err := observerFiles(fs.Args())
	if err != nil {
		return err
	}
	var observer []string
	for _, f := range files {
		if strings.EqualFold(filepath.Ext(f), ".json") {
			observer = append(observer, f)
			continue
		}
		if err := p.table(f); err != nil {
			return err
		}
	}
	if len(observer) > 0 {
		return p.observer(observer)
	}
	return nil
}

type checkPrinter struct {
	w     io.Writer
	lang  string
	limit int
}

func (p *checkPrinter) say(tr, en string, args ...any) {
	if p.lang == "en" {
		fmt.Fprintf(p.w, en+"\n", args...)
		return
	}
	fmt.Fprintf(p.w, tr+"\n", args...)
}

func (p *checkPrinter) table(path string) error {
	opts := ingest.TableOptions{Election: "check", ElectionName: "check", Race: "check", RaceName: "check", User: "ysk", Source: sandik.SourceOfficial}
	open := fileOpener(path)
	format := ingest.FormatOf(path)
	plan, err := ingest.Check(open, format, sandik.EmptyRegistry(), opts)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	p.say("%s: %d satır, %d sandık, %d seçim çevresi; içe aktarılabilir.", "%s: %d rows, %d boxes, %d constituencies; it can be imported.",
		path, plan.Rows, plan.Boxes, plan.Races)
	p.flagged(plan.Flagged, plan.FlaggedRows)

	// Second reading: the sheets, judged race by race.
	byRace := map[sandik.RaceCode][]anomaly.Box{}
	lines := map[sandik.AreaCode]int{}
	err = plan.Sheets(open, format, func(line int, in sandik.ImportedSheet) bool {
		lines[in.Box] = line
		byRace[in.Race] = append(byRace[in.Race], anomaly.Box{Code: in.Box, Sheet: in.Sheet})
		return true
	})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return p.judge(plan.Registry, byRace, func(b sandik.AreaCode) string {
		if p.lang == "en" {
			return fmt.Sprintf("line %d", lines[b])
		}
		return fmt.Sprintf("satır %d", lines[b])
	})
}

func (p *checkPrinter) observer(files []string) error {
	boxes, err := readObserverFiles(files)
	if err != nil {
		return err
	}
	keys := map[string]bool{}
	for _, b := range boxes {
		for _, r := range b.Results {
			keys[r.Race] = true
		}
	}
	opts := ingest.ObserverOptions{Election: "check", ElectionName: "check", Province: "check", ProvinceName: "check", User: "check"}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range keys {
			if !yield(k) {
				return
			}
		}
	}) {
		opts.Races = append(opts.Races, ingest.ObserverRace{Key: k, Code: sandik.RaceCode("check." + k), Name: k})
	}
	if len(opts.Races) == 0 {
		return fmt.Errorf("the observer files hold no results")
	}
	plan, err := ingest.PlanObserver(sandik.EmptyRegistry(), boxes, opts)
	if err != nil {
		return err
	}
	p.say("%d gözlemci dosyası: %d sandık, %d sonuç; içe aktarılabilir.", "%d observer files: %d boxes, %d results; they can be imported.",
		len(files), plan.Boxes, len(plan.Sheets))
	p.flagged(plan.Flagged, plan.FlaggedRows)
	byRace := map[sandik.RaceCode][]anomaly.Box{}
	origin := map[sandik.AreaCode]string{}
	for i, s := range plan.Sheets {
		byRace[s.Race] = append(byRace[s.Race], anomaly.Box{Code: s.Box, Sheet: s.Sheet, Partial: s.Partial})
		origin[s.Box] = plan.Origins[i]
	}
	return p.judge(plan.Registry, byRace, func(b sandik.AreaCode) string { return origin[b] })
}

func (p *checkPrinter) flagged(fl []ingest.Flagged, total int) {
	if total == 0 {
		p.say("Tutanak toplamları tutmayan satır yok.", "Every row's sums add up.")
		return
	}
	p.say("%d satırın toplamları tutmuyor (içe aktarılırsa işaretlenerek saklanır):", "%d rows break an identity of the tutanak (kept and flagged on import):", total)
	for _, f := range fl {
		for _, pr := range f.Problems {
			fmt.Fprintf(p.w, "  %s\n", pr)
		}
	}
}

// judge runs the anomaly flags per race, grouping each box with its
// neighbourhood, or its district when the neighbourhood is small.
func (p *checkPrinter) judge(reg *sandik.Registry, byRace map[sandik.RaceCode][]anomaly.Box, where func(sandik.AreaCode) string) error {
	th := anomaly.DefaultThresholds()
	counts := map[anomaly.Kind]int{}
	var all []anomaly.Flag
	races := slices.Sorted(func(yield func(sandik.RaceCode) bool) {
		for r := range byRace {
			if !yield(r) {
				return
			}
		}
	})
	for _, race := range races {
		boxes := byRace[race]
		perParent := map[sandik.AreaCode]int{}
		for _, b := range boxes {
			a, _ := reg.Area(b.Code)
			perParent[a.Parent]++
		}
		for i := range boxes {
			a, _ := reg.Area(boxes[i].Code)
			boxes[i].Group = a.Parent
			if perParent[a.Parent] < th.MinGroupSize {
				if anc := reg.Ancestors(boxes[i].Code); len(anc) > 1 {
					boxes[i].Group = anc[1]
				}
			}
		}
		rc, _ := reg.Race(race)
		choices := make([]string, len(rc.Choices))
		for i, c := range rc.Choices {
			choices[i] = c.Name
		}
		for _, f := range anomaly.Detect(boxes, choices, th) {
			counts[f.Kind]++
			all = append(all, f)
		}
	}
	if len(all) == 0 {
		p.say("Olağan dışı sandık yok (varsayılan eşiklerle).", "No box looks unusual (default thresholds).")
		return nil
	}
	p.say("%d işaret:", "%d flags:", len(all))
	for _, k := range anomaly.Kinds() {
		if counts[k] > 0 {
			fmt.Fprintf(p.w, "  %-22s %d\n", k, counts[k])
		}
	}
	for i, f := range all {
		if i == p.limit {
			p.say("  … ve %d işaret daha (-max ile)", "  … and %d more (see -max)", len(all)-i)
			break
		}
		fmt.Fprintf(p.w, "  %s (%s): %s\n", f.Box, where(f.Box), f.Message(p.lang))
	}
	return nil
}
