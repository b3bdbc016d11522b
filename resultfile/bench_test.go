package resultfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// syntheticTable writes n boxes in the official layout (UTF-16LE, tabs,
// CRLF) with 11 parties. Synthetic numbers.
func syntheticTable(n int) []byte {
	var b strings.Builder
	b.WriteString(strings.Join(sampleHeader, "\t") + "\r\n")
	for i := range n {
		fmt.Fprintf(&b, "34\t%d\t%d\tİSTANBUL\tÇATALCA\tAKALAN MAH.\t%d\t300\t270\t260\t0\t260\t10\t100\t60\t5\t80\t1\t2\t3\t4\t3\t1\t1\r\n",
			100+i%39, 140000+i%900, 1000+i)
	}
	return encodeText(b.String(), encUTF16LE)
}

var sampleHeader = []string{"IL_ID", "ILCE_ID", "MUHTARLIK_ID", "İl", "Seçim Çevresi", "Mahalle / Köy", "Sandık No",
	"Sandık Seçmen Listesinde Yazılı Seçmenlerin Sayısı", "Oy Kullanan Seçmen Sayısı",
	"İtiraz Edilmeksizin Geçerli Sayılan Oy Pusulalarının Sayısı",
	"İtiraz Üzerine Geçerli Sayılan veya Hesaba Katılan Oy Pusulalarının Sayısı",
	"Geçerli Oy Pusulalarının Toplamı", "Geçersiz Sayılan veya Hesaba Katılmayan Oy Pusulalarının Toplamı",
	"AK PARTİ", "MHP", "SAADET", "CHP", "BTP", "BBP", "DP", "DSP", "HDP", "DBP", "Diger"}

// BenchmarkReader reads a national-size table of 200,000 boxes.
func BenchmarkReader(b *testing.B) {
	const rows = 200_000
	data := syntheticTable(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil || len(row.Problems) > 0 {
				b.Fatal(err, row.Problems)
			}
			n++
		}
		if n != rows {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestSyntheticTableReads(t *testing.T) {
	_, rows := readTable(t, syntheticTable(50))
	if len(rows) != 50 || rows[49].BoxNo != "1049" || rows[49].Votes[10] != 1 || len(rows[49].Problems) > 0 {
		t.Fatalf("%+v", rows[49])
	}
}
