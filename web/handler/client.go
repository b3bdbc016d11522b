package handler

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseProxies reads a comma-separated list of CIDR prefixes (a bare
// address is its own /32 or /128), the peers whose forwarding headers are
// believed.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want a CIDR prefix such as 10.0.0.0/8 or an address", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// peer is the address of the connection r came over.
func peer(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if a, err := netip.ParseAddr(h); err == nil {
			return a.Unmap()
		}
	}
	return netip.Addr{}
}

func (b *Base) trusted(a netip.Addr) bool {
	for _, p := range b.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientAddr is the address of the client r comes from: the peer, unless
// the peer is a trusted proxy; then the nearest address in
// X-Forwarded-For that is not one. A header from anyone else is ignored,
// or a client could name any address it likes and escape its limits.
func (b *Base) ClientAddr(r *http.Request) netip.Addr {
	a := peer(r)
	if !a.IsValid() || !b.trusted(a) {
		return a
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		fs := strings.Split(hops[i], ",")
		for j := len(fs) - 1; j >= 0; j-- {
			next, err := netip.ParseAddr(strings.TrimSpace(fs[j]))
			if err != nil {
				return a // garbage beyond the last proxy: stop at what is known
			}
			a = next.Unmap()
			if !b.trusted(a) {
				return a
			}
		}
	}
	return a
}

// addrKey is the key of r's client for limits: an IPv6 client is its /64,
// which one subscriber usually holds whole.
func (b *Base) addrKey(r *http.Request) string {
	a := b.ClientAddr(r)
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// Secure reports whether r reached us over TLS: directly, or through a
// trusted proxy that says the client spoke https to it.
func (b *Base) Secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if len(b.cfg.TrustedProxies) == 0 || !b.trusted(peer(r)) {
		return false
	}
	protos := r.Header.Values("X-Forwarded-Proto")
	if len(protos) == 0 {
		return false
	}
	fs := strings.Split(protos[len(protos)-1], ",")
	return strings.EqualFold(strings.TrimSpace(fs[len(fs)-1]), "https")
}

// hsts tells browsers to come back over https only, for a year.
var hsts = []string{"max-age=31536000"}
