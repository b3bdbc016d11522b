package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// YSKHeader is the header of YSK's per-box result tables (the columns of
// the 2014 local election file), before the party columns.
var YSKHeader = []string{"IL_ID", "ILCE_ID", "MUHTARLIK_ID", "İl", "Seçim Çevresi", "Mahalle / Köy", "Sandık No",
	"Sandık Seçmen Listesinde Yazılı Seçmenlerin Sayısı", "Oy Kullanan Seçmen Sayısı",
	"İtiraz Edilmeksizin Geçerli Sayılan Oy Pusulalarının Sayısı",
	"İtiraz Üzerine Geçerli Sayılan veya Hesaba Katılan Oy Pusulalarının Sayısı",
	"Geçerli Oy Pusulalarının Toplamı", "Geçersiz Sayılan veya Hesaba Katılmayan Oy Pusulalarının Toplamı"}

// WriteYSKTable writes a synthetic official per-box table of shape s in
// YSK's columns (UTF-8, tab-separated, LF), one row per box with
// s.Choices party columns, and returns the number of rows. Names say they
// are synthetic.
func WriteYSKTable(w io.Writer, s Shape, seed uint64) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	rng := rand.New(rand.NewPCG(seed, 3))
	for i, h := range YSKHeader {
		if i > 0 {
			bw.WriteByte('\t')
		}
		bw.WriteString(h)
	}
	for c := 1; c <= s.Choices; c++ {
		fmt.Fprintf(bw, "\tSENTETİK PARTİ %d", c)
	}
	bw.WriteByte('\n')
	rows := 0
	var line []byte
	for il := 1; il <= s.Provinces; il++ {
		for d := 1; d <= s.DistrictsPerIl; d++ {
			ilce := il*100 + d
			for m := 1; m <= s.MahallesPerIlce; m++ {
				mah := ilce*1000 + m
				for b := 1; b <= s.BuildingsPerMah*s.BoxesPerBuilding; b++ {
					t := Sheet(rng, s.RegisteredPerBox, s.Choices)
					line = line[:0]
					line = strconv.AppendInt(line, int64(il), 10)
					line = append(line, '\t')
					line = strconv.AppendInt(line, int64(ilce), 10)
					line = append(line, '\t')
					line = strconv.AppendInt(line, int64(mah), 10)
					line = fmt.Appendf(line, "\tSENTETİK İL %d\tSENTETİK İLÇE %d\tSENTETİK MAHALLE %d\t%d", il, ilce, m, 1000+b)
					for _, v := range []int64{t.Registered, t.Voted, t.ValidWithoutObjection, t.ValidUponObjection, t.ValidTotal, t.Invalid} {
						line = append(line, '\t')
						line = strconv.AppendInt(line, v, 10)
					}
					for _, v := range t.Votes {
						line = append(line, '\t')
						line = strconv.AppendInt(line, v, 10)
					}
					line = append(line, '\n')
					if _, err := bw.Write(line); err != nil {
						return rows, err
					}
					rows++
				}
			}
		}
	}
	return rows, bw.Flush()
}
