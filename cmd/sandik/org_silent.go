package main

import (
	"fmt"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
)

// orgSilentAfter prints, or with MINUTES sets, the minutes after the
// polls close from which a box with observers and no sheet counts as
// silent in an election.
func orgSilentAfter(e *cli.Env, args []string) error {
	fs := e.Flags("org silent-after", "org silent-after [flags] ELECTION [MINUTES]")
	var sf cli.StoreFlags
	sf.Register(fs)
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		return fmt.Errorf("give an election, and the minutes to set them")
	}
	election := sandik.ElectionCode(fs.Arg(0))
	minutes := -1
	if fs.NArg() == 2 {
		n, err := strconv.Atoi(fs.Arg(1))
		if err != nil {
			return fmt.Errorf("minutes %q: not a whole number", fs.Arg(1))
		}
		minutes = n
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		cur, err := a.Center.SilentAfter(e.Ctx, election)
		if err != nil {
			return err
		}
		if minutes >= 0 {
			if cur, err = a.Center.SaveSilentAfter(e.Ctx, cli.Operator(), election, minutes, cur.Version); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.Stdout, "%s: boxes with observers and no sheet are silent %d minutes after the polls close (version %d)\n",
			election, cur.Minutes, cur.Version)
		return nil
	})
}
