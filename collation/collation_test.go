package collation

import (
	"bytes"
	"slices"
	"sync"
	"testing"
)

func TestIstanbulDistrictsInTurkishOrder(t *testing.T) {
	want := []string{"Arnavutköy", "Ataşehir", "Avcılar", "Bağcılar", "Bahçelievler", "Bakırköy",
		"Başakşehir", "Bayrampaşa", "Beşiktaş", "Beykoz", "Beylikdüzü", "Beyoğlu", "Büyükçekmece",
		"Çatalca", "Çekmeköy", "Esenler", "Esenyurt", "Eyüpsultan", "Fatih", "Gaziosmanpaşa",
		"Güngören", "Kadıköy", "Kağıthane", "Kartal", "Küçükçekmece", "Maltepe", "Pendik",
		"Sancaktepe", "Sarıyer", "Silivri", "Sultanbeyli", "Sultangazi", "Şile", "Şişli", "Tuzla",
		"Ümraniye", "Üsküdar", "Zeytinburnu"}
	got := slices.Clone(want)
	slices.Reverse(got)
	Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("Turkish order:\n got %q\nwant %q", got, want)
	}
	byteOrder := slices.Clone(want)
	slices.Sort(byteOrder)
	if slices.Equal(byteOrder, want) {
		t.Fatal("the sample must differ from byte order, or it proves nothing")
	}
}

func TestDotlessAndDottedI(t *testing.T) {
	// Turkish puts ı before i, and I (capital dotless) with ı, İ with i.
	for _, c := range [][2]string{{"ılık", "ilik"}, {"Irmak", "İzmir"}, {"Işık", "İğne"}, {"kız", "kiz"}} {
		if Compare(c[0], c[1]) >= 0 {
			t.Errorf("%q should come before %q", c[0], c[1])
		}
	}
}

func TestNumbersInsideNames(t *testing.T) {
	s := []string{"Sandık 10", "Sandık 9", "Sandık 100"}
	Strings(s)
	if !slices.Equal(s, []string{"Sandık 9", "Sandık 10", "Sandık 100"}) {
		t.Errorf("numbers sort by value: %q", s)
	}
}

func TestTotalOrder(t *testing.T) {
	if Compare("Şile", "ŞİLE") == 0 || Compare("a", "a") != 0 {
		t.Error("names that differ only in case still have one order; equal names compare equal")
	}
	if Compare("Şile", "ŞİLE") != -Compare("ŞİLE", "Şile") {
		t.Error("Compare is antisymmetric")
	}
}

func TestKeyAgreesWithCompare(t *testing.T) {
	names := []string{"Üsküdar", "Çatalca", "Bağcılar", "Bayrampaşa", "Şişli", "Sarıyer"}
	for _, a := range names {
		for _, b := range names {
			if c := bytes.Compare(Key(a), Key(b)); (c < 0) != (Compare(a, b) < 0) {
				t.Errorf("Key(%q) vs Key(%q) = %d, Compare = %d", a, b, c, Compare(a, b))
			}
		}
	}
}

func TestSortByKeyConcurrently(t *testing.T) {
	type area struct{ name string }
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			s := []area{{"Üsküdar"}, {"Bağcılar"}, {"Çatalca"}, {"Bayrampaşa"}}
			Sort(s, func(a area) string { return a.name })
			if s[0].name != "Bağcılar" || s[3].name != "Üsküdar" {
				t.Errorf("order %v", s)
			}
		})
	}
	wg.Wait()
}
