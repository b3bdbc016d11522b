package registrycsv

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/msg"
)

// The organisation's files, with Turkish headers, read by the rules of
// the registry's (delimiter, byte order mark, header names folded so
// that "Üst Birim" reads "ust_birim", every problem with its file, line
// and column). A directory holds any of the four; kinds of position are
// only those added to the defaults.
const (
	OrgKindsFile     = "gorev_turleri.csv"
	OrgUnitsFile     = "birimler.csv"
	OrgPeopleFile    = "kisiler.csv"
	OrgPositionsFile = "gorevler.csv"
)

// OrgFileNames lists the organisation's files in the order they are read.
func OrgFileNames() []string {
	return []string{OrgKindsFile, OrgUnitsFile, OrgPeopleFile, OrgPositionsFile, OrgAssignmentsFile}
}

// The headers as written, from the catalogue's Turkish; a reader folds
// them (normalizeName).
var (
	orgKindHead     = orgHead("code", "name", "one_holder")
	orgUnitHead     = orgHead("code", "kind", "name", "parent", "area")
	orgPersonHead   = orgHead("id", "full_name", "home", "purpose", "consent", "phones", "email", "note", "erased", "erase_reason")
	orgPositionHead = orgHead("id", "position", "unit", "person", "start", "source", "end", "end_reason")
)

func orgHead(keys ...string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = msg.T(msg.TR, "org.col."+k)
	}
	return out
}

// folded is a header folded as a reader reads it.
func folded(head []string) []string {
	out := make([]string, len(head))
	for i, h := range head {
		out[i] = normalizeName(h)
	}
	return out
}

// columnsOf makes the first n columns of head required.
func columnsOf(head []string, n int) columns {
	f := folded(head)
	return columns{required: f[:n], optional: f[n:]}
}

// Fields of the records, by the column that holds them; problems of a
// record's Validate name the field, and the reader names the column.
var (
	kindFields     = map[string]string{"code": "kod", "name": "ad"}
	unitFields     = map[string]string{"code": "kod", "kind": "tur", "name": "ad", "parent": "ust_birim", "area": "bolge"}
	personFields   = map[string]string{"id": "kimlik", "name": "ad_soyad", "phones": "telefonlar", "email": "e_posta", "home": "birim", "note": "not", "purpose": "amac", "consent": "riza_tarihi", "erased": "silinme_tarihi", "erase_reason": "silinme_nedeni"}
	positionFields = map[string]string{"id": "kimlik", "kind": "gorev", "unit": "birim", "person": "kisi", "start": "baslangic", "end": "bitis", "source": "kaynak", "end_reason": "bitis_nedeni"}
)

// OrgLines are the lines each record of a change was read from, so that
// a problem found later (a reference the store refuses) names its line.
type OrgLines struct {
	Kinds, Units, People, Positions, Assignments []int
}

// ReadOrgDir reads the organisation's files found in dir; at least one
// must be there.
func ReadOrgDir(dir string) (sandik.OrgChange, OrgLines, error) {
	files := map[string]io.Reader{}
	for _, name := range OrgFileNames() {
		f, err := os.Open(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return sandik.OrgChange{}, OrgLines{}, err
		}
		defer f.Close()
		files[name] = f
	}
	if len(files) == 0 {
		return sandik.OrgChange{}, OrgLines{}, sandik.Invalid("no file of the organisation", []sandik.Problem{{Field: dir, Rule: sandik.RuleRequired,
			Message: fmt.Sprintf("%s holds none of %s", dir, strings.Join(OrgFileNames(), ", "))}})
	}
	return ReadOrg(files)
}

// ReadOrg reads the organisation's files by name, all or nothing: every
// row checked on its own and ids not repeated within a file, each
// problem with its file, line and column, as one EInvalid error.
func ReadOrg(files map[string]io.Reader) (sandik.OrgChange, OrgLines, error) {
	ps := &collector{}
	var c sandik.OrgChange
	var lines OrgLines
	for name := range files {
		if !strings.HasSuffix(name, ".csv") || !slices.Contains(OrgFileNames(), name) {
			ps.add(name, 0, "", RuleUnknownFile, "unknown file %q; the organisation's files are %s", name, strings.Join(OrgFileNames(), ", "))
		}
	}
	read := func(name string, head []string, required int, row func(rec []string, col func(string) int, line int)) error {
		src, ok := files[name]
		if !ok {
			return nil
		}
		t, err := openTable(name, src, columnsOf(head, required), ps)
		if err != nil || t == nil {
			return err
		}
		for {
			rec, line, err := t.next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			row(rec, t.col, line)
		}
	}
	seen := map[string]map[string]int{}
	check := func(file string, line int, idCol, id string, err error, fields map[string]string) bool {
		for _, p := range sandik.ProblemsOf(err) {
			name, _, _ := strings.Cut(p.Field, "[")
			ps.add(file, line, fields[name], p.Rule, "%s", p.Message)
		}
		if seen[file] == nil {
			seen[file] = map[string]int{}
		}
		if first, dup := seen[file][id]; dup && id != "" {
			ps.add(file, line, idCol, sandik.RuleDuplicate, "%q is already on line %d", id, first)
			return false
		}
		seen[file][id] = line
		return err == nil
	}
	get := func(rec []string, col func(string) int, name string) string { return field(rec, col(name)) }
	steps := []struct {
		file     string
		head     []string
		required int
		row      func(rec []string, col func(string) int, line int)
	}{
		{OrgKindsFile, orgKindHead, 3, func(rec []string, col func(string) int, line int) {
			k := sandik.PositionKind{Code: sandik.KindCode(get(rec, col, "kod")), Name: get(rec, col, "ad")}
			switch normalizeName(get(rec, col, "tek_kisi")) {
			case "evet", "e", "1", "yes", "true":
				k.OneHolder = true
			case "hayir", "h", "0", "no", "false":
			default:
				ps.add(OrgKindsFile, line, "tek_kisi", sandik.RuleInvalidValue, "%q is neither evet nor hayır", get(rec, col, "tek_kisi"))
				return
			}
			if check(OrgKindsFile, line, "kod", string(k.Code), k.Validate(), kindFields) {
				c.Kinds, lines.Kinds = append(c.Kinds, k), append(lines.Kinds, line)
			}
		}},
		{OrgUnitsFile, orgUnitHead, 3, func(rec []string, col func(string) int, line int) {
			u := sandik.Unit{Code: sandik.UnitCode(get(rec, col, "kod")), Kind: sandik.UnitKind(normalizeName(get(rec, col, "tur"))), Name: get(rec, col, "ad"),
				Parent: sandik.UnitCode(get(rec, col, "ust_birim")), Area: sandik.AreaCode(get(rec, col, "bolge"))}
			if u.Area == "" && u.Kind.IsPlace() {
				u.Area = sandik.AreaCode(u.Code) // a place unit is coded as its area unless told otherwise
			}
			if check(OrgUnitsFile, line, "kod", string(u.Code), u.Validate(), unitFields) {
				c.Units, lines.Units = append(c.Units, u), append(lines.Units, line)
			}
		}},
		{OrgPeopleFile, orgPersonHead, 5, func(rec []string, col func(string) int, line int) {
			p := sandik.Person{ID: sandik.PersonID(get(rec, col, "kimlik")), Name: get(rec, col, "ad_soyad"), Email: get(rec, col, "e_posta"),
				Home: sandik.UnitCode(get(rec, col, "birim")), Note: get(rec, col, "not"), Purpose: get(rec, col, "amac"), Consent: sandik.Date(get(rec, col, "riza_tarihi")),
				Erased: sandik.Date(get(rec, col, "silinme_tarihi")), EraseReason: get(rec, col, "silinme_nedeni")}
			for _, ph := range strings.Split(get(rec, col, "telefonlar"), "|") {
				if ph = strings.TrimSpace(ph); ph != "" {
					if n, err := sandik.NormalPhone(ph); err == nil {
						ph = n // people write spaces in numbers; the store keeps digits
					}
					p.Phones = append(p.Phones, ph)
				}
			}
			if check(OrgPeopleFile, line, "kimlik", string(p.ID), p.Validate(), personFields) {
				c.People, lines.People = append(c.People, p), append(lines.People, line)
			}
		}},
		{OrgPositionsFile, orgPositionHead, 6, func(rec []string, col func(string) int, line int) {
			p := sandik.Position{ID: sandik.PositionID(get(rec, col, "kimlik")), Kind: sandik.KindCode(get(rec, col, "gorev")), Unit: sandik.UnitCode(get(rec, col, "birim")),
				Person: sandik.PersonID(get(rec, col, "kisi")), Start: sandik.Date(get(rec, col, "baslangic")), End: sandik.Date(get(rec, col, "bitis")),
				Source: sandik.PositionSource(normalizeName(get(rec, col, "kaynak"))), EndReason: get(rec, col, "bitis_nedeni")}
			if check(OrgPositionsFile, line, "kimlik", string(p.ID), p.Validate(), positionFields) {
				c.Positions, lines.Positions = append(c.Positions, p), append(lines.Positions, line)
			}
		}},
		{OrgAssignmentsFile, orgAssignHead, 3, func(rec []string, col func(string) int, line int) {
			a, err := readAssignment(rec, col)
			if check(OrgAssignmentsFile, line, "kisi", assignmentKey(a), err, assignFields) {
				c.Assignments, lines.Assignments = append(c.Assignments, a), append(lines.Assignments, line)
			}
		}},
	}
	for _, s := range steps {
		if err := read(s.file, s.head, s.required, s.row); err != nil {
			return sandik.OrgChange{}, OrgLines{}, err
		}
	}
	if len(ps.list) > 0 || ps.more > 0 {
		return sandik.OrgChange{}, OrgLines{}, orgErr(ps)
	}
	return c, lines, nil
}

func orgErr(ps *collector) error {
	e := ps.err().(*sandik.Error)
	e.Message = fmt.Sprintf("the organisation's files have %d problem(s); nothing was changed", len(e.Problems))
	return e
}

// Locate names the problems of an error about a change read from files
// ("positions[3].person") by file, line and column ("gorevler.csv:kisi",
// line 5). Other problems and errors are returned as they are.
func (l OrgLines) Locate(err error) error {
	e, ok := errors.AsType[*sandik.Error](err)
	if !ok || len(e.Problems) == 0 {
		return err
	}
	out := *e
	out.Problems = make([]sandik.Problem, len(e.Problems))
	for i, p := range e.Problems {
		out.Problems[i] = l.locate(p)
	}
	return &out
}

func (l OrgLines) locate(p sandik.Problem) sandik.Problem {
	list, rest, ok := strings.Cut(p.Field, "[")
	if !ok {
		return p
	}
	idx, name, ok := strings.Cut(rest, "].")
	var n int
	if _, err := fmt.Sscanf(idx, "%d", &n); err != nil || !ok {
		return p
	}
	name, _, _ = strings.Cut(name, "[")
	for _, s := range []struct {
		list, file string
		lines      []int
		fields     map[string]string
	}{
		{"kinds", OrgKindsFile, l.Kinds, kindFields},
		{"units", OrgUnitsFile, l.Units, unitFields},
		{"people", OrgPeopleFile, l.People, personFields},
		{"positions", OrgPositionsFile, l.Positions, positionFields},
		{"assignments", OrgAssignmentsFile, l.Assignments, assignFields},
	} {
		if s.list == list && n >= 0 && n < len(s.lines) {
			p.Field, p.Line = s.file+":"+s.fields[name], s.lines[n]
		}
	}
	return p
}
