package belediye

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/sandik-dev/sandik"
)

// The registry has no kind of race: a mayoral race is known by its name,
// as YSK writes it ("İstanbul Büyükşehir Belediye Başkanı", "Kadıköy
// Belediye Başkanı"), and the kind of its municipality by that name and
// the level of its scope.

// MayoralKind returns the kind of municipality whose mayor race rc
// elects, and false when rc is not a mayoral race (a council, a
// parliament, a president).
func MayoralKind(reg *sandik.Registry, rc *sandik.Race) (sandik.MunicipalityKind, bool) {
	name := strings.ToLowerSpecial(unicode.TurkishCase, rc.Name)
	if !strings.Contains(name, "belediye başkan") {
		return "", false
	}
	scope, ok := reg.Area(rc.Scope)
	if !ok {
		return "", false
	}
	switch {
	case strings.Contains(name, "büyükşehir") && scope.Level == sandik.LevelIl:
		return sandik.MuniBuyuksehir, true
	case strings.Contains(name, "belde") && scope.Level >= sandik.LevelIlce:
		return sandik.MuniBelde, true
	case scope.Level == sandik.LevelIl:
		return sandik.MuniIl, true
	case scope.Level == sandik.LevelIlce:
		return sandik.MuniIlce, true
	case scope.Level == sandik.LevelMahalle:
		return sandik.MuniBelde, true
	}
	return "", false
}

// MayoralRaces returns the mayoral races of an election, in registry
// order.
func MayoralRaces(reg *sandik.Registry, e sandik.ElectionCode) []*sandik.Race {
	var out []*sandik.Race
	for i := range reg.Races {
		rc := &reg.Races[i]
		if rc.Election != e {
			continue
		}
		if _, ok := MayoralKind(reg, rc); ok {
			out = append(out, rc)
		}
	}
	return out
}

// Municipality is the municipality whose mayor rc elects, coded as the
// race's scope area.
func Municipality(reg *sandik.Registry, rc *sandik.Race) (sandik.Municipality, error) {
	kind, ok := MayoralKind(reg, rc)
	if !ok {
		return sandik.Municipality{}, fmt.Errorf("race %q is not a mayoral race", rc.Code)
	}
	a, _ := reg.Area(rc.Scope)
	prov, err := Province(reg, kind, a.Code)
	if err != nil {
		return sandik.Municipality{}, err
	}
	name := a.Name + " Belediyesi"
	if kind == sandik.MuniBuyuksehir {
		name = a.Name + " Büyükşehir Belediyesi"
	}
	return sandik.Municipality{Code: sandik.MunicipalityCode(a.Code), Kind: kind, Name: name, Area: a.Code, Province: prov}, nil
}

// Win is the winner of a race by its figures and the margin over the
// runner-up.
type Win struct {
	Choice       int // ballot index of the winner
	RunnerUp     int // ballot index of the runner-up; -1 with one choice
	MarginVotes  int64
	MarginPoints float64 // of the valid votes, to two decimals
}

// Refusals of Winner: no winner can be named from the figures.
var (
	ErrNoVotes = errors.New("the race has no valid votes in the official figures")
	ErrTie     = errors.New("the two leading choices have the same votes; the board decides by lot, so enter the winner by hand")
)

// Winner returns the choice with the most votes and its margin over the
// second, in votes and in percentage points of valid (the sum of votes
// when valid is 0 or smaller than it).
func Winner(votes []int64, valid int64) (Win, error) {
	first, second := -1, -1
	var sum int64
	for i, v := range votes {
		sum += v
		switch {
		case first < 0 || v > votes[first]:
			first, second = i, first
		case second < 0 || v > votes[second]:
			second = i
		}
	}
	if first < 0 || votes[first] <= 0 {
		return Win{}, ErrNoVotes
	}
	w := Win{Choice: first, RunnerUp: second, MarginVotes: votes[first]}
	if second >= 0 {
		if votes[second] == votes[first] {
			return Win{}, ErrTie
		}
		w.MarginVotes -= votes[second]
	}
	if valid < sum {
		valid = sum
	}
	w.MarginPoints = math.Round(float64(w.MarginVotes)*10000/float64(valid)) / 100
	return w, nil
}

// Candidate splits a ballot choice into the mayor's name and party: a
// choice named "Ekrem İmamoğlu (CHP)" with code "CHP" is Ekrem İmamoğlu
// of CHP; a code beginning "BAGIMSIZ" is an independent. Party codes
// are upper case in Turkish (a file's "ak-parti" is "AK-PARTİ"). A choice
// named for a party only, as in YSK's per-box tables, gives the party's
// name as the mayor's, to be corrected by hand. A choice that
// names no person ("Diğer", the others summed) cannot be a mayor.
func Candidate(c sandik.Choice) (string, sandik.PartyCode, error) {
	code := strings.ToUpperSpecial(unicode.TurkishCase, string(c.Code))
	if code == "DIGER" || code == "DİGER" {
		return "", "", fmt.Errorf("choice %q sums other candidates and names no mayor", c.Code)
	}
	party := sandik.PartyCode(code) // files slug party names in lower case ("ak-parti"); ballots write them upper
	if strings.HasPrefix(code, string(sandik.PartyIndependent)) {
		party = sandik.PartyIndependent
	}
	name := strings.TrimSpace(c.Name)
	if i := strings.LastIndex(name, " ("); i > 0 && strings.HasSuffix(name, ")") {
		name = strings.TrimSpace(name[:i])
	}
	return name, party, nil
}
