package casefile

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/web/handler"
)

// Evidence hands a stored document out as an attachment, never as a page
// the browser would render.
func Evidence(c *center.Center) handler.UserFunc {
	return func(w http.ResponseWriter, r *http.Request, u sandik.User) error {
		if err := CanManage(u); err != nil {
			return err
		}
		sum := r.PathValue("sha256")
		if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
			return handler.BadParam("sha256", "must be 64 lower-case hex digits")
		}
		data, err := c.View(u).Evidence(r.Context(), sum)
		if err != nil {
			return err
		}
		h := w.Header()
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="evidence-%s"`, sum[:16]))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "sandbox")
		h.Set("Content-Length", strconv.Itoa(len(data)))
		h.Set("Digest", "sha-256="+sum)
		w.WriteHeader(http.StatusOK)
		w.Write(data)
		return nil
	}
}
