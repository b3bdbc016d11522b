package casefile

import (
	"net/http"
	"strconv"
	"time"

	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/msg"
)

// LangCookie is the cookie the pages keep the reader's language in.
const LangCookie = "sandik_lang"

// LangOf is the language a document is written in: the lang query
// parameter, else the language the reader chose for the pages, else
// Turkish.
func LangOf(r *http.Request) msg.Lang {
	code := r.URL.Query().Get("lang")
	if code == "" {
		if c, err := r.Cookie(LangCookie); err == nil {
			code = c.Value
		}
	}
	return msg.Of(code)
}

// Number groups thousands as lang writes them: 1.234.567 in Turkish,
// 1,234,567 in English.
func Number(lang msg.Lang, v int64) string { return itiraz.Number(lang, v) }

var (
	trMonths = []string{"Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"}
	enMonths = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// Date writes a day as a letter does: 2 Nisan 2019, 2 April 2019.
func Date(lang msg.Lang, t time.Time) string {
	y, m, d := t.Date()
	months := trMonths
	if lang == msg.EN {
		months = enMonths
	}
	return strconv.Itoa(d) + " " + months[m-1] + " " + strconv.Itoa(y)
}
