package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/ingest"
	"github.com/sandik-dev/sandik/resultfile"
)

// electionFlags describe the election a file belongs to.
type electionFlags struct {
	code, name, date string
	quorum           int
}

func (f *electionFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.code, "election", "", "election code (required), e.g. 2014-yerel")
	fs.StringVar(&f.name, "election-name", "", "the election's name, when it is new")
	fs.StringVar(&f.date, "election-date", "", "the election's date (YYYY-MM-DD), when it is new")
	fs.IntVar(&f.quorum, "quorum", sandik.DefaultQuorum, "agreeing entries that verify a box, when the election is new")
}

func (f *electionFlags) parse() (time.Time, error) {
	if f.code == "" {
		return time.Time{}, fmt.Errorf("-election is required")
	}
	if f.date == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, f.date)
	if err != nil {
		return time.Time{}, fmt.Errorf("-election-date %q: want YYYY-MM-DD", f.date)
	}
	return d, nil
}

func cmdImportOfficial(e *cli.Env, args []string) error {
	fs := e.Flags("import official", "import official [flags] FILE")
	var sf cli.StoreFlags
	sf.Register(fs)
	var ef electionFlags
	ef.register(fs)
	race := fs.String("race", "meclis", "race kind, a code fragment: one race per constituency is made as ELECTION.KIND.CONSTITUENCY")
	raceName := fs.String("race-name", "Belediye Meclisi", "the race's name; the constituency's is added")
	source := fs.String("source", "official", "official (YSK's published figures) or import (sheets typed into the same columns)")
	user := fs.String("as", "ysk", "whose figures these are (a user code)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return cli.ErrUsage
	}
	date, err := ef.parse()
	if err != nil {
		return err
	}
	path := fs.Arg(0)
	opts := ingest.TableOptions{Election: sandik.ElectionCode(ef.code), ElectionName: ef.name, Date: date, Quorum: ef.quorum,
		Race: *race, RaceName: *raceName, User: sandik.UserID(*user), Source: sandik.Source(*source)}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		start := time.Now()
		fmt.Fprintf(e.Stdout, "checking %s …\n", path)
		plan, res, err := ingest.ImportTable(e.Ctx, a.Center, fileOpener(path), ingest.FormatOf(path), opts, cli.ProgressPrinter(e.Stdout, "stored"))
		if err != nil {
			if plan == nil {
				return fmt.Errorf("nothing was imported: %w", err)
			}
			return fmt.Errorf("stopped after %d rows; importing the file again completes it: %w", res.Written+res.Replayed, err)
		}
		fmt.Fprintf(e.Stdout, "imported %s in %s: %d rows, %d boxes in %d races; %d new, %d already stored; %d new areas\n",
			path, time.Since(start).Round(time.Millisecond), plan.Rows, plan.Boxes, plan.Races, res.Written, res.Replayed, plan.NewAreas)
		printFlagged(e.Stdout, plan.Flagged, plan.FlaggedRows)
		return nil
	})
}

func fileOpener(path string) ingest.Opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

func printFlagged(w io.Writer, flagged []ingest.Flagged, total int) {
	if total == 0 {
		return
	}
	fmt.Fprintf(w, "%d rows break an identity of the tutanak; kept and flagged:\n", total)
	for _, f := range flagged {
		for _, p := range f.Problems {
			fmt.Fprintf(w, "  line %d, box %s: %s\n", f.Line, f.Box, p.Message)
		}
	}
	if total > len(flagged) {
		fmt.Fprintf(w, "  … and %d more\n", total-len(flagged))
	}
}

// raceFlag collects -race KEY=CODE:NAME values.
type raceFlag []ingest.ObserverRace

func (r *raceFlag) String() string { return "" }

func (r *raceFlag) Set(v string) error {
	key, rest, ok := strings.Cut(v, "=")
	code, name, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 || key == "" || code == "" || name == "" {
		return fmt.Errorf("want KEY=CODE:NAME, e.g. cm=2023-genel.cb:Cumhurbaşkanı")
	}
	*r = append(*r, ingest.ObserverRace{Key: key, Code: sandik.RaceCode(code), Name: name})
	return nil
}

// choicesFlag collects -choices KEY=code:Name;code:Name values.
type choicesFlag map[string][]sandik.Choice

func (c choicesFlag) String() string { return "" }

func (c choicesFlag) Set(v string) error {
	key, list, ok := strings.Cut(v, "=")
	if !ok || key == "" || list == "" {
		return fmt.Errorf("want KEY=code:Name;code:Name…")
	}
	for _, item := range strings.Split(list, ";") {
		code, name, ok := strings.Cut(strings.TrimSpace(item), ":")
		if !ok || code == "" || name == "" {
			return fmt.Errorf("choice %q: want code:Name", item)
		}
		c[key] = append(c[key], sandik.Choice{Code: sandik.ChoiceCode(code), Name: name})
	}
	return nil
}

func cmdImportObserver(e *cli.Env, args []string) error {
	fs := e.Flags("import observer", "import observer [flags] FILE|DIR…")
	var sf cli.StoreFlags
	sf.Register(fs)
	var ef electionFlags
	ef.register(fs)
	province := fs.String("province", "", "code of the il the files are from (required), e.g. 01")
	provinceName := fs.String("province-name", "", "the il's name, when it is new")
	user := fs.String("as", "ovo", "the network the figures are from (a user code): its entries count as one person's")
	var races raceFlag
	choices := choicesFlag{}
	fs.Var(&races, "race", "KEY=CODE:NAME: the race a result key is (repeatable), e.g. cm=2023-genel.cb:Cumhurbaşkanı")
	fs.Var(choices, "choices", "KEY=code:Name;code:Name…: the ballot of a race in order; without it choices are named by ballot position")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 || len(races) == 0 || *province == "" {
		fmt.Fprintln(e.Stderr, "sandik import observer: give -province, at least one -race, and the files")
		fs.Usage()
		return cli.ErrUsage
	}
	date, err := ef.parse()
	if err != nil {
		return err
	}
	for i := range races {
		races[i].Choices = choices[races[i].Key]
	}
	files, err := observerFiles(fs.Args())
	if err != nil {
		return err
	}
	boxes, err := readObserverFiles(files)
	if err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	opts := ingest.ObserverOptions{Election: sandik.ElectionCode(ef.code), ElectionName: ef.name, Date: date, Quorum: ef.quorum,
		Province: sandik.AreaCode(*province), ProvinceName: *provinceName, Races: races, User: sandik.UserID(*user)}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		plan, err := ingest.PlanObserver(a.Center.Registry(), boxes, opts)
		if err != nil {
			return fmt.Errorf("nothing was imported: %w", err)
		}
		res, err := ingest.ImportObserver(e.Ctx, a.Center, plan, cli.ProgressPrinter(e.Stdout, "stored"))
		if err != nil {
			return fmt.Errorf("stopped after %d sheets; importing the files again completes it: %w", res.Written+res.Replayed, err)
		}
		fmt.Fprintf(e.Stdout, "imported %d files: %d boxes, %d sheets; %d new, %d already stored; %d new areas; %d new photo addresses (of %d) queued for keying\n",
			len(files), plan.Boxes, len(plan.Sheets), res.Written, res.Replayed, plan.NewAreas, res.Photos, len(plan.Photos))
		printFlagged(e.Stdout, plan.Flagged, plan.FlaggedRows)
		return nil
	})
}

// observerFiles expands directories to their *.json files, sorted.
func observerFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		m, err := filepath.Glob(filepath.Join(a, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("%s holds no .json files", a)
		}
		slices.Sort(m)
		out = append(out, m...)
	}
	return out, nil
}

func readObserverFiles(files []string) ([]resultfile.ObserverBox, error) {
	var all []resultfile.ObserverBox
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		boxes, err := resultfile.ReadObserverFile(filepath.Base(f), r)
		r.Close()
		if err != nil {
			return nil, err
		}
		all = append(all, boxes...)
	}
	return all, nil
}
