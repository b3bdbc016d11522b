package pages

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"

	"rsc.io/qr"
)

// absoluteURL is path on the host the request came to, for a code a
// phone scans from across the room: the address the projector's own
// browser used is the one the room can reach.
func absoluteURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// qrSVG draws text as a QR code (error correction M) in an inline SVG,
// one path of black modules inside a quiet zone of four, named label for
// screen readers; inline, it needs no image route and passes the pages'
// content security policy.
func qrSVG(text, label string) (template.HTML, error) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", fmt.Errorf("QR code of %q: %w", text, err)
	}
	n := c.Size
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="qr" viewBox="-4 -4 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">`,
		n+8, n+8, html.EscapeString(label))
	fmt.Fprintf(&b, `<rect x="-4" y="-4" width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n+8, n+8)
	for y := range n {
		for x := range n {
			if c.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()), nil
}
