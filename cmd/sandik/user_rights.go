package main

import (
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
)

// The commands of rights besides a user's own role and areas: a link to
// a person (whose positions give rights), grants with an expiry, and
// removal. The CLI acts as the operator, an administrator.

// parseWithArgs parses fs over args whose positional arguments may come
// before, between or after the flags ("grant -db c.db ali -role
// lawyer"), and returns the positional ones.
func parseWithArgs(e *cli.Env, fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		pos = append(pos, args[0])
		args = args[1:]
	}
	if err := e.Parse(fs, args); err != nil {
		return nil, err
	}
	for rest := fs.Args(); len(rest) > 0; rest = fs.Args() {
		pos = append(pos, rest[0])
		if err := fs.Parse(rest[1:]); err != nil {
			return nil, err
		}
	}
	return pos, nil
}

// onUsers runs a `sandik user` subcommand whose only flags are the
// store's and whose positional arguments are want (named in the usage):
// run gets the open app and those arguments.
func onUsers(e *cli.Env, name, usage string, args []string, want int, run func(a *cli.App, pos []string) error) error {
	fs := e.Flags(name, usage)
	var sf cli.StoreFlags
	sf.Register(fs)
	pos, err := parseWithArgs(e, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != want {
		names := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(usage, name), "[flags]"))
		if len(names) == 1 {
			return fmt.Errorf("give one %s", names[0])
		}
		return fmt.Errorf("give %s", strings.Join(names, " and "))
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error { return run(a, pos) })
}

func userLink(e *cli.Env, args []string) error {
	fs := e.Flags("user link", "user link USER PERSON | user link -unlink USER [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	unlink := fs.Bool("unlink", false, "remove the user's link to a person")
	pos, err := parseWithArgs(e, fs, args)
	if err != nil {
		return err
	}
	var person sandik.PersonID
	switch {
	case *unlink && len(pos) == 1:
	case !*unlink && len(pos) == 2:
		person = sandik.PersonID(pos[1])
	default:
		return fmt.Errorf("give USER and PERSON, or -unlink and USER")
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		u, err := a.Center.LinkPerson(e.Ctx, cli.Operator(), sandik.UserID(pos[0]), person)
		if err != nil {
			return err
		}
		if person == "" {
			fmt.Fprintf(e.Stdout, "user %s is linked to no person; their own role and areas remain\n", u.ID)
			return nil
		}
		eff, err := a.Center.EffectiveUser(e.Ctx, u)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "user %s is linked to person %s; with their positions today: %s over %s\n", u.ID, person, eff.Role, areaList(eff))
		return nil
	})
}

func userGrant(e *cli.Env, args []string) error {
	fs := e.Flags("user grant", "user grant USER -role ROLE -areas A[,B...] -until YYYY-MM-DD[THH:MM] -reason TEXT [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	role := fs.String("role", "", "observer, volunteer, lawyer, coordinator or admin")
	areas := fs.String("areas", "", "comma-separated area codes the grant gives")
	until := fs.String("until", "", "last day (until 23:59:59 İstanbul) or minute (YYYY-MM-DDTHH:MM, İstanbul) of the grant; required")
	reason := fs.String("reason", "", "why the grant is given; required")
	id := fs.String("grant-id", "", "id of the grant (default: generated)")
	pos, err := parseWithArgs(e, fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("give one USER")
	}
	if *until == "" {
		return fmt.Errorf("-until is required: a grant must expire")
	}
	end, err := sandik.ParseUntil(*until)
	if err != nil {
		return fmt.Errorf("-until: %w", err)
	}
	g := sandik.Grant{ID: sandik.GrantID(*id), User: sandik.UserID(pos[0]), Role: sandik.Role(*role), Areas: splitAreas(*areas), Until: end, Reason: *reason}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		g, err := a.Center.GrantAs(e.Ctx, cli.Operator(), g)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "grant %s: %s is %s over %s until %s (İstanbul)\n", g.ID, g.User, g.Role, strings.Join(codes(g.Areas), ","), ist(g.Until))
		return nil
	})
}

func userGrants(e *cli.Env, args []string) error {
	return onUsers(e, "user grants", "user grants USER [flags]", args, 1, func(a *cli.App, pos []string) error {
		grants, err := a.Center.GrantsOf(e.Ctx, cli.Operator(), sandik.UserID(pos[0]))
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.Stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tAREAS\tFROM\tUNTIL\tREVOKED\tBY\tREASON")
		for _, g := range grants {
			revoked := "-"
			if !g.Revoked.IsZero() {
				revoked = ist(g.Revoked) + " " + string(g.RevokedBy)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", g.ID, g.Role, strings.Join(codes(g.Areas), ","), ist(g.From), ist(g.Until), revoked, g.GrantedBy, g.Reason)
		}
		return tw.Flush()
	})
}

func userRevoke(e *cli.Env, args []string) error {
	return onUsers(e, "user revoke", "user revoke USER GRANT [flags]", args, 2, func(a *cli.App, pos []string) error {
		g, err := a.Center.RevokeGrantAs(e.Ctx, cli.Operator(), sandik.UserID(pos[0]), sandik.GrantID(pos[1]))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "grant %s of %s revoked at %s (İstanbul)\n", g.ID, g.User, ist(g.Revoked))
		return nil
	})
}

func userRemove(e *cli.Env, args []string) error {
	return onUsers(e, "user remove", "user remove USER [flags]", args, 1, func(a *cli.App, pos []string) error {
		if err := a.Center.RemoveUserAs(e.Ctx, cli.Operator(), sandik.UserID(pos[0])); err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "user %s removed: their token no longer works and their sessions have ended\n", pos[0])
		return nil
	})
}

func codes(areas []sandik.AreaCode) []string {
	out := make([]string, len(areas))
	for i, a := range areas {
		out[i] = string(a)
	}
	return out
}

// ist writes an instant in İstanbul to the second.
func ist(t time.Time) string { return t.In(sandik.Istanbul()).Format(time.DateTime) }

// userRights shows what a user may do now: their own role and areas,
// what their person's positions and their grants make of them, and when
// that next changes.
func userRights(e *cli.Env, args []string) error {
	return onUsers(e, "user rights", "user rights USER [flags]", args, 1, func(a *cli.App, pos []string) error {
		users, err := a.Store.Users(e.Ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			if u.ID != sandik.UserID(pos[0]) {
				continue
			}
			eff, next, err := a.Center.Effective(e.Ctx, u)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "user %s: stored %s over %s; now %s over %s\n", u.ID, u.Role, areaList(u), eff.Role, areaList(eff))
			if next.IsZero() {
				fmt.Fprintln(e.Stdout, "no term or grant known changes that")
			} else {
				fmt.Fprintf(e.Stdout, "until %s (İstanbul), when a term or grant ends or begins\n", ist(next))
			}
			return nil
		}
		return sandik.Errorf(sandik.ENotFound, "user %q not found", pos[0])
	})
}
