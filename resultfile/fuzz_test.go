package resultfile

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sandik-dev/sandik"
)

// checkProblems fails on a problem without a field, rule or message.
func checkProblems(t *testing.T, ps []sandik.Problem) {
	t.Helper()
	for _, p := range ps {
		if p.Field == "" || p.Rule == "" || p.Message == "" {
			t.Fatalf("incomplete problem %+v", p)
		}
	}
}

func FuzzReader(f *testing.F) {
	recs := sampleRecords(f)[:4]
	f.Add(encodeTable(recs, "\t", "\r\n", false, encUTF16LE))
	f.Add(encodeTable(recs, ";", "\n", true, encUTF8BOM))
	f.Add(encodeTable(recs, ",", "\n", false, encUTF16BE))
	f.Add(tsv(smallHeader, smallRow("1"), append(smallRow("2"), "x"), smallRow("3")[:4]))
	f.Add([]byte("İl;Seçim Çevresi;\"a\nb\";x\n\"unclosed"))
	f.Add([]byte{0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00})
	f.Add(encodeTable(append([][]string{{"2014 Mahalli İdareler Seçimi, Adana"}, {}, {"Kaynak; YSK", ""}}, recs...), ",", "\r\n", false, encUTF8))
	f.Fuzz(checkReader)
}

// checkReader reads data to the end: no panic, every problem complete,
// rows in line order with one vote per choice.
func checkReader(t *testing.T, data []byte) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		if sandik.CodeOf(err) != sandik.EInvalid {
			t.Fatalf("in-memory read failed with %v", err)
		}
		checkProblems(t, sandik.ProblemsOf(err))
		return
	}
	n := len(r.Choices())
	last := r.HeaderLine()
	if last < 1 || last > MaxHeaderLine {
		t.Fatalf("header on line %d", last)
	}
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			if sandik.CodeOf(err) != sandik.EInvalid {
				t.Fatalf("in-memory read failed with %v", err)
			}
			checkProblems(t, sandik.ProblemsOf(err))
			return
		}
		if len(row.Votes) != n || row.Line <= last {
			t.Fatalf("row %+v after line %d with %d choices", row, last, n)
		}
		last = row.Line
		checkProblems(t, row.Problems)
		for _, p := range row.Problems {
			if p.Line != row.Line {
				t.Fatalf("problem %+v on another line than row %d", p, row.Line)
			}
		}
		if len(row.Problems) == 0 {
			for _, v := range append([]int64{row.Registered, row.Voted, row.ValidTotal, row.Invalid}, row.Votes...) {
				if v < -1 || v > sandik.MaxSheetNumber {
					t.Fatalf("accepted figure %d", v)
				}
			}
		}
	}
}

func FuzzObserver(f *testing.F) {
	paths, _ := filepath.Glob("testdata/ovo2023-adana/school_*.json")
	for _, p := range paths[:3] {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(raw))
	}
	f.Add(`[{"ballot_box_number": 1, "ballot_box_number": "2", "x": null, "cm_result": {"votes": {"0": -1, "3": 1.5}}}, 7, null]`)
	f.Add(`[{}] []`)
	f.Fuzz(checkObserver)
}

// checkObserver decodes data: no panic, every problem complete.
func checkObserver(t *testing.T, data string) {
	boxes, err := ReadObserverFile("school_1.json", strings.NewReader(data))
	if err != nil {
		if sandik.CodeOf(err) != sandik.EInvalid {
			t.Fatalf("in-memory read failed with %v", err)
		}
		checkProblems(t, sandik.ProblemsOf(err))
		return
	}
	for i, b := range boxes {
		if b.Index != i || b.SchoolID != "1" {
			t.Fatalf("box %d: %+v", i, b)
		}
		checkProblems(t, b.Problems)
		for _, r := range b.Results {
			if len(r.Votes) > MaxBallotOrder {
				t.Fatalf("%d votes", len(r.Votes))
			}
		}
	}
}

// TestMutations runs both checks on seeded random mutations of real files,
// so every test run covers what a short fuzzing run would.
func TestMutations(t *testing.T) {
	table := encodeTable(sampleRecords(t)[:6], ";", "\r\n", true, encUTF8)
	observer, err := os.ReadFile("testdata/ovo2023-adana/school_133768.json")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 14))
	mutate := func(src []byte) []byte {
		b := bytes.Clone(src)
		for range 1 + rng.IntN(6) {
			switch i := rng.IntN(len(b)); rng.IntN(3) {
			case 0:
				b[i] = byte(rng.IntN(256))
			case 1:
				const special = "\"\t;,\n\r{}[]:-0123456789"
				b[i] = special[rng.IntN(len(special))]
			default:
				b = append(b[:i], b[min(len(b), i+1+rng.IntN(8)):]...)
			}
			if len(b) == 0 {
				b = []byte{'['}
			}
		}
		return b
	}
	for range 3000 {
		checkReader(t, mutate(table))
		checkObserver(t, string(mutate(observer)))
	}
}
