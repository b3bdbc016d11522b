package org_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/org"
)

var unitAreas = map[sandik.UnitCode]sandik.AreaCode{"34": "34", "34.0135": "34.0135", "06.0001": "06.0001"}

func sources(terms []sandik.Position, grants []sandik.Grant) org.Sources {
	return org.Sources{
		Terms:      terms,
		UnitArea:   func(c sandik.UnitCode) (sandik.AreaCode, bool) { a, ok := unitAreas[c]; return a, ok },
		KindRights: sandik.MergeKindRights(sandik.DefaultKindRights(), nil),
		Grants:     grants,
	}
}

func ist(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, sandik.Istanbul())
	if err != nil {
		panic(err)
	}
	return t
}

// TestEffectiveTermEnds: a chair's rights hold to the last nanosecond of
// the term's last İstanbul day and end at the midnight after, which is
// the next change announced.
func TestEffectiveTermEnds(t *testing.T) {
	stored := sandik.User{ID: "ayse", Name: "Ayşe", Role: sandik.RoleObserver, Person: "k-3"}
	terms := []sandik.Position{{ID: "g-5", Kind: "ilce_baskani", Unit: "34.0135", Person: "k-3", Start: "2024-01-01", End: "2026-12-31", Source: sandik.SourceCongress, EndReason: "kongre"}}
	last := ist("2026-12-31 23:59:59").Add(999_999_999 * time.Nanosecond)
	u, next := org.Effective(stored, sources(terms, nil), nil, last)
	if u.Role != sandik.RoleCoordinator || !slices.Equal(u.Areas, []sandik.AreaCode{"34.0135"}) {
		t.Errorf("at the last instant of the term: %s over %v, want coordinator over 34.0135", u.Role, u.Areas)
	}
	if want := ist("2027-01-01 00:00:00"); !next.Equal(want) {
		t.Errorf("next change %v, want %v", next, want)
	}
	u, next = org.Effective(stored, sources(terms, nil), nil, ist("2027-01-01 00:00:00"))
	if u.Role != sandik.RoleObserver || len(u.Areas) != 0 || !next.IsZero() {
		t.Errorf("after the term: %s over %v next %v, want an observer with no box and nothing to come", u.Role, u.Areas, next)
	}
	u, next = org.Effective(stored, sources(terms, nil), nil, ist("2023-12-31 12:00:00"))
	if u.Role != sandik.RoleObserver || !next.Equal(ist("2024-01-01 00:00:00")) {
		t.Errorf("before the term: %s, next %v; want observer until the first day's midnight", u.Role, next)
	}
}

// TestEffectiveCombines: the highest role wins over the union of the
// areas of the rights that give it; grants count between From and End;
// a revoked grant ends at its revocation; the whole centre absorbs areas.
func TestEffectiveCombines(t *testing.T) {
	now := ist("2026-06-01 12:00:00")
	term := func(id, kind, unit string) sandik.Position {
		return sandik.Position{ID: sandik.PositionID(id), Kind: sandik.KindCode(kind), Unit: sandik.UnitCode(unit), Person: "k-1", Start: "2025-01-01", Source: sandik.SourceCongress}
	}
	grant := func(role sandik.Role, from, until time.Time, areas ...sandik.AreaCode) sandik.Grant {
		return sandik.Grant{ID: "y", User: "u", Role: role, Areas: areas, From: from, Until: until, Reason: "r", GrantedBy: "admin"}
	}
	revoked := grant(sandik.RoleCoordinator, now.Add(-time.Hour), now.Add(time.Hour), "06.0001")
	revoked.Revoked = now.Add(-time.Minute)
	for _, tc := range []struct {
		name     string
		stored   sandik.User
		terms    []sandik.Position
		grants   []sandik.Grant
		boxes    []sandik.AreaCode
		want     string
		wantNext time.Time
	}{
		{"legacy user unchanged", sandik.User{Role: sandik.RoleVolunteer, Areas: []sandik.AreaCode{"34"}}, nil, nil, nil, "volunteer 34", time.Time{}},
		{"two chairs unite", sandik.User{Role: sandik.RoleObserver}, []sandik.Position{term("a", "ilce_baskani", "34.0135"), term("b", "secim_sorumlusu", "06.0001")}, nil, nil, "coordinator 06.0001,34.0135", time.Time{}},
		{"lawyer below coordinator", sandik.User{Role: sandik.RoleObserver}, []sandik.Position{term("a", "avukat", "34"), term("b", "ilce_baskani", "34.0135")}, nil, nil, "coordinator 34.0135", time.Time{}},
		{"board member gives nothing", sandik.User{Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"34.0135.144920"}}, []sandik.Position{term("a", "yonetim_kurulu_uyesi", "34")}, nil, nil, "observer 34.0135.144920", time.Time{}},
		{"unknown unit gives nothing", sandik.User{Role: sandik.RoleObserver}, []sandik.Position{term("a", "ilce_baskani", "99")}, nil, nil, "observer ", time.Time{}},
		{"observer boxes add", sandik.User{Role: sandik.RoleObserver, Areas: []sandik.AreaCode{"b1"}}, nil, nil, []sandik.AreaCode{"b2"}, "observer b1,b2", time.Time{}},
		{"grant held, ends", sandik.User{Role: sandik.RoleObserver}, nil, []sandik.Grant{grant(sandik.RoleLawyer, now.Add(-time.Hour), now.Add(2*time.Hour), "34")}, nil, "lawyer 34", now.Add(2 * time.Hour)},
		{"grant to come", sandik.User{Role: sandik.RoleObserver}, nil, []sandik.Grant{grant(sandik.RoleLawyer, now.Add(time.Hour), now.Add(2*time.Hour), "34")}, nil, "observer ", now.Add(time.Hour)},
		{"revoked grant", sandik.User{Role: sandik.RoleObserver}, nil, []sandik.Grant{revoked}, nil, "observer ", time.Time{}},
		{"whole centre absorbs", sandik.User{Role: sandik.RoleCoordinator}, []sandik.Position{term("a", "ilce_baskani", "34.0135")}, nil, nil, "coordinator ", time.Time{}},
		{"admin grant", sandik.User{Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34"}}, nil, []sandik.Grant{grant(sandik.RoleAdmin, now.Add(-time.Hour), now.Add(time.Hour))}, nil, "admin ", now.Add(time.Hour)},
		{"earliest change wins", sandik.User{Role: sandik.RoleObserver}, []sandik.Position{{ID: "a", Kind: "ilce_baskani", Unit: "34.0135", Person: "k-1", Start: "2025-01-01", End: "2026-06-02", Source: sandik.SourceCongress, EndReason: "x"}},
			[]sandik.Grant{grant(sandik.RoleLawyer, now.Add(-time.Hour), now.Add(48*time.Hour), "34")}, nil, "coordinator 34.0135", ist("2026-06-03 00:00:00")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, next := org.Effective(tc.stored, sources(tc.terms, tc.grants), tc.boxes, now)
			areas := make([]string, len(u.Areas))
			for i, a := range u.Areas {
				areas[i] = string(a)
			}
			if got := string(u.Role) + " " + strings.Join(areas, ","); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if !next.Equal(tc.wantNext) {
				t.Errorf("next change %v, want %v", next, tc.wantNext)
			}
		})
	}
}

// TestMayGive: the rule of delegation, role × area, for a district
// coordinator, a provincial one and an administrator.
func TestMayGive(t *testing.T) {
	reg := registry(t)
	district := sandik.User{ID: "kadikoy", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34.0135"}}
	province := sandik.User{ID: "istanbul", Role: sandik.RoleCoordinator, Areas: []sandik.AreaCode{"34"}}
	lawyer := sandik.User{ID: "av", Role: sandik.RoleLawyer, Areas: []sandik.AreaCode{"34"}}
	admin := sandik.User{ID: "root", Role: sandik.RoleAdmin}
	for _, tc := range []struct {
		actor sandik.User
		role  sandik.Role
		areas []sandik.AreaCode
		ok    bool
	}{
		{district, sandik.RoleObserver, []sandik.AreaCode{"34.0135.144920"}, true},
		{district, sandik.RoleObserver, []sandik.AreaCode{"34.0135"}, true},
		{district, sandik.RoleLawyer, []sandik.AreaCode{"34.0135"}, true},
		{district, sandik.RoleObserver, nil, true},
		{district, sandik.RoleObserver, []sandik.AreaCode{"06.0001"}, false},
		{district, sandik.RoleObserver, []sandik.AreaCode{"34.0135.144920", "06.0001"}, false},
		{district, sandik.RoleVolunteer, []sandik.AreaCode{"34"}, false},
		{district, sandik.RoleVolunteer, nil, false},
		{district, sandik.RoleCoordinator, []sandik.AreaCode{"34.0135"}, false},
		{district, sandik.RoleCoordinator, []sandik.AreaCode{"34.0135.144920"}, true},
		{district, sandik.RoleAdmin, nil, false},
		{province, sandik.RoleCoordinator, []sandik.AreaCode{"34.0135"}, true},
		{province, sandik.RoleCoordinator, []sandik.AreaCode{"34"}, false},
		{lawyer, sandik.RoleObserver, []sandik.AreaCode{"34.0135"}, false},
		{admin, sandik.RoleAdmin, nil, true},
		{admin, sandik.RoleCoordinator, []sandik.AreaCode{"06.0001"}, true},
	} {
		err := org.MayGive(reg, tc.actor, tc.role, tc.areas)
		if (err == nil) != tc.ok {
			t.Errorf("%s (%s %v) gives %s over %v: %v, want allowed %v", tc.actor.ID, tc.actor.Role, tc.actor.Areas, tc.role, tc.areas, err, tc.ok)
		}
		if err != nil && sandik.CodeOf(err) != sandik.EForbidden {
			t.Errorf("refusal %v is not EForbidden", err)
		}
	}
}

func TestParseUntil(t *testing.T) {
	for in, want := range map[string]string{
		"2026-12-31":       "2027-01-01 00:00:00",
		"2026-12-31T18:30": "2026-12-31 18:30:00",
	} {
		got, err := sandik.ParseUntil(in)
		if err != nil || !got.Equal(ist(want)) {
			t.Errorf("ParseUntil(%q) = %v, %v; want %s İstanbul", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2026-13-01", "2026-12-31 18:30", "31.12.2026", "2026-12-31T25:00"} {
		if _, err := sandik.ParseUntil(bad); err == nil {
			t.Errorf("ParseUntil(%q) accepted", bad)
		}
	}
}

// TestEffectiveStableUntilNext: what a cache relies on. For random
// terms and grants and any instant, the effective user is the same at
// every instant from now until just before the next change it names,
// and a naive recomputation (the highest role held, the union of its
// areas) agrees with it.
func TestEffectiveStableUntilNext(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := ist("2026-01-01 00:00:00")
		day := func(label string) sandik.Date {
			return sandik.DateOf(base.Add(time.Duration(rapid.IntRange(0, 40).Draw(t, label)) * 24 * time.Hour))
		}
		kinds := []sandik.KindCode{"ilce_baskani", "avukat", "sekreter", "secim_sorumlusu"}
		units := []sandik.UnitCode{"34", "34.0135", "06.0001"}
		var terms []sandik.Position
		for i := range rapid.IntRange(0, 4).Draw(t, "terms") {
			p := sandik.Position{ID: sandik.PositionID(fmt.Sprint("g", i)), Kind: rapid.SampledFrom(kinds).Draw(t, "kind"),
				Unit: rapid.SampledFrom(units).Draw(t, "unit"), Person: "k", Start: day("start"), Source: sandik.SourceCongress}
			if rapid.Bool().Draw(t, "ends") {
				if end := day("end"); end >= p.Start {
					p.End, p.EndReason = end, "x"
				}
			}
			terms = append(terms, p)
		}
		var grants []sandik.Grant
		for i := range rapid.IntRange(0, 3).Draw(t, "grants") {
			from := base.Add(time.Duration(rapid.IntRange(0, 40*24*60).Draw(t, "from")) * time.Minute)
			g := sandik.Grant{ID: sandik.GrantID(fmt.Sprint("y", i)), User: "u", Role: rapid.SampledFrom([]sandik.Role{sandik.RoleLawyer, sandik.RoleVolunteer, sandik.RoleCoordinator}).Draw(t, "role"),
				Areas: []sandik.AreaCode{rapid.SampledFrom([]sandik.AreaCode{"34", "06.0001", "b1"}).Draw(t, "area")},
				From:  from, Until: from.Add(time.Duration(rapid.IntRange(1, 10*24*60).Draw(t, "minutes")) * time.Minute), Reason: "r", GrantedBy: "a"}
			if rapid.Bool().Draw(t, "revoked") {
				g.Revoked = g.From.Add(time.Duration(rapid.IntRange(0, 5*24*60).Draw(t, "revoke")) * time.Minute)
			}
			grants = append(grants, g)
		}
		stored := sandik.User{ID: "u", Role: rapid.SampledFrom([]sandik.Role{sandik.RoleObserver, sandik.RoleVolunteer}).Draw(t, "stored"),
			Areas: []sandik.AreaCode{"34.0135.144920"}}
		src := sources(terms, grants)
		// Instants near the edges of terms and grants are where a rule
		// goes wrong; half the draws land within a second of one.
		edges := []time.Time{base}
		for _, p := range terms {
			edges = append(edges, sandik.DayStart(p.Start))
			if p.End != "" {
				edges = append(edges, sandik.DayEnd(p.End))
			}
		}
		for _, g := range grants {
			edges = append(edges, g.From, g.End())
		}
		now := base.Add(time.Duration(rapid.IntRange(0, 45*24*3600).Draw(t, "now")) * time.Second)
		if rapid.Bool().Draw(t, "at an edge") {
			now = rapid.SampledFrom(edges).Draw(t, "edge").Add(time.Duration(rapid.IntRange(-1000, 1000).Draw(t, "ms")) * time.Millisecond)
		}
		u, next := org.Effective(stored, src, nil, now)
		if want := naive(stored, src, now); !sameUser(u, want) {
			t.Fatalf("at %v: %s %v, naive %s %v", now, u.Role, u.Areas, want.Role, want.Areas)
		}
		if !next.IsZero() && !next.After(now) {
			t.Fatalf("next change %v is not after %v", next, now)
		}
		horizon := next
		if horizon.IsZero() {
			horizon = base.Add(60 * 24 * time.Hour)
		}
		for range 5 {
			span := horizon.Sub(now)
			later := now.Add(time.Duration(rapid.Int64Range(0, int64(span)-1).Draw(t, "later")))
			if v, _ := org.Effective(stored, src, nil, later); !sameUser(u, v) {
				t.Fatalf("at %v: %s %v; at %v, before the next change %v: %s %v", now, u.Role, u.Areas, later, next, v.Role, v.Areas)
			}
		}
	})
}

// naive is the rule written out: every right held at now, the highest
// role, the union of its areas (the stored user's own, volunteer, is
// the whole centre when it has no areas; here it always has one).
func naive(stored sandik.User, src org.Sources, now time.Time) sandik.User {
	type right struct {
		role  sandik.Role
		areas []sandik.AreaCode
	}
	rights := []right{{stored.Role, stored.Areas}}
	for _, p := range src.Terms {
		if role := src.KindRights[p.Kind]; role != "" && p.HeldAt(now) {
			a, _ := src.UnitArea(p.Unit)
			rights = append(rights, right{role, []sandik.AreaCode{a}})
		}
	}
	for _, g := range src.Grants {
		if g.HeldAt(now) {
			rights = append(rights, right{g.Role, g.Areas})
		}
	}
	top := stored.Role
	for _, r := range rights {
		if r.role.Rank() > top.Rank() {
			top = r.role
		}
	}
	u := stored
	u.Role, u.Areas = top, nil
	for _, r := range rights {
		if r.role == top {
			u.Areas = append(u.Areas, r.areas...)
		}
	}
	u.Areas = sandik.NormalizeAreas(u.Areas)
	return u
}

func sameUser(a, b sandik.User) bool {
	return a.Role == b.Role && slices.Equal(a.Areas, b.Areas)
}
