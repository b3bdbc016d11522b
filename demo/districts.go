// Package demo holds the data and the simulated election night behind
// `sandik demo`: İstanbul's real 39 districts with their real numbers of
// neighbourhoods, ballot boxes and registered voters (30 March 2014, YSK),
// a synthetic tree below them, synthetic true results of a 31 March 2019
// style night, and a simulator that replays that night against a running
// Sandık server over HTTP.
//
// Everything below the district level and every vote figure is synthetic
// and says so: the demo shows how the centre works, not what happened.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// districtsCSV is a verbatim copy of shared/data/geo/istanbul-2014-districts.csv;
// data/README.md names its source.
//
//go:embed data/istanbul-2014-districts.csv
var districtsCSV []byte

// District is one of İstanbul's districts with its real figures of
// 30 March 2014 (aggregated from YSK's per-box file, github oztalha/YSK).
type District struct {
	YSKID      string // YSK ilçe id, e.g. "963"
	Name       string // as people write it: "Arnavutköy"
	YSKName    string // as YSK writes it: "ARNAVUTKÖY"
	Mahalle    int    // number of mahalle and köy
	Boxes      int    // number of ballot boxes
	Registered int64  // registered voters
}

// Districts returns İstanbul's 39 districts in the file's order.
func Districts() ([]District, error) {
	r := csv.NewReader(bytes.NewReader(districtsCSV))
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("demo: embedded districts: %w", err)
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != "ilce_id,ilce,mahalle_koy,boxes,registered" {
		return nil, fmt.Errorf("demo: embedded districts: unexpected header %v", rows[0])
	}
	out := make([]District, 0, len(rows)-1)
	for i, row := range rows[1:] {
		m, err1 := strconv.Atoi(row[2])
		b, err2 := strconv.Atoi(row[3])
		reg, err3 := strconv.ParseInt(row[4], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || m < 1 || b < 1 || reg < 1 {
			return nil, fmt.Errorf("demo: embedded districts: bad row %d: %v", i+2, row)
		}
		out = append(out, District{YSKID: row[0], Name: turkishTitle(row[1]), YSKName: row[1], Mahalle: m, Boxes: b, Registered: reg})
	}
	return out, nil
}

// turkishTitle writes an upper-case Turkish name as a name is written:
// "SARIYER" → "Sarıyer", "ŞİŞLİ" → "Şişli". The standard library's
// lower-casing turns I into i, which is wrong in Turkish.
func turkishTitle(s string) string {
	var b strings.Builder
	first := true
	for _, r := range s {
		switch {
		case first:
			b.WriteRune(r)
		case r == 'I':
			b.WriteRune('ı')
		case r == 'İ':
			b.WriteRune('i')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		first = r == ' ' || r == '-'
	}
	return b.String()
}
