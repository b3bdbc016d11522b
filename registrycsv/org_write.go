package registrycsv

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/csvcell"
	"github.com/sandik-dev/sandik/msg"
)

// WriteOrgDir writes the organisation into dir (created if missing), the
// four files in the form ReadOrgDir reads: c.Kinds are the kinds added
// to the defaults. Each file is written to a temporary name and renamed.
func WriteOrgDir(dir string, c sandik.OrgChange) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range OrgFileNames() {
		if err := writeOrgFile(filepath.Join(dir, name), name, c); err != nil {
			return err
		}
	}
	return nil
}

func writeOrgFile(path, name string, c sandik.OrgChange) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+name+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	if err = WriteOrg(bw, name, c); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// WriteOrg writes one of the organisation's files (by name) of c to w.
func WriteOrg(w io.Writer, name string, c sandik.OrgChange) error {
	cw := csvcell.NewWriter(w) // read back through csvcell.Uncell
	var werr error
	emit := func(rec ...string) {
		if werr == nil {
			werr = cw.Write(rec)
		}
	}
	switch name {
	case OrgKindsFile:
		emit(orgKindHead...)
		for _, k := range c.Kinds {
			one := msg.T(msg.TR, "org.no")
			if k.OneHolder {
				one = msg.T(msg.TR, "org.yes")
			}
			emit(string(k.Code), k.Name, one)
		}
	case OrgUnitsFile:
		emit(orgUnitHead...)
		for _, u := range c.Units {
			emit(string(u.Code), string(u.Kind), u.Name, string(u.Parent), string(u.Area))
		}
	case OrgPeopleFile:
		// The columns of erasure are written only when someone is erased,
		// so that a file without them reads as it always has.
		cols := len(orgPersonHead) - 2
		for _, p := range c.People {
			if p.Erased != "" {
				cols = len(orgPersonHead)
			}
		}
		emit(orgPersonHead[:cols]...)
		for _, p := range c.People {
			emit([]string{string(p.ID), p.Name, string(p.Home), p.Purpose, string(p.Consent), strings.Join(p.Phones, "|"), p.Email, p.Note, string(p.Erased), p.EraseReason}[:cols]...)
		}
	case OrgPositionsFile:
		emit(orgPositionHead...)
		for _, p := range c.Positions {
			emit(string(p.ID), string(p.Kind), string(p.Unit), string(p.Person), string(p.Start), string(p.Source), string(p.End), p.EndReason)
		}
	case OrgAssignmentsFile:
		writeAssignments(emit, c.Assignments)
	default:
		return fmtUnknown(name)
	}
	if werr != nil {
		return werr
	}
	cw.Flush()
	return cw.Error()
}

func fmtUnknown(name string) error {
	return sandik.Errorf(sandik.EInvalid, "registrycsv: unknown file of the organisation %q", name)
}
