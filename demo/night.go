package demo

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
)

// Params shape the simulated night. A zero share takes its default; a
// negative share means none.
type Params struct {
	Seed int64
	// Volunteers is how many data-entry volunteers type sheets from photos
	// (distinct users). Run sets it from its tokens.
	Volunteers int
	// Coordinator says whether a coordinator adjudicates conflicts.
	Coordinator bool

	NoObserver   float64 // boxes without an observer: volunteers type both entries (0.05)
	Never        float64 // boxes that never report (0.005)
	Late         float64 // boxes that report after midnight (0.04)
	LatePhone    float64 // observer sheets captured long before they reach the server (0.02)
	SingleEntry  float64 // sheets entered only once (0.04)
	Disagree     float64 // second entries with a typing error (0.03)
	ThirdEntry   float64 // of those, resolved by a third entry (0.5)
	Adjudicate   float64 // of the rest, adjudicated by the coordinator (0.6)
	DropResponse float64 // requests whose response is lost, so the client sends them again (0.02)
}

func share(v, def float64) float64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

// Actor is who sends an event: the observer of a box, the i-th volunteer,
// or the coordinator.
type Actor struct {
	Role      sandik.Role
	Box       sandik.AreaCode // observers
	Volunteer int             // volunteers
}

// Event is one planned request of the night.
type Event struct {
	At     time.Duration // after the polls close
	Kind   sandik.Kind
	Actor  Actor
	Source sandik.Source
	// ID is the submission id without the run's prefix.
	ID         string
	Race       sandik.RaceCode
	Box        sandik.AreaCode
	Sheet      sandik.Tutanak
	Reason     string        // adjudications
	Typo       bool          // Sheet differs from the true sheet
	PhoneDelay time.Duration // the sheet was captured this long before sending
	// DropResponse: the response to the first sending is lost and the same
	// request (same id, same body) is sent again.
	DropResponse bool
}

// Counts summarise a plan.
type Counts struct {
	Sheets        int // box×race sheets that report at all
	Entries       int
	Typos         int
	ThirdEntries  int
	Adjudications int
	Unresolved    int // conflicts left for the morning
	SingleEntry   int
	Drops         int
}

// Night is the plan of an election night: every request in time order.
type Night struct {
	Start  time.Time // polls close: 17:00 İstanbul on the election day
	Events []Event
	Never  []BoxRace // sheets that never arrive
	Counts Counts
}

var adjudicationReasons = []string{
	"Islak imzalı tutanak fotoğrafı ile karşılaştırıldı; ikinci girişte yazım hatası.",
	"Sandık kurulu üyesi ile telefonda teyit edildi.",
	"Tutanak aslı ilçe seçim kurulunda görüldü.",
}

// NewNight plans the night of reg from its true sheets: observers send
// their box's sheets as counts finish (later in some districts than in
// others, a few after midnight, a few never); volunteers type each sheet
// again from its photo, now and then with a typing error that keeps the
// sheet's sums right; a third volunteer settles about half of those
// conflicts and the coordinator some of the rest. The same inputs give the
// same plan.
func NewNight(reg *sandik.Registry, truth Results, p Params) *Night {
	n := &Night{Start: pollsClose(reg)}
	boxes, races := boxRaces(reg)
	nv := p.Volunteers
	for _, box := range boxes {
		rng := newRand(p.Seed, "night", string(box))
		drng := newRand(p.Seed, "district-delay", string(districtOf(reg, box)))
		districtDelay := time.Duration(drng.Float64() * float64(40*time.Minute))
		if rng.Float64() < share(p.Never, 0.005) {
			for _, rc := range races[box] {
				n.Never = append(n.Never, BoxRace{rc, box})
			}
			continue
		}
		var arrive time.Duration
		if rng.Float64() < share(p.Late, 0.04) {
			arrive = 7*time.Hour + time.Duration(rng.Float64()*float64(4*time.Hour))
		} else {
			arrive = 40*time.Minute + districtDelay + min(6*time.Hour, time.Duration(float64(30*time.Minute)*math.Exp(0.9+0.5*rng.NormFloat64())))
		}
		observer := nv == 0 || rng.Float64() >= share(p.NoObserver, 0.05)
		for k, rc := range races[box] {
			truthSheet, ok := truth[BoxRace{rc, box}]
			if !ok {
				continue
			}
			n.Counts.Sheets++
			at := arrive + time.Duration(k)*(2*time.Minute+time.Duration(rng.Int64N(int64(8*time.Minute))))
			id := func(suffix string) string { return eventID(rc, box, suffix) }
			ev := Event{At: at, Kind: sandik.KindEntry, ID: id("1"), Race: rc, Box: box, Sheet: truthSheet}
			var used []int
			if observer {
				ev.Actor, ev.Source = Actor{Role: sandik.RoleObserver, Box: box}, sandik.SourceObserver
				ev.PhoneDelay = time.Duration(rng.Int64N(int64(3 * time.Minute)))
				if rng.Float64() < share(p.LatePhone, 0.02) {
					ev.PhoneDelay = 35*time.Minute + time.Duration(rng.Int64N(int64(85*time.Minute)))
				}
			} else {
				v := pickVolunteer(rng, nv, used)
				used = append(used, v)
				ev.At += 15*time.Minute + time.Duration(rng.Int64N(int64(30*time.Minute)))
				ev.Actor, ev.Source = Actor{Role: sandik.RoleVolunteer, Volunteer: v}, sandik.SourceEntry
			}
			n.add(rng, p, ev)
			v2 := pickVolunteer(rng, nv, used)
			if v2 < 0 || rng.Float64() < share(p.SingleEntry, 0.04) {
				n.Counts.SingleEntry++
				continue
			}
			used = append(used, v2)
			second := Event{
				At:   ev.At + 10*time.Minute + time.Duration(float64(25*time.Minute)*math.Exp(0.6*rng.NormFloat64())),
				Kind: sandik.KindEntry, ID: id("2"), Race: rc, Box: box, Sheet: truthSheet,
				Actor: Actor{Role: sandik.RoleVolunteer, Volunteer: v2}, Source: sandik.SourceEntry,
			}
			if rng.Float64() < share(p.Disagree, 0.03) {
				if wrong, ok := typo(rng, truthSheet); ok {
					second.Sheet, second.Typo = wrong, true
					n.Counts.Typos++
				}
			}
			n.add(rng, p, second)
			if !second.Typo {
				continue
			}
			if v3 := pickVolunteer(rng, nv, used); v3 >= 0 && rng.Float64() < share(p.ThirdEntry, 0.5) {
				n.Counts.ThirdEntries++
				n.add(rng, p, Event{
					At:   second.At + 20*time.Minute + time.Duration(rng.Int64N(int64(40*time.Minute))),
					Kind: sandik.KindEntry, ID: id("3"), Race: rc, Box: box, Sheet: truthSheet,
					Actor: Actor{Role: sandik.RoleVolunteer, Volunteer: v3}, Source: sandik.SourceEntry,
				})
				continue
			}
			if p.Coordinator && rng.Float64() < share(p.Adjudicate, 0.6) {
				n.Counts.Adjudications++
				n.add(rng, p, Event{
					At:   second.At + 30*time.Minute + time.Duration(rng.Int64N(int64(90*time.Minute))),
					Kind: sandik.KindAdjudication, ID: id("a"), Race: rc, Box: box, Sheet: truthSheet,
					Actor: Actor{Role: sandik.RoleCoordinator}, Source: sandik.SourceEntry,
					Reason: adjudicationReasons[rng.IntN(len(adjudicationReasons))],
				})
				continue
			}
			n.Counts.Unresolved++
		}
	}
	slices.SortStableFunc(n.Events, func(a, b Event) int { return cmp.Compare(a.At, b.At) })
	return n
}

func (n *Night) add(rng *rand.Rand, p Params, ev Event) {
	if rng.Float64() < share(p.DropResponse, 0.02) {
		ev.DropResponse = true
		n.Counts.Drops++
	}
	n.Counts.Entries++
	n.Events = append(n.Events, ev)
}

// pollsClose is 17:00 in İstanbul on the day of the first election.
func pollsClose(reg *sandik.Registry) time.Time {
	day := time.Date(2019, 3, 31, 0, 0, 0, 0, sandik.Istanbul())
	if len(reg.Elections) > 0 {
		day = reg.Elections[0].Date.In(sandik.Istanbul())
	}
	return time.Date(day.Year(), day.Month(), day.Day(), pollsCloseAt, 0, 0, 0, sandik.Istanbul())
}

// boxRaces lists every box taking part in some race, in registry order,
// with its races in registry order.
func boxRaces(reg *sandik.Registry) ([]sandik.AreaCode, map[sandik.AreaCode][]sandik.RaceCode) {
	var boxes []sandik.AreaCode
	races := map[sandik.AreaCode][]sandik.RaceCode{}
	for _, rc := range reg.Races {
		for _, box := range reg.RaceBoxes(rc.Code) {
			if _, seen := races[box]; !seen {
				boxes = append(boxes, box)
			}
			races[box] = append(races[box], rc.Code)
		}
	}
	return boxes, races
}

// pickVolunteer picks one of nv volunteers not in used, or -1.
func pickVolunteer(rng *rand.Rand, nv int, used []int) int {
	if nv <= 0 {
		return -1
	}
	start := rng.IntN(nv)
	for k := range nv {
		if v := (start + k) % nv; !slices.Contains(used, v) {
			return v
		}
	}
	return -1
}

// eventID names an event readably when the codes are plain ASCII, and by
// a hash otherwise (submission ids are printable ASCII).
func eventID(race sandik.RaceCode, box sandik.AreaCode, suffix string) string {
	s := fmt.Sprintf("%s-%s-%s", race, box, suffix)
	if sandik.ValidateSubmissionID(sandik.SubmissionID(s)) == nil && len(s) <= 96 {
		return s
	}
	h := fnv.New64a()
	h.Write([]byte(string(race) + "\x00" + string(box)))
	return fmt.Sprintf("%016x-%s", h.Sum64(), suffix)
}
