package registrycsv

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
)

// The four files of a registry, in the order they are read and written.
const (
	AreasFile         = "areas.csv"
	ElectionsFile     = "elections.csv"
	RacesFile         = "races.csv"
	RegistrationsFile = "registrations.csv"
)

// FileNames returns the names of the four files, in reading order.
func FileNames() []string {
	return []string{AreasFile, ElectionsFile, RacesFile, RegistrationsFile}
}

// MaxProblems caps the problems one read reports; a last problem with rule
// RuleTooMany says how many more there were. A file with the wrong
// delimiter would otherwise produce a problem per line.
const MaxProblems = 1000

// ReadDir reads the registry files found in dir. Files other than the four
// are ignored; at least one of the four must be there.
func ReadDir(dir string) (*sandik.Registry, error) {
	var paths []string
	for _, name := range FileNames() {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	if len(paths) == 0 {
		return nil, sandik.Errorf(sandik.EInvalid, "%s holds none of the registry files (%s)", dir, strings.Join(FileNames(), ", "))
	}
	return ReadFiles(paths...)
}

// ReadFiles reads registry files by path; each file's base name says what it
// holds, so it must be one of the four names.
func ReadFiles(paths ...string) (*sandik.Registry, error) {
	files := make(map[string]io.Reader, len(paths))
	for _, p := range paths {
		name := filepath.Base(p)
		if _, dup := files[name]; dup {
			return nil, sandik.Errorf(sandik.EInvalid, "two files named %s given", name)
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		files[name] = f
	}
	return Read(files)
}

// Read reads registry files keyed by file name (areas.csv, elections.csv,
// races.csv, registrations.csv; any subset) and returns the validated
// registry, or an EInvalid *sandik.Error listing every problem with its
// file, column and line — never a partial registry. Other errors are I/O
// failures.
func Read(files map[string]io.Reader) (*sandik.Registry, error) {
	ps := &collector{}
	byKind := map[string]io.Reader{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		kind := strings.ToLower(filepath.Base(name))
		if !slices.Contains(FileNames(), kind) {
			ps.add(name, 0, "", RuleUnknownFile, "unknown file %q; a registry is made of %s", name, strings.Join(FileNames(), ", "))
			continue
		}
		if _, dup := byKind[kind]; dup {
			ps.add(name, 0, "", sandik.RuleDuplicate, "%s is given twice", kind)
			continue
		}
		byKind[kind] = files[name]
	}
	if len(byKind) == 0 && len(ps.list) == 0 {
		ps.add("", 0, "", sandik.RuleRequired, "no registry files given (%s)", strings.Join(FileNames(), ", "))
	}
	b := newBuilder(ps)
	for _, kind := range FileNames() {
		src, ok := byKind[kind]
		if !ok {
			continue
		}
		if err := b.readFile(kind, src); err != nil {
			return nil, err
		}
	}
	// Records that parsed are still checked against each other, so one
	// pass shows every problem; lines already reported are not repeated.
	return b.registry()
}

// collector gathers problems up to MaxProblems and remembers which lines
// already have one.
type collector struct {
	list    []sandik.Problem
	more    int
	flagged map[lineKey]bool
}

type lineKey struct {
	file string
	line int
}

func (c *collector) add(file string, line int, column, rule, format string, args ...any) {
	if c.flagged == nil {
		c.flagged = map[lineKey]bool{}
	}
	c.flagged[lineKey{file, line}] = true
	if len(c.list) >= MaxProblems {
		c.more++
		return
	}
	f := file
	if column != "" {
		f += ":" + column
	}
	c.list = append(c.list, sandik.Problem{Field: f, Line: line, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func (c *collector) has(file string, line int) bool { return c.flagged[lineKey{file, line}] }

// err returns the problems in file order, then line order, as one EInvalid
// error.
func (c *collector) err() error {
	rank := func(p sandik.Problem) int {
		name, _, _ := strings.Cut(p.Field, ":")
		if i := slices.Index(FileNames(), name); i >= 0 {
			return i
		}
		return -1
	}
	list := slices.Clone(c.list)
	slices.SortStableFunc(list, func(a, b sandik.Problem) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Line, b.Line))
	})
	n := len(list) + c.more
	if c.more > 0 {
		list = append(list, sandik.Problem{Rule: RuleTooMany, Message: fmt.Sprintf("and %d more problems", c.more)})
	}
	noun := "problems"
	if n == 1 {
		noun = "problem"
	}
	return sandik.Invalid(fmt.Sprintf("the registry files have %d %s", n, noun), list)
}
