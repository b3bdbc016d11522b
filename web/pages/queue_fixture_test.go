package pages

import (
	"fmt"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/web/internal/webtest"
)

// The queue's fixture: İstanbul with four districts whose names have
// Turkish letters (Avcılar, Bağcılar, Kadıköy, Şişli), each with one
// mahalle, one school and 125 boxes of 300 registered voters, in the
// fixture's race IST-BB.
var queueDistricts = []string{"Avcılar", "Bağcılar", "Kadıköy", "Şişli"}

const (
	qAvcilar   = "34.01"
	qKadikoy   = "34.03"
	qBoxes     = 125
	coordKadik = "coord-kadikoy"
	obsAvcilar = "obs-avcilar"
)

// qBox is the code of box n (from 1) of district d (from 1).
func qBox(d, n int) string { return fmt.Sprintf("34.%02d.01.01.%03d", d, n) }

func queueRegistry(t testing.TB) *sandik.Registry {
	t.Helper()
	areas := []sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"}, {Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"}}
	var regs []sandik.Registration
	for i, name := range queueDistricts {
		d := sandik.AreaCode(fmt.Sprintf("34.%02d", i+1))
		areas = append(areas,
			sandik.Area{Code: d, Parent: "34", Level: sandik.LevelIlce, Name: name},
			sandik.Area{Code: d + ".01", Parent: d, Level: sandik.LevelMahalle, Name: name + " Merkez"},
			sandik.Area{Code: d + ".01.01", Parent: d + ".01", Level: sandik.LevelBuilding, Name: name + " Atatürk İlkokulu"})
		for n := 1; n <= qBoxes; n++ {
			code := sandik.AreaCode(qBox(i+1, n))
			areas = append(areas, sandik.Area{Code: code, Parent: d + ".01.01", Level: sandik.LevelSandik, Name: fmt.Sprintf("Sandık %d", (i+1)*1000+n)})
			regs = append(regs, sandik.Registration{Election: webtest.Election, Box: code, Registered: 300})
		}
	}
	el := []sandik.Election{{Code: webtest.Election, Name: "Yerel seçimler", Date: time.Date(2019, 3, 30, 21, 0, 0, 0, time.UTC), Quorum: 2}}
	choices := []sandik.Choice{{Code: "CHP", Name: "Ekrem İmamoğlu"}, {Code: "AKP", Name: "Binali Yıldırım"}, {Code: "SP", Name: "Necdet Gökçınar"}}
	races := []sandik.Race{
		{Code: raceIST, Election: webtest.Election, Name: "İstanbul Büyükşehir Belediye Başkanı", Scope: "34", Choices: choices},
		{Code: "AVCILAR-BLD", Election: webtest.Election, Name: "Avcılar Belediye Başkanı", Scope: qAvcilar, Choices: choices},
	}
	reg, err := sandik.NewRegistry(areas, el, races, regs)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// newQueueEnv serves the queue's fixture with a coordinator of Kadıköy
// and an observer of two Avcılar boxes.
func newQueueEnv(t testing.TB) *env {
	t.Helper()
	e := newEnvWith(t, queueRegistry(t))
	e.AddUser(sandik.User{ID: coordKadik, Name: "Kadıköy koordinatörü", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{qKadikoy}})
	e.AddUser(sandik.User{ID: obsAvcilar, Name: "Avcılar müşahidi", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{sandik.AreaCode(qBox(1, 1)), sandik.AreaCode(qBox(1, 2))}})
	return e
}

// queueConflicts puts 300 boxes in conflict: 120 in Kadıköy, 60 in each
// other district, the districts' boxes interleaved in time so that a
// filtered page is not a slice of the whole. Two observers disagree on
// each.
func queueConflicts(t testing.TB, e *env) {
	t.Helper()
	per := []int{60, 60, 120, 60}
	var last sandik.Receipt
	for n := 1; n <= 120; n++ {
		for d := 1; d <= len(per); d++ {
			if n > per[d-1] {
				continue
			}
			box := qBox(d, n)
			e.Submit(observer1, sheet("qa-"+box, raceIST, box, 100, 90, 10))
			last = e.Submit(observer2, sheet("qb-"+box, raceIST, box, 100, 80, 20))
		}
	}
	e.Settle(last.Seq)
}
