package resultfile

import (
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sandik-dev/sandik"
)

func TestSampleOfficialTable(t *testing.T) {
	raw, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	choices, rows := readTable(t, raw)
	if want := []string{"AK PARTİ", "MHP", "SAADET", "CHP", "BTP", "BBP", "DP", "DSP", "HDP", "DBP", "Diger"}; !slices.Equal(choices, want) {
		t.Fatalf("choices = %q, want %q", choices, want)
	}
	if len(rows) != 627 {
		t.Fatalf("%d rows, want 627", len(rows))
	}
	recs := sampleRecords(t)[1:]
	// Column totals and per-party totals, computed from the independent
	// split, must match what the reader returns.
	var wantSum, gotSum [6]int64
	wantVotes := make([]int64, 11)
	gotVotes := make([]int64, 11)
	for i, rec := range recs {
		for c := range 6 {
			n, err := strconv.ParseInt(rec[7+c], 10, 64)
			if err != nil {
				t.Fatalf("sample line %d: %v", i+2, err)
			}
			wantSum[c] += n
		}
		for p := range 11 {
			n, err := strconv.ParseInt(rec[13+p], 10, 64)
			if err != nil {
				t.Fatalf("sample line %d: %v", i+2, err)
			}
			wantVotes[p] += n
		}
		row := rows[i]
		if len(row.Problems) > 0 {
			t.Fatalf("line %d: %v", row.Line, row.Problems)
		}
		if row.Line != i+2 || row.BoxNo != rec[6] || row.Neighbourhood != (Place{rec[2], rec[5]}) {
			t.Fatalf("row %d: line %d box %q neighbourhood %+v", i, row.Line, row.BoxNo, row.Neighbourhood)
		}
		for c, v := range []int64{row.Registered, row.Voted, row.ValidWithoutObjection, row.ValidUponObjection, row.ValidTotal, row.Invalid} {
			gotSum[c] += v
		}
		for p, v := range row.Votes {
			gotVotes[p] += v
		}
	}
	if wantSum != gotSum {
		t.Errorf("field totals %v, want %v", gotSum, wantSum)
	}
	if !slices.Equal(wantVotes, gotVotes) {
		t.Errorf("party totals %v, want %v", gotVotes, wantVotes)
	}
	// And the same figures computed once with iconv and awk.
	if wantSum != [6]int64{176793, 162966, 156374, 0, 156374, 6592} ||
		!slices.Equal(wantVotes, []int64{61039, 42388, 1847, 48010, 224, 884, 555, 38, 816, 0, 573}) {
		t.Errorf("independent totals %v %v differ from the awk figures", wantSum, wantVotes)
	}
	want := Row{
		Line:     2,
		Province: Place{"34", "İSTANBUL"}, District: Place{"135", "ÇATALCA"}, Constituency: Place{"135", "ÇATALCA"},
		Neighbourhood: Place{"144920", "AKALAN MAH."}, BoxNo: "1001",
		Registered: 295, Voted: 272, ValidWithoutObjection: 253, ValidTotal: 253, Invalid: 19,
		Votes: []int64{54, 10, 1, 185, 0, 0, 0, 0, 0, 0, 3},
	}
	if diff := cmp.Diff(want, rows[0]); diff != "" {
		t.Errorf("first row (-want +got):\n%s", diff)
	}
	last := rows[626]
	if last.Line != 628 || last.BoxNo != "1130" || last.Province.Name != "BİLECİK" ||
		last.Constituency.Name != "BİLECİK MERKEZ-VEZİRHAN" || last.Neighbourhood.Name != "VEZİRHAN-YENİ MAH." ||
		!slices.Equal(last.Votes, []int64{107, 55, 1, 82, 0, 0, 0, 0, 0, 0, 0}) {
		t.Errorf("last row = %+v", last)
	}

}

// The same sample in every encoding, delimiter and line end reads the same.
func TestSampleVariants(t *testing.T) {
	raw, _ := os.ReadFile(samplePath)
	wantChoices, want := readTable(t, raw)
	recs := sampleRecords(t)
	for _, tc := range []struct {
		name     string
		comma    string
		eol      string
		quoteAll bool
		enc      encoding
	}{
		{"utf8 tab lf", "\t", "\n", false, encUTF8},
		{"utf8 bom tab crlf", "\t", "\r\n", false, encUTF8BOM},
		{"utf8 comma lf", ",", "\n", false, encUTF8},
		{"utf8 comma quoted crlf", ",", "\r\n", true, encUTF8},
		{"utf8 bom semicolon crlf", ";", "\r\n", false, encUTF8BOM},
		{"utf8 semicolon quoted lf", ";", "\n", true, encUTF8},
		{"utf16le tab lf", "\t", "\n", false, encUTF16LE},
		{"utf16le no bom tab crlf", "\t", "\r\n", false, encUTF16LENoBOM},
		{"utf16be semicolon crlf", ";", "\r\n", false, encUTF16BE},
		{"utf16be no bom tab lf", "\t", "\n", false, encUTF16BENoBOM},
		{"utf16be comma quoted lf", ",", "\n", true, encUTF16BE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			choices, got := readTable(t, encodeTable(recs, tc.comma, tc.eol, tc.quoteAll, tc.enc))
			if !slices.Equal(choices, wantChoices) {
				t.Fatalf("choices %q", choices)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("rows differ (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("no final line end", func(t *testing.T) {
		data := encodeTable(recs, "\t", "\n", false, encUTF8)
		_, got := readTable(t, data[:len(data)-1])
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("rows differ (-want +got):\n%s", diff)
		}
	})
}

// Headers are matched whatever their case, spacing and order; İlçe and
// Kanunen Oy Kullanan are understood.
func TestHeaderVariants(t *testing.T) {
	header := []string{"  SANDIK NO ", "il", "İLÇE", "ilce_id", "SEÇİM ÇEVRESİ", "MAHALLE/KÖY",
		"Kanunen Oy Kullanan Seçmen Sayısı", "oy kullanan  seçmen sayısı",
		"SANDIK SEÇMEN LİSTESİNDE YAZILI SEÇMENLERİN SAYISI",
		"itiraz edilmeksizin geçerli sayılan oy pusulalarının sayısı",
		"İTİRAZ ÜZERİNE GEÇERLİ SAYILAN VEYA HESABA KATILAN OY PUSULALARININ SAYISI",
		"Geçersiz Sayılan veya Hesaba Katılmayan Oy Pusulalarının Toplamı",
		"Geçerli Oy Pusulalarının Toplamı", " AK PARTİ ", "İl"}
	row := []string{"1003", "BİLECİK", "BOZÜYÜK", "17", "BOZÜYÜK-DODURGA", "DODURGA MAH.", "2", "252", "300",
		"240", "3", "9", "243", "200", ""}
	choices, rows := readTable(t, tsv(header, row))
	// A party may be called anything once the sheet fields are behind it.
	if !slices.Equal(choices, []string{"AK PARTİ", "İl"}) {
		t.Fatalf("choices %q", choices)
	}
	want := Row{Line: 2, Province: Place{"", "BİLECİK"}, District: Place{"17", "BOZÜYÜK"},
		Constituency: Place{"", "BOZÜYÜK-DODURGA"}, Neighbourhood: Place{"", "DODURGA MAH."}, BoxNo: "1003",
		Registered: 300, VotedByLaw: 2, Voted: 252, ValidWithoutObjection: 240, ValidUponObjection: 3,
		ValidTotal: 243, Invalid: 9, Votes: []int64{200, -1}}
	if diff := cmp.Diff(want, rows[0]); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	// Only İlçe: the constituency is the district.
	h2 := slices.Clone(smallHeader)
	h2[1] = "İlçe"
	_, rows = readTable(t, tsv(h2, smallRow("1")))
	if rows[0].District != rows[0].Constituency || rows[0].District.Name != "SÖĞÜT" {
		t.Fatalf("district %+v constituency %+v", rows[0].District, rows[0].Constituency)
	}
}

// Cells may be quoted, with quotes, delimiters and line breaks inside;
// blank rows are skipped and lines keep counting.
func TestQuotingAndBlankRows(t *testing.T) {
	in := `İl;Seçim Çevresi;Mahalle / Köy;Sandık No;Sandık Seçmen Listesinde Yazılı Seçmenlerin Sayısı;Oy Kullanan Seçmen Sayısı;İtiraz Edilmeksizin Geçerli Sayılan Oy Pusulalarının Sayısı;İtiraz Üzerine Geçerli Sayılan veya Hesaba Katılan Oy Pusulalarının Sayısı;Geçerli Oy Pusulalarının Toplamı;Geçersiz Sayılan veya Hesaba Katılmayan Oy Pusulalarının Toplamı;"A;1";"B ""x"""` + "\r\n" +
		`BİLECİK; "SÖĞÜT" ;"ÇAYIR` + "\r\n" + `MAH.";1001;300;250;240;0;240;10;140;100` + "\r\n" +
		";;;;;;;;;;;\r\n\r\n" +
		`BİLECİK;SÖĞÜT;AKALAN "MAH.;1002;300;250;240;0;240;10;;240` + "\r\n"
	choices, rows := readTable(t, []byte(in))
	if !slices.Equal(choices, []string{"A;1", `B "x"`}) {
		t.Fatalf("choices %q", choices)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	if r := rows[0]; r.Line != 2 || r.Neighbourhood.Name != "ÇAYIR\nMAH." || r.District.Name != "SÖĞÜT" || len(r.Problems) > 0 {
		t.Fatalf("row 1: %+v", r)
	}
	if r := rows[1]; r.Line != 6 || r.Neighbourhood.Name != `AKALAN "MAH.` || !slices.Equal(r.Votes, []int64{-1, 240}) || len(r.Problems) > 0 {
		t.Fatalf("row 2: %+v", r)
	}
}

func TestTutanakCopiesVotes(t *testing.T) {
	_, rows := readTable(t, tsv(smallHeader, smallRow("7")))
	tt := rows[0].Tutanak()
	tt.Votes[0] = 99
	if rows[0].Votes[0] != 140 {
		t.Fatal("Tutanak shares the votes slice")
	}
	if problems := tt.Check("", []sandik.Choice{{Code: "A"}, {Code: "B"}}); len(problems) != 1 {
		t.Fatalf("problems %v", problems)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"İl":                "il",
		"IL_ID":             "il id",
		"  Mahalle /  Köy ": "mahalle koy",
		"SEÇİM ÇEVRESİ":     "secim cevresi",
		"\ufeffİl":          "il",
		"Ğ-Ş-Ö-Ü-I-ı-Â-Î-Û": "g s o u i i a i u",
		"Oy\u00a0Kullanan":  "oy kullanan",
		"Sandık No.":        "sandik no",
		"x1 2":              "x1 2",
	} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
