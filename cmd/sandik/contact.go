package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
)

// Personal data under KVKK from the command line, as the operator (an
// administrator): the log of contact views, a person's export and
// erasure.

// orgViews prints the log of views of people's contacts, oldest first.
func orgViews(e *cli.Env, args []string) error {
	fs := e.Flags("org views", "org views [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	person := fs.String("person", "", "only views of this person's contacts")
	user := fs.String("user", "", "only views by this user")
	after := fs.Int64("after", 0, "only views after this seq")
	limit := fs.Int("limit", 0, "at most this many views (0: all)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *limit < 0 || *after < 0 {
		fs.Usage()
		return cli.ErrUsage
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		views, err := a.Center.ContactViews(e.Ctx, cli.Operator(), sandik.ContactViewFilter{
			Person: sandik.PersonID(*person), User: sandik.UserID(*user), After: *after, Limit: *limit})
		if err != nil {
			return err
		}
		for _, v := range views {
			fields := make([]string, len(v.Fields))
			for i, f := range v.Fields {
				fields[i] = string(f)
			}
			fmt.Fprintf(e.Stdout, "%d\t%s\t%s\t%s\t%s\n", v.Seq, v.At.In(sandik.Istanbul()).Format(time.RFC3339), v.User, v.Person, strings.Join(fields, ","))
		}
		fmt.Fprintf(e.Stderr, "%d views\n", len(views))
		return nil
	})
}

// orgPerson runs `org person export ID` and `org person erase ID -reason TEXT`.
func orgPerson(e *cli.Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, "Usage: sandik org person export|erase ID [flags]")
		return cli.ErrUsage
	}
	switch args[0] {
	case "export":
		return personExport(e, args[1:])
	case "erase":
		return personErase(e, args[1:])
	}
	fmt.Fprintf(e.Stderr, "sandik org person: unknown subcommand %q (want export or erase)\n", args[0])
	return cli.ErrUsage
}

// idFirst takes the person's id from before the flags or after them.
func idFirst(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

// personExport prints everything held about a person as JSON. Their
// contacts are shown, so the export is logged as a view by the operator.
func personExport(e *cli.Env, args []string) error {
	fs := e.Flags("org person export", "org person export ID [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	id, rest := idFirst(args)
	if err := e.Parse(fs, rest); err != nil {
		return err
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	} else if id == "" || fs.NArg() != 0 {
		fs.Usage()
		return cli.ErrUsage
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		x, err := a.Center.ExportPerson(e.Ctx, cli.Operator(), sandik.PersonID(id))
		if err != nil {
			return err
		}
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(x)
	})
}

// personErase erases a person's name, phones, e-mail and note.
func personErase(e *cli.Env, args []string) error {
	fs := e.Flags("org person erase", "org person erase ID -reason TEXT [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	reason := fs.String("reason", "", "why the person is erased (required; kept with the record, so not their data)")
	id, rest := idFirst(args)
	if err := e.Parse(fs, rest); err != nil {
		return err
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	} else if id == "" || fs.NArg() != 0 {
		fs.Usage()
		return cli.ErrUsage
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		if err := a.Center.ErasePerson(e.Ctx, cli.Operator(), sandik.PersonID(id), *reason); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "person %s erased: name, phones, e-mail and note removed from the database; the terms they held show a removed person\n", id)
		fmt.Fprintln(e.Stdout, "backups made before still hold them: see docs/org.md")
		return nil
	})
}
