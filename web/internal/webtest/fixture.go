package webtest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// Now is the centre's clock: election night, 23:00 in İstanbul.
var Now = time.Date(2019, 3, 31, 20, 0, 0, 0, time.UTC)

// Fixture registry: İstanbul with two districts and three boxes.
const (
	RaceIST  = "IST-BB"      // metropolitan mayor, scope İstanbul
	RaceIlce = "ADALAR-BLD"  // district mayor of Adalar only
	Box1     = "34.01.01.01" // Adalar, Burgazada
	Box2     = "34.01.01.02"
	Box3     = "34.02.01.01" // Beşiktaş, Levent
	Election = "2019-YEREL"
)

// Users of the fixture, by role.
const (
	Observer1   = "obs1"
	Observer2   = "obs2"
	Volunteer   = "vol1"
	Coordinator = "coord"
	Admin       = "admin"
	Lawyer      = "lawyer1"
)

// Scoped users (AddScoped): an observer at Box1, a coordinator and a
// lawyer of Adalar (Box1, Box2). Box3 (Beşiktaş) is outside all three.
const (
	ObsBox1    = "obs-box1"
	CoordAdal  = "coord-adalar"
	LawyerAdal = "lawyer-adalar"
)

// Operator reads the centre whole in checks made beside the HTTP answers.
var Operator = sandik.User{ID: Admin, Name: Admin, Role: sandik.RoleAdmin}

// Registry is the fixture registry.
func Registry(t testing.TB) *sandik.Registry {
	t.Helper()
	areas := []sandik.Area{
		{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"},
		{Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"},
		{Code: "34.01", Parent: "34", Level: sandik.LevelIlce, Name: "Adalar"},
		{Code: "34.01.01", Parent: "34.01", Level: sandik.LevelMahalle, Name: "Burgazada"},
		{Code: Box1, Parent: "34.01.01", Level: sandik.LevelSandik, Name: "Sandık 1001"},
		{Code: Box2, Parent: "34.01.01", Level: sandik.LevelSandik, Name: "Sandık 1002"},
		{Code: "34.02", Parent: "34", Level: sandik.LevelIlce, Name: "Beşiktaş"},
		{Code: "34.02.01", Parent: "34.02", Level: sandik.LevelMahalle, Name: "Levent"},
		{Code: Box3, Parent: "34.02.01", Level: sandik.LevelSandik, Name: "Sandık 2001"},
	}
	elections := []sandik.Election{{Code: Election, Name: "Yerel seçimler 2019", Date: time.Date(2019, 3, 30, 21, 0, 0, 0, time.UTC), Quorum: 2}}
	choices := []sandik.Choice{{Code: "CHP", Name: "Ekrem İmamoğlu"}, {Code: "AKP", Name: "Binali Yıldırım"}, {Code: "SP", Name: "Necdet Gökçınar"}}
	races := []sandik.Race{
		{Code: RaceIST, Election: Election, Name: "İstanbul Büyükşehir Belediye Başkanı", Scope: "34", Choices: choices},
		{Code: RaceIlce, Election: Election, Name: "Adalar Belediye Başkanı", Scope: "34.01", Choices: choices},
	}
	var regs []sandik.Registration
	for _, b := range []sandik.AreaCode{Box1, Box2, Box3} {
		regs = append(regs, sandik.Registration{Election: Election, Box: b, Registered: 300})
	}
	reg, err := sandik.NewRegistry(areas, elections, races, regs)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// AddScoped adds the scoped users.
func (e *Env) AddScoped() {
	e.T.Helper()
	for _, u := range []sandik.User{
		{ID: ObsBox1, Name: "Müşahit 1001", Role: sandik.RoleObserver, Areas: []sandik.AreaCode{Box1}},
		{ID: CoordAdal, Name: "Adalar koordinatörü", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.01"}},
		{ID: LawyerAdal, Name: "Adalar avukatı", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34.01"}},
	} {
		e.AddUser(u)
	}
}

// Sheet is a valid result sheet for the fixture's races as JSON fields:
// 300 registered, 3 invalid, votes as given.
func Sheet(id, race, box string, chp, akp, sp int64) map[string]any {
	valid := chp + akp + sp
	return map[string]any{
		"id": id, "race": race, "box": box,
		"registered": 300, "voted": valid + 3,
		"valid_without_objection": valid, "valid_upon_objection": 0,
		"valid_total": valid, "invalid_total": 3,
		"votes": map[string]int64{"CHP": chp, "AKP": akp, "SP": sp},
	}
}

// Submit enters sheet as user through the Center, as the API and the
// entry form would, and returns its receipt.
func (e *Env) Submit(user string, sheet map[string]any) sandik.Receipt {
	e.T.Helper()
	data, err := json.Marshal(sheet)
	if err != nil {
		e.T.Fatal(err)
	}
	var in sandik.SheetInput
	if err := json.Unmarshal(data, &in); err != nil {
		e.T.Fatal(err)
	}
	rs, err := e.Center.Submit(e.T.Context(), e.User(user), []sandik.SheetInput{in})
	if err != nil {
		e.T.Fatalf("submit %s as %s: %v", sheet["id"], user, err)
	}
	return rs[0]
}

// Official imports published figures for a box of RaceIST.
func (e *Env) Official(box string, chp, akp, sp int64) {
	e.T.Helper()
	valid := chp + akp + sp
	rs, err := e.Center.AppendImported(e.T.Context(), []sandik.ImportedSheet{{
		Race: RaceIST, Box: sandik.AreaCode(box), User: "ysk", Source: sandik.SourceOfficial,
		Sheet: sandik.Tutanak{Registered: 300, Voted: valid + 3, ValidWithoutObjection: valid, ValidTotal: valid, Invalid: 3, Votes: []int64{chp, akp, sp}},
	}})
	if err != nil {
		e.T.Fatal(err)
	}
	e.Settle(rs[0].Seq)
}

// DiscrepancyAtBox3 gives Box3 (Beşiktaş, outside every scoped user) a
// verified sheet and official figures that differ from it, and Box2
// (Adalar) a pending first entry.
func (e *Env) DiscrepancyAtBox3() {
	e.T.Helper()
	e.Submit(Observer2, Sheet("rv-3a", RaceIST, Box3, 70, 60, 1))
	e.Settle(e.Submit(Volunteer, Sheet("rv-3b", RaceIST, Box3, 70, 60, 1)).Seq)
	e.Official(Box3, 60, 70, 1)
	e.Settle(e.Submit(Observer1, Sheet("rv-2a", RaceIST, Box2, 40, 30, 2)).Seq)
}

// Roles by what they may do, for the authorisation matrices.
var (
	AllRoles   = []sandik.Role{sandik.RoleObserver, sandik.RoleVolunteer, sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer}
	Submitters = []sandik.Role{sandik.RoleObserver, sandik.RoleVolunteer, sandik.RoleCoordinator, sandik.RoleAdmin}
	CaseRoles  = []sandik.Role{sandik.RoleCoordinator, sandik.RoleAdmin, sandik.RoleLawyer}
)
