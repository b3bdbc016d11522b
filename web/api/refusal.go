package api

import (
	"net/http"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/msg"
	"github.com/sandik-dev/sandik/refusal"
	"github.com/sandik-dev/sandik/web/handler"
)

// told answers a refused sheet or box in the reader's language (?lang,
// then Accept-Language; Turkish by default): an observer's app shows the
// message as it comes. Codes, fields and rules stay as they are, and
// English keeps the domain's own wording, which names the box or figure.
func told(h handler.UserFunc) handler.UserFunc {
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		err := h(w, r, u)
		if err == nil {
			return nil
		}
		lang := refusal.LangOf(r.URL.Query().Get("lang"), r.Header.Get("Accept-Language"))
		if lang != msg.TR {
			return err
		}
		return refusal.Localize(lang, err)
	}
}
