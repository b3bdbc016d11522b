package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/registrycsv"
)

func cmdOrg(e *cli.Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, "Usage: sandik org import|export [flags] DIR\n       sandik org party [flags] [CODE]\n       sandik org municipalities fill|list|add|edit [flags]\n       sandik org views [flags]\n       sandik org person export|erase ID [flags]\n       sandik org silent-after [flags] ELECTION [MINUTES]")
		return cli.ErrUsage
	}
	switch args[0] {
	case "import":
		return orgImport(e, args[1:])
	case "export":
		return orgExport(e, args[1:])
	case "party":
		return orgParty(e, args[1:])
	case "municipalities", "belediyeler":
		return orgMunicipalities(e, args[1:])
	case "views":
		return orgViews(e, args[1:])
	case "person":
		return orgPerson(e, args[1:])
	case "silent-after":
		return orgSilentAfter(e, args[1:])
	}
	fmt.Fprintf(e.Stderr, "sandik org: unknown subcommand %q (want import, export, party, municipalities, views, person or silent-after)\n", args[0])
	return cli.ErrUsage
}

// orgImport adds the organisation's files in a directory, all or
// nothing: the units checked against the registry, every reference
// and one-holder term checked by the store, each problem named by file,
// line and column.
func orgImport(e *cli.Env, args []string) error {
	fs := e.Flags("org import", "org import [flags] DIR")
	var sf cli.StoreFlags
	sf.Register(fs)
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("give one directory holding any of %v or %s", registrycsv.OrgFileNames(), registrycsv.OrgRightsFile)
	}
	rights, rightLines, haveRights, err := registrycsv.ReadRightsDir(fs.Arg(0))
	if err != nil {
		return err
	}
	var ch sandik.OrgChange
	var lines registrycsv.OrgLines
	if !haveRights || hasOrgFile(fs.Arg(0)) {
		if ch, lines, err = registrycsv.ReadOrgDir(fs.Arg(0)); err != nil {
			return err
		}
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		// The rights name kinds of the store or of this change: checked
		// before anything is written, so a bad table writes nothing.
		if err := checkRightKinds(e, a, ch, rights, rightLines); err != nil {
			return err
		}
		if err := a.Center.SaveOrg(e.Ctx, cli.Operator(), ch); err != nil {
			return fmt.Errorf("nothing was imported: %w", lines.Locate(err))
		}
		fmt.Fprintf(e.Stdout, "%d kinds of position, %d units, %d people, %d positions and %d assignments to boxes imported\n",
			len(ch.Kinds), len(ch.Units), len(ch.People), len(ch.Positions), len(ch.Assignments))
		if haveRights {
			if err := a.Center.SaveKindRights(e.Ctx, cli.Operator(), rights); err != nil {
				return fmt.Errorf("%s not imported: %w", registrycsv.OrgRightsFile, registrycsv.LocateRights(err, rightLines))
			}
			fmt.Fprintf(e.Stdout, "%d rights of kinds of position imported\n", len(rights))
		}
		return nil
	})
}

// orgExport writes the whole organisation into a directory, in the
// files org import reads.
func orgExport(e *cli.Env, args []string) error {
	fs := e.Flags("org export", "org export [flags] DIR")
	var sf cli.StoreFlags
	sf.Register(fs)
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("give one directory to write the organisation's files into")
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		var ch sandik.OrgChange
		var err error
		if ch.Kinds, err = a.Store.AddedPositionKinds(e.Ctx); err != nil {
			return err
		}
		if ch.Units, err = a.Store.Units(e.Ctx); err != nil {
			return err
		}
		if ch.People, err = a.Store.People(e.Ctx, sandik.PeopleFilter{}); err != nil {
			return err
		}
		if ch.Positions, err = a.Store.Positions(e.Ctx, sandik.PositionFilter{}); err != nil {
			return err
		}
		if ch.Assignments, err = a.Store.Assignments(e.Ctx, sandik.AssignmentFilter{}); err != nil {
			return err
		}
		if err := registrycsv.WriteOrgDir(fs.Arg(0), ch); err != nil {
			return err
		}
		rights, err := a.Store.AddedKindRights(e.Ctx)
		if err != nil {
			return err
		}
		if err := registrycsv.WriteRightsDir(fs.Arg(0), rights); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "%d kinds of position, %d units, %d people, %d positions and %d assignments to boxes written to %s\n",
			len(ch.Kinds), len(ch.Units), len(ch.People), len(ch.Positions), len(ch.Assignments), fs.Arg(0))
		return nil
	})
}

// hasOrgFile reports whether dir holds any of the organisation's four
// files.
func hasOrgFile(dir string) bool {
	for _, name := range registrycsv.OrgFileNames() {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// checkRightKinds refuses rights naming a kind neither default, stored
// nor added by ch, each by line.
func checkRightKinds(e *cli.Env, a *cli.App, ch sandik.OrgChange, rights []sandik.KindRight, lines []int) error {
	kinds, err := a.Store.PositionKinds(e.Ctx)
	if err != nil {
		return err
	}
	known := map[sandik.KindCode]bool{}
	for _, k := range append(kinds, ch.Kinds...) {
		known[k.Code] = true
	}
	var ps []sandik.Problem
	for i, r := range rights {
		if !known[r.Kind] {
			ps = append(ps, sandik.Problem{Field: fmt.Sprintf("rights[%d].kind", i), Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no kind of position %q", r.Kind)})
		}
	}
	if len(ps) > 0 {
		return fmt.Errorf("nothing was imported: %w", registrycsv.LocateRights(sandik.Invalid("unknown kinds of position", ps), lines))
	}
	return nil
}
