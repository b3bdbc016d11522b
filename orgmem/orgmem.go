// Package orgmem holds what every unit's chart is drawn from, for the
// whole organisation, in memory: the units' tree, every term as a small
// fixed-size record and the shown name of every person. A national
// organisation's two million terms then answer a chart of any unit as of
// any day without a read of the store, whatever the disk is doing on
// election night.
//
// It holds no contact data: no phone, e-mail or note ever enters it, and
// an erased person's name is overwritten in place at once (KVKK).
package orgmem

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/sandik-dev/sandik"
)

// Source is what an Index is read from: a store.
type Source interface {
	OrgGeneration(ctx context.Context) (int64, error)
	PositionKinds(ctx context.Context) ([]sandik.PositionKind, error)
	Units(ctx context.Context) ([]sandik.Unit, error)
	Positions(ctx context.Context, f sandik.PositionFilter) ([]sandik.Position, error)
	PersonNames(ctx context.Context, after sandik.PersonID, n int) ([]sandik.PersonName, error)
}

// page is how many terms or people a load reads in one statement: large
// enough that the statements' own cost is small, small enough that a
// page's structs are a few MiB at most.
var page = 50_000

// term is one term of a position: 20 bytes, against about 200 for a
// sandik.Position and its strings. Days are written yyyymmdd, which
// sorts as the days do; end 0 is a term still open. Its id is the next
// idLen bytes of its unit's ids after those of the terms before it.
type term struct {
	start, end int32
	person     int32  // index into Index.people
	reason     int32  // index into Index.reasons; 0 is none
	kind       uint16 // index into Index.kinds
	idLen      uint8
	source     uint8 // index into sources
}

// person is where a person's id and name are in Index.names.
type person struct {
	off     uint32
	idLen   uint8
	erased  bool
	nameLen uint16
}

type unit struct {
	u        sandik.Unit
	children []int32 // by code
	terms    []term  // in no order: a chart sorts its few
	ids      []byte  // the terms' ids, one after the other
}

var sources = []sandik.PositionSource{"", sandik.SourceCongress, sandik.SourceAppointment, sandik.SourceElection}

// Index is the organisation's charts in memory as of an organisation
// generation (sandik.OrgStore.OrgGeneration). It is safe for use by
// many goroutines.
type Index struct {
	mu     sync.RWMutex
	gen    int64
	kinds  []sandik.PositionKind // the default and added kinds, by code
	units  []unit
	byCode map[sandik.UnitCode]int32
	// people [0, sorted) are in id order and found by a binary search;
	// those added after the load by later.
	people []person
	sorted int
	later  map[sandik.PersonID]int32
	// loading finds people while the load reads the terms.
	loading map[string]int32
	names   []byte

	kindCodes []sandik.KindCode
	kindIdx   map[sandik.KindCode]uint16
	reasons   []string
	reasonIdx map[string]int32
}

// Load reads the whole organisation from src. The reads are many
// statements; the load is kept only if the organisation's generation
// stood still over them all, so that it is one state of the store, and
// is tried again up to tries times otherwise.
func Load(ctx context.Context, src Source, tries int) (*Index, error) {
	for range max(tries, 1) {
		before, err := src.OrgGeneration(ctx)
		if err != nil {
			return nil, err
		}
		x, err := load(ctx, src, before)
		if err != nil {
			return nil, err
		}
		after, err := src.OrgGeneration(ctx)
		if err != nil {
			return nil, err
		}
		if after == before {
			return x, nil
		}
	}
	return nil, sandik.Errorf(sandik.EConflict, "the organisation changed during each of %d loads", max(tries, 1))
}

func load(ctx context.Context, src Source, gen int64) (*Index, error) {
	x := &Index{gen: gen, byCode: map[sandik.UnitCode]int32{}, later: map[sandik.PersonID]int32{},
		kindIdx: map[sandik.KindCode]uint16{}, reasons: []string{""}, reasonIdx: map[string]int32{"": 0}}
	kinds, err := src.PositionKinds(ctx)
	if err != nil {
		return nil, err
	}
	x.kinds = kinds
	units, err := src.Units(ctx)
	if err != nil {
		return nil, err
	}
	if err := x.addUnits(units); err != nil {
		return nil, err
	}
	// The terms are read from the start, beside the people and the adding:
	// reading them is the longest part of a load.
	terms, stop := readTerms(ctx, src)
	defer stop()
	var after sandik.PersonID
	for {
		ps, err := src.PersonNames(ctx, after, page)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if err := x.appendPerson(p.ID, p.Name, p.Name == sandik.RemovedPerson); err != nil {
				return nil, err
			}
			after = p.ID
		}
		if len(ps) < page {
			break
		}
	}
	// In the bytes' order, which is the store's on SQLite and maybe not
	// on PostgreSQL, whose order of text is the database's collation.
	slices.SortFunc(x.people, func(a, b person) int {
		return bytes.Compare(x.names[a.off:a.off+uint32(a.idLen)], x.names[b.off:b.off+uint32(b.idLen)])
	})
	for i := 1; i < len(x.people); i++ {
		if bytes.Equal(x.idOf(i-1), x.idOf(i)) {
			return nil, fmt.Errorf("orgmem: person %q read twice", x.idOf(i))
		}
	}
	x.sorted = len(x.people)
	x.people = slices.Clip(slices.Clone(x.people))
	x.names = slices.Clip(slices.Clone(x.names))
	// The terms name their holders in no order: a map for the load's
	// two million look-ups, each a miss or two of the processor's cache
	// rather than twenty of a binary search. Its keys are views of
	// x.names, dropped with the map when the load is over.
	x.loading = make(map[string]int32, len(x.people))
	for i, p := range x.people {
		x.loading[x.view(p.off, uint32(p.idLen))] = int32(i)
	}
	defer func() { x.loading = nil }()
	for r := range terms {
		if r.err != nil {
			return nil, r.err
		}
		for _, p := range r.terms {
			if err := x.addTerm(p); err != nil {
				return nil, err
			}
		}
	}
	// Appends leave up to half of each slice unused: the two million
	// terms of a national organisation then take 40 MiB, not 60.
	for i := range x.units {
		un := &x.units[i]
		if cap(un.terms) > len(un.terms) {
			un.terms = slices.Clone(un.terms)
		}
		if cap(un.ids) > len(un.ids) {
			un.ids = slices.Clone(un.ids)
		}
	}
	return x, nil
}

// termsPage is a page of terms read, or why the reading stopped.
type termsPage struct {
	terms []sandik.Position
	err   error
}

// aheadPages is how many pages of terms the reader may be ahead of the
// load: enough to keep reading while the people are read and sorted
// (about a third of a national load), a few MiB of structs each.
const aheadPages = 8

// readTerms reads every term, page after page, from a goroutine of its
// own, so that a load costs about the longest of reading the terms,
// reading the people and adding, not their sum. The channel is closed
// after the last page or an error; stop ends the reading early and
// returns once the reader has stopped, so that nothing reads src after
// the load returns.
func readTerms(ctx context.Context, src Source) (<-chan termsPage, func()) {
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan termsPage, aheadPages)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(out)
		var after sandik.PositionID
		for {
			ps, err := src.Positions(ctx, sandik.PositionFilter{After: after, Limit: page})
			select {
			case out <- termsPage{ps, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || len(ps) < page {
				return
			}
			after = ps[len(ps)-1].ID
		}
	})
	return out, func() { cancel(); wg.Wait() }
}

// Gen is the organisation generation x holds.
func (x *Index) Gen() int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.gen
}

// Kinds returns the kinds of position by code; callers must not change
// the slice.
func (x *Index) Kinds() []sandik.PositionKind {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.kinds
}

// Records returns what the chart of unit code is drawn from, as
// sandik.OrgStore.UnitRecords does; false if there is no such unit.
func (x *Index) Records(code sandik.UnitCode) (sandik.UnitRecords, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	i, ok := x.byCode[code]
	if !ok {
		return sandik.UnitRecords{}, false
	}
	un := &x.units[i]
	out := sandik.UnitRecords{Unit: un.u, Children: make([]sandik.Unit, len(un.children)),
		Terms: make([]sandik.Position, len(un.terms)), Names: make(map[sandik.PersonID]string, len(un.terms))}
	for j, k := range un.children {
		out.Children[j] = x.units[k].u
	}
	off := 0
	for j := range un.terms {
		t := &un.terms[j]
		id, name := x.person(t.person)
		p := sandik.Position{ID: sandik.PositionID(un.ids[off : off+int(t.idLen)]),
			Kind: x.kindCodes[t.kind], Unit: un.u.Code, Person: id, Start: dateOf(t.start),
			Source: sources[t.source], EndReason: x.reasons[t.reason]}
		if t.end != 0 {
			p.End = dateOf(t.end)
		}
		out.Terms[j] = p
		out.Names[id] = name
		off += int(t.idLen)
	}
	slices.SortFunc(out.Terms, func(a, b sandik.Position) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out, true
}

// Apply adds what c adds to the organisation (its assignments are none
// of x's) and moves x to gen. An error leaves x partly changed: the
// caller drops it and loads again.
func (x *Index) Apply(c sandik.OrgChange, gen int64) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(c.Kinds) > 0 {
		kinds := append(slices.Clip(x.kinds), c.Kinds...)
		slices.SortFunc(kinds, func(a, b sandik.PositionKind) int { return strings.Compare(string(a.Code), string(b.Code)) })
		x.kinds = kinds
	}
	if err := x.addUnits(c.Units); err != nil {
		return err
	}
	for _, p := range c.People {
		if err := x.addPerson(p.ID, p.Name, p.Erased != ""); err != nil {
			return err
		}
	}
	for _, p := range c.Positions {
		if err := x.addTerm(p); err != nil {
			return err
		}
	}
	x.gen = gen
	return nil
}

// End closes term id of unit on end for reason and moves x to gen.
func (x *Index) End(unitCode sandik.UnitCode, id sandik.PositionID, end sandik.Date, reason string, gen int64) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	i, ok := x.byCode[unitCode]
	if !ok {
		return fmt.Errorf("orgmem: no unit %q", unitCode)
	}
	un := &x.units[i]
	off := 0
	for j := range un.terms {
		t := &un.terms[j]
		off += int(t.idLen)
		if string(un.ids[off-int(t.idLen):off]) != string(id) {
			continue
		}
		d, err := dayOf(end)
		if err != nil {
			return err
		}
		t.end, t.reason = d, x.reason(reason)
		x.gen = gen
		return nil
	}
	return fmt.Errorf("orgmem: no term %q in unit %q", id, unitCode)
}

// Erase shows person id as a removed person from now on, its name
// overwritten in memory, and moves x to gen.
func (x *Index) Erase(id sandik.PersonID, gen int64) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	i, ok := x.find(id)
	if !ok {
		return fmt.Errorf("orgmem: no person %q", id)
	}
	p := &x.people[i]
	name := x.names[p.off+uint32(p.idLen) : p.off+uint32(p.idLen)+uint32(p.nameLen)]
	clear(name)
	p.erased, p.nameLen = true, 0
	x.gen = gen
	return nil
}

// view is n bytes of x.names from off as a string, without a copy: for
// comparing only, never kept (names are overwritten by an erasure).
func (x *Index) view(off, n uint32) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&x.names[off], n)
}

// person returns the id and shown name of person i.
func (x *Index) person(i int32) (sandik.PersonID, string) {
	p := &x.people[i]
	id := sandik.PersonID(x.names[p.off : p.off+uint32(p.idLen)])
	if p.erased {
		return id, sandik.RemovedPerson
	}
	return id, string(x.names[p.off+uint32(p.idLen) : p.off+uint32(p.idLen)+uint32(p.nameLen)])
}

func (x *Index) idOf(i int) []byte {
	p := &x.people[i]
	return x.names[p.off : p.off+uint32(p.idLen)]
}

// find returns the index of person id.
func (x *Index) find(id sandik.PersonID) (int32, bool) {
	if x.loading != nil {
		i, ok := x.loading[string(id)]
		return i, ok
	}
	if i, ok := x.later[id]; ok {
		return i, true
	}
	i, ok := slices.BinarySearchFunc(x.people[:x.sorted], id, func(p person, id sandik.PersonID) int {
		return strings.Compare(x.view(p.off, uint32(p.idLen)), string(id))
	})
	return int32(i), ok
}

// addPerson adds a person after the load.
func (x *Index) addPerson(id sandik.PersonID, name string, erased bool) error {
	if _, dup := x.find(id); dup {
		return fmt.Errorf("orgmem: person %q twice", id)
	}
	if err := x.appendPerson(id, name, erased); err != nil {
		return err
	}
	x.later[id] = int32(len(x.people) - 1)
	return nil
}

// appendPerson adds a person's id and name to the end of x.names, and
// nothing for an erased person's name.
func (x *Index) appendPerson(id sandik.PersonID, name string, erased bool) error {
	if erased {
		name = ""
	}
	// Codes are at most 64 characters and names 200: far below these.
	if len(id) > 255 || len(name) > 65535 {
		return fmt.Errorf("orgmem: person %q: id or name too long", id)
	}
	if uint64(len(x.names))+uint64(len(id))+uint64(len(name)) > 1<<32-1 {
		return fmt.Errorf("orgmem: people's names over 4 GiB")
	}
	p := person{off: uint32(len(x.names)), idLen: uint8(len(id)), nameLen: uint16(len(name)), erased: erased}
	x.names = append(append(x.names, id...), name...)
	x.people = append(x.people, p)
	return nil
}

// addUnits adds units, in any order, each under its parent.
func (x *Index) addUnits(us []sandik.Unit) error {
	first := len(x.units)
	for _, u := range us {
		if _, dup := x.byCode[u.Code]; dup {
			return fmt.Errorf("orgmem: unit %q twice", u.Code)
		}
		x.byCode[u.Code] = int32(len(x.units))
		x.units = append(x.units, unit{u: u})
	}
	parents := map[int32]bool{}
	for i := first; i < len(x.units); i++ {
		u := x.units[i].u
		if u.Parent == "" {
			continue
		}
		p, ok := x.byCode[u.Parent]
		if !ok {
			return fmt.Errorf("orgmem: unit %q under %q, which is not held", u.Code, u.Parent)
		}
		x.units[p].children = append(x.units[p].children, int32(i))
		parents[p] = true
	}
	for p := range parents {
		slices.SortFunc(x.units[p].children, func(a, b int32) int {
			return strings.Compare(string(x.units[a].u.Code), string(x.units[b].u.Code))
		})
	}
	return nil
}

func (x *Index) addTerm(p sandik.Position) error {
	ui, ok := x.byCode[p.Unit]
	if !ok {
		return fmt.Errorf("orgmem: term %q in unit %q, which is not held", p.ID, p.Unit)
	}
	pi, ok := x.find(p.Person)
	if !ok {
		return fmt.Errorf("orgmem: term %q held by %q, who is not held", p.ID, p.Person)
	}
	start, err := dayOf(p.Start)
	if err != nil {
		return fmt.Errorf("orgmem: term %q: %w", p.ID, err)
	}
	var end int32
	if p.End != "" {
		if end, err = dayOf(p.End); err != nil {
			return fmt.Errorf("orgmem: term %q: %w", p.ID, err)
		}
	}
	src := slices.Index(sources, p.Source)
	if src < 0 {
		return fmt.Errorf("orgmem: term %q: unknown source %q", p.ID, p.Source)
	}
	k, ok := x.kindIdx[p.Kind]
	if !ok {
		if len(x.kindCodes) > 65535 {
			return fmt.Errorf("orgmem: more than 65,536 kinds of position")
		}
		k = uint16(len(x.kindCodes))
		x.kindIdx[p.Kind] = k
		x.kindCodes = append(x.kindCodes, p.Kind)
	}
	un := &x.units[ui]
	if len(p.ID) > 255 {
		return fmt.Errorf("orgmem: term %q: id too long", p.ID)
	}
	t := term{start: start, end: end, person: pi, reason: x.reason(p.EndReason),
		kind: k, idLen: uint8(len(p.ID)), source: uint8(src)}
	un.ids = append(un.ids, p.ID...)
	un.terms = append(un.terms, t)
	return nil
}

// reason interns an end reason: a few words shared by many terms.
func (x *Index) reason(s string) int32 {
	if i, ok := x.reasonIdx[s]; ok {
		return i
	}
	i := int32(len(x.reasons))
	x.reasons = append(x.reasons, s)
	x.reasonIdx[s] = i
	return i
}

// dayOf reads a YYYY-MM-DD day as yyyymmdd.
func dayOf(d sandik.Date) (int32, error) {
	s := string(d)
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%q is not a day written YYYY-MM-DD", s)
	}
	var n int32
	for i, c := range []byte(s) {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a day written YYYY-MM-DD", s)
		}
		n = n*10 + int32(c-'0')
	}
	return n, nil
}

func dateOf(n int32) sandik.Date {
	var b [10]byte
	y, m, d := n/10000, n/100%100, n%100
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[7] = '-', '-'
	b[5], b[6] = byte('0'+m/10), byte('0'+m%10)
	b[8], b[9] = byte('0'+d/10), byte('0'+d%10)
	return sandik.Date(b[:])
}

// Bytes estimates the memory x holds, for the benchmarks.
func (x *Index) Bytes() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := cap(x.names) + cap(x.people)*8 + len(x.later)*40 + len(x.byCode)*40 + cap(x.units)*120
	for i := range x.units {
		n += cap(x.units[i].terms)*24 + cap(x.units[i].ids) + cap(x.units[i].children)*4
	}
	return n
}

var _ = cmp.Compare[int]
