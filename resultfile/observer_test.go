package resultfile

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

// The 30 real Adana files: every box, result and vote matches a loose
// decode with encoding/json, and the totals match figures computed once
// with jq.
func TestObserverRealFiles(t *testing.T) {
	paths, err := filepath.Glob("testdata/ovo2023-adana/school_*.json")
	if err != nil || len(paths) != 30 {
		t.Fatalf("%d files, %v", len(paths), err)
	}
	var boxes, cm, mv int
	var cmVotes [4]int64
	var cmTotal int64
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadObserverFile(filepath.Base(p), strings.NewReader(string(raw)))
		if err != nil {
			t.Fatal(err)
		}
		var loose []map[string]any
		if err := json.Unmarshal(raw, &loose); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(loose) {
			t.Fatalf("%s: %d boxes, want %d", p, len(got), len(loose))
		}
		id := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "school_"), ".json")
		for i, b := range got {
			l := loose[i]
			if len(b.Problems) > 0 {
				t.Fatalf("%s[%d]: %v", p, i, b.Problems)
			}
			if b.File != filepath.Base(p) || b.Index != i || b.SchoolID != id || b.SchoolName != l["school_name"] ||
				b.BoxNo != strconv.Itoa(int(l["ballot_box_number"].(float64))) {
				t.Fatalf("%s[%d]: %+v", p, i, b)
			}
			var races []ObserverResult
			for _, key := range []string{"cm_result", "mv_result"} {
				res, ok := l[key].(map[string]any)
				if !ok {
					continue
				}
				o := ObserverResult{Race: key[:2], SubmissionID: int64(res["submission_id"].(float64)),
					ImageURL: res["image_url"].(string), TotalVote: int64(res["total_vote"].(float64))}
				for k, v := range res["votes"].(map[string]any) {
					n, _ := strconv.Atoi(k)
					for len(o.Votes) < n {
						o.Votes = append(o.Votes, 0)
					}
					o.Votes[n-1] = int64(v.(float64))
				}
				races = append(races, o)
			}
			if !slices.EqualFunc(races, b.Results, func(a, b ObserverResult) bool {
				return a.Race == b.Race && a.SubmissionID == b.SubmissionID && a.ImageURL == b.ImageURL &&
					a.TotalVote == b.TotalVote && slices.Equal(a.Votes, b.Votes)
			}) {
				t.Fatalf("%s[%d]: results %+v, want %+v", p, i, b.Results, races)
			}
			for _, r := range b.Results {
				if r.Race == "cm" {
					cm++
					cmTotal += r.TotalVote
					for j := range min(4, len(r.Votes)) {
						cmVotes[j] += r.Votes[j]
					}
				} else {
					mv++
				}
			}
			boxes++
		}
	}
	if boxes != 185 || cm != 152 || mv != 106 || cmTotal != 47321 || cmVotes[0] != 18733 || cmVotes[2] != 25914 {
		t.Fatalf("boxes %d cm %d mv %d total %d votes %v", boxes, cm, mv, cmTotal, cmVotes)
	}
}

func TestObserverProblems(t *testing.T) {
	const good = `{"ballot_box_number": 1001, "school_name": "OKUL", "cm_result": null, "mv_result": null}`
	for _, tc := range []struct {
		name  string
		box   string
		field string
		rule  string
	}{
		{"unknown box field", `{"ballot_box_number": 1, "extra": 1}`, "[1].extra", RuleUnknownField},
		{"duplicate key", `{"ballot_box_number": 1, "ballot_box_number": 2}`, "[1].ballot_box_number", sandik.RuleDuplicate},
		{"missing box number", `{"school_name": "x"}`, "[1].ballot_box_number", sandik.RuleRequired},
		{"box number zero", `{"ballot_box_number": 0}`, "[1].ballot_box_number", sandik.RuleInvalidValue},
		{"box number fraction", `{"ballot_box_number": 1.5}`, "[1].ballot_box_number", sandik.RuleInvalidValue},
		{"box number bool", `{"ballot_box_number": true}`, "[1].ballot_box_number", RuleWrongType},
		{"empty box string", `{"ballot_box_number": " "}`, "[1].ballot_box_number", sandik.RuleRequired},
		{"school name number", `{"ballot_box_number": 1, "school_name": 5}`, "[1].school_name", RuleWrongType},
		{"box not object", `[1, 2]`, "[1]", RuleWrongType},
		{"result not object", `{"ballot_box_number": 1, "cm_result": 7}`, "[1].cm_result", RuleWrongType},
		{"unknown result field", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {}, "x": 1}}`, "[1].cm_result.x", RuleUnknownField},
		{"missing votes", `{"ballot_box_number": 1, "mv_result": {"total_vote": 1}}`, "[1].mv_result.votes", sandik.RuleRequired},
		{"missing total", `{"ballot_box_number": 1, "mv_result": {"votes": {}}}`, "[1].mv_result.total_vote", sandik.RuleRequired},
		{"negative vote", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {"7": -2}}}`, "[1].cm_result.votes.7", sandik.RuleNegative},
		{"huge vote", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {"2": 1e9}}}`, "[1].cm_result.votes.2", sandik.RuleInvalidValue},
		{"vote too large", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {"2": 1000001}}}`, "[1].cm_result.votes.2", sandik.RuleTooLarge},
		{"vote as string", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {"2": "3"}}}`, "[1].cm_result.votes.2", RuleWrongType},
		{"key zero", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {"0": 3}}}`, "[1].cm_result.votes.0", sandik.RuleUnknownChoice},
		{"key padded", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {"01": 3}}}`, "[1].cm_result.votes.01", sandik.RuleUnknownChoice},
		{"key too high", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {"201": 3}}}`, "[1].cm_result.votes.201", sandik.RuleUnknownChoice},
		{"votes array", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": [3]}}`, "[1].cm_result.votes", RuleWrongType},
		{"image url number", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {}, "image_url": 3}}`, "[1].cm_result.image_url", RuleWrongType},
		{"image url javascript", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {}, "image_url": "javascript:alert(1)"}}`, "[1].cm_result.image_url", sandik.RuleInvalidValue},
		{"image url data", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {}, "image_url": "data:image/png;base64,AAAA"}}`, "[1].cm_result.image_url", sandik.RuleInvalidValue},
		{"image url relative", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {}, "image_url": "/image/a.jpg"}}`, "[1].cm_result.image_url", sandik.RuleInvalidValue},
		{"image url with password", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {}, "image_url": "https://u:p@example.org/a.jpg"}}`, "[1].cm_result.image_url", sandik.RuleInvalidValue},
		{"image url space", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {}, "image_url": "https://exa mple.org/a.jpg"}}`, "[1].cm_result.image_url", sandik.RuleInvalidValue},
		{"image url too long", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {}, "image_url": "https://example.org/` + strings.Repeat("a", sandik.MaxPhotoURL) + `"}}`, "[1].cm_result.image_url", sandik.RuleInvalidValue},
		{"submission negative", `{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {}, "submission_id": -1}}`, "[1].cm_result.submission_id", sandik.RuleNegative},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := "[\n  " + good + ",\n  " + tc.box + ",\n  " + good + "\n]\n"
			boxes, err := ReadObserverFile("dir/school_77.json", strings.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			if len(boxes) != 3 || len(boxes[0].Problems)+len(boxes[2].Problems) > 0 {
				t.Fatalf("neighbours: %+v", boxes)
			}
			if !hasProblem(boxes[1].Problems, tc.field, 3, tc.rule) {
				t.Fatalf("no problem %s/%s on line 3 in %v", tc.field, tc.rule, boxes[1].Problems)
			}
			if boxes[1].SchoolID != "77" || boxes[1].Index != 1 || boxes[1].File != "dir/school_77.json" {
				t.Fatalf("%+v", boxes[1])
			}
		})
	}
}

func TestObserverDenseVotesAndNames(t *testing.T) {
	in := `[{"ballot_box_number": "1002A", "school_name": " OKUL ", "mv_result": {"total_vote": 9, "votes": {"5": 4, "2": 5}, "image_url": null},
	"cm_result": {"total_vote": 3, "votes": {}, "submission_id": 12}}]`
	boxes, err := ReadObserverFile(`C:\veri\okul.json`, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	b := boxes[0]
	if b.SchoolID != "okul" || b.BoxNo != "1002A" || b.SchoolName != "OKUL" || len(b.Problems) > 0 || len(b.Results) != 2 {
		t.Fatalf("%+v", b)
	}
	// cm before mv whatever the key order; votes dense with zeros.
	if b.Results[0].Race != "cm" || b.Results[0].SubmissionID != 12 || len(b.Results[0].Votes) != 0 ||
		b.Results[1].Race != "mv" || !slices.Equal(b.Results[1].Votes, []int64{0, 5, 0, 0, 4}) {
		t.Fatalf("%+v", b.Results)
	}
	if boxes, err := readObserver("x.json", strings.NewReader(" [ ] "), 5); err != nil || len(boxes) != 0 {
		t.Fatalf("empty array: %v %v", boxes, err)
	}
}

func TestObserverFatal(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		text     string
	}{
		{"object", `{"ballot_box_number": 1}`, 1, "1:2: want an array"},
		{"empty", ``, 1, "ends too early"},
		{"string", `"x"`, 1, "want an array"},
		{"syntax", "[\n{\"a\": 1,}\n]", 2, "2:"},
		{"unterminated", "[\n{\"ballot_box_number\": 1}", 2, "ends too early"},
		{"trailing", "[]\n[]", 2, "2:1: data after the array"},
		{"trailing garbage", "[] x", 1, "1:4: data after the array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadObserverFile("f.json", strings.NewReader(tc.in))
			ps := headerProblems(t, err)
			if len(ps) != 1 || ps[0].Field != "f.json" || ps[0].Line != tc.line || !strings.Contains(ps[0].Message, tc.text) {
				t.Fatalf("got %+v", ps)
			}
		})
	}
	big := io.MultiReader(strings.NewReader("["), io.LimitReader(spaces{}, 1<<20))
	if ps := headerProblems(t, func() error { _, err := readObserver("big.json", big, 1<<20); return err }()); ps[0].Rule != RuleTooLong {
		t.Fatalf("%+v", ps)
	}
}

// spaces is an endless reader of JSON whitespace.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// The network's addresses may hold spaces (48 of Adana's, e.g. ".../raw/
// Adana OveO Tutanak/WhatsApp Image 2023-05-14 at 21.10.44.jpeg"): the
// box is read, and the address kept escaped.
func TestObserverImageURLWithSpaces(t *testing.T) {
	in := `[{"ballot_box_number": 1, "cm_result": {"total_vote": 1, "votes": {"1": 1},
		"image_url": "https://api-secim.oyveotesi.org/image/source2-secim-images.oyveotesi.org/raw/Adana OveO Tutanak/WhatsApp Image 2023-05-14 at 21.10.44.jpeg"}}]`
	boxes, err := ReadObserverFile("school_1.json", strings.NewReader(in))
	if err != nil || len(boxes) != 1 || len(boxes[0].Problems) > 0 {
		t.Fatalf("%+v %v", boxes, err)
	}
	const want = "https://api-secim.oyveotesi.org/image/source2-secim-images.oyveotesi.org/raw/Adana%20OveO%20Tutanak/WhatsApp%20Image%202023-05-14%20at%2021.10.44.jpeg"
	if got := boxes[0].Results[0].ImageURL; got != want {
		t.Errorf("kept %q, want %q", got, want)
	}
}
