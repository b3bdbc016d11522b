package sandik

import (
	"strings"
	"testing"
	"time"
)

func TestNewImported(t *testing.T) {
	reg := testRegistry(t)
	now := time.Date(2019, 3, 31, 20, 0, 0, 0, time.UTC)
	good := Tutanak{Registered: 300, Voted: 250, ValidWithoutObjection: 240, ValidTotal: 240, Invalid: 10, Votes: []int64{140, 100}}
	broken := good.Clone()
	broken.Votes[1] = 90 // Σ votes 230 ≠ 240
	broken.Invalid = 12  // 240 + 12 ≠ 250
	tests := []struct {
		name     string
		in       ImportedSheet
		warnings []string
		fields   []string // problems expected, by field
	}{
		{name: "clean official row", in: ImportedSheet{Race: "ibb", Box: "34-3-1-1001", User: "ysk", Source: SourceOfficial, Sheet: good}, warnings: []string{}},
		{name: "broken identities kept and flagged", in: ImportedSheet{Race: "ibb", Box: "34-3-1-1001", User: "ysk", Source: SourceOfficial, Sheet: broken},
			warnings: []string{"choices_sum", "voted_sum"}},
		{name: "partial observer row checks only the votes",
			in:       ImportedSheet{Race: "ibb", Box: "34-3-1-1001", User: "ovo", Source: SourceImport, Partial: true, Sheet: Tutanak{ValidTotal: 240, ValidWithoutObjection: 240, Votes: []int64{140, 100}}},
			warnings: []string{"partial"}},
		{name: "partial row whose votes do not add up",
			in:       ImportedSheet{Race: "ibb", Box: "34-3-1-1001", User: "ovo", Source: SourceImport, Partial: true, Sheet: Tutanak{ValidTotal: 241, ValidWithoutObjection: 241, Votes: []int64{140, 100}}},
			warnings: []string{"choices_sum", "partial"}},
		{name: "more voted than registered", in: ImportedSheet{Race: "ibb", Box: "34-3-1-1001", User: "ysk", Source: SourceOfficial,
			Sheet: Tutanak{Registered: 200, Voted: 250, ValidWithoutObjection: 240, ValidTotal: 240, Invalid: 10, Votes: []int64{140, 100}}},
			warnings: []string{"voted_over_registered", "registered_mismatch"}},
		{name: "unknown race and box", in: ImportedSheet{Race: "nope", Box: "zz", User: "ysk", Source: SourceOfficial, Sheet: good},
			fields: []string{"race", "box"}},
		{name: "typed source refused", in: ImportedSheet{Race: "ibb", Box: "34-3-1-1001", User: "ysk", Source: SourceObserver, Sheet: good},
			fields: []string{"source"}},
		{name: "wrong number of votes", in: ImportedSheet{Race: "ibb", Box: "34-3-1-1001", User: "ysk", Source: SourceOfficial,
			Sheet: Tutanak{ValidTotal: 1, Votes: []int64{1}}}, fields: []string{"votes"}},
		{name: "negative figure refused", in: ImportedSheet{Race: "ibb", Box: "34-3-1-1001", User: "ysk", Source: SourceOfficial,
			Sheet: Tutanak{Registered: -1, Votes: []int64{0, 0}}}, fields: []string{"registered"}},
		{name: "bad user", in: ImportedSheet{Race: "ibb", Box: "34-3-1-1001", User: "a b", Source: SourceOfficial, Sheet: good}, fields: []string{"user"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := reg.NewImported(&tc.in, now, "")
			if tc.fields != nil {
				var got []string
				for _, p := range ProblemsOf(err) {
					got = append(got, p.Field)
				}
				if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
					t.Fatalf("problems on %v, want %v (err %v)", got, tc.fields, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(s.Warnings.Names(), ","); got != strings.Join(tc.warnings, ",") {
				t.Errorf("warnings %q, want %q", got, strings.Join(tc.warnings, ","))
			}
			if s.Hash != s.ContentHash() || s.ID == "" {
				t.Errorf("id %q, hash not set", s.ID)
			}
		})
	}
}

func TestImportIDStable(t *testing.T) {
	a := ImportedSheet{Race: "ibb", Box: "34-3-1-1001", User: "ysk", Source: SourceOfficial,
		Sheet: Tutanak{Registered: 3, Voted: 2, ValidTotal: 2, ValidWithoutObjection: 2, Votes: []int64{1, 1}}}
	b := a
	b.Sheet = a.Sheet.Clone()
	if ImportID(&a) != ImportID(&b) {
		t.Fatal("the same row gave two ids")
	}
	b.Sheet.Votes[0]++
	if ImportID(&a) == ImportID(&b) {
		t.Fatal("a changed row kept its id")
	}
	c := a
	c.Partial = true
	if ImportID(&a) == ImportID(&c) {
		t.Fatal("a partial row has the id of a full one")
	}
	if id := ImportID(&a); !strings.HasPrefix(string(id), "ysk:ibb:34-3-1-1001:") || ValidateSubmissionID(id) != nil {
		t.Fatalf("id %q", id)
	}
}

// An import may not leave the namespace kept for it (the client side is
// in TestNewSubmissionRules): were the two to meet, an observer could take
// their box's official row id first and block the import for good.
func TestImportIDsStayInTheirNamespace(t *testing.T) {
	reg := testRegistry(t)
	now := time.Date(2019, 3, 31, 20, 0, 0, 0, time.UTC)
	in := ImportedSheet{Race: "ibb", Box: "34-3-1-1001", User: "ysk", Source: SourceOfficial,
		Sheet: Tutanak{Registered: 300, Voted: 250, ValidWithoutObjection: 240, ValidTotal: 240, Invalid: 10, Votes: []int64{140, 100}}}
	if id := ImportID(&in); !ImportedID(id) {
		t.Fatalf("derived id %q outside the import namespace", id)
	}
	in.ID = "ovo-ibb-7"
	if _, err := reg.NewImported(&in, now, ""); err == nil || !strings.Contains(err.Error(), "cannot be stored") {
		t.Fatalf("import id outside the namespace accepted: %v", err)
	}
	in.ID = "imp:ovo-ibb-7"
	if _, err := reg.NewImported(&in, now, ""); err != nil {
		t.Fatalf("import id inside the namespace refused: %v", err)
	}
}
