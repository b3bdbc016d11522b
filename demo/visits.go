package demo

import (
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
)

// The demo's visits, commitments, tour and sister pairs, all SYNTHETIC:
// the provincial chair's tour of four districts after the election, in
// progress (two visited, one pending, one postponed); a congratulation
// visit; commitments due before, on and after today; and two sister
// pairs with goals. Built on Organisation's units (districts coded as
// their areas, the il unit "34").

// VisitPlan is what SeedVisits stores, in order.
type VisitPlan struct {
	Tour   sandik.Tour
	Visits []PlannedVisit
	Pairs  []sandik.SisterPair
	// Postpone is the stop of the tour put off.
	Postpone sandik.UnitCode
}

// PlannedVisit is a visit and the commitments made at it.
type PlannedVisit struct {
	Visit       sandik.Visit
	Commitments []sandik.Commitment
	Done        []sandik.CommitmentID // closed after the visit
}

// tourDistricts are the districts of the demo's tour and pairs, by name,
// in the order planned.
var tourDistricts = []string{"Kartal", "Sultanbeyli", "Tuzla", "Pendik", "Kadıköy", "Ataşehir"}

// Visits plans the demo's visits over reg's districts at now, by
// visitor (a person of the il unit). A registry without the districts
// named (a smaller demo) takes its first six districts instead; with
// fewer than six nothing is planned.
func Visits(reg *sandik.Registry, visitor sandik.PersonID, now time.Time) VisitPlan {
	byName := map[string]sandik.AreaCode{}
	all := districtsOf(reg)
	for _, dc := range all {
		if a, ok := reg.Area(dc); ok {
			byName[a.Name] = dc
		}
	}
	var ds []sandik.UnitCode
	for i, n := range tourDistricts {
		dc, ok := byName[n]
		if !ok {
			if i >= len(all) {
				return VisitPlan{}
			}
			dc = all[i]
		}
		ds = append(ds, sandik.UnitCode(dc))
	}
	day := func(d int) sandik.Date { return sandik.DateOf(now.AddDate(0, 0, d)) }
	at := func(d, hour int) time.Time {
		y, m, dd := now.In(sandik.Istanbul()).AddDate(0, 0, d).Date()
		return time.Date(y, m, dd, hour, 0, 0, 0, sandik.Istanbul())
	}
	plan := VisitPlan{Postpone: ds[3]}
	plan.Tour = sandik.Tour{ID: "tur-demo", Title: "Seçim sonrası ilçe turu (sentetik)", Unit: OrgUnit, Stops: []sandik.TourStop{
		{Unit: ds[0], Planned: day(-3), Status: sandik.StopPending},
		{Unit: ds[1], Planned: day(-2), Status: sandik.StopPending},
		{Unit: ds[2], Planned: day(1), Status: sandik.StopPending},
		{Unit: ds[3], Planned: day(3), Status: sandik.StopPending},
	}}
	visit := func(n int, to sandik.UnitCode, kind sandik.VisitKind, when time.Time, tour sandik.TourID, notes string) sandik.Visit {
		return sandik.Visit{ID: sandik.VisitID(fmt.Sprintf("z-demo-%d", n)), FromUnit: OrgUnit, Visitors: []sandik.PersonID{visitor},
			Target: sandik.VisitTarget{Unit: to}, Kind: kind, At: when, Place: "İlçe başkanlığı", Tour: tour, Notes: notes}
	}
	commit := func(id, text string, owner sandik.UnitCode, due sandik.Date) sandik.Commitment {
		return sandik.Commitment{ID: sandik.CommitmentID(id), Text: text, OwnerUnit: owner, Due: due, Status: sandik.CommitOpen}
	}
	plan.Visits = []PlannedVisit{
		{Visit: visit(1, ds[0], sandik.VisitEvaluation, at(-3, 11), "tur-demo", "İlçe yönetimiyle yeni dönemin yol haritası konuşuldu (sentetik)."),
			Commitments: []sandik.Commitment{
				commit("t-demo-1", "Mahalle temsilcilerinin eksikleri tamamlanacak", ds[0], day(-1)),
				commit("t-demo-2", "Sandık görevlisi eğitimi yapılacak", ds[0], day(10)),
			}},
		{Visit: visit(2, ds[1], sandik.VisitEvaluation, at(-2, 15), "tur-demo", "Müşahit kapsamasının düşük olduğu mahalleler konuşuldu (sentetik)."),
			Commitments: []sandik.Commitment{
				commit("t-demo-3", "Müşahit listesi il başkanlığına gönderilecek", ds[1], day(0)),
				commit("t-demo-4", "Gençlik kolu kongresi yapılacak", ds[1], day(-2)),
			}},
		{Visit: visit(3, ds[4], sandik.VisitCongratulate, at(-20, 10), "", "Belediye başkanı ve meclis üyelerine tebrik ziyareti (sentetik)."),
			Commitments: []sandik.Commitment{
				commit("t-demo-5", "Ortak halk buluşması düzenlenecek", ds[4], day(-12)),
				commit("t-demo-6", "Kent konseyi için aday önerilecek", ds[4], day(20)),
			},
			Done: []sandik.CommitmentID{"t-demo-5"}},
	}
	plan.Pairs = []sandik.SisterPair{
		{ID: "kardes-demo-1", Units: []sandik.UnitCode{ds[0], ds[1]}, Start: day(-30), Goals: []sandik.SisterGoal{
			{Metric: sandik.MetricCoverage, Unit: ds[1], From: 61, Target: 95, By: day(365)},
			{Metric: sandik.MetricJointVisits, From: 0, Target: 10, By: day(180)},
		}},
		{ID: "kardes-demo-2", Units: []sandik.UnitCode{ds[4], ds[5]}, Start: day(-30), Goals: []sandik.SisterGoal{
			{Metric: sandik.MetricVisits, Unit: ds[5], From: 0, Target: 4, By: day(90)},
		}},
	}
	return plan
}
