package casefile

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/web/handler"
)

//go:embed petition.html
var petitionHTML string

var petitionTemplate = template.Must(template.New("petition").Parse(petitionHTML))

// MaxPetitionBoxes bounds the boxes printed in a petition's table; the
// rest are referred to an annex.
const MaxPetitionBoxes = 200

var boardTitles = map[itiraz.Board]string{
	itiraz.BoardSandik: "%s SANDIK KURULU BAŞKANLIĞINA",
	itiraz.BoardIlce:   "%s İLÇE SEÇİM KURULU BAŞKANLIĞINA",
	itiraz.BoardIl:     "%s İL SEÇİM KURULU BAŞKANLIĞINA",
	itiraz.BoardYSK:    "YÜKSEK SEÇİM KURULU BAŞKANLIĞINA%s",
}

var remedyText = map[itiraz.Remedy]string{
	itiraz.RemedyRecount:       "Yukarıda belirtilen sandıklardaki oyların yeniden sayılmasına karar verilmesini saygılarımızla arz ve talep ederiz.",
	itiraz.RemedyInvalidReview: "Yukarıda belirtilen sandıklarda geçersiz sayılan oy pusulalarının yeniden incelenmesine karar verilmesini saygılarımızla arz ve talep ederiz.",
	itiraz.RemedyCorrection:    "Yukarıda belirtilen sandıkların sonuçlarının imzalı sandık sonuç tutanaklarına göre düzeltilmesine karar verilmesini saygılarımızla arz ve talep ederiz.",
	itiraz.RemedyAnnulment:     "Yukarıda açıklanan nedenlerle seçimin iptaline karar verilmesini saygılarımızla arz ve talep ederiz.",
}

type petitionBox struct {
	Code                          sandik.AreaCode
	Name                          string
	Sheet, Official               []string
	SheetInvalid, OfficialInvalid string
}

// Petition renders a case's petition (dilekçe) as a print-ready page,
// dated by now.
func Petition(c *center.Center, now func() time.Time) handler.UserFunc {
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		return petition(c, now(), w, r, u)
	}
}

func petition(ctr *center.Center, now time.Time, w http.ResponseWriter, r *http.Request, u sandik.User) error {
	if err := CanManage(u); err != nil {
		return err
	}
	view := ctr.View(u)
	c, err := view.Case(r.Context(), itiraz.CaseID(r.PathValue("id")))
	if err != nil {
		return err
	}
	reg := view.Registry()
	rc, ok := reg.Race(c.Race)
	if !ok {
		return sandik.Errorf(sandik.ENotFound, "race %q of case %s no longer exists", c.Race, c.ID)
	}
	el, _ := reg.Election(rc.Election)
	loc := itiraz.Istanbul()
	data := struct {
		Case                                       *itiraz.Case
		Race                                       *sandik.Race
		Election                                   sandik.Election
		BoardTitle, Deadline, Legal, Remedy, Today string
		Boxes                                      []petitionBox
		More                                       int
	}{Case: c, Race: rc, Election: el, Remedy: remedyText[c.Remedy], Today: petitionDate(now.In(loc))}
	place := ""
	if len(c.Boxes) > 0 {
		place = placeName(reg, c.Boxes[0], c.Board)
	} else if len(c.Areas) > 0 {
		place = placeName(reg, c.Areas[0], c.Board)
	}
	if c.Board == itiraz.BoardYSK {
		place = ""
	}
	data.BoardTitle = fmt.Sprintf(boardTitles[c.Board], strings.ToUpperSpecial(unicode.TurkishCase, place))
	if !c.Deadline.IsZero() {
		data.Deadline = petitionDate(c.Deadline.In(loc)) + " saat " + c.Deadline.In(loc).Format("15:04")
	}
	if rule, ok := itiraz.RuleFor(ctr.DeadlineRules(), c.Board); ok {
		data.Legal = rule.Source
	}
	for i, b := range c.Boxes {
		if i == MaxPetitionBoxes {
			data.More = len(c.Boxes) - i
			break
		}
		d, err := view.Box(r.Context(), c.Race, b)
		if err != nil {
			return err
		}
		pb := petitionBox{Code: b, Name: d.Area.Name}
		pb.Sheet, pb.SheetInvalid = figures(d.State.Resolved, len(rc.Choices))
		pb.Official, pb.OfficialInvalid = figures(d.State.Official, len(rc.Choices))
		data.Boxes = append(data.Boxes, pb)
	}
	var buf bytes.Buffer
	if err := petitionTemplate.Execute(&buf, data); err != nil {
		return fmt.Errorf("render petition of case %s: %w", c.ID, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

func figures(t *sandik.Tutanak, n int) ([]string, string) {
	out := make([]string, n)
	if t == nil {
		for i := range out {
			out[i] = "—"
		}
		return out, "—"
	}
	for i := range out {
		out[i] = petitionNumber(t.Votes[i])
	}
	return out, petitionNumber(t.Invalid)
}

// placeName names the board's seat: the ilçe or il above an area.
func placeName(reg *sandik.Registry, code sandik.AreaCode, board itiraz.Board) string {
	want := sandik.LevelIlce
	if board == itiraz.BoardIl {
		want = sandik.LevelIl
	}
	for _, a := range append([]sandik.AreaCode{code}, reg.Ancestors(code)...) {
		if ar, ok := reg.Area(a); ok && ar.Level == want {
			return ar.Name
		}
	}
	if a, ok := reg.Area(code); ok {
		return a.Name
	}
	return string(code)
}

var trMonths = []string{"Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"}

// petitionDate writes a date the Turkish way: 2 Nisan 2024.
func petitionDate(t time.Time) string {
	y, m, d := t.Date()
	return fmt.Sprintf("%d %s %d", d, trMonths[m-1], y)
}

// petitionNumber groups thousands with dots, as Turkish writes 1.234.567.
func petitionNumber(v int64) string {
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
