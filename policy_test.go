package sandik

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// policyRegistry: one il with two ilçe, a mahalle in the first with two
// boxes, and one box in the second.
func policyRegistry(t *testing.T) *Registry {
	t.Helper()
	areas := []Area{
		{Code: "TR", Level: LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: LevelIl, Name: "İstanbul"},
		{Code: "34.01", Parent: "34", Level: LevelIlce, Name: "Adalar"},
		{Code: "34.01.01", Parent: "34.01", Level: LevelMahalle, Name: "Burgazada"},
		{Code: "34.01.01.1", Parent: "34.01.01", Level: LevelSandik, Name: "1"},
		{Code: "34.01.01.2", Parent: "34.01.01", Level: LevelSandik, Name: "2"},
		{Code: "34.02", Parent: "34", Level: LevelIlce, Name: "Beşiktaş"},
		{Code: "34.02.01", Parent: "34.02", Level: LevelMahalle, Name: "Levent"},
		{Code: "34.02.01.1", Parent: "34.02.01", Level: LevelSandik, Name: "1"},
	}
	els := []Election{{Code: "E", Name: "E", Quorum: 2}}
	races := []Race{
		{Code: "ibb", Election: "E", Name: "İBB", Scope: "34", Choices: []Choice{{Code: "A", Name: "A"}}},
		{Code: "adalar", Election: "E", Name: "Adalar", Scope: "34.01", Choices: []Choice{{Code: "A", Name: "A"}}},
	}
	var regs []Registration
	for _, b := range []AreaCode{"34.01.01.1", "34.01.01.2", "34.02.01.1"} {
		regs = append(regs, Registration{Election: "E", Box: b, Registered: 100})
	}
	reg, err := NewRegistry(areas, els, races, regs)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func TestAllow(t *testing.T) {
	reg := policyRegistry(t)
	const in, out = AreaCode("34.01.01.1"), AreaCode("34.02.01.1")
	user := func(role Role, areas ...AreaCode) User { return User{ID: "u", Role: role, Areas: areas} }
	acts := []Action{ActionSubmit, ActionReadBox, ActionAdjudicate, ActionHandleCases}
	// What each role may do at all, areas aside.
	may := map[Role][]Action{
		RoleObserver:    {ActionSubmit, ActionReadBox},
		RoleVolunteer:   {ActionSubmit, ActionReadBox},
		RoleCoordinator: {ActionSubmit, ActionReadBox, ActionAdjudicate, ActionHandleCases},
		RoleAdmin:       {ActionSubmit, ActionReadBox, ActionAdjudicate, ActionHandleCases},
		RoleLawyer:      {ActionReadBox, ActionHandleCases},
	}
	for role, allowed := range may {
		for _, act := range acts {
			for _, c := range []struct {
				name   string
				u      User
				target AreaCode
				want   bool
			}{
				{"assigned the box", user(role, in), in, true},
				{"assigned the ilçe", user(role, "34.01"), in, true},
				{"assigned elsewhere", user(role, "34.01"), out, role == RoleAdmin},
				{"assigned a box, asked its mahalle", user(role, in), "34.01.01", role == RoleAdmin},
				{"no areas", user(role), out, role != RoleObserver},
			} {
				err := reg.Allow(c.u, act, c.target)
				want := c.want && slices.Contains(allowed, act)
				if (err == nil) != want {
					t.Errorf("%s %s, %s, %s: err %v, want allowed=%v", role, c.name, act, c.target, err, want)
				}
				if err != nil && CodeOf(err) != EForbidden {
					t.Errorf("%s %s, %s: code %s, want forbidden", role, c.name, act, CodeOf(err))
				}
				if err != nil && slices.Contains(allowed, act) && len(c.u.Areas) > 0 && !strings.Contains(err.Error(), string(c.target)) {
					t.Errorf("%s %s, %s: the refusal does not name %s: %v", role, c.name, act, c.target, err)
				}
			}
		}
	}
}

func TestAssignedBoxes(t *testing.T) {
	reg := policyRegistry(t)
	ibb, _ := reg.Race("ibb")
	adalar, _ := reg.Race("adalar")
	for _, c := range []struct {
		u     User
		rc    *Race
		limit int
		want  []AreaCode
	}{
		{User{Role: RoleObserver, Areas: []AreaCode{"34.02.01.1"}}, ibb, 10, []AreaCode{"34.02.01.1"}},
		{User{Role: RoleObserver, Areas: []AreaCode{"34.02.01.1"}}, adalar, 10, []AreaCode{}},
		{User{Role: RoleObserver, Areas: []AreaCode{"34.01.01", "34.01.01.2"}}, ibb, 10, []AreaCode{"34.01.01.1", "34.01.01.2"}},
		{User{Role: RoleObserver, Areas: []AreaCode{"34"}}, ibb, 2, []AreaCode{"34.01.01.1", "34.01.01.2"}},
		{User{Role: RoleObserver}, ibb, 10, []AreaCode{}},
		{User{Role: RoleCoordinator}, ibb, 10, nil},
		{User{Role: RoleAdmin, Areas: []AreaCode{"34.02"}}, ibb, 10, nil},
	} {
		got := reg.AssignedBoxes(c.u, c.rc, c.limit)
		if !slices.Equal(got, c.want) || (got == nil) != (c.want == nil) {
			t.Errorf("AssignedBoxes(%s %v, %s, %d) = %#v; want %#v", c.u.Role, c.u.Areas, c.rc.Code, c.limit, got, c.want)
		}
	}
}

func TestCheckAreas(t *testing.T) {
	reg := policyRegistry(t)
	if err := reg.CheckAreas([]AreaCode{"34.01", "34.02.01.1"}); err != nil {
		t.Fatalf("known areas: %v", err)
	}
	err := reg.CheckAreas([]AreaCode{"34.99", "34.01", "", "34.01", "bad code"})
	var got []string
	for _, p := range ProblemsOf(err) {
		got = append(got, p.Field+" "+p.Rule)
	}
	want := []string{"areas[0] unknown_area", "areas[2] invalid_value", "areas[3] duplicate", "areas[4] invalid_value"}
	if !slices.Equal(got, want) {
		t.Errorf("problems %v; want %v", got, want)
	}
	many := make([]AreaCode, MaxUserAreas+1)
	for i := range many {
		many[i] = AreaCode(fmt.Sprintf("a%d", i))
	}
	if ps := ProblemsOf(reg.CheckAreas(many)); len(ps) != 1 || ps[0].Field != "areas" {
		t.Errorf("too many areas: %v", ps)
	}
}
