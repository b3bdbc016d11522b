package demo

import (
	"fmt"

	"github.com/sandik-dev/sandik"
)

// Notice says what in the demo is real and what is not; the CLI prints it
// with every total it shows.
const Notice = "SENTETİK / SYNTHETIC demo data: İstanbul's 39 districts with their real numbers of " +
	"neighbourhoods, ballot boxes and registered voters (YSK, 30 March 2014, via github oztalha/YSK); " +
	"neighbourhood and school names, the split of voters among boxes and every vote figure are invented."

// CoordinatorID is the demo's coordinator.
const CoordinatorID sandik.UserID = "demo-koordinator"

// ObserverID is the user id of a box's observer (müşahit) in the demo.
func ObserverID(box sandik.AreaCode) sandik.UserID { return sandik.UserID("obs-" + string(box)) }

// VolunteerID is the user id of the i-th data-entry volunteer (from 0).
func VolunteerID(i int) sandik.UserID { return sandik.UserID(fmt.Sprintf("gonullu-%03d", i+1)) }

// Users lists the users a demo night needs, for the caller to create with
// tokens: one observer per box taking part in a race, assigned to that
// box; volunteers data-entry volunteers; and one coordinator.
func Users(reg *sandik.Registry, volunteers int) []sandik.User {
	boxes, _ := boxRaces(reg)
	users := make([]sandik.User, 0, len(boxes)+volunteers+1)
	for _, box := range boxes {
		name := string(box)
		if a, ok := reg.Area(box); ok {
			name = a.Name + " müşahidi (" + string(box) + ")"
		}
		users = append(users, sandik.User{ID: ObserverID(box), Name: name, Role: sandik.RoleObserver, Areas: []sandik.AreaCode{box}})
	}
	for i := range volunteers {
		users = append(users, sandik.User{ID: VolunteerID(i), Name: fmt.Sprintf("Gönüllü %d", i+1), Role: sandik.RoleVolunteer})
	}
	return append(users, sandik.User{ID: CoordinatorID, Name: "Demo koordinatör", Role: sandik.RoleCoordinator})
}
