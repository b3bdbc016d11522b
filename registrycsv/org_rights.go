package registrycsv

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/csvcell"
	"github.com/sandik-dev/sandik/msg"
)

// OrgRightsFile is the table of what positions give (görev,rol), kept
// apart from the organisation's four files: one row per kind whose right
// differs from the default, or repeats it. The role is written in
// Turkish (koordinatör, avukat, gönüllü, müşahit, or yok for none); the
// English codes are read too.
const OrgRightsFile = "yetkiler.csv"

var orgRightsHead = []string{msg.T(msg.TR, "rights.col.position"), msg.T(msg.TR, "rights.col.role")}

// rightRoles reads a role as written, folded.
var rightRoles = func() map[string]sandik.Role {
	m := map[string]sandik.Role{}
	for _, r := range []sandik.Role{"", sandik.RoleObserver, sandik.RoleVolunteer, sandik.RoleLawyer, sandik.RoleCoordinator, sandik.RoleAdmin} {
		m[normalizeName(msg.T(msg.TR, "rights.role."+string(r)))] = r
		m[normalizeName(msg.T(msg.EN, "rights.role."+string(r)))] = r
		if r != "" {
			m[string(r)] = r
		}
	}
	m[""] = ""
	return m
}()

// ReadRightsDir reads dir's yetkiler.csv; found is false when there is
// none.
func ReadRightsDir(dir string) (rights []sandik.KindRight, lines []int, found bool, err error) {
	f, err := os.Open(filepath.Join(dir, OrgRightsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	defer f.Close()
	rights, lines, err = ReadRights(f)
	return rights, lines, true, err
}

// ReadRights reads a table of kinds' rights, all or nothing: each row's
// kind a code given once, its role one the table may hold; every problem
// with its line and column, as one EInvalid error.
func ReadRights(src io.Reader) ([]sandik.KindRight, []int, error) {
	ps := &collector{}
	t, err := openTable(OrgRightsFile, src, columnsOf(orgRightsHead, 2), ps)
	if err != nil {
		return nil, nil, err
	}
	var (
		out   []sandik.KindRight
		lines []int
		seen  = map[sandik.KindCode]int{}
	)
	for t != nil {
		rec, line, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		kindCol, roleCol := normalizeName(orgRightsHead[0]), normalizeName(orgRightsHead[1])
		written := field(rec, t.col(roleCol))
		role, ok := rightRoles[normalizeName(written)]
		if !ok {
			ps.add(OrgRightsFile, line, roleCol, sandik.RuleInvalidValue, "%q is not a role (want koordinatör, avukat, gönüllü, müşahit or yok)", written)
			continue
		}
		r := sandik.KindRight{Kind: sandik.KindCode(field(rec, t.col(kindCol))), Role: role}
		bad := false
		for _, p := range sandik.ProblemsOf(r.Validate()) {
			col := kindCol
			if p.Field == "role" {
				col = roleCol
			}
			ps.add(OrgRightsFile, line, col, p.Rule, "%s", p.Message)
			bad = true
		}
		if first, dup := seen[r.Kind]; dup {
			ps.add(OrgRightsFile, line, kindCol, sandik.RuleDuplicate, "%q is already on line %d", r.Kind, first)
			continue
		}
		seen[r.Kind] = line
		if !bad {
			out, lines = append(out, r), append(lines, line)
		}
	}
	if len(ps.list) > 0 || ps.more > 0 {
		e := ps.err().(*sandik.Error)
		e.Message = fmt.Sprintf("%s has %d problem(s); nothing was changed", OrgRightsFile, len(e.Problems))
		return nil, nil, e
	}
	return out, lines, nil
}

// LocateRights names the problems of a store's refusal of rights read
// from the file ("rights[2].kind") by line and column.
func LocateRights(err error, lines []int) error {
	e, ok := errors.AsType[*sandik.Error](err)
	if !ok || len(e.Problems) == 0 {
		return err
	}
	out := *e
	out.Problems = make([]sandik.Problem, len(e.Problems))
	for i, p := range e.Problems {
		var n int
		var name string
		if _, err := fmt.Sscanf(p.Field, "rights[%d].%s", &n, &name); err == nil && n >= 0 && n < len(lines) {
			col := normalizeName(orgRightsHead[0])
			if name == "role" {
				col = normalizeName(orgRightsHead[1])
			}
			p.Field, p.Line = OrgRightsFile+":"+col, lines[n]
		}
		out.Problems[i] = p
	}
	return &out
}

// WriteRightsDir writes rights into dir's yetkiler.csv, through a
// temporary file renamed into place.
func WriteRightsDir(dir string, rights []sandik.KindRight) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+OrgRightsFile+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err = WriteRights(bw, rights); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, OrgRightsFile))
}

// WriteRights writes a table of kinds' rights with Turkish roles.
func WriteRights(w io.Writer, rights []sandik.KindRight) error {
	cw := csvcell.NewWriter(w)
	if err := cw.Write(orgRightsHead); err != nil {
		return err
	}
	for _, r := range rights {
		if err := cw.Write([]string{string(r.Kind), msg.T(msg.TR, "rights.role."+string(r.Role))}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
