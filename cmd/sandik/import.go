package main

import (
	"fmt"

	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/registrycsv"
)

const importUsage = `Usage: sandik import <what> [flags] FILE...

  registry DIR    areas, elections, races and registered voters from CSV files
                  (any of areas.csv, elections.csv, races.csv, registrations.csv;
                  see docs/registry-csv.md)
  official FILE   YSK's official per-box results (TSV/CSV in UTF-16 or UTF-8, or
                  XLSX); creates areas, races and choices as needed
  observer FILE…  an observer network's per-school JSON files (or a directory)

Run 'sandik import <what> -h' for its flags.`

func cmdImport(e *cli.Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "registry":
			return cmdImportRegistry(e, args[1:])
		case "official":
			return cmdImportOfficial(e, args[1:])
		case "observer":
			return cmdImportObserver(e, args[1:])
		}
	}
	fmt.Fprintln(e.Stderr, importUsage)
	return cli.ErrUsage
}

func cmdImportRegistry(e *cli.Env, args []string) error {
	fs := e.Flags("import registry", "import registry [flags] DIR")
	var sf cli.StoreFlags
	sf.Register(fs)
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return cli.ErrUsage
	}
	dir := fs.Arg(0)
	log, err := sf.Logger(e.Stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "reading %s …\n", dir)
	reg, err := registrycsv.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	a, err := cli.OpenApp(e.Ctx, &sf, log)
	if err != nil {
		return err
	}
	defer a.Close()
	before := a.Center.Registry()
	if err := a.Center.ImportRegistry(e.Ctx, reg); err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	after := a.Center.Registry()
	fmt.Fprintf(e.Stdout, "imported %s: areas %d → %d, elections %d → %d, races %d → %d, registered boxes %d → %d\n", dir,
		len(before.Areas), len(after.Areas), len(before.Elections), len(after.Elections),
		len(before.Races), len(after.Races), len(before.Registrations), len(after.Registrations))
	return nil
}
