package main

import (
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/registrycsv"
)

func cmdOrg(e *cli.Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, "Usage: sandik org import|export [flags] DIR\n       sandik org silent-after [flags] ELECTION [MINUTES]")
		return cli.ErrUsage
	}
	switch args[0] {
	case "import":
		return orgImport(e, args[1:])
	case "export":
		return orgExport(e, args[1:])
	case "silent-after":
		return orgSilentAfter(e, args[1:])
	}
	fmt.Fprintf(e.Stderr, "sandik org: unknown subcommand %q (want import, export or silent-after)\n", args[0])
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
		return fmt.Errorf("give one directory holding any of %v", registrycsv.OrgFileNames())
	}
	ch, lines, err := registrycsv.ReadOrgDir(fs.Arg(0))
	if err != nil {
		return err
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		if err := a.Center.SaveOrg(e.Ctx, cli.Operator(), ch); err != nil {
			return fmt.Errorf("nothing was imported: %w", lines.Locate(err))
		}
		fmt.Fprintf(e.Stdout, "%d kinds of position, %d units, %d people, %d positions and %d assignments to boxes imported\n",
			len(ch.Kinds), len(ch.Units), len(ch.People), len(ch.Positions), len(ch.Assignments))
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
		fmt.Fprintf(e.Stdout, "%d kinds of position, %d units, %d people, %d positions and %d assignments to boxes written to %s\n",
			len(ch.Kinds), len(ch.Units), len(ch.People), len(ch.Positions), len(ch.Assignments), fs.Arg(0))
		return nil
	})
}
