package audit

import (
	"strings"
	"testing"
)

// Each leak the issue names is caught, and the Turkish of the pages,
// with its apostrophes, numbers and proper names, is let pass.
func TestTextFindings(t *testing.T) {
	caught := []struct{ text, rule, what string }{
		{"Uyarı: registered_mismatch", "code", "registered_mismatch"},
		{"voted_over_registered, late", "code", "voted_over_registered"},
		{"Kadıköy (identity)", "code", "(identity)"},
		{"Kadıköy (zero_choice)", "code", "zero_choice"},
		{"05.12.2026 10:18 · hukukcu · created", "english", "created"},
		{"Law 298 art. 128: to the ilçe board until 15:00 on the Tuesday after voting day", "english", "Law art to the board the after"},
		{"level", "english", "level"},
		{"VERIFIED", "english", "VERIFIED"},
		{`ballot box "yok" is not part of race "ibb"`, "english", "ballot box is not of race"},
		{"Sandık Sandık 1120 · Bağcılar", "repeat", "Sandık Sandık"},
		{"No box was found", "english", "No box was"},
	}
	for _, c := range caught {
		fs := TextFindings("p", c.text)
		if len(fs) == 0 {
			t.Errorf("%q: nothing found, want %s %s", c.text, c.rule, c.what)
			continue
		}
		if fs[0].Rule != c.rule || !strings.Contains(fs[0].Text, c.what) {
			t.Errorf("%q: first finding %v, want %s %q", c.text, fs[0], c.rule, c.what)
		}
	}
	for _, ok := range []string{
		"Geçerli oy toplamı partilerin toplamından 12 fazla",
		"Kadıköy'de 1.234.567 seçmen; %48,5 / %48,4",
		"298 sayılı Kanun m. 128: ilçe seçim kuruluna, oy gününü izleyen salı saat 15:00'e kadar",
		"Sandık 1120 · Bağcılar · doğrulandı",
		"Ekrem İmamoğlu (CHP) · Binali Yıldırım (AK Parti)",
		"Çıkış (hukukcu)",
		"İçeriğe geç",
		"demo.csv", // a file name is no sentence
		"Oylar tek tek sayıldı; Sandık 1120, Sandık 1121",
		"Mahalle 9 / Okul 1, 1012 No.lu Sandık",
	} {
		if fs := TextFindings("p", ok); len(fs) > 0 {
			t.Errorf("%q: %v, want nothing", ok, fs)
		}
	}
}

func TestOrderFindings(t *testing.T) {
	if fs := OrderFindings("p", []string{"Bayrampaşa", "Bağcılar"}, false); len(fs) != 1 {
		t.Errorf("byte order: %v, want one finding", fs)
	}
	for _, names := range [][]string{
		{"Adalar", "Bağcılar", "Bayrampaşa", "Beşiktaş", "Çatalca", "Sarıyer", "Şile", "Şişli", "Tuzla", "Ümraniye", "Üsküdar"},
		{"Sandık 2", "Sandık 10", "Sandık 100"}, // numbers as numbers
	} {
		if fs := OrderFindings("p", names, false); len(fs) != 0 {
			t.Errorf("%v: %v, want none", names, fs)
		}
	}
	if fs := OrderFindings("p", []string{"Üsküdar", "Şişli", "Adalar"}, true); len(fs) != 0 {
		t.Errorf("descending: %v", fs)
	}
	if fs := OrderFindings("p", []string{"Adalar", "Şişli"}, true); len(fs) != 1 {
		t.Errorf("ascending where descending is said: %v", fs)
	}
}

func TestTableFindings(t *testing.T) {
	ns := Names{"İstanbul": "", "Bağcılar": "İstanbul", "Bayrampaşa": "İstanbul", "Şile": "İstanbul", "Adalar": "İstanbul",
		"Sandık 7": "Bağcılar", "Sandık 3": "Adalar"}
	page := func(head string, rows ...string) *Document {
		d, err := ParseHTML(strings.NewReader("<table><thead><tr>" + head + "</tr></thead><tbody>" + strings.Join(rows, "") + "</tbody></table>"))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	byteOrder := page("<th>Bölge</th><th>Oy</th>",
		"<tr><td><a href=x>Bayrampaşa</a></td><td>1</td></tr>", "<tr><td>Bağcılar 12 sandık</td><td>2</td></tr>")
	if fs := DocumentFindings("p", byteOrder, ns); len(fs) != 1 || fs[0].Rule != "order" || !strings.Contains(fs[0].Where, `"Bölge"`) {
		t.Errorf("byte order: %v", fs)
	}
	sortedByVotes := page(`<th>Bölge</th><th aria-sort="descending">Oy</th>`,
		"<tr><td>Şile</td><td>9</td></tr>", "<tr><td>Bağcılar</td><td>2</td></tr>")
	if fs := DocumentFindings("p", sortedByVotes, ns); len(fs) != 0 {
		t.Errorf("sorted by another column, said so: %v", fs)
	}
	desc := page(`<th aria-sort="descending">Bölge</th>`, "<tr><td>Şile</td></tr>", "<tr><td>Bağcılar</td></tr>")
	if fs := DocumentFindings("p", desc, ns); len(fs) != 0 {
		t.Errorf("descending, said so: %v", fs)
	}
	// A province above its districts, and each district's boxes under it,
	// are in order: only names under one parent are compared.
	grid := [][]string{{"Bölge", "Sandık"}, {"İstanbul", ""}, {"Adalar", "Sandık 3"}, {"Bağcılar", "Sandık 7"}, {"Şile", ""}}
	if fs := GridFindings("f.csv", grid, ns); len(fs) != 0 {
		t.Errorf("tree order: %v", fs)
	}
	grid = [][]string{{"Bölge", "düzey"}, {"Şile", "ilçe"}, {"Adalar", "level"}}
	fs := GridFindings("f.csv", grid, ns)
	if len(fs) != 2 || fs[0].Rule != "english" || !strings.Contains(fs[0].Where, `column "düzey"`) || fs[1].Rule != "order" {
		t.Errorf("csv: %v", fs)
	}
	// A list of areas is a table too, and so are a select's options.
	d, err := ParseHTML(strings.NewReader("<ul><li>Şile</li><li>Adalar</li></ul><select><option>Adalar</option><option>Şile</option></select>"))
	if err != nil {
		t.Fatal(err)
	}
	if fs := DocumentFindings("p", d, ns); len(fs) != 1 || !strings.Contains(fs[0].Where, "ul") {
		t.Errorf("lists: %v", fs)
	}
}

// What a reader meets includes the attributes read aloud, and excludes
// scripts and styles.
func TestParseHTML(t *testing.T) {
	d, err := ParseHTML(strings.NewReader(`<title>Genel bakış</title><style>.a_b{}</style><script>var late_code=1</script>
<p>Bir <b>iki</b></p><svg><title>Kadıköy</title></svg><button aria-label="Close the dialog">x</button><input type=submit value="Gönder">`))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(d.Texts, "|")
	if got != "Genel bakış|Bir|iki|Kadıköy|Close the dialog|x|Gönder" {
		t.Errorf("texts %q", got)
	}
	if fs := DocumentFindings("p", d, nil); len(fs) != 1 || fs[0].Rule != "english" {
		t.Errorf("findings %v, want the English aria-label", fs)
	}
}
