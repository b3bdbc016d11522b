package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/sandik-dev/sandik"
)

// referenceRows is the page reader the scanner replaced, through
// encoding/json's maps: the scanner must read every page as it did.
func referenceRows(m Mapping, body []byte) ([]row, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		return nil, garbage("not a JSON object (%v); a page cut short or an error page", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, garbage("data after the JSON document")
	}
	raw, ok := doc[m.Boxes]
	if !ok {
		return nil, garbage("no %q array of boxes", m.Boxes)
	}
	items := []map[string]any{}
	idec := json.NewDecoder(bytes.NewReader(raw))
	idec.UseNumber()
	if err := idec.Decode(&items); err != nil {
		return nil, garbage("%q is not an array of objects: %v", m.Boxes, err)
	}
	if m.Count != "-" {
		var n int
		if err := json.Unmarshal(doc[m.Count], &n); err != nil {
			return nil, garbage("no whole number %q of boxes: the page cannot be told complete", m.Count)
		}
		if n != len(items) {
			return nil, garbage("partial page: %q says %d boxes, the page holds %d", m.Count, n, len(items))
		}
	}
	rows := make([]row, len(items))
	for i, it := range items {
		r := row{where: m.Boxes + "[" + strconv.Itoa(i) + "]", fields: map[string]string{}, votes: map[string]string{}}
		for k, v := range it {
			if k == m.Votes {
				votes, ok := v.(map[string]any)
				if !ok {
					r.fields["\x00votes"] = refScalar(v)
					continue
				}
				for c, n := range votes {
					r.votes[c] = refScalar(n)
				}
				continue
			}
			r.fields[k] = refScalar(v)
		}
		rows[i] = r
	}
	return rows, nil
}

func refScalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprintf("%v", v)
}

// genValue draws a JSON scalar as a publisher writes one, and its text.
func genScalar(t *rapid.T, label string) string {
	switch rapid.IntRange(0, 6).Draw(t, label+"-kind") {
	case 0:
		return strconv.Quote(rapid.StringMatching(`[0-9A-Za-zçğıöşüÇĞİÖŞÜ .-]{0,12}`).Draw(t, label+"-s"))
	case 1:
		return `"` + rapid.SampledFrom([]string{`a\"b`, `\u0130stanbul`, `tab\tx`, `\\`, `\/`, `\ud83d\ude00`, "\xff\xfe"}).Draw(t, label+"-esc") + `"`
	case 2:
		return strconv.Itoa(rapid.IntRange(-5, 100000).Draw(t, label+"-n"))
	case 3:
		return rapid.SampledFrom([]string{"1.5", "1e3", "-0", "12E-1", "0.0"}).Draw(t, label+"-f")
	case 4:
		return rapid.SampledFrom([]string{"true", "false"}).Draw(t, label+"-b")
	case 5:
		return "null"
	}
	return strconv.Quote(strconv.Itoa(rapid.IntRange(0, 999).Draw(t, label+"-q")))
}

func genWS(t *rapid.T, label string) string {
	return rapid.SampledFrom([]string{"", "", " ", "\n  ", "\t", "\r\n"}).Draw(t, label)
}

// genPage draws a page of the default mapping's shape, well formed or
// nearly: members in any order and sometimes twice, null rows and
// votes, a count that may be wrong or missing, members the reader skips.
func genPage(t *rapid.T) string {
	var b strings.Builder
	keys := []string{"box", "race", "registered", "voted", "valid_total", "invalid_total", "ilçe", `k\u0131z`}
	nrows := rapid.IntRange(0, 6).Draw(t, "rows")
	b.WriteString("{" + genWS(t, "ws0"))
	var members []string
	if !rapid.Bool().Draw(t, "boxes-null") {
		var rows []string
		for i := range nrows {
			if rapid.IntRange(0, 9).Draw(t, fmt.Sprintf("null-row-%d", i)) == 0 {
				rows = append(rows, "null")
				continue
			}
			var fs []string
			for j := range rapid.IntRange(0, 7).Draw(t, fmt.Sprintf("fields-%d", i)) {
				k := rapid.SampledFrom(keys).Draw(t, fmt.Sprintf("key-%d-%d", i, j))
				fs = append(fs, `"`+k+`"`+genWS(t, "wsk")+":"+genWS(t, "wsv")+genScalar(t, fmt.Sprintf("v-%d-%d", i, j)))
			}
			for v := range rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("votes-%d", i)) {
				if rapid.IntRange(0, 5).Draw(t, fmt.Sprintf("votes-scalar-%d-%d", i, v)) == 0 {
					fs = append(fs, `"votes":`+genScalar(t, fmt.Sprintf("vs-%d-%d", i, v)))
					continue
				}
				var vs []string
				for c := range rapid.IntRange(0, 4).Draw(t, fmt.Sprintf("choices-%d-%d", i, v)) {
					name := rapid.SampledFrom([]string{"CHP", "AK PARTİ", "İYİ", `M\u0048P`, "ak-parti"}).Draw(t, fmt.Sprintf("c-%d-%d-%d", i, v, c))
					vs = append(vs, strconv.Quote(name)+":"+genWS(t, "wsc")+genScalar(t, fmt.Sprintf("cv-%d-%d-%d", i, v, c)))
				}
				fs = append(fs, `"votes":{`+strings.Join(vs, ",")+"}")
			}
			rows = append(rows, "{"+strings.Join(fs, ","+genWS(t, "wsf"))+"}")
		}
		members = append(members, `"boxes":`+genWS(t, "wsb")+"["+strings.Join(rows, ","+genWS(t, "wsr"))+"]")
	} else {
		members = append(members, `"boxes":null`)
	}
	switch rapid.IntRange(0, 4).Draw(t, "count") {
	case 0:
	case 1:
		members = append(members, `"count":"`+strconv.Itoa(nrows)+`"`)
	case 2:
		members = append(members, `"count":`+strconv.Itoa(nrows+rapid.IntRange(-1, 1).Draw(t, "off")))
	default:
		members = append(members, `"count":`+strconv.Itoa(nrows))
	}
	if rapid.Bool().Draw(t, "extra") {
		members = append(members, `"meta":{"a":[1,{"b":"}]"}],"c":null}`)
	}
	perm := rapid.Permutation(members).Draw(t, "order")
	b.WriteString(strings.Join(perm, ","+genWS(t, "wsm")))
	b.WriteString(genWS(t, "wse") + "}" + rapid.SampledFrom([]string{"", "\n", " x", "{}"}).Draw(t, "tail"))
	if rapid.IntRange(0, 9).Draw(t, "cut") == 0 {
		s := b.String()
		return s[:rapid.IntRange(0, len(s)).Draw(t, "at")]
	}
	return b.String()
}

// jsonRowsOf collects the rows jsonRows hands out, each copied: it hands
// out one row value, reused.
func jsonRowsOf(d *Decoder, body []byte) ([]row, error) {
	rows := []row{}
	n, err := d.jsonRows(body, func(r *row) {
		rows = append(rows, row{where: r.where, line: r.line, fields: maps.Clone(r.fields), votes: maps.Clone(r.votes)})
	})
	if err != nil {
		return nil, err
	}
	if n != len(rows) {
		return nil, fmt.Errorf("jsonRows counted %d rows and handed out %d", n, len(rows))
	}
	return rows, nil
}

// The scanner reads every page exactly as encoding/json's maps did: the
// same rows, fields and votes, or the same refusal in the same words.
func TestScannerReadsAsEncodingJSON(t *testing.T) {
	m := DefaultMapping()
	rapid.Check(t, func(t *rapid.T) {
		page := genPage(t)
		want, werr := referenceRows(m, []byte(page))
		d := &Decoder{m: m}
		got, gerr := jsonRowsOf(d, []byte(page))
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("page %q: error %v, want %v", page, gerr, werr)
		}
		if werr != nil {
			sameRefusal(t, page, gerr, werr)
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("page %q:\n got %+v\nwant %+v", page, got, want)
		}
	})
}

// nationalPage writes a page of 200,000 boxes as the fake feed does.
func nationalPage() []byte {
	var b bytes.Buffer
	b.WriteString(`{"count":200000,"boxes":[`)
	for i := range 200000 {
		if i > 0 {
			b.WriteString(",\n")
		}
		v := i % 50
		fmt.Fprintf(&b, `{"box":"%d.%d.1.%d","registered":350,"voted":300,"valid_without_objection":290,"valid_upon_objection":0,"valid_total":290,"invalid_total":10,"votes":{"CHP":%d,"AK PARTİ":%d,"MHP":40,"İYİ":30,"DEM":20}}`,
			1+i/2600, i/200, 1000+i%200, 100+v, 100-v)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// go test ./feed -run x -bench ReadNationalPage: the scanner against
// encoding/json's maps, on the same 200,000-box page in the same run.
func BenchmarkReadNationalPage(b *testing.B) {
	page := nationalPage()
	m := DefaultMapping()
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		d := &Decoder{m: m}
		for b.Loop() {
			if _, err := d.jsonRows(page, func(*row) {}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			if _, err := referenceRows(m, page); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Any body at all: the scanner refuses what encoding/json's reading
// refused, for the same member, and reads the rest to the same rows (a
// member's value that is an object or an array aside, which both only
// report as not a figure).
func FuzzScanner(f *testing.F) {
	f.Add([]byte(`{"count":1,"boxes":[{"box":"34.1.1.1043","registered":300,"votes":{"CHP":140,"AK PARTİ":"100"}}]}`))
	f.Add([]byte(`{"boxes":null,"count":0}`))
	f.Add([]byte(`{"boxes":[null,{"votes":null,"votes":{"A":1}}],"count":2} `))
	f.Add([]byte(`{"boxes":[{"k\u0131z":"\ud83d\ude00","x":1e3,"y":true}],"count":"1"}`))
	f.Add([]byte(`<html>502</html>`))
	m := DefaultMapping()
	f.Fuzz(func(t *testing.T, page []byte) {
		want, werr := referenceRows(m, page)
		got, gerr := jsonRowsOf(&Decoder{m: m}, page)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("page %q: error %v, want %v", page, gerr, werr)
		}
		if werr != nil {
			sameRefusal(t, string(page), gerr, werr)
			return
		}
		nested := func(rs []row) bool {
			for _, r := range rs {
				for k, v := range r.fields {
					if k == "\x00votes" || strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[") || strings.HasPrefix(v, "map[") {
						return true
					}
				}
				for _, v := range r.votes {
					if strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[") || strings.HasPrefix(v, "map[") {
						return true
					}
				}
			}
			return false
		}
		if !nested(want) && !nested(got) && !reflect.DeepEqual(got, want) {
			t.Fatalf("page %q:\n got %+v\nwant %+v", page, got, want)
		}
	})
}

// sameRefusal fails t unless the scanner refused page as encoding/json's
// reading did: one problem, of the same member, in the same words but
// for a member that is not an array of objects (encoding/json names Go
// types there).
func sameRefusal(t interface{ Fatalf(string, ...any) }, page string, gerr, werr error) {
	g, w := sandik.ProblemsOf(gerr), sandik.ProblemsOf(werr)
	if len(g) != 1 || len(w) != 1 || g[0].Field != w[0].Field {
		t.Fatalf("page %q: refused with %v, want %v", page, g, w)
		return
	}
	notArray := strings.Contains(w[0].Message, "is not an array of objects") && strings.Contains(g[0].Message, "is not an array of objects")
	if g[0].Message != w[0].Message && !notArray {
		t.Fatalf("page %q: refused with %q, want %q", page, g[0].Message, w[0].Message)
	}
}

// A page read as it arrives, in pieces of any size, is read as the same
// page held whole: the same rows, or the same refusal.
func TestScannerReadsPagesInPieces(t *testing.T) {
	m := DefaultMapping()
	rapid.Check(t, func(t *rapid.T) {
		page := genPage(t)
		d := &Decoder{m: m}
		want, werr := jsonRowsOf(d, []byte(page))
		piece := rapid.IntRange(1, 7).Draw(t, "piece")
		var got []row
		n, gerr := d.jsonRowsFrom(&pieces{b: []byte(page), n: piece}, func(r *row) {
			got = append(got, row{where: r.where, line: r.line, fields: maps.Clone(r.fields), votes: maps.Clone(r.votes)})
		})
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("page %q in pieces of %d: error %v, want %v", page, piece, gerr, werr)
		}
		if werr != nil {
			sameRefusal(t, page, gerr, werr)
			return
		}
		if n != len(want) || !reflect.DeepEqual(got, want) && len(want) > 0 {
			t.Fatalf("page %q in pieces of %d:\n got %d %+v\nwant %+v", page, piece, n, got, want)
		}
	})
}

// pieces hands out b n bytes at a time, as a network does.
type pieces struct {
	b []byte
	n int
}

func (p *pieces) Read(b []byte) (int, error) {
	if len(p.b) == 0 {
		return 0, io.EOF
	}
	k := copy(b[:min(len(b), p.n)], p.b)
	p.b = p.b[k:]
	return k, nil
}
