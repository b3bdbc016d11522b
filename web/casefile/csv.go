package casefile

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/csvcell"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/msg"
)

// WriteCSV answers cases as a Turkish spreadsheet; see WriteCSVIn.
func WriteCSV(w http.ResponseWriter, cases []Case) error { return WriteCSVIn(w, cases, nil, msg.TR) }

// WriteCSVIn answers cases as a spreadsheet in lang: UTF-8 with a byte
// order mark, semicolons between fields as Excel expects under a Turkish
// locale (like the results export), headings and values (board, status,
// ground, remedy) in words, times in İstanbul. With reg the race and the
// claim are named by their choices; without it they keep their codes.
func WriteCSVIn(w http.ResponseWriter, cases []Case, reg *sandik.Registry, lang msg.Lang) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csvcell.NewWriter(&buf) // case fields are anyone's text
	cw.Comma = ';'
	loc := itiraz.Istanbul()
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	t := func(k string) string { return msg.T(lang, k) }
	head := []string{"kcsv.id", "kcsv.race", "kcsv.board", "kcsv.status", "kcsv.ground", "kcsv.remedy", "kcsv.boxes", "kcsv.areas", "kcsv.title",
		"kcsv.filer", "kcsv.deadline", "kcsv.filed", "kcsv.decided", "kcsv.ref", "kcsv.late", "kcsv.claim"}
	for i, k := range head {
		head[i] = t(k)
	}
	cw.Write(head)
	for _, c := range cases {
		race, board := string(c.Race), t("board."+string(c.Board))
		var rc *sandik.Race
		if reg != nil {
			if r, ok := reg.Race(c.Race); ok {
				rc, race = r, r.Name
			}
			board = itiraz.BoardName(reg, c.Case, lang)
		}
		late := t("doc.no")
		if c.Late {
			late = t("doc.yes")
		}
		cw.Write([]string{string(c.ID), race, board, t("status." + string(c.Status)), t("ground." + string(c.Ground)), t("remedy." + string(c.Remedy)),
			strconv.Itoa(len(c.Boxes)), strconv.Itoa(len(c.Areas)), c.Title, c.Filer, stamp(c.Deadline), stamp(c.FiledAt), stamp(c.DecidedAt),
			c.Reference, late, claimText(rc, c.Claim)})
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

// claimText writes a claim with its sign per choice, "Ekrem İmamoğlu +12,
// Binali Yıldırım -12", as plain integers so a spreadsheet can read them
// back; without the race, the signed figures alone in ballot order.
func claimText(rc *sandik.Race, claim []int64) string {
	parts := make([]string, len(claim))
	for i, v := range claim {
		s := strconv.FormatInt(v, 10)
		if v > 0 {
			s = "+" + s
		}
		if rc != nil && i < len(rc.Choices) {
			s = rc.Choices[i].Name + " " + s
		}
		parts[i] = s
	}
	if rc == nil {
		return strings.Join(parts, " ")
	}
	return strings.Join(parts, ", ")
}
