package main

import (
	"fmt"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
)

// orgParty shows the organisation's party, or sets it to CODE.
func orgParty(e *cli.Env, args []string) error {
	fs := e.Flags("org party", "org party [flags] [CODE]")
	var sf cli.StoreFlags
	sf.Register(fs)
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("give at most one party code")
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		party, version, err := a.Center.OurParty(e.Ctx)
		if err != nil {
			return err
		}
		if fs.NArg() == 0 {
			if party == "" {
				fmt.Fprintln(e.Stdout, "no party set; set one with: sandik org party CODE")
				return nil
			}
			fmt.Fprintf(e.Stdout, "%s\n", party)
			return nil
		}
		if err := a.Center.SetOurParty(e.Ctx, cli.Operator(), sandik.PartyCode(fs.Arg(0)), version); err != nil {
			return err
		}
		party, _, err = a.Center.OurParty(e.Ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "our party is %s\n", party)
		return nil
	})
}

func orgMunicipalities(e *cli.Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, "Usage: sandik org municipalities fill|list|add|edit [flags]")
		return cli.ErrUsage
	}
	switch args[0] {
	case "fill":
		return municipalitiesFill(e, args[1:])
	case "list":
		return municipalitiesList(e, args[1:])
	case "edit":
		return municipalitiesEdit(e, args[1:])
	case "add":
		return municipalitiesAdd(e, args[1:])
	}
	fmt.Fprintf(e.Stderr, "sandik org municipalities: unknown subcommand %q (want fill, list, add or edit)\n", args[0])
	return cli.ErrUsage
}

// municipalitiesFill fills an election's municipalities from the
// imported official results of its mayoral races.
func municipalitiesFill(e *cli.Env, args []string) error {
	fs := e.Flags("org municipalities fill", "org municipalities fill [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	election := fs.String("election", "", "the election whose mayoral races to read (required)")
	partial := fs.Bool("partial", false, "fill from the boxes with official figures even when some have none")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *election == "" {
		return fmt.Errorf("-election is required")
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		rs, err := a.Center.FillMunicipalities(e.Ctx, cli.Operator(), sandik.ElectionCode(*election), *partial)
		if err != nil {
			return fmt.Errorf("nothing was written: %w", err)
		}
		written := 0
		for _, r := range rs {
			switch r.Outcome {
			case center.FillWritten:
				written++
				fmt.Fprintf(e.Stdout, "%s: %s (%s), margin %s votes, %s points\n", r.Municipality.Name, r.Term.Mayor, r.Term.Party,
					groupDigits(r.Term.MarginVotes), points(r.Term.MarginPoints))
			case center.FillUnchanged:
				fmt.Fprintf(e.Stdout, "%s: unchanged (%s)\n", r.Municipality.Name, r.Term.Party)
			case center.FillKeptHand:
				fmt.Fprintf(e.Stdout, "%s: kept as corrected by hand (version %d: %s)\n", r.Municipality.Name, r.Term.Version, r.Reason)
			case center.FillSkipped:
				fmt.Fprintf(e.Stdout, "%s: skipped: %s\n", r.Municipality.Name, r.Reason)
			}
		}
		fmt.Fprintf(e.Stdout, "%d of %d mayoral races written\n", written, len(rs))
		return nil
	})
}

// municipalitiesList prints the municipalities at an election with the
// outcome for the organisation's party, and the summary per province.
func municipalitiesList(e *cli.Env, args []string) error {
	fs := e.Flags("org municipalities list", "org municipalities list [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	il := fs.String("il", "", "a province's area code (default: all)")
	election := fs.String("election", "", "an election code (default: the latest with a term)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		rep, err := a.Center.Municipalities(e.Ctx, cli.Operator(), sandik.AreaCode(*il), sandik.ElectionCode(*election))
		if err != nil {
			return err
		}
		for _, r := range rep.Results {
			fmt.Fprintf(e.Stdout, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Municipality.Code, r.Municipality.Name, r.Term.Mayor, r.Term.Party,
				groupDigits(r.Term.MarginVotes), r.Outcome)
		}
		for _, s := range rep.Summaries {
			fmt.Fprintf(e.Stdout, "il %s (%s): %d municipalities; held %d, kept %d, gained %d, lost %d\n", s.Province, rep.Party,
				s.Municipalities, s.Won, s.Kept, s.Gained, s.Lost)
		}
		return nil
	})
}

// municipalitiesEdit corrects a term by hand, with a reason, as the next
// version.
func municipalitiesEdit(e *cli.Env, args []string) error {
	fs := e.Flags("org municipalities edit", "org municipalities edit [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	code := fs.String("code", "", "the municipality (required)")
	election := fs.String("election", "", "the election (required)")
	var in center.TermEdit
	fs.StringVar(&in.Mayor, "mayor", "", "the mayor's name (required)")
	person := fs.String("mayor-person", "", "the mayor's person id, when they are of the organisation")
	party := fs.String("party", "", "the mayor's party code, or BAGIMSIZ (required)")
	fs.Int64Var(&in.MarginVotes, "margin-votes", 0, "the margin in votes")
	fs.Float64Var(&in.MarginPoints, "margin-points", 0, "the margin in percentage points")
	day := fs.String("day", "", "the election day, for an election not in the registry")
	fs.StringVar(&in.Reason, "reason", "", "why the term is entered by hand (required)")
	fs.IntVar(&in.Replaces, "replaces", 0, "the version corrected (0: a new term)")
	council := fs.String("council", "", "council members, NAME:PARTY[:PERSON] separated by ';'")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if *code == "" || *election == "" {
		return fmt.Errorf("-code and -election are required")
	}
	in.MayorPerson, in.Party, in.Day = sandik.PersonID(*person), sandik.PartyCode(*party), sandik.Date(*day)
	members, err := councilFlag(*council)
	if err != nil {
		return fmt.Errorf("-council: %w", err)
	}
	in.Council = members
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		t, err := a.Center.EditTerm(e.Ctx, cli.Operator(), sandik.MunicipalityCode(*code), sandik.ElectionCode(*election), in)
		if err != nil {
			return fmt.Errorf("nothing was written: %w", err)
		}
		fmt.Fprintf(e.Stdout, "%s at %s: version %d, %s (%s)\n", t.Municipality, t.Election, t.Version, t.Mayor, t.Party)
		return nil
	})
}

// points writes percentage points the Turkish way: 21,31.
func points(p float64) string { return strings.Replace(fmt.Sprintf("%.2f", p), ".", ",", 1) }

// municipalitiesAdd adds a municipality of an area of the registry, for
// terms entered by hand.
func municipalitiesAdd(e *cli.Env, args []string) error {
	fs := e.Flags("org municipalities add", "org municipalities add [flags]")
	var sf cli.StoreFlags
	sf.Register(fs)
	var m sandik.Municipality
	code := fs.String("code", "", "the municipality's code (default: the area's)")
	kind := fs.String("kind", "", "buyuksehir, il, ilce or belde (required)")
	fs.StringVar(&m.Name, "name", "", "its name, e.g. Kadıköy Belediyesi (required)")
	area := fs.String("area", "", "the area of the registry it governs (required)")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	m.Code, m.Kind, m.Area = sandik.MunicipalityCode(*code), sandik.MunicipalityKind(*kind), sandik.AreaCode(*area)
	if m.Code == "" {
		m.Code = sandik.MunicipalityCode(m.Area)
	}
	return cli.WithApp(e, &sf, func(a *cli.App) error {
		ch := sandik.MunicipalChange{Municipalities: []sandik.Municipality{m}}
		if err := a.Center.SaveMunicipalities(e.Ctx, cli.Operator(), ch); err != nil {
			return fmt.Errorf("nothing was written: %w", err)
		}
		fmt.Fprintf(e.Stdout, "municipality %s added\n", m.Code)
		return nil
	})
}

// councilFlag reads NAME:PARTY[:PERSON];… into council members.
func councilFlag(v string) ([]sandik.CouncilMember, error) {
	var out []sandik.CouncilMember
	for i, item := range strings.Split(v, ";") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		parts := strings.Split(item, ":")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, fmt.Errorf("member %d %q: want NAME:PARTY or NAME:PARTY:PERSON", i+1, item)
		}
		m := sandik.CouncilMember{Name: strings.TrimSpace(parts[0]), Party: sandik.PartyCode(strings.TrimSpace(parts[1]))}
		if len(parts) == 3 {
			m.Person = sandik.PersonID(strings.TrimSpace(parts[2]))
		}
		out = append(out, m)
	}
	return out, nil
}
