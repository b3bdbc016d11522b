package registrycsv

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

// bigRegistry is İstanbul-sized and then some: boxes boxes spread over 40
// districts, 10 per building, 5 buildings per mahalle.
func bigRegistry(tb testing.TB, boxes int) *sandik.Registry {
	tb.Helper()
	areas := []sandik.Area{{Code: "TR", Level: sandik.LevelCountry, Name: "Türkiye"}, {Code: "34", Parent: "TR", Level: sandik.LevelIl, Name: "İstanbul"}}
	var regs []sandik.Registration
	perDistrict := (boxes + 39) / 40
	n := 0
	for d := 0; n < boxes; d++ {
		dc := sandik.AreaCode(fmt.Sprintf("34-%d", d))
		areas = append(areas, sandik.Area{Code: dc, Parent: "34", Level: sandik.LevelIlce, Name: fmt.Sprintf("İlçe %d", d)})
		for m := 0; m*50 < perDistrict && n < boxes; m++ {
			mc := sandik.AreaCode(fmt.Sprintf("%s-%02d", dc, m))
			areas = append(areas, sandik.Area{Code: mc, Parent: dc, Level: sandik.LevelMahalle, Name: fmt.Sprintf("Mahalle %d", m)})
			for bl := 0; bl < 5 && n < boxes; bl++ {
				bc := sandik.AreaCode(fmt.Sprintf("%s-%d", mc, bl))
				areas = append(areas, sandik.Area{Code: bc, Parent: mc, Level: sandik.LevelBuilding, Name: fmt.Sprintf("Okul %d", bl)})
				for range 10 {
					if n == boxes {
						break
					}
					box := sandik.AreaCode(fmt.Sprintf("%s-%d", bc, 1000+n))
					areas = append(areas, sandik.Area{Code: box, Parent: bc, Level: sandik.LevelSandik, Name: fmt.Sprintf("Sandık %d", 1000+n)})
					regs = append(regs, sandik.Registration{Election: "e", Box: box, Registered: int64(250 + n%150)})
					n++
				}
			}
		}
	}
	el := []sandik.Election{{Code: "e", Name: "Seçim", Date: time.Date(2019, 3, 31, 0, 0, 0, 0, sandik.Istanbul()), Quorum: 2}}
	races := []sandik.Race{{Code: "r", Election: "e", Name: "Başkan", Scope: "34", Choices: []sandik.Choice{{Code: "A", Name: "A"}, {Code: "B", Name: "B"}}}}
	reg, err := sandik.NewRegistry(areas, el, races, regs)
	if err != nil {
		tb.Fatal(err)
	}
	return reg
}

// BenchmarkRead200k reads a registry of 200,000 boxes from memory.
func BenchmarkRead200k(b *testing.B) {
	reg := bigRegistry(b, 200_000)
	files := map[string][]byte{}
	size := 0
	for _, name := range FileNames() {
		var buf bytes.Buffer
		if err := Write(&buf, name, reg); err != nil {
			b.Fatal(err)
		}
		files[name] = buf.Bytes()
		size += buf.Len()
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		in := map[string]io.Reader{}
		for name, data := range files {
			in[name] = bytes.NewReader(data)
		}
		if _, err := Read(in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBigRoundTrip checks a large registry reads back exactly; the size
// stays moderate so that the race detector run is quick.
func TestBigRoundTrip(t *testing.T) {
	want := bigRegistry(t, 20_000)
	dir := t.TempDir()
	if err := WriteDir(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	equalRegistries(t, want, got)
}
