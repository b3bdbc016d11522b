package registrycsv

import (
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
)

// registry validates the records read so far with sandik.NewRegistry and
// reports its problems against file, column and line. It returns the
// registry only when no problem was found anywhere.
func (b *builder) registry() (*sandik.Registry, error) {
	reg, err := sandik.NewRegistry(b.areas, b.elections, b.races, b.regs)
	if err != nil && sandik.CodeOf(err) != sandik.EInvalid {
		return nil, err
	}
	for _, p := range sandik.ProblemsOf(err) {
		file, line, column, ok := b.locate(p.Field)
		if !ok {
			// A field this package does not know: keep it as it came.
			b.ps.add(p.Field, 0, "", p.Rule, "%s", p.Message)
			continue
		}
		if b.ps.has(file, line) || b.followsBroken(p.Field) || b.intoIncomplete(p.Rule) {
			continue // the row's own problem was reported already
		}
		b.ps.add(file, line, column, p.Rule, "%s", p.Message)
	}
	if len(b.ps.list) > 0 || b.ps.more > 0 {
		return nil, b.ps.err()
	}
	return reg, nil
}

// fieldPath is a field of NewRegistry split into its parts:
// "races[2].choices[1].code" → {"races", 2, "choices", 1, "code"}.
type fieldPath struct {
	kind  string
	i     int
	sub   string
	j     int
	leaf  string
	valid bool
}

func parseField(f string) fieldPath {
	var p fieldPath
	kind, rest, ok := cutIndex(f, &p.i)
	if !ok {
		return p
	}
	p.kind, p.j, p.valid = kind, -1, true
	rest = strings.TrimPrefix(rest, ".")
	if sub, leaf, ok := cutIndex(rest, &p.j); ok {
		p.sub, p.leaf = sub, strings.TrimPrefix(leaf, ".")
		return p
	}
	p.leaf = rest
	return p
}

// cutIndex splits "name[12]rest" into name, 12 and rest.
func cutIndex(s string, idx *int) (name, rest string, ok bool) {
	open := strings.IndexByte(s, '[')
	closing := strings.IndexByte(s, ']')
	if open <= 0 || closing < open {
		return "", "", false
	}
	n, err := strconv.Atoi(s[open+1 : closing])
	if err != nil || n < 0 {
		return "", "", false
	}
	*idx = n
	return s[:open], s[closing+1:], true
}

// locate maps a NewRegistry field to the file, line and column it came from.
func (b *builder) locate(f string) (file string, line int, column string, ok bool) {
	p := parseField(f)
	if !p.valid {
		return "", 0, "", false
	}
	at := func(lines []int, i int) (int, bool) {
		if i < len(lines) {
			return lines[i], true
		}
		return 0, false
	}
	switch p.kind {
	case "areas":
		line, ok = at(b.areaLine, p.i)
		return AreasFile, line, p.leaf, ok
	case "elections":
		line, ok = at(b.electionLine, p.i)
		return ElectionsFile, line, p.leaf, ok
	case "registrations":
		line, ok = at(b.regLine, p.i)
		return RegistrationsFile, line, p.leaf, ok
	case "races":
		line, ok = at(b.raceLine, p.i)
		if !ok {
			return "", 0, "", false
		}
		if p.sub == "choices" && p.j >= 0 {
			if l, found := at(b.choiceLine[p.i], p.j); found {
				line = l
			}
			if p.leaf == "name" {
				return RacesFile, line, "choice_name", true
			}
			return RacesFile, line, "choice", true
		}
		column = map[string]string{"code": "race", "name": "race_name", "choices": "choice"}[p.leaf]
		if column == "" {
			column = p.leaf // election, scope
		}
		return RacesFile, line, column, true
	}
	return "", 0, "", false
}

// followsBroken reports whether a reference problem only repeats that the
// area it points to had an unreadable level (reported on that area's line).
func (b *builder) followsBroken(f string) bool {
	p := parseField(f)
	switch {
	case p.kind == "registrations" && p.leaf == "box" && p.i < len(b.regs):
		return b.brokenArea[b.regs[p.i].Box]
	case p.kind == "areas" && p.leaf == "parent" && p.i < len(b.areas):
		return b.brokenArea[b.areas[p.i].Parent]
	}
	return false
}

// intoIncomplete reports whether a problem is a reference to an unknown
// record in a file whose unreadable rows were reported already.
func (b *builder) intoIncomplete(rule string) bool {
	switch rule {
	case sandik.RuleUnknownElection:
		return b.incomplete[ElectionsFile]
	case sandik.RuleUnknownArea, sandik.RuleUnknownBox:
		return b.incomplete[AreasFile]
	}
	return false
}
