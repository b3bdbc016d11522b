package pages

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sandik-dev/sandik/msg"
)

// lang is the language of one page: its messages and how it writes
// numbers and times. Turkish is the default; English is one click away.
type lang struct {
	Code string // "tr" or "en"
	loc  *time.Location
}

const langCookie = "sandik_lang"

// langOf picks the page language: ?lang= first, then the cookie, then
// Turkish.
func (p *Pages) langOf(r *http.Request) *lang {
	code := r.URL.Query().Get("lang")
	if code == "" {
		if c, err := r.Cookie(langCookie); err == nil {
			code = c.Value
		}
	}
	if code != "en" {
		code = "tr"
	}
	return &lang{Code: code, loc: p.loc}
}

// T returns the message for key in the page's language; an unknown key
// shows itself, so a missing translation is visible rather than blank.
func (l *lang) T(key string) string {
	return msg.T(msg.Of(l.Code), key)
}

// F formats the message for key with args.
func (l *lang) F(key string, args ...any) string { return fmt.Sprintf(l.T(key), args...) }

// Num writes n with thousands grouped: 1.234.567 in Turkish, 1,234,567
// in English.
func (l *lang) Num(n int64) string {
	sep := byte('.')
	if l.Code == "en" {
		sep = ','
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, sep)
		}
		out = append(out, s[i])
	}
	return string(out)
}

// Int is Num for int.
func (l *lang) Int(n int) string { return l.Num(int64(n)) }

// Pct writes part/whole as a percentage with one decimal: "%12,5" in
// Turkish (the sign comes first), "12.5%" in English; "–" without a whole.
func (l *lang) Pct(part, whole int64) string {
	if whole <= 0 {
		return "–"
	}
	v := strconv.FormatFloat(float64(part)*100/float64(whole), 'f', 1, 64)
	if l.Code == "en" {
		return v + "%"
	}
	return "%" + strings.Replace(v, ".", ",", 1)
}

// Time writes t in İstanbul time.
func (l *lang) Time(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(l.loc).Format("02.01.2006 15:04:05")
}

// Clock writes only the time of day of t in İstanbul.
func (l *lang) Clock(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(l.loc).Format("15:04:05")
}

// setLang remembers the chosen language and goes back to the page.
func (p *Pages) setLang(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("lang")
	if code != "tr" && code != "en" {
		code = "tr"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: code, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: p.b.Secure(r)})
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}

// localPath keeps a redirect target on this site: anything but a plain
// absolute path ("//evil", "https://…", "/\\evil") becomes "/". Control
// characters are refused outright: browsers drop tabs and newlines from a
// URL, so "/\t/evil" would become "//evil".
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] == 0x7f {
			return "/"
		}
	}
	return p
}
