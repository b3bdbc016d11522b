package main

import (
	"cmp"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/csvcell"
	"github.com/sandik-dev/sandik/registrycsv"
)

func cmdUser(e *cli.Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, "Usage: sandik user add|list|token|assign|import|link|grant|grants|revoke|remove|rights [flags]")
		return cli.ErrUsage
	}
	switch args[0] {
	case "add":
		return userAdd(e, args[1:])
	case "list":
		return userList(e, args[1:])
	case "token":
		return userToken(e, args[1:])
	case "assign":
		return userAssign(e, args[1:])
	case "import":
		return userImport(e, args[1:])
	case "link":
		return userLink(e, args[1:])
	case "grant":
		return userGrant(e, args[1:])
	case "grants":
		return userGrants(e, args[1:])
	case "revoke":
		return userRevoke(e, args[1:])
	case "remove":
		return userRemove(e, args[1:])
	case "rights":
		return userRights(e, args[1:])
	}
	fmt.Fprintf(e.Stderr, "sandik user: unknown subcommand %q (want add, list, token, assign, import, link, grant, grants, revoke, remove or rights)\n", args[0])
	return cli.ErrUsage
}

func userAdd(e *cli.Env, args []string) error {
	fs := e.Flags("user add", "user add -id ID -name NAME -role ROLE [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	var u sandik.User
	fs.StringVar((*string)(&u.ID), "id", "", "login name (letters, digits, '.', '-', '_')")
	fs.StringVar(&u.Name, "name", "", "full name")
	fs.StringVar((*string)(&u.Role), "role", "", "observer, volunteer, coordinator, admin or lawyer")
	areas := fs.String("areas", "", "comma-separated area codes the user works in (an observer's boxes; a district coordinator's ilçe)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	u.Areas = splitAreas(*areas)
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		token, err := a.Center.CreateUser(e.Ctx, u)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "user %s (%s) added; API token (shown only once):\n%s\n", u.ID, u.Role, token)
		return nil
	})
}

func userList(e *cli.Env, args []string) error {
	fs := e.Flags("user list", "user list [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		users, err := a.Store.Users(e.Ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tNAME\tAREAS")
		for _, u := range users {
			// A link to a person and a removal follow, when there are.
			var extra string
			if u.Person != "" {
				extra += "\tperson " + string(u.Person)
			}
			if u.Removed {
				extra += "\t(removed)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\n", u.ID, u.Role, u.Name, areaList(u), extra)
		}
		return tw.Flush()
	})
}

func userToken(e *cli.Env, args []string) error {
	fs := e.Flags("user token", "user token -id ID [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	id := fs.String("id", "", "login name of the user whose token is replaced")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *id == "" {
		return fmt.Errorf("-id is required")
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		token, err := a.Center.ResetToken(e.Ctx, sandik.UserID(*id))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "new API token of %s (the old one no longer works):\n%s\n", *id, token)
		return nil
	})
}

func userAssign(e *cli.Env, args []string) error {
	fs := e.Flags("user assign", "user assign -id ID -areas CODE[,CODE...] [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	id := fs.String("id", "", "login name of the user")
	areas := fs.String("areas", "", "comma-separated area codes that replace the user's areas; empty clears them")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *id == "" {
		return fmt.Errorf("-id is required")
	}
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "areas" })
	if !set {
		return fmt.Errorf("-areas is required (give -areas '' to clear the user's areas)")
	}
	codes := splitAreas(*areas)
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		u, err := a.Center.AssignAreas(e.Ctx, sandik.UserID(*id), codes)
		if err != nil {
			return err
		}
		switch {
		case len(u.Areas) > 0:
			fmt.Fprintf(e.Stdout, "user %s (%s) works in %s\n", u.ID, u.Role, areaList(u))
		case u.Scoped():
			fmt.Fprintf(e.Stdout, "user %s (%s) has no areas now: they may enter no box\n", u.ID, u.Role)
		default:
			fmt.Fprintf(e.Stdout, "user %s (%s) has no areas now: they work for the whole centre\n", u.ID, u.Role)
		}
		fmt.Fprintln(e.Stdout, "running servers apply it to pages at once and to API tokens within their user cache lifetime (30 s by default)")
		return nil
	})
}

// splitAreas reads a comma-separated list of area codes; blanks around
// codes are dropped, empty items kept so that validation names them.
func splitAreas(s string) []sandik.AreaCode {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]sandik.AreaCode, len(parts))
	for i, p := range parts {
		out[i] = sandik.AreaCode(strings.TrimSpace(p))
	}
	return out
}

func areaList(u sandik.User) string {
	switch {
	case len(u.Areas) > 0:
		s := make([]string, len(u.Areas))
		for i, a := range u.Areas {
			s[i] = string(a)
		}
		return strings.Join(s, ",")
	case u.Scoped():
		return "(none: may not submit)"
	}
	return "(all)"
}

// userImport creates and assigns users from a users file. New users' tokens
// go to a file of their own, created for this import only and readable by
// its owner alone: they are shown once, and a terminal's scroll-back is no
// place for thousands of them.
func userImport(e *cli.Env, args []string) error {
	fs := e.Flags("user import", "user import [-tokens FILE] USERS.csv")
	var sf cli.StoreFlags
	sf.Register(fs)
	tokensPath := fs.String("tokens", "", "new file for the new users' API tokens (CSV: id,name,role,token); required when the list has new users")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("give one users file (columns id,name,role[,areas]; see docs/registry-csv.md)")
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	rows, err := registrycsv.ReadUsers(f)
	f.Close()
	if err != nil {
		return err
	}
	users := make([]sandik.User, len(rows))
	lines := make([]int, len(rows))
	for i, r := range rows {
		users[i], lines[i] = r.User, r.Line
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		existing, err := a.Store.Users(e.Ctx)
		if err != nil {
			return err
		}
		known := make(map[sandik.UserID]bool, len(existing))
		for _, u := range existing {
			known[u.ID] = true
		}
		fresh := 0
		for _, u := range users {
			if !known[u.ID] {
				fresh++
			}
		}
		var out *os.File
		if fresh > 0 {
			if *tokensPath == "" {
				return fmt.Errorf("-tokens FILE is required: %d new users get API tokens, shown only once", fresh)
			}
			// O_EXCL: the tokens of an earlier import are never overwritten.
			out, err = os.OpenFile(*tokensPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return fmt.Errorf("tokens file: %w", err)
			}
			defer out.Close()
		}
		fmt.Fprintf(e.Stderr, "%s: %d users, %d new\n", path, len(users), fresh)
		issued, reassigned, err := a.Center.ImportUsers(e.Ctx, filepath.Base(path), users, lines)
		if err != nil {
			if out != nil {
				out.Close()
				os.Remove(*tokensPath)
			}
			return err
		}
		if out != nil {
			w := csvcell.NewWriter(out)
			w.Write([]string{"id", "name", "role", "token"})
			for _, is := range issued {
				w.Write([]string{string(is.User.ID), is.User.Name, string(is.User.Role), is.Token})
			}
			w.Flush()
			if err := cmp.Or(w.Error(), out.Sync(), out.Close()); err != nil {
				return fmt.Errorf("the users were saved but their tokens could not be written (reset them with sandik user token): %w", err)
			}
		}
		fmt.Fprintf(e.Stdout, "%d users created", len(issued))
		if len(issued) > 0 {
			fmt.Fprintf(e.Stdout, " (tokens in %s)", *tokensPath)
		}
		fmt.Fprintf(e.Stdout, ", %d reassigned\n", reassigned)
		return nil
	})
}
