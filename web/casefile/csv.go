package casefile

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik/csvcell"
	"github.com/sandik-dev/sandik/itiraz"
)

// WriteCSV answers cases as a spreadsheet: UTF-8 with a byte order mark,
// Turkish headings, times in İstanbul.
func WriteCSV(w http.ResponseWriter, cases []Case) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csvcell.NewWriter(&buf) // case fields are anyone's text
	loc := itiraz.Istanbul()
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	cw.Write([]string{"dosya", "yarış", "kurul", "durum", "gerekçe", "talep", "sandık sayısı", "bölge sayısı", "başlık", "başvuran",
		"son gün (İstanbul)", "başvuru", "karar", "sayı", "geç", "talep edilen oy etkisi"})
	for _, c := range cases {
		claim := make([]string, len(c.Claim))
		for i, v := range c.Claim {
			claim[i] = strconv.FormatInt(v, 10)
		}
		cw.Write([]string{string(c.ID), string(c.Race), string(c.Board), string(c.Status), string(c.Ground), string(c.Remedy),
			strconv.Itoa(len(c.Boxes)), strconv.Itoa(len(c.Areas)), c.Title, c.Filer, stamp(c.Deadline), stamp(c.FiledAt), stamp(c.DecidedAt),
			c.Reference, strconv.FormatBool(c.Late), strings.Join(claim, " ")})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="itirazlar.csv"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}
