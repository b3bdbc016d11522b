package sandik

import (
	"slices"
	"testing"
)

func TestAllowTotalsOf(t *testing.T) {
	reg := policyRegistry(t)
	for _, tc := range []struct {
		role    Role
		pending bool
		min     int
	}{
		{RoleObserver, false, 20}, {RoleVolunteer, false, 20},
		{RoleCoordinator, true, 0}, {RoleAdmin, true, 0}, {RoleLawyer, true, 0},
	} {
		u := User{ID: "u", Role: tc.role}
		if tc.role == RoleObserver {
			u.Areas = []AreaCode{"34"}
		}
		acc, err := reg.AllowTotalsOf(u, "34", 20)
		if err != nil || acc.Pending != tc.pending || acc.MinBoxes != tc.min {
			t.Errorf("%s: %+v, %v; want pending %v, min %d", tc.role, acc, err, tc.pending, tc.min)
		}
	}
	if _, err := reg.AllowTotalsOf(User{ID: "v", Role: RoleVolunteer}, "34.01.01.1", 1); CodeOf(err) != EForbidden {
		t.Errorf("a typist reads a box's totals: %v", err)
	}
	if _, err := reg.AllowTotalsOf(User{ID: "o", Role: RoleObserver, Areas: []AreaCode{"34.01"}}, "34.02.01", 20); CodeOf(err) != EForbidden {
		t.Errorf("an observer reads a mahalle outside their areas: %v", err)
	}
	if err := AllowPending(User{ID: "o", Role: RoleObserver}); CodeOf(err) != EForbidden {
		t.Errorf("AllowPending(observer) = %v", err)
	}
	if err := AllowPending(User{ID: "l", Role: RoleLawyer}); err != nil {
		t.Errorf("AllowPending(lawyer) = %v", err)
	}
}

// No child is listed whose figures, or those of the children left out
// together, cover fewer than MinBoxes boxes.
func TestTotalsAccessChildren(t *testing.T) {
	acc := TotalsAccess{MinBoxes: 20}
	for _, tc := range []struct {
		total int
		boxes []int
		want  []bool
	}{
		{43, []int{22, 21}, []bool{true, true}},
		{21, []int{20, 1}, []bool{false, false}},                     // 21 − 20 is the lone box
		{64, []int{43, 21}, []bool{true, true}},                      // nothing left out
		{70, []int{43, 21, 6}, []bool{true, false, false}},           // 6 alone, then 6 + 21
		{90, []int{43, 21, 6, 20}, []bool{true, true, false, false}}, // 6 + 20
		{60, []int{30, 30}, []bool{true, true}},
		{61, []int{30, 30, 1}, []bool{false, true, false}}, // the first of equals goes
		{5, []int{1, 1, 1, 1, 1}, []bool{false, false, false, false, false}},
	} {
		if got := acc.Children(tc.total, tc.boxes); !slices.Equal(got, tc.want) {
			t.Errorf("Children(%d, %v) = %v, want %v", tc.total, tc.boxes, got, tc.want)
		}
	}
	if got := (TotalsAccess{Pending: true}).Children(3, []int{1, 2}); !slices.Equal(got, []bool{true, true}) {
		t.Errorf("those who see all get %v", got)
	}
	if (TotalsAccess{MinBoxes: 20}).Allows(19) || !(TotalsAccess{MinBoxes: 20}).Allows(20) || !(TotalsAccess{}).Allows(1) {
		t.Error("Allows")
	}
}
