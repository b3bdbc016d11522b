// Package ingest turns parsed result files — YSK's official per-box tables
// and observer networks' exports — into what the centre stores: the areas,
// election and races they imply, merged into the registry, and one
// imported sheet per box. It works in two passes so a national file never
// sits in memory: a Planner sees every row once and decides the registry
// additions (rejecting the whole file if any row cannot be stored), then
// the Plan maps each row of a second read to its sheet. It imports
// neither HTTP nor SQL.
package ingest

import (
	"strings"
	"unicode"

	"github.com/sandik-dev/sandik"
)

// slug folds a Turkish name to a code fragment: lower-case ASCII letters
// and digits, other runs of characters as one "-".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		r = unicode.ToLower(sandik.FoldRune(r))
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// areaIndex finds areas of a registry by what files know about them.
type areaIndex struct {
	byYSK  map[ysKey]sandik.AreaCode
	byName map[nameKey]sandik.AreaCode
	level  map[sandik.AreaCode]sandik.AreaLevel
}

type ysKey struct {
	parent sandik.AreaCode
	level  sandik.AreaLevel
	id     string
}

type nameKey struct {
	parent sandik.AreaCode
	level  sandik.AreaLevel
	name   string
}

func newAreaIndex(reg *sandik.Registry) *areaIndex {
	ix := &areaIndex{byYSK: map[ysKey]sandik.AreaCode{}, byName: map[nameKey]sandik.AreaCode{}, level: map[sandik.AreaCode]sandik.AreaLevel{}}
	for i := range reg.Areas {
		ix.add(&reg.Areas[i])
	}
	return ix
}

func (ix *areaIndex) add(a *sandik.Area) {
	if a.YSKID != "" {
		ix.byYSK[ysKey{a.Parent, a.Level, a.YSKID}] = a.Code
	}
	ix.byName[nameKey{a.Parent, a.Level, foldName(a.Name)}] = a.Code
	ix.level[a.Code] = a.Level
}

// find looks an area up by YSK id, then by name, under parent.
func (ix *areaIndex) find(parent sandik.AreaCode, level sandik.AreaLevel, yskID, name string) (sandik.AreaCode, bool) {
	if yskID != "" {
		if c, ok := ix.byYSK[ysKey{parent, level, yskID}]; ok {
			return c, true
		}
	}
	c, ok := ix.byName[nameKey{parent, level, foldName(name)}]
	return c, ok
}

// foldName compares names the way Turkish readers do: case and spacing do
// not matter ("BİLECİK" is "Bilecik").
func foldName(s string) string { return slug(s) }
