package strict

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sandik-dev/sandik"
)

// The request types the tests decode: the HTTP layer's own are alike.
type batchInput struct {
	Items []sandik.SheetInput `json:"items"`
}

var (
	sheetShape = ShapeOf(reflect.TypeFor[sandik.SheetInput]())
	batchShape = ShapeOf(reflect.TypeFor[batchInput]())
)

const validSheet = `{
  "id": "f-1",
  "race": "IST-BB",
  "box": "34.01.01.01",
  "source": "observer",
  "captured_at": "2019-03-31T19:40:00+03:00",
  "registered": 300,
  "voted_by_law": 2,
  "voted": 203,
  "valid_without_objection": 199,
  "valid_upon_objection": 1,
  "valid_total": 200,
  "invalid_total": 3,
  "votes": {"CHP": 100, "AKP": 90, "SP": 10}
}`

func TestDecodeSheet(t *testing.T) {
	var in sandik.SheetInput
	if err := Decode([]byte(validSheet), sheetShape, &in); err != nil {
		t.Fatal(err)
	}
	if in.ID != "f-1" || *in.Voted != 203 || *in.Votes["SP"] != 10 || in.CapturedAt.Hour() != 19 || *in.VotedByLaw != 2 {
		t.Errorf("decoded %+v", in)
	}
	// Escapes in keys and strings are understood.
	var esc sandik.SheetInput
	if err := Decode([]byte(`{"\u0069d":"a\/b","votes":{"C\u0048P":null}}`), sheetShape, &esc); err != nil {
		t.Fatal(err)
	}
	if v, ok := esc.Votes["CHP"]; esc.ID != "a/b" || !ok || v != nil {
		t.Errorf("decoded %+v", esc)
	}
}

// Every problem names the field, the rule and where it is.
func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		name, body     string
		field, rule    string
		line           int
		messageContain string
	}{
		{"type in votes", strings.Replace(validSheet, `"CHP": 100`, `"CHP": "100"`, 1), "votes.CHP", RuleType, 14, "expected a whole number, got string"},
		{"unknown field", strings.Replace(validSheet, `"voted": 203`, `"turnout": 203`, 1), "turnout", RuleUnknownField, 9, "unknown field"},
		{"case", strings.Replace(validSheet, `"voted": 203`, `"VOTED": 203`, 1), "VOTED", RuleUnknownField, 9, `did you mean "voted"`},
		{"duplicate", strings.Replace(validSheet, `"voted": 203`, `"voted": 203, "voted": 204`, 1), "voted", sandik.RuleDuplicate, 9, "twice"},
		{"exponent", strings.Replace(validSheet, `"voted": 203`, `"voted": 2.03e2`, 1), "voted", RuleType, 9, "got 2.03e2"},
		{"overflow", strings.Replace(validSheet, `"voted": 203`, `"voted": 99999999999999999999`, 1), "voted", RuleType, 9, "out of range"},
		{"leading zero", strings.Replace(validSheet, `"voted": 203`, `"voted": 0203`, 1), "voted", RuleSyntax, 9, "start with 0"},
		{"null id", strings.Replace(validSheet, `"f-1"`, `null`, 1), "id", RuleType, 2, "expected a string, got null"},
		{"bool for number", strings.Replace(validSheet, `"voted": 203`, `"voted": true`, 1), "voted", RuleType, 9, "got boolean"},
		{"bad time", strings.Replace(validSheet, `19:40:00`, `25:40:00`, 1), "captured_at", RuleType, 6, "hour out of range"},
		{"votes as array", strings.Replace(validSheet, `{"CHP": 100, "AKP": 90, "SP": 10}`, `[100, 90, 10]`, 1), "votes", RuleType, 14, "expected an object, got array"},
		{"missing comma", strings.Replace(validSheet, `"voted": 203,`, `"voted": 203`, 1), "", RuleSyntax, 10, "expected ',' or '}'"},
		{"trailing comma", strings.Replace(validSheet, `"SP": 10}`, `"SP": 10,}`, 1), "votes", RuleSyntax, 14, "field name"},
		{"trailing data", validSheet + "\n{}", "", RuleTrailingData, 16, "after the JSON object"},
		{"control char", strings.Replace(validSheet, `"f-1"`, "\"f\t1\"", 1), "id", RuleSyntax, 2, "control character"},
		{"bad escape", strings.Replace(validSheet, `"f-1"`, `"f\x1"`, 1), "id", RuleSyntax, 2, "invalid escape"},
		{"bad utf-8", strings.Replace(validSheet, `"f-1"`, "\"f\xff\"", 1), "id", RuleSyntax, 2, "UTF-8"},
		{"unterminated", `{"id": "f-1`, "id", RuleSyntax, 1, "unterminated"},
		{"bare word", `{"id": f}`, "id", RuleType, 1, `got 'f'`},
		{"not an object", `"sheet"`, "", RuleType, 1, "expected an object, got string"},
		{"empty", " \n ", "", RuleEmptyBody, 0, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in sandik.SheetInput
			err := Decode([]byte(tt.body), sheetShape, &in)
			if sandik.CodeOf(err) != EBadRequest {
				t.Fatalf("err = %v", err)
			}
			ps := sandik.ProblemsOf(err)
			if len(ps) != 1 {
				t.Fatalf("problems = %+v", ps)
			}
			p := ps[0]
			if p.Field != tt.field || p.Rule != tt.rule || p.Line != tt.line || !strings.Contains(p.Message, tt.messageContain) {
				t.Errorf("problem = %+v\nwant field %q rule %q line %d message containing %q", p, tt.field, tt.rule, tt.line, tt.messageContain)
			}
		})
	}
}

func TestDecodeBatchPaths(t *testing.T) {
	body := `{"items": [` + validSheet + `,` + strings.Replace(validSheet, `"SP": 10`, `"SP": -1.5`, 1) + `]}`
	var in batchInput
	err := Decode([]byte(body), batchShape, &in)
	if ps := sandik.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "items[1].votes.SP" || ps[0].Line != 28 {
		t.Errorf("problems = %+v", ps)
	}
	if err := Decode([]byte(`{"items":[`+validSheet+`]}`), batchShape, &in); err != nil || len(in.Items) != 1 {
		t.Errorf("err %v, items %d", err, len(in.Items))
	}
	if ps := sandik.ProblemsOf(Decode([]byte(`{"items":[{"id":"x"}],"extra":1}`), batchShape, &in)); len(ps) != 1 || ps[0].Field != "extra" {
		t.Errorf("problems = %+v", ps)
	}
}

// The shape knows every field of the request types by its JSON name.
func TestShapeCoversSheetInput(t *testing.T) {
	typ := reflect.TypeFor[sandik.SheetInput]()
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if sheetShape.fields[name] == nil {
			t.Errorf("field %s (%q) is not in the shape", f.Name, name)
		}
	}
	if len(sheetShape.fields) != typ.NumField() {
		t.Errorf("shape has %d fields, SheetInput %d", len(sheetShape.fields), typ.NumField())
	}
}

// FuzzDecodeSheet: the decoder never panics; it never accepts what
// encoding/json calls invalid; every problem says where; an accepted body
// re-encodes to one that decodes to the same sheet.
func FuzzDecodeSheet(f *testing.F) {
	f.Add([]byte(validSheet))
	f.Add([]byte(`{"id":"a","votes":{"CHP":1,"CHP":2}}`))
	f.Add([]byte(`{"id":"\ud800","reason":"\u00e7","captured_at":"2019-03-31T19:40:00.5Z"}`))
	f.Add([]byte(`{"registered":-0,"voted":null,"votes":null}`))
	f.Add([]byte(`{"items":[]}`))
	f.Add([]byte(`[1,2,3]`))
	f.Add([]byte(`{"id":"a"} `))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in sandik.SheetInput
		err := Decode(data, sheetShape, &in)
		if err != nil {
			if sandik.CodeOf(err) != EBadRequest {
				t.Fatalf("code %s: %v", sandik.CodeOf(err), err)
			}
			if ps := sandik.ProblemsOf(err); len(ps) != 1 || (ps[0].Line == 0 && ps[0].Rule != RuleEmptyBody) {
				t.Fatalf("problem without a position: %+v", ps)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		again, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var back sandik.SheetInput
		if err := Decode(again, sheetShape, &back); err != nil {
			t.Fatalf("re-encoded %s: %v", again, err)
		}
		if diff := cmp.Diff(in, back, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Fatalf("round trip of %q changed (-first +second):\n%s", data, diff)
		}
	})
}

func BenchmarkDecodeSheet(b *testing.B) {
	data := []byte(validSheet)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var in sandik.SheetInput
		if err := Decode(data, sheetShape, &in); err != nil {
			b.Fatal(err)
		}
	}
}

// A shape that requires every field names each one missing, by its path,
// all at once, and takes fractions where the type does.
func TestRequireAll(t *testing.T) {
	type inner struct {
		Z float64 `json:"z"`
		N int     `json:"n"`
	}
	type body struct {
		Version int   `json:"version"`
		Inner   inner `json:"inner"`
	}
	sh := RequireAll(ShapeOf(reflect.TypeFor[body]()))
	var in body
	err := Decode([]byte(`{"inner": {"z": 1.5e-1}}`), sh, &in)
	var fields []string
	for _, p := range sandik.ProblemsOf(err) {
		fields = append(fields, p.Field+"/"+p.Rule)
	}
	if sandik.CodeOf(err) != sandik.EInvalid || strings.Join(fields, " ") != "inner.n/required version/required" {
		t.Fatalf("missing fields: %v (%v)", fields, err)
	}
	if err := Decode([]byte(`{"version": 2, "inner": {"z": 0.25, "n": 3}}`), sh, &in); err != nil || in.Inner.Z != 0.25 || in.Version != 2 {
		t.Fatalf("decoded %+v, %v", in, err)
	}
	if err := Decode([]byte(`{"version": 2, "inner": {"z": 1, "n": 0.5}}`), sh, &in); sandik.CodeOf(err) != EBadRequest {
		t.Fatalf("a fraction for a whole number: %v", err)
	}
}

// everyKind has a field of every kind a shape knows, for the walk's
// filling to be compared with encoding/json's.
type everyKind struct {
	S     string                       `json:"s"`
	Named sandik.RaceCode              `json:"named"`
	I     int                          `json:"i"`
	I8    int8                         `json:"i8"`
	I32   *int32                       `json:"i32"`
	F     float64                      `json:"f"`
	F32   float32                      `json:"f32"`
	B     bool                         `json:"b"`
	PB    *bool                        `json:"pb"`
	PP    **int64                      `json:"pp"`
	T     time.Time                    `json:"t"`
	PT    *time.Time                   `json:"pt"`
	Raw   json.RawMessage              `json:"raw"`
	Text  upper                        `json:"text"`
	Votes map[sandik.ChoiceCode]*int64 `json:"votes"`
	Keys  map[upper]int                `json:"keys"`
	List  []everyInner                 `json:"list"`
	Ptrs  []*everyInner                `json:"ptrs"`
	In    everyInner                   `json:"in"`
	PIn   *everyInner                  `json:"pin"`
	Nest  map[string][]string          `json:"nest"`
}

type everyInner struct {
	N  int64    `json:"n"`
	Ss []string `json:"ss"`
}

// upper is a text unmarshaler: upper case, never empty.
type upper string

func (u *upper) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		return errors.New("empty")
	}
	*u = upper(strings.ToUpper(string(b)))
	return nil
}

var everyShape = ShapeOf(reflect.TypeFor[everyKind]())

// prefilled is the value both decoders start from: encoding/json fills
// into what is there (maps gain keys, pointers are written through), and
// so must the walk.
func prefilled() everyKind {
	one, two := int64(1), int64(2)
	p := &two
	return everyKind{S: "was", I: 7, PP: &p, Votes: map[sandik.ChoiceCode]*int64{"OLD": &one},
		List: make([]everyInner, 1, 4), PIn: &everyInner{N: 9, Ss: []string{"x"}}, Keys: map[upper]int{"K": 1}}
}

const everyBody = `{"s":"a\u00e7b","named":"IST","i":-12,"i8":-128,"i32":2147483647,"f":1.5e3,"f32":-0.25,
"b":true,"pb":false,"pp":3,"t":"2019-03-31T19:40:00+03:00","pt":null,"raw":"x\"y","text":"abc",
"votes":{"CHP":100,"AKP":null},"keys":{"k":2,"z":3},"list":[{"n":1,"ss":["a","b"]},{"n":2,"ss":[]}],
"ptrs":[null,{"n":3}],"in":{"n":4},"pin":{"ss":null},"nest":{"a":["b"],"c":null}}`

// The walk fills a value exactly as encoding/json does, from a zero value
// and from a filled one.
func TestDecodeFillsAsEncodingJSON(t *testing.T) {
	for _, body := range []string{everyBody, `{}`, `{"list":[],"votes":{},"pp":null,"pin":null}`} {
		for _, start := range []func() everyKind{func() everyKind { return everyKind{} }, prefilled} {
			got, want := start(), start()
			if err := Decode([]byte(body), everyShape, &got); err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			if err := decodeJSON([]byte(body), &want); err != nil {
				t.Fatalf("encoding/json: %s: %v", body, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (-encoding/json +walk):\n%s", body, diff)
			}
		}
	}
	if got := everyKind(prefilled()); **got.PP != 2 {
		t.Fatal("prefilled shares its pointers")
	}
}

func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// Numbers that fit an int64 or a float64 but not the field are refused
// with the field's name.
func TestDecodeNarrowNumbers(t *testing.T) {
	for body, field := range map[string]string{`{"i8":128}`: "i8", `{"i32":-2147483649}`: "i32", `{"f32":1e39}`: "f32",
		`{"keys":{"":1}}`: "keys.", `{"text":""}`: "text"} {
		var v everyKind
		ps := sandik.ProblemsOf(Decode([]byte(body), everyShape, &v))
		if len(ps) != 1 || ps[0].Field != field || ps[0].Rule != RuleType {
			t.Errorf("%s: problems %+v", body, ps)
		}
	}
}

// A value of another type than the shape's is filled by encoding/json
// after the walk, as before the walk filled values itself.
func TestDecodeOtherType(t *testing.T) {
	var m map[string]any
	if err := Decode([]byte(`{"id":"a","votes":{"X":1}}`), sheetShape, &m); err != nil || m["id"] != "a" {
		t.Fatalf("%v %v", m, err)
	}
}

// FuzzDecodeFillsAsEncodingJSON: whatever the walk accepts, encoding/json
// accepts too and fills the same value, from a zero value and from a
// filled one.
func FuzzDecodeFillsAsEncodingJSON(f *testing.F) {
	f.Add([]byte(everyBody))
	f.Add([]byte(`{"pp":null,"ptrs":[],"keys":{"a":1,"A":2}}`))
	f.Add([]byte(`{"f":-0,"i":-0,"f32":3.4e38,"nest":{"":[""]}}`))
	f.Add([]byte(validSheet))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, start := range []func() everyKind{func() everyKind { return everyKind{} }, prefilled} {
			got, want := start(), start()
			if err := Decode(data, everyShape, &got); err != nil {
				return
			}
			if err := decodeJSON(data, &want); err != nil {
				t.Fatalf("accepted %q, which encoding/json refuses: %v", data, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%q (-encoding/json +walk):\n%s", data, diff)
			}
		}
	})
}
