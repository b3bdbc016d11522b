package registrycsv

import (
	"io"
	"strconv"
	"time"

	"github.com/sandik-dev/sandik"
)

var (
	areaColumns         = columns{required: []string{"code", "parent", "level", "name"}, optional: []string{"ysk_id"}}
	electionColumns     = columns{required: []string{"code", "name", "date"}, optional: []string{"quorum"}}
	raceColumns         = columns{required: []string{"election", "race", "race_name", "scope", "choice", "choice_name"}}
	registrationColumns = columns{required: []string{"election", "box", "registered"}}
)

// builder turns rows into domain records and remembers the line of each,
// so that the problems sandik.NewRegistry finds ("areas[3].parent") can be
// reported against the line that caused them.
type builder struct {
	ps *collector

	areas      []sandik.Area
	areaLine   []int
	brokenArea map[sandik.AreaCode]bool // areas whose level could not be read

	elections    []sandik.Election
	electionLine []int

	races      []sandik.Race
	raceLine   []int
	choiceLine [][]int
	raceIndex  map[sandik.RaceCode]int

	regs    []sandik.Registration
	regLine []int

	// incomplete names the files with rows (or a header) that could not be
	// read: a reference to an unknown area or election may point into them.
	incomplete map[string]bool
}

func newBuilder(ps *collector) *builder {
	return &builder{ps: ps, brokenArea: map[sandik.AreaCode]bool{}, raceIndex: map[sandik.RaceCode]int{}, incomplete: map[string]bool{}}
}

func (b *builder) readFile(kind string, src io.Reader) error {
	rows, spec := b.areaRow, areaColumns
	switch kind {
	case ElectionsFile:
		rows, spec = b.electionRow, electionColumns
	case RacesFile:
		rows, spec = b.raceRow, raceColumns
	case RegistrationsFile:
		rows, spec = b.registrationRow, registrationColumns
	}
	t, err := openTable(kind, src, spec, b.ps)
	if t == nil || err != nil {
		b.incomplete[kind] = true
		return err
	}
	read := rows(t)
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			b.incomplete[kind] = t.skipped
			return nil
		}
		if err != nil {
			return err
		}
		read(rec, line)
	}
}

// Each xxxRow looks its columns up once and returns the function that reads
// one row. A row with a value that cannot be parsed is still kept, with a
// zero in that field, so that references to it resolve; NewRegistry's
// complaints about that line are then dropped as repeats.

func (b *builder) areaRow(t *table) func([]string, int) {
	code, parent, level, name, ysk := t.col("code"), t.col("parent"), t.col("level"), t.col("name"), t.col("ysk_id")
	return func(rec []string, line int) {
		a := sandik.Area{
			Code: sandik.AreaCode(rec[code]), Parent: sandik.AreaCode(rec[parent]),
			Name: rec[name], YSKID: field(rec, ysk),
		}
		lv, ok := parseLevel(rec[level])
		switch {
		case rec[level] == "":
			b.ps.add(AreasFile, line, "level", sandik.RuleRequired, "area %q has no level (country, il, ilce, mahalle, building or sandik)", a.Code)
			b.brokenArea[a.Code] = true
		case !ok:
			b.ps.add(AreasFile, line, "level", sandik.RuleInvalidValue, "level %q of area %q is not one of country, il, ilce, mahalle, building, sandik", rec[level], a.Code)
			b.brokenArea[a.Code] = true
		}
		a.Level = lv
		b.areas = append(b.areas, a)
		b.areaLine = append(b.areaLine, line)
	}
}

// levelAliases adds the Turkish words to the English level names, folded by
// normalizeName.
var levelAliases = map[string]sandik.AreaLevel{
	"country": sandik.LevelCountry, "ulke": sandik.LevelCountry,
	"il": sandik.LevelIl, "province": sandik.LevelIl,
	"ilce": sandik.LevelIlce, "district": sandik.LevelIlce,
	"mahalle": sandik.LevelMahalle, "koy": sandik.LevelMahalle,
	"building": sandik.LevelBuilding, "bina": sandik.LevelBuilding, "okul": sandik.LevelBuilding,
	"sandik": sandik.LevelSandik, "box": sandik.LevelSandik,
}

func parseLevel(s string) (sandik.AreaLevel, bool) {
	l, ok := levelAliases[normalizeName(s)]
	return l, ok
}

func (b *builder) electionRow(t *table) func([]string, int) {
	code, name, date, quorum := t.col("code"), t.col("name"), t.col("date"), t.col("quorum")
	return func(rec []string, line int) {
		e := sandik.Election{Code: sandik.ElectionCode(rec[code]), Name: rec[name], Quorum: sandik.DefaultQuorum}
		if d, ok := parseDate(rec[date]); ok {
			e.Date = d
		} else if rec[date] == "" {
			b.ps.add(ElectionsFile, line, "date", sandik.RuleRequired, "election %q has no date (YYYY-MM-DD)", e.Code)
		} else {
			b.ps.add(ElectionsFile, line, "date", sandik.RuleInvalidValue, "date %q of election %q is not a date in the form YYYY-MM-DD (e.g. 2019-03-31)", rec[date], e.Code)
		}
		if q := field(rec, quorum); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil {
				b.ps.add(ElectionsFile, line, "quorum", sandik.RuleInvalidValue, "quorum %q of election %q is not a whole number", q, e.Code)
			}
			e.Quorum = n
		}
		b.elections = append(b.elections, e)
		b.electionLine = append(b.electionLine, line)
	}
}

// parseDate reads YYYY-MM-DD, and also DD.MM.YYYY because a Turkish Excel
// rewrites dates that way when it saves. The day starts at midnight in
// İstanbul, as the domain expects.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
		if d, err := time.ParseInLocation(layout, s, sandik.Istanbul()); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

func formatDate(t time.Time) string { return t.In(sandik.Istanbul()).Format("2006-01-02") }

func (b *builder) raceRow(t *table) func([]string, int) {
	election, race, raceName, scope, choice, choiceName := t.col("election"), t.col("race"), t.col("race_name"), t.col("scope"), t.col("choice"), t.col("choice_name")
	return func(rec []string, line int) {
		code := sandik.RaceCode(rec[race])
		i, seen := b.raceIndex[code]
		if !seen {
			i = len(b.races)
			b.raceIndex[code] = i
			b.races = append(b.races, sandik.Race{Code: code})
			b.raceLine = append(b.raceLine, line)
			b.choiceLine = append(b.choiceLine, nil)
		}
		rc := &b.races[i]
		// The race's own columns may be left empty after its first row;
		// when given they must agree with what came first.
		same := func(dst *string, v, column string) {
			switch {
			case v == "":
			case *dst == "":
				*dst = v
			case *dst != v:
				b.ps.add(RacesFile, line, column, RuleInconsistent, "race %q has %s %q here but %q on line %d", code, column, v, *dst, b.raceLine[i])
			}
		}
		same((*string)(&rc.Election), rec[election], "election")
		same(&rc.Name, rec[raceName], "race_name")
		same((*string)(&rc.Scope), rec[scope], "scope")
		rc.Choices = append(rc.Choices, sandik.Choice{Code: sandik.ChoiceCode(rec[choice]), Name: rec[choiceName]})
		b.choiceLine[i] = append(b.choiceLine[i], line)
	}
}

func (b *builder) registrationRow(t *table) func([]string, int) {
	election, box, registered := t.col("election"), t.col("box"), t.col("registered")
	return func(rec []string, line int) {
		g := sandik.Registration{Election: sandik.ElectionCode(rec[election]), Box: sandik.AreaCode(rec[box]), Registered: -1}
		n, err := strconv.ParseInt(rec[registered], 10, 64)
		switch {
		case rec[registered] == "":
			b.ps.add(RegistrationsFile, line, "registered", sandik.RuleRequired, "box %q has no number of registered voters (write 0 if none)", g.Box)
		case err != nil:
			b.ps.add(RegistrationsFile, line, "registered", sandik.RuleInvalidValue, "registered voters of box %q: %q is not a whole number (write it without thousands separators)", g.Box, rec[registered])
		case n < 0:
			b.ps.add(RegistrationsFile, line, "registered", sandik.RuleNegative, "registered voters of box %q must not be negative (got %d)", g.Box, n)
		default:
			g.Registered = n
		}
		b.regs = append(b.regs, g)
		b.regLine = append(b.regLine, line)
	}
}
