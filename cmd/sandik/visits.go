package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/cmd/internal/cli"
	"github.com/sandik-dev/sandik/csvcell"
)

// Visits and the overdue board from the command line, as the operator:
// for a provincial office that wants them in a spreadsheet, or a
// report run by cron.

func cmdVisits(e *cli.Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.Stderr, "Usage: sandik visits list [flags]\n       sandik visits board [flags]")
		return cli.ErrUsage
	}
	switch args[0] {
	case "list":
		return visitsList(e, args[1:])
	case "board":
		return visitsBoard(e, args[1:])
	}
	fmt.Fprintf(e.Stderr, "sandik visits: unknown subcommand %q (want list or board)\n", args[0])
	return cli.ErrUsage
}

// visitFlags are the flags both subcommands take.
type visitFlags struct {
	sf   cli.StoreFlags
	area *string
	csv  *string
}

func (f *visitFlags) register(e *cli.Env, name, usage string) *flag.FlagSet {
	fs := e.Flags(name, usage)
	f.sf.Register(fs)
	f.area = fs.String("area", "", "only what counts for this area or an area under it (empty: all)")
	f.csv = fs.String("csv", "", "write CSV (semicolons, UTF-8 with a byte order mark, as the pages export) to this file, - for standard output")
	return fs
}

// checkArea refuses an area the registry does not hold.
func checkArea(a *cli.App, area string) error {
	if area == "" {
		return nil
	}
	if _, ok := a.Center.Registry().Area(sandik.AreaCode(area)); !ok {
		return fmt.Errorf("-area: area %q is not in the registry", area)
	}
	return nil
}

// writeCSV writes header and rows as the pages' exports are written,
// to path or, for "-", standard output.
func writeCSV(e *cli.Env, path string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csvcell.NewWriter(&buf)
	cw.Comma = ';'
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	if path == "-" {
		_, err := e.Stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("-csv: %w", err)
	}
	return nil
}

// visitsList prints the visits counting for an area, newest first, with
// their commitments, open and overdue today in İstanbul.
func visitsList(e *cli.Env, args []string) error {
	var f visitFlags
	fs := f.register(e, "visits list", "visits list [-area CODE] [-tour ID] [-csv FILE] [flags]")
	tour := fs.String("tour", "", "only the visits of this tour")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return cli.ErrUsage
	}
	return cli.WithApp(e, &f.sf, func(a *cli.App) error {
		if err := checkArea(a, *f.area); err != nil {
			return err
		}
		u := cli.Operator()
		vs, err := a.Center.Visits(e.Ctx, u, sandik.AreaCode(*f.area), sandik.TourID(*tour))
		if err != nil {
			return err
		}
		cs, err := a.Center.Commitments(e.Ctx, u, sandik.AreaCode(*f.area), false)
		if err != nil {
			return err
		}
		now := a.Center.Now()
		type tally struct{ all, open, overdue int }
		by := map[sandik.VisitID]tally{}
		for _, c := range cs {
			t := by[c.Visit]
			t.all++
			switch c.DueState(now) {
			case sandik.DueOverdue:
				t.overdue++
				t.open++
			case sandik.DueToday, sandik.DueLater:
				t.open++
			}
			by[c.Visit] = t
		}
		rows := make([][]string, 0, len(vs))
		for _, v := range vs {
			t := by[v.ID]
			rows = append(rows, []string{string(v.ID), v.At.In(sandik.Istanbul()).Format("2006-01-02 15:04"), string(v.Kind), targetOf(v.Target),
				string(v.Area), string(v.FromUnit), joinIDs(v.Visitors), joinIDs(v.Attendees), v.Place, string(v.Tour),
				strconv.Itoa(t.all), strconv.Itoa(t.open), strconv.Itoa(t.overdue), v.Notes})
		}
		if *f.csv != "" {
			header := []string{"kimlik", "tarih", "tür", "ziyaret_edilen", "alan", "birimden", "ziyaretçiler", "katılanlar", "yer", "tur", "taahhüt", "açık", "gecikmiş", "notlar"}
			if err := writeCSV(e, *f.csv, header, rows); err != nil {
				return err
			}
		} else {
			for _, r := range rows {
				// The notes are free text over lines: the CSV carries them.
				fmt.Fprintln(e.Stdout, strings.Join(r[:len(r)-1], "\t"))
			}
		}
		fmt.Fprintf(e.Stderr, "%d visits, %d commitments\n", len(vs), len(cs))
		return nil
	})
}

// visitsBoard prints the overdue board of an area: the open commitments
// overdue, due today and later, today in İstanbul.
func visitsBoard(e *cli.Env, args []string) error {
	var f visitFlags
	fs := f.register(e, "visits board", "visits board [-area CODE] [-csv FILE] [flags]")
	if err := e.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return cli.ErrUsage
	}
	return cli.WithApp(e, &f.sf, func(a *cli.App) error {
		if err := checkArea(a, *f.area); err != nil {
			return err
		}
		b, err := a.Center.DueBoard(e.Ctx, cli.Operator(), sandik.AreaCode(*f.area))
		if err != nil {
			return err
		}
		var rows [][]string
		for _, col := range []struct {
			state string
			cs    []sandik.Commitment
		}{{"gecikmiş", b.Overdue}, {"bugün", b.DueToday}, {"sonra", b.Later}} {
			for _, c := range col.cs {
				owner := string(c.OwnerUnit)
				if c.OwnerPerson != "" {
					owner = "kişi:" + string(c.OwnerPerson)
				}
				rows = append(rows, []string{col.state, string(c.Due), string(c.ID), string(c.Visit), string(c.Area), owner, string(c.Follows), c.Text})
			}
		}
		if *f.csv != "" {
			if err := writeCSV(e, *f.csv, []string{"durum", "son_gün", "kimlik", "ziyaret", "alan", "sahibi", "devamı_olduğu", "taahhüt"}, rows); err != nil {
				return err
			}
		} else {
			for _, r := range rows {
				fmt.Fprintln(e.Stdout, strings.Join(r, "\t"))
			}
		}
		fmt.Fprintf(e.Stderr, "%d overdue, %d due today, %d later\n", len(b.Overdue), len(b.DueToday), len(b.Later))
		return nil
	})
}

// targetOf names what a visit was paid to: unit:CODE, belediye:CODE,
// kişi:ID or the institution's name.
func targetOf(t sandik.VisitTarget) string {
	switch {
	case t.Unit != "":
		return "birim:" + string(t.Unit)
	case t.Municipality != "":
		return "belediye:" + string(t.Municipality)
	case t.Person != "":
		return "kişi:" + string(t.Person)
	}
	return t.Institution
}

func joinIDs(ids []sandik.PersonID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ",")
}
