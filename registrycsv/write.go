package registrycsv

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/csvcell"
)

// WriteDir writes the four files of reg into dir (created if missing):
// UTF-8 without a byte order mark, comma-separated, LF line ends. Each file
// is written to a temporary name and renamed, so a reader never sees half a
// file.
func WriteDir(dir string, reg *sandik.Registry) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range FileNames() {
		if err := writeFile(filepath.Join(dir, name), name, reg); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path, name string, reg *sandik.Registry) (err error) {
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
	if err = Write(bw, name, reg); err != nil {
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

// Write writes one of the four files (by name) of reg to w.
func Write(w io.Writer, name string, reg *sandik.Registry) error {
	cw := csvcell.NewWriter(w) // read back through csvcell.Uncell
	var rows func(emit func(...string))
	var head columns
	switch name {
	case AreasFile:
		head = areaColumns
		rows = func(emit func(...string)) {
			for _, a := range reg.Areas {
				emit(string(a.Code), string(a.Parent), a.Level.String(), a.Name, a.YSKID)
			}
		}
	case ElectionsFile:
		head = electionColumns
		rows = func(emit func(...string)) {
			for _, e := range reg.Elections {
				emit(string(e.Code), e.Name, formatDate(e.Date), strconv.Itoa(e.Quorum))
			}
		}
	case RacesFile:
		head = raceColumns
		rows = func(emit func(...string)) {
			for _, rc := range reg.Races {
				for _, c := range rc.Choices {
					emit(string(rc.Election), string(rc.Code), rc.Name, string(rc.Scope), string(c.Code), c.Name)
				}
			}
		}
	case RegistrationsFile:
		head = registrationColumns
		rows = func(emit func(...string)) {
			for _, g := range reg.Registrations {
				emit(string(g.Election), string(g.Box), strconv.FormatInt(g.Registered, 10))
			}
		}
	default:
		return fmt.Errorf("registrycsv: unknown file %q", name)
	}
	var werr error
	emit := func(rec ...string) {
		if werr == nil {
			werr = cw.Write(rec)
		}
	}
	emit(head.all()...)
	rows(emit)
	if werr != nil {
		return werr
	}
	cw.Flush()
	return cw.Error()
}
