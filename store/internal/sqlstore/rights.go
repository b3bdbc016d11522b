package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/ledger"
)

// The rights besides a user's own: the table of kinds' rights and the
// explicit grants, read and written with the organisation's statements.

const selectGrant = `SELECT id, user_id, role, areas, from_at, until_at, reason, granted_by, revoked_at, revoked_by FROM user_grants`

func scanGrant(row Row) (sandik.Grant, error) {
	var (
		g                    sandik.Grant
		areas                string
		from, until, revoked int64
	)
	err := row.Scan(&g.ID, &g.User, &g.Role, &areas, &from, &until, &g.Reason, &g.GrantedBy, &revoked, &g.RevokedBy)
	if areas != "" {
		for a := range strings.SplitSeq(areas, "\n") {
			g.Areas = append(g.Areas, sandik.AreaCode(a))
		}
	}
	g.From, g.Until, g.Revoked = Time(from), Time(until), Time(revoked)
	return g, err
}

func scanKindRight(row Row) (sandik.KindRight, error) {
	var r sandik.KindRight
	err := row.Scan(&r.Kind, &r.Role)
	return r, err
}

// AddedKindRights implements sandik.RightsStore.
func (o Org) AddedKindRights(ctx context.Context) ([]sandik.KindRight, error) {
	return All(ctx, o.db, "read kinds' rights", scanKindRight, `SELECT kind, role FROM org_kind_rights ORDER BY kind`)
}

// KindRights implements sandik.RightsStore.
func (o Org) KindRights(ctx context.Context) ([]sandik.KindRight, error) {
	added, err := o.AddedKindRights(ctx)
	if err != nil {
		return nil, err
	}
	merged := sandik.MergeKindRights(sandik.DefaultKindRights(), added)
	out := make([]sandik.KindRight, 0, len(merged))
	for k, r := range merged {
		out = append(out, sandik.KindRight{Kind: k, Role: r})
	}
	slices.SortFunc(out, func(a, b sandik.KindRight) int { return strings.Compare(string(a.Kind), string(b.Kind)) })
	return out, nil
}

// Grants implements sandik.RightsStore.
func (o Org) Grants(ctx context.Context, f sandik.GrantFilter) ([]sandik.Grant, error) {
	var w where
	w.eq("user_id", string(f.User))
	return All(ctx, o.db, "read grants", scanGrant, o.q(selectGrant+w.sql()+` ORDER BY id`), w.args...)
}

// Grant implements sandik.RightsStore.
func (o Org) Grant(ctx context.Context, id sandik.GrantID) (sandik.Grant, error) {
	g, found, err := One(ctx, o.db, "read grant "+string(id), scanGrant, o.q(selectGrant+` WHERE id = ?`), string(id))
	if err == nil && !found {
		err = sandik.Errorf(sandik.ENotFound, "no grant %q", id)
	}
	return g, err
}

// SaveKindRights writes rs over the stored rows and returns their leaves.
func (t OrgTx) SaveKindRights(ctx context.Context, rs []sandik.KindRight) ([]ledger.Record, error) {
	kinds, err := t.PositionKinds(ctx)
	if err != nil {
		return nil, err
	}
	known := make(map[sandik.KindCode]bool, len(kinds))
	for _, k := range kinds {
		known[k.Code] = true
	}
	var ps []sandik.Problem
	seen := map[sandik.KindCode]int{}
	for i, r := range rs {
		field := fmt.Sprintf("rights[%d]", i)
		for _, p := range sandik.ProblemsOf(r.Validate()) {
			p.Field = field + "." + p.Field
			ps = append(ps, p)
		}
		if j, dup := seen[r.Kind]; dup {
			ps = append(ps, sandik.Problem{Field: field + ".kind", Rule: sandik.RuleDuplicate, Message: fmt.Sprintf("%q is given again, first as rights[%d]", r.Kind, j)})
		}
		seen[r.Kind] = i
		if sandik.ValidateCode(string(r.Kind)) == nil && !known[r.Kind] {
			ps = append(ps, sandik.Problem{Field: field + ".kind", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no kind of position %q", r.Kind)})
		}
	}
	if len(ps) > 0 {
		return nil, sandik.Invalid("invalid rights of kinds of position", ps)
	}
	recs := make([]ledger.Record, 0, len(rs))
	for _, r := range rs {
		if err := t.Exec(ctx, t.q(`DELETE FROM org_kind_rights WHERE kind = ?`), string(r.Kind)); err != nil {
			return nil, err
		}
		if err := t.Exec(ctx, t.q(`INSERT INTO org_kind_rights (kind, role) VALUES (?, ?)`), string(r.Kind), string(r.Role)); err != nil {
			return nil, err
		}
		recs = append(recs, ledger.KindRightRecord(r))
	}
	return recs, nil
}

// SaveGrant writes a new grant and returns its leaf.
func (t OrgTx) SaveGrant(ctx context.Context, g sandik.Grant) ([]ledger.Record, error) {
	g.Areas = sandik.NormalizeAreas(g.Areas)
	g.From, g.Until, g.Revoked, g.RevokedBy = g.From.UTC(), g.Until.UTC(), time.Time{}, ""
	if err := g.Validate(); err != nil {
		return nil, err
	}
	_, found, err := One(ctx, t.db, "look up user "+string(g.User), scanString, t.q(`SELECT id FROM users WHERE id = ?`), string(g.User))
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, sandik.Invalid("invalid grant", []sandik.Problem{{Field: "user", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("no user %q", g.User)}})
	}
	areas := make([]string, len(g.Areas))
	for i, a := range g.Areas {
		areas[i] = string(a)
	}
	err = t.Exec(ctx, t.q(`INSERT INTO user_grants (id, user_id, role, areas, from_at, until_at, reason, granted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		string(g.ID), string(g.User), string(g.Role), strings.Join(areas, "\n"), Nanos(g.From), Nanos(g.Until), g.Reason, string(g.GrantedBy))
	if t.Unique(err) {
		return nil, fmt.Errorf("%w: %w", conflict("id", "grant %q exists already", g.ID), err)
	}
	if err != nil {
		return nil, err
	}
	return []ledger.Record{ledger.GrantRecord(g)}, nil
}

// RevokeGrant ends grant id at at and returns its leaf.
func (t OrgTx) RevokeGrant(ctx context.Context, id sandik.GrantID, at time.Time, by sandik.UserID) ([]ledger.Record, error) {
	g, err := t.Grant(ctx, id)
	switch {
	case err != nil:
		return nil, err
	case !g.Revoked.IsZero():
		return nil, sandik.Errorf(sandik.EConflict, "grant %q was revoked already by %s", id, g.RevokedBy)
	case !at.Before(g.Until):
		return nil, sandik.Errorf(sandik.EConflict, "grant %q has expired already", id)
	}
	g.Revoked, g.RevokedBy = at.UTC(), by
	if err := t.Exec(ctx, t.q(`UPDATE user_grants SET revoked_at = ?, revoked_by = ? WHERE id = ?`), Nanos(g.Revoked), string(by), string(id)); err != nil {
		return nil, err
	}
	return []ledger.Record{ledger.GrantRecord(g)}, nil
}
