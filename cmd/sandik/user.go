package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/sandik-dev/sandik"
)

func cmdUser(e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "Usage: sandik user add|list|token [flags]")
		return errUsage
	}
	switch args[0] {
	case "add":
		return userAdd(e, args[1:])
	case "list":
		return userList(e, args[1:])
	case "token":
		return userToken(e, args[1:])
	}
	fmt.Fprintf(e.stderr, "sandik user: unknown subcommand %q (want add, list or token)\n", args[0])
	return errUsage
}

func userAdd(e *env, args []string) error {
	fs := newFlags(e, "user add", "user add -id ID -name NAME -role ROLE [flags]")
	var sf storeFlags
	sf.register(fs)
	var u sandik.User
	fs.StringVar((*string)(&u.ID), "id", "", "login name (letters, digits, '.', '-', '_')")
	fs.StringVar(&u.Name, "name", "", "full name")
	fs.StringVar((*string)(&u.Role), "role", "", "observer, volunteer, coordinator, admin or lawyer")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	return withApp(e, &sf, func(a *app) error {
		token, err := a.center.CreateUser(e.ctx, u)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %s (%s) added; API token (shown only once):\n%s\n", u.ID, u.Role, token)
		return nil
	})
}

func userList(e *env, args []string) error {
	fs := newFlags(e, "user list", "user list [flags]")
	var sf storeFlags
	sf.register(fs)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	return withApp(e, &sf, func(a *app) error {
		users, err := a.store.Users(e.ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tNAME")
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", u.ID, u.Role, u.Name)
		}
		return tw.Flush()
	})
}

func userToken(e *env, args []string) error {
	fs := newFlags(e, "user token", "user token -id ID [flags]")
	var sf storeFlags
	sf.register(fs)
	id := fs.String("id", "", "login name of the user whose token is replaced")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *id == "" {
		return fmt.Errorf("-id is required")
	}
	return withApp(e, &sf, func(a *app) error {
		token, err := a.center.ResetToken(e.ctx, sandik.UserID(*id))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "new API token of %s (the old one no longer works):\n%s\n", *id, token)
		return nil
	})
}
