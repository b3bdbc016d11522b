package ingest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/resultfile"
)

// MaxReported bounds the problems a plan keeps; the counts stay exact.
const MaxReported = 1000

// TableOptions say what a YSK table is a table of.
type TableOptions struct {
	Election     sandik.ElectionCode // required
	ElectionName string              // required when the election is new
	Date         time.Time           // of a new election
	Quorum       int                 // of a new election; sandik.DefaultQuorum when 0
	// Race is the race's kind as a code fragment ("meclis", "baskan");
	// one race is made per constituency, coded election.kind.constituency.
	Race     string
	RaceName string        // "Belediye Meclisi"; the constituency's name is added
	User     sandik.UserID // whose figures these are: "ysk" for official files
	Source   sandik.Source // sandik.SourceOfficial, or SourceImport for typed sheets
	// HeaderLine is the file's line of the header row (1 when zero): title
	// rows may stand above it (resultfile.Reader.HeaderLine).
	HeaderLine int
}

func (o *TableOptions) headerLine() int { return max(o.HeaderLine, 1) }

func (o *TableOptions) check(base *sandik.Registry) error {
	var ps []sandik.Problem
	bad := func(field, format string, args ...any) {
		ps = append(ps, sandik.Problem{Field: field, Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf(format, args...)})
	}
	if err := sandik.ValidateCode(string(o.Election)); err != nil {
		bad("election", "election code %q %v", o.Election, err)
	} else if _, ok := base.Election(o.Election); !ok && o.ElectionName == "" {
		bad("election_name", "election %q is new: give its name", o.Election)
	}
	if err := sandik.ValidateCode(o.Race); err != nil {
		bad("race", "race kind %q %v", o.Race, err)
	}
	if o.RaceName == "" {
		bad("race_name", "is required")
	}
	if err := sandik.ValidateCode(string(o.User)); err != nil {
		bad("user", "user %q %v", o.User, err)
	}
	if o.Source != sandik.SourceOfficial && o.Source != sandik.SourceImport {
		bad("source", "source %q is not official or import", o.Source)
	}
	if o.Quorum == 0 {
		o.Quorum = sandik.DefaultQuorum
	}
	if len(ps) > 0 {
		return sandik.Invalid("invalid import options", ps)
	}
	return nil
}

// Flagged is a row kept although it breaks an identity of the tutanak.
type Flagged struct {
	Line  int             `json:"line"`
	Box   sandik.AreaCode `json:"box"`
	Rules []string        `json:"rules"` // sandik.RuleValidSum, RuleChoicesSum, RuleVotedSum
	// Problems say by how much, naming the field.
	Problems []sandik.Problem `json:"problems"`
}

// TablePlanner is the first pass over a YSK table.
type TablePlanner struct {
	opts    TableOptions
	base    *sandik.Registry
	header  []string
	ix      *areaIndex
	country sandik.AreaCode

	places  map[string]sandik.AreaCode // resolved places by their key in the file
	areas   []sandik.Area              // new areas, parents first
	regs    []sandik.Registration      // new registrations
	consts  map[sandik.AreaCode]*constituency
	boxLine map[sandik.AreaCode]int // line each box was first seen on

	last lastPlace

	rows, rejected int
	problems       []sandik.Problem
	flagged        []Flagged
	flaggedRows    int
}

type constituency struct {
	area    sandik.AreaCode
	name    string
	present []bool // per header choice: some row of it has the column
	boxes   int
}

// NewTablePlanner starts planning the import of a table whose party
// columns are choices (resultfile.Reader.Choices) into base.
func NewTablePlanner(base *sandik.Registry, choices []string, opts TableOptions) (*TablePlanner, error) {
	if err := opts.check(base); err != nil {
		return nil, err
	}
	if len(choices) == 0 {
		return nil, sandik.Invalid("the table has no party columns", []sandik.Problem{{Field: "header", Line: opts.headerLine(), Rule: sandik.RuleRequired, Message: "no party columns after the result-sheet fields"}})
	}
	p := &TablePlanner{opts: opts, base: base, header: choices, ix: newAreaIndex(base),
		places: map[string]sandik.AreaCode{}, consts: map[sandik.AreaCode]*constituency{}, boxLine: map[sandik.AreaCode]int{}}
	// Provinces hang below the country when the registry has one.
	if roots := base.Roots(); len(roots) == 1 {
		if a, _ := base.Area(roots[0]); a.Level == sandik.LevelCountry {
			p.country = a.Code
		}
	}
	return p, nil
}

func (p *TablePlanner) reject(ps ...sandik.Problem) {
	for _, pr := range ps {
		if len(p.problems) < MaxReported {
			p.problems = append(p.problems, pr)
		}
	}
}

// Add sees one row. A row with problems is counted as rejected; so is a
// row that cannot be placed in the tree or repeats a box.
func (p *TablePlanner) Add(row resultfile.Row) {
	p.rows++
	if len(row.Problems) > 0 {
		p.rejected++
		p.reject(row.Problems...)
		return
	}
	if ps := p.tooLarge(&row); len(ps) > 0 {
		p.rejected++
		p.reject(ps...)
		return
	}
	box, c, err := p.place(&row, true)
	if err != nil {
		p.rejected++
		p.reject(sandik.ProblemsOf(err)...)
		return
	}
	if first, dup := p.boxLine[box]; dup {
		p.rejected++
		p.reject(sandik.Problem{Field: "Sandık No", Line: row.Line, Rule: sandik.RuleDuplicate,
			Message: fmt.Sprintf("box %s of %s appears again (first on line %d)", row.BoxNo, row.Neighbourhood.Name, first)})
		return
	}
	p.boxLine[box] = row.Line
	c.boxes++
	for i, v := range row.Votes {
		if v >= 0 {
			c.present[i] = true
		}
	}
	if _, ok := p.base.Registered(p.opts.Election, box); !ok {
		p.regs = append(p.regs, sandik.Registration{Election: p.opts.Election, Box: box, Registered: row.Registered})
	}
	if ps := identityBreaks(&row); len(ps) > 0 {
		p.flaggedRows++
		if len(p.flagged) < MaxReported {
			f := Flagged{Line: row.Line, Box: box, Problems: ps}
			for _, pr := range ps {
				f.Rules = append(f.Rules, pr.Rule)
			}
			p.flagged = append(p.flagged, f)
		}
	}
}

// tooLarge finds figures no ballot box can have: typing errors that
// cannot be stored as figures at all.
func (p *TablePlanner) tooLarge(row *resultfile.Row) []sandik.Problem {
	var ps []sandik.Problem
	check := func(field string, v int64) {
		if v > sandik.MaxSheetNumber {
			ps = append(ps, sandik.Problem{Field: field, Line: row.Line, Rule: sandik.RuleTooLarge,
				Message: fmt.Sprintf("%d is larger than %d; check for a typing error", v, sandik.MaxSheetNumber)})
		}
	}
	check("Sandık Seçmen Listesinde Yazılı Seçmenlerin Sayısı", row.Registered)
	check("Kanunen Oy Kullanan", row.VotedByLaw)
	check("Oy Kullanan Seçmen Sayısı", row.Voted)
	check("İtiraz Edilmeksizin Geçerli Sayılan Oy Pusulalarının Sayısı", row.ValidWithoutObjection)
	check("İtiraz Üzerine Geçerli Sayılan veya Hesaba Katılan Oy Pusulalarının Sayısı", row.ValidUponObjection)
	check("Geçerli Oy Pusulalarının Toplamı", row.ValidTotal)
	check("Geçersiz Sayılan veya Hesaba Katılmayan Oy Pusulalarının Toplamı", row.Invalid)
	for i, v := range row.Votes {
		check(p.header[i], v)
	}
	return ps
}

// identityBreaks checks a row's figures, an empty party cell counting 0.
// Most rows add up, so the sums are checked first and the problems with
// their words made only for the rows that do not.
func identityBreaks(row *resultfile.Row) []sandik.Problem {
	var sum int64
	for _, v := range row.Votes {
		sum += max(v, 0)
	}
	if sum == row.ValidTotal && row.ValidWithoutObjection+row.ValidUponObjection == row.ValidTotal && row.ValidTotal+row.Invalid == row.Voted {
		return nil
	}
	t := row.Tutanak()
	for i, v := range t.Votes {
		t.Votes[i] = max(v, 0)
	}
	names := make([]sandik.Choice, len(t.Votes))
	for i := range names {
		names[i] = sandik.Choice{Code: sandik.ChoiceCode(fmt.Sprint(i + 1))}
	}
	ps := t.Check("", names)
	for i := range ps {
		ps[i].Line = row.Line
	}
	return ps
}

// place resolves (and with create, adds) the areas of a row: province,
// constituency (an ilçe, or a town with its own council), neighbourhood
// and box.
func (p *TablePlanner) place(row *resultfile.Row, create bool) (sandik.AreaCode, *constituency, error) {
	var ps []sandik.Problem
	need := func(field, v string) {
		if v == "" {
			ps = append(ps, sandik.Problem{Field: field, Line: row.Line, Rule: sandik.RuleRequired, Message: field + " is empty"})
		}
	}
	need("İl", row.Province.Name+row.Province.ID)
	need("Seçim Çevresi", row.Constituency.Name)
	need("Mahalle / Köy", row.Neighbourhood.Name+row.Neighbourhood.ID)
	need("Sandık No", row.BoxNo)
	if len(ps) > 0 {
		return "", nil, sandik.Invalid("row cannot be placed", ps)
	}
	// Rows come grouped by place: a row in the last row's neighbourhood
	// needs only its box resolved.
	if l := &p.last; l.c != nil && l.prov == row.Province && l.dist == row.District.ID && l.cons == row.Constituency.Name && l.neigh == row.Neighbourhood {
		box, err := p.resolve(row.Line, "Sandık No", "box|"+string(l.mah)+"|"+row.BoxNo, l.mah, sandik.LevelSandik, "", row.BoxNo, create)
		return box, l.c, err
	}
	il, err := p.resolve(row.Line, "İl", "il|"+row.Province.ID+"|"+row.Province.Name, p.country, sandik.LevelIl,
		row.Province.ID, row.Province.Name, create)
	if err != nil {
		return "", nil, err
	}
	// A constituency named "İLÇE-BELDE" is a town with its own council
	// inside the district: the tree has no town level, so it becomes an
	// ilçe-level area of its own, without the district's YSK id.
	cname, cid := row.Constituency.Name, row.District.ID
	if strings.Contains(cname, "-") {
		cid = ""
	}
	ck := "ilce|" + string(il) + "|" + row.District.ID + "|" + cname
	ilce, err := p.resolve(row.Line, "Seçim Çevresi", ck, il, sandik.LevelIlce, cid, cname, create)
	if err != nil {
		return "", nil, err
	}
	mk := "mah|" + string(ilce) + "|" + row.Neighbourhood.ID + "|" + row.Neighbourhood.Name
	mah, err := p.resolve(row.Line, "Mahalle / Köy", mk, ilce, sandik.LevelMahalle, row.Neighbourhood.ID, row.Neighbourhood.Name, create)
	if err != nil {
		return "", nil, err
	}
	box, err := p.resolve(row.Line, "Sandık No", "box|"+string(mah)+"|"+row.BoxNo, mah, sandik.LevelSandik, "", row.BoxNo, create)
	if err != nil {
		return "", nil, err
	}
	c, ok := p.consts[ilce]
	if !ok {
		if !create {
			return "", nil, sandik.Errorf(sandik.EInvalid, "line %d: constituency %s was not in the first reading of the file", row.Line, cname)
		}
		c = &constituency{area: ilce, name: cname, present: make([]bool, len(p.header))}
		p.consts[ilce] = c
	}
	p.last = lastPlace{prov: row.Province, dist: row.District.ID, cons: cname, neigh: row.Neighbourhood, mah: mah, c: c}
	return box, c, nil
}

// lastPlace is the place of the row resolved last.
type lastPlace struct {
	prov, neigh resultfile.Place
	dist, cons  string
	mah         sandik.AreaCode
	c           *constituency
}

// resolve finds the area a file calls (id, name) below parent: one seen
// before in this file, one of the registry, or a new one. key is the
// place as written, so the common case — the row's neighbours name the
// same places the same way — costs one map lookup; names are folded only
// to match the registry.
func (p *TablePlanner) resolve(line int, field, key string, parent sandik.AreaCode, level sandik.AreaLevel, id, name string, create bool) (sandik.AreaCode, error) {
	if c, ok := p.places[key]; ok {
		return c, nil
	}
	if !create {
		return "", sandik.Invalid("row not planned", []sandik.Problem{{Field: field, Line: line, Rule: sandik.RuleUnknownArea,
			Message: fmt.Sprintf("%s %q was not in the first reading of the file", field, name)}})
	}
	if c, ok := p.ix.find(parent, level, id, name); ok {
		p.places[key] = c
		return c, nil
	}
	frag := id
	if frag == "" {
		frag = slug(name)
	}
	code := sandik.AreaCode(frag)
	if parent != "" && parent != p.country {
		code = parent + "." + sandik.AreaCode(frag)
	}
	if err := sandik.ValidateCode(string(code)); err != nil || frag == "" {
		return "", sandik.Invalid("row cannot be placed", []sandik.Problem{{Field: field, Line: line, Rule: sandik.RuleInvalidValue,
			Message: fmt.Sprintf("%q gives no usable area code", name)}})
	}
	if lv, taken := p.ix.level[code]; taken {
		return "", sandik.Invalid("row cannot be placed", []sandik.Problem{{Field: field, Line: line, Rule: sandik.RuleDuplicate,
			Message: fmt.Sprintf("area code %s for %q is already a %s of another name or id", code, name, lv)}})
	}
	p.areas = append(p.areas, sandik.Area{Code: code, Parent: parent, Level: level, Name: name, YSKID: id})
	// places finds it from now on; the index only guards its code.
	p.ix.level[code] = level
	p.places[key] = code
	return code, nil
}

func (p *TablePlanner) raceCode(c *constituency) sandik.RaceCode {
	return sandik.RaceCode(fmt.Sprintf("%s.%s.%s", p.opts.Election, p.opts.Race, c.area))
}

// Finish ends the first pass. It returns the plan, or an EInvalid error
// listing (up to MaxReported) rejected rows when any row was rejected: a
// file with rows that cannot be stored changes nothing.
func (p *TablePlanner) Finish() (*Plan, error) {
	if p.rejected > 0 {
		return nil, sandik.Invalid(fmt.Sprintf("%d of %d rows cannot be imported; nothing was imported", p.rejected, p.rows), p.problems)
	}
	if p.rows == 0 {
		return nil, sandik.Invalid("the table has no rows", []sandik.Problem{{Field: "rows", Line: p.opts.headerLine() + 1, Rule: sandik.RuleRequired, Message: "no ballot boxes after the header"}})
	}
	plan := &Plan{planner: p, races: map[sandik.AreaCode]raceMap{}, Rows: p.rows, Flagged: p.flagged, FlaggedRows: p.flaggedRows}
	// Records the registry has already are carried as they are, so the
	// additions make a registry on their own and merge without change.
	var elections []sandik.Election
	if el, ok := p.base.Election(p.opts.Election); ok {
		elections = append(elections, el)
	} else {
		elections = append(elections, sandik.Election{Code: p.opts.Election, Name: p.opts.ElectionName, Date: p.opts.Date, Quorum: p.opts.Quorum})
	}
	var races []sandik.Race
	codes := slices.Sorted(func(yield func(sandik.AreaCode) bool) {
		for c := range p.consts {
			if !yield(c) {
				return
			}
		}
	})
	for _, code := range codes {
		c := p.consts[code]
		rc := sandik.Race{Code: p.raceCode(c), Election: p.opts.Election, Name: p.opts.RaceName + " — " + c.name, Scope: c.area}
		rm := raceMap{race: rc.Code}
		seen := map[sandik.ChoiceCode]int{}
		for i, on := range c.present {
			if !on {
				continue
			}
			cc := sandik.ChoiceCode(slug(p.header[i]))
			if cc == "" {
				cc = sandik.ChoiceCode(fmt.Sprintf("c%d", i+1))
			}
			if n := seen[cc]; n > 0 {
				cc = sandik.ChoiceCode(fmt.Sprintf("%s-%d", cc, n+1))
			}
			seen[cc]++
			rc.Choices = append(rc.Choices, sandik.Choice{Code: cc, Name: p.header[i]})
			rm.columns = append(rm.columns, i)
		}
		if len(rc.Choices) == 0 {
			return nil, sandik.Invalid("a constituency has no party with votes", []sandik.Problem{{Field: "Seçim Çevresi", Rule: sandik.RuleRequired,
				Message: fmt.Sprintf("every party cell of %s is empty", c.name)}})
		}
		if old, ok := p.base.Race(rc.Code); ok {
			// Imported before: keep its ballot, which a second import of the
			// same file reproduces; Merge refuses a different one.
			rc.Name, rc.Scope = old.Name, old.Scope
		}
		races = append(races, rc)
		plan.races[c.area] = rm
		plan.Races++
		plan.Boxes += c.boxes
	}
	add, err := sandik.NewRegistry(p.withAncestors(), elections, races, p.regs)
	if err != nil {
		return nil, fmt.Errorf("build the registry of the table: %w", err)
	}
	plan.Registry = add
	plan.NewAreas, plan.NewRegistrations = len(p.areas), len(p.regs)
	return plan, nil
}

// withAncestors returns the new areas with the registry's areas they hang
// from, so the additions make a registry on their own.
func (p *TablePlanner) withAncestors() []sandik.Area {
	out := slices.Clone(p.areas)
	have := map[sandik.AreaCode]bool{}
	for _, a := range out {
		have[a.Code] = true
	}
	for _, a := range p.areas {
		for c := a.Parent; c != "" && !have[c]; {
			ba, ok := p.base.Area(c)
			if !ok {
				break
			}
			have[c] = true
			out = append(out, ba)
			c = ba.Parent
		}
	}
	// Races of constituencies already in the registry need their scope.
	for code := range p.consts {
		if !have[code] {
			for _, c := range append([]sandik.AreaCode{code}, p.base.Ancestors(code)...) {
				if have[c] {
					break
				}
				if ba, ok := p.base.Area(c); ok {
					have[c] = true
					out = append(out, ba)
				}
			}
		}
	}
	// Registrations of boxes already in the registry need the box.
	for _, g := range p.regs {
		if !have[g.Box] {
			for _, c := range append([]sandik.AreaCode{g.Box}, p.base.Ancestors(g.Box)...) {
				if have[c] {
					break
				}
				if ba, ok := p.base.Area(c); ok {
					have[c] = true
					out = append(out, ba)
				}
			}
		}
	}
	return out
}
