package main

import (
	"fmt"

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

func cmdImport(e *env, args []string) error {
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
	fmt.Fprintln(e.stderr, importUsage)
	return errUsage
}

func cmdImportRegistry(e *env, args []string) error {
	fs := newFlags(e, "import registry", "import registry [flags] DIR")
	var sf storeFlags
	sf.register(fs)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	dir := fs.Arg(0)
	log, err := sf.logger(e.stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reading %s …\n", dir)
	reg, err := registrycsv.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	a, err := openApp(e.ctx, &sf, log)
	if err != nil {
		return err
	}
	defer a.close()
	before := a.center.Registry()
	if err := a.center.ImportRegistry(e.ctx, reg); err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	after := a.center.Registry()
	fmt.Fprintf(e.stdout, "imported %s: areas %d → %d, elections %d → %d, races %d → %d, registered boxes %d → %d\n", dir,
		len(before.Areas), len(after.Areas), len(before.Elections), len(after.Elections),
		len(before.Races), len(after.Races), len(before.Registrations), len(after.Registrations))
	return nil
}
