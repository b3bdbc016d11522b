package demo

import (
	"fmt"

	"github.com/sandik-dev/sandik"
)

// People is a small synthetic organisation for the people's pages: the
// İstanbul il unit with a chair, a secretary and a treasurer, each with a
// phone and an e-mail, so that a coordinator's /kisiler/{id} shows tel:
// links and every view lands in the log. Names are marked synthetic and
// numbers are in a range no operator assigns (+90 555 000 …); start is
// the day the terms began. It is empty when the registry has no il 34.
func People(reg *sandik.Registry, start sandik.Date) sandik.OrgChange {
	if _, ok := reg.Area("34"); !ok {
		return sandik.OrgChange{}
	}
	ch := sandik.OrgChange{Units: []sandik.Unit{{Code: "34", Kind: sandik.UnitIl, Name: "İstanbul İl Başkanlığı", Area: "34"}}}
	board := []struct{ kind, name string }{
		{"il_baskani", "Deniz Aydın (sentetik)"},
		{"sekreter", "Elif Çelik (sentetik)"},
		{"sayman", "Murat Şahin (sentetik)"},
		{"yonetim_kurulu_uyesi", "İpek Yıldız (sentetik)"},
		{"yonetim_kurulu_uyesi", "Oğuz Kaya (sentetik)"},
	}
	for i, b := range board {
		id := sandik.PersonID(fmt.Sprintf("demo-k-%d", i+1))
		ch.People = append(ch.People, sandik.Person{ID: id, Name: b.name, Phones: []string{fmt.Sprintf("+90555000%04d", 1001+i)},
			Email: fmt.Sprintf("demo-%d@example.org", i+1), Home: "34", Purpose: "örgüt üyeliği (sentetik demo)", Consent: start})
		ch.Positions = append(ch.Positions, sandik.Position{ID: sandik.PositionID(fmt.Sprintf("demo-g-%d", i+1)), Kind: sandik.KindCode(b.kind),
			Unit: "34", Person: id, Start: start, Source: sandik.SourceCongress})
	}
	return ch
}
