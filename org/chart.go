// Package org computes with the organisation's records (package sandik
// holds them and their own rules): the chart of a unit as of a day, and
// the checks of units against the registry's areas. It imports neither
// HTTP nor SQL.
package org

import (
	"cmp"
	"slices"
	"strings"

	"github.com/sandik-dev/sandik"
)

// Holder is a term held on the chart's day, with its holder's name.
type Holder struct {
	Position sandik.Position `json:"position"`
	Name     string          `json:"name"`
}

// Seat is a kind of position in a unit on a day: who holds it, and for a
// one-holder kind nobody holding it is a vacancy.
type Seat struct {
	Kind    sandik.PositionKind `json:"kind"`
	Holders []Holder            `json:"holders"`
	Vacant  bool                `json:"vacant"`
}

// Chart is who holds what in a unit on a day.
type Chart struct {
	Unit  sandik.Unit `json:"unit"`
	At    sandik.Date `json:"at"`
	Seats []Seat      `json:"seats"`
}

// Expected are the one-holder kinds a unit of kind k has a seat for,
// held or not; a kind held in the unit at any time has one too.
func Expected(k sandik.UnitKind) []sandik.KindCode {
	switch k {
	case sandik.UnitHQ:
		return []sandik.KindCode{"genel_baskan"}
	case sandik.UnitIl:
		return []sandik.KindCode{"il_baskani", "sekreter", "sayman", "secim_sorumlusu"}
	case sandik.UnitIlce:
		return []sandik.KindCode{"ilce_baskani", "sekreter", "sayman", "secim_sorumlusu"}
	case sandik.UnitBelde:
		return []sandik.KindCode{"belde_baskani"}
	case sandik.UnitMahalle:
		return []sandik.KindCode{"mahalle_baskani"}
	case sandik.UnitWomen:
		return []sandik.KindCode{"kadin_kolu_baskani"}
	case sandik.UnitYouth:
		return []sandik.KindCode{"genclik_kolu_baskani"}
	}
	return nil
}

// ChartOf builds the chart of unit on day at from terms (the unit's
// terms, of any day: those not held at are left out, but a one-holder
// kind held before or after still shows its seat, vacant). kinds are the
// kinds known; names gives each holder's name by id (a missing name is
// shown as the id). Seats come in the order of kinds, holders by start
// day then id.
func ChartOf(unit sandik.Unit, at sandik.Date, kinds []sandik.PositionKind, terms []sandik.Position, names func(sandik.PersonID) string) Chart {
	seats := map[sandik.KindCode]*Seat{}
	seat := func(k sandik.KindCode) *Seat {
		if s, ok := seats[k]; ok {
			return s
		}
		s := &Seat{Kind: sandik.PositionKind{Code: k, Name: string(k)}, Holders: []Holder{}}
		seats[k] = s
		return s
	}
	for _, k := range Expected(unit.Kind) {
		seat(k)
	}
	for _, p := range terms {
		if p.Unit != unit.Code {
			continue
		}
		s := seat(p.Kind)
		if p.HeldOn(at) {
			name := string(p.Person)
			if names != nil {
				name = cmp.Or(names(p.Person), name)
			}
			s.Holders = append(s.Holders, Holder{Position: p, Name: name})
		}
	}
	order := make(map[sandik.KindCode]int, len(kinds))
	for i, k := range kinds {
		order[k.Code] = i
		if s, ok := seats[k.Code]; ok {
			s.Kind = k
		}
	}
	c := Chart{Unit: unit, At: at, Seats: make([]Seat, 0, len(seats))}
	for _, s := range seats {
		s.Vacant = s.Kind.OneHolder && len(s.Holders) == 0
		slices.SortFunc(s.Holders, func(a, b Holder) int {
			return cmp.Or(strings.Compare(string(a.Position.Start), string(b.Position.Start)), strings.Compare(string(a.Position.ID), string(b.Position.ID)))
		})
		// A kind held in the unit and since dropped from the known ones
		// keeps its seat; only an expected kind nobody knows is left out.
		if _, known := order[s.Kind.Code]; !known && len(s.Holders) == 0 {
			continue
		}
		c.Seats = append(c.Seats, *s)
	}
	slices.SortFunc(c.Seats, func(a, b Seat) int {
		ia, oka := order[a.Kind.Code]
		ib, okb := order[b.Kind.Code]
		if oka != okb {
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(ia, ib), strings.Compare(string(a.Kind.Code), string(b.Kind.Code)))
	})
	return c
}
