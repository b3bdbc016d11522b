package main

import (
	"fmt"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/demo"
)

// seedDemoPeople adds the demo's synthetic provincial board
// (demo.People) when the database holds no organisation yet, so that
// /kisiler shows people and a coordinator's view of a phone lands in the
// log of contact views.
func seedDemoPeople(e *cli.Env, a *cli.App, reg *sandik.Registry) error {
	units, err := a.Store.Units(e.Ctx)
	if err != nil || len(units) > 0 {
		return err
	}
	ch := demo.People(reg, sandik.DateOf(a.Center.Now().AddDate(-2, 0, 0)))
	if len(ch.People) == 0 {
		return nil
	}
	if err := a.Center.SaveOrg(e.Ctx, cli.Operator(), ch); err != nil {
		return fmt.Errorf("demo people: %w", err)
	}
	fmt.Fprintf(e.Stdout, "Kişiler / people: %d synthetic members of the provincial board at /kisiler (SENTETİK)\n", len(ch.People))
	w, err := cli.SeedWorkshop(e.Ctx, a.Center)
	if err != nil || w.Invited == 0 {
		return err
	}
	fmt.Fprintf(e.Stdout, "Çalıştay / workshop: %d invited by position, %d checked in, %d survey answers at /toplantilar/%s and /anket/%s/ekran (SENTETİK)\n",
		w.Invited, w.CheckedIn, w.Answers, w.Meeting.ID, w.Survey.ID)
	return nil
}
