package demo

import (
	"fmt"
	"slices"

	"github.com/sandik-dev/sandik"
)

// The demo's organisation: SYNTHETIC people for İstanbul's party
// organisation, every name marked "(sentetik)". The il unit is coded
// "34" and each district unit by its area code ("34-<YSK id>"), as place
// units are. Terms have start days and some ended, so that the chart as
// of an older day differs from today's.

// OrgUnit is the il unit's code; districts are coded as their areas.
const OrgUnit sandik.UnitCode = "34"

// ChairUsers is how many districts' chairs get a demo user linked to
// them, whose rights come from that position alone.
const ChairUsers = 2

var (
	firstNames = []string{"Ayşe", "Mehmet", "Zeynep", "Mustafa", "Elif", "Ahmet", "Fatma", "Ali", "Emine", "Hüseyin",
		"Hatice", "İbrahim", "Merve", "Hasan", "Şule", "Murat", "Gül", "Ömer", "Özlem", "Cenk", "Ebru", "Selim", "Derya", "Kemal", "Işıl"}
	lastNames = []string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın", "Özdemir",
		"Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat", "Ünal", "Güneş", "Erdem", "Işık"}
)

// syntheticName is the i-th invented name, marked synthetic.
func syntheticName(i int) string {
	return fmt.Sprintf("%s %s (sentetik)", firstNames[i%len(firstNames)], lastNames[(i/len(firstNames)+i*7)%len(lastNames)])
}

// orgBuilder collects the change with running ids.
type orgBuilder struct {
	ch     sandik.OrgChange
	people int
	terms  int
}

func (b *orgBuilder) person(home sandik.UnitCode) sandik.PersonID {
	b.people++
	id := sandik.PersonID(fmt.Sprintf("demo-k-%04d", b.people))
	b.ch.People = append(b.ch.People, sandik.Person{ID: id, Name: syntheticName(b.people - 1), Home: home,
		Phones:  []string{fmt.Sprintf("+90555%07d", b.people)},
		Purpose: "örgüt üyeliği (sentetik demo verisi)", Consent: "2023-01-15"})
	return id
}

// term adds a term of kind in unit for a new person from start to end
// (empty: open).
func (b *orgBuilder) term(kind sandik.KindCode, unit sandik.UnitCode, start, end sandik.Date, source sandik.PositionSource) sandik.PersonID {
	who := b.person(unit)
	b.terms++
	p := sandik.Position{ID: sandik.PositionID(fmt.Sprintf("demo-g-%04d", b.terms)), Kind: kind, Unit: unit, Person: who, Start: start, End: end, Source: source}
	if end != "" {
		p.EndReason = "kongre"
	}
	b.ch.Positions = append(b.ch.Positions, p)
	return who
}

// board adds a unit's board: the one-holder seats, then members.
func (b *orgBuilder) board(unit sandik.UnitCode, chair sandik.KindCode, start sandik.Date, members int) {
	b.term(chair, unit, start, "", sandik.SourceCongress)
	for _, k := range []sandik.KindCode{"sekreter", "sayman", "secim_sorumlusu"} {
		b.term(k, unit, start, "", sandik.SourceCongress)
	}
	for range members {
		b.term("yonetim_kurulu_uyesi", unit, start, "", sandik.SourceCongress)
	}
}

// Organisation is the demo's SYNTHETIC organisation over reg (the demo
// registry): the il unit with its provincial board (chair, secretary,
// treasurer, the member responsible for elections, board members; the
// chair before the 2023 congress ended), a unit for every district of
// reg with its chair and board (every fourth district's previous chair
// ended at the 2023 congress; one district's secretary resigned and is
// vacant), and women's and youth branches of the first districts.
func Organisation(reg *sandik.Registry) sandik.OrgChange {
	b := &orgBuilder{}
	b.ch.Units = append(b.ch.Units, sandik.Unit{Code: OrgUnit, Kind: sandik.UnitIl, Name: "İstanbul İl Başkanlığı", Area: "34"})
	b.term("il_baskani", OrgUnit, "2020-01-12", "2023-10-07", sandik.SourceCongress)
	b.board(OrgUnit, "il_baskani", "2023-10-08", 6)
	for i, dc := range districtsOf(reg) {
		a, _ := reg.Area(dc)
		unit := sandik.UnitCode(dc)
		b.ch.Units = append(b.ch.Units, sandik.Unit{Code: unit, Kind: sandik.UnitIlce, Name: a.Name + " İlçe Başkanlığı", Parent: OrgUnit, Area: dc})
		start := sandik.Date(fmt.Sprintf("2023-09-%02d", 2+i%20))
		if i%4 == 0 {
			b.term("ilce_baskani", unit, "2020-02-01", sandik.Date(fmt.Sprintf("2023-09-%02d", 1+i%20)), sandik.SourceCongress)
		}
		if i == 2 {
			// A secretary who resigned: the seat shows vacant today.
			b.term("ilce_baskani", unit, start, "", sandik.SourceCongress)
			b.term("sekreter", unit, start, "2025-06-30", sandik.SourceCongress)
			b.ch.Positions[len(b.ch.Positions)-1].EndReason = "istifa"
			b.term("sayman", unit, start, "", sandik.SourceCongress)
			b.term("secim_sorumlusu", unit, start, "", sandik.SourceCongress)
			for range 2 {
				b.term("yonetim_kurulu_uyesi", unit, start, "", sandik.SourceCongress)
			}
		} else {
			// The chair, three one-holder seats and two members: a board
			// of about five.
			b.board(unit, "ilce_baskani", start, 2)
		}
		if i < 6 {
			for _, br := range []struct {
				suffix string
				kind   sandik.UnitKind
				name   string
				chair  sandik.KindCode
			}{{"kadin", sandik.UnitWomen, "Kadın Kolu", "kadin_kolu_baskani"}, {"genclik", sandik.UnitYouth, "Gençlik Kolu", "genclik_kolu_baskani"}} {
				code := sandik.UnitCode(string(dc) + "-" + br.suffix)
				b.ch.Units = append(b.ch.Units, sandik.Unit{Code: code, Kind: br.kind, Name: a.Name + " " + br.name, Parent: unit, Area: dc})
				b.term(br.chair, code, start, "", sandik.SourceCongress)
			}
		}
	}
	return b.ch
}

// districtsOf lists reg's districts of İstanbul in code order.
func districtsOf(reg *sandik.Registry) []sandik.AreaCode {
	var out []sandik.AreaCode
	for _, c := range reg.Children("34") {
		if a, ok := reg.Area(c); ok && a.Level == sandik.LevelIlce {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// ChairUserID is the demo user linked to the chair of district unit.
func ChairUserID(unit sandik.UnitCode) sandik.UserID {
	return sandik.UserID("demo-ilce-" + string(unit))
}

// OrgUsers are the demo users linked to the chairs of the first
// ChairUsers districts of ch (Organisation's). They are stored as
// observers with no box: every right they have comes from the chair's
// term, and would end with it.
func OrgUsers(ch sandik.OrgChange) []sandik.User {
	var out []sandik.User
	for _, p := range ch.Positions {
		if p.Kind != "ilce_baskani" || p.End != "" || len(out) == ChairUsers {
			continue
		}
		out = append(out, sandik.User{ID: ChairUserID(p.Unit), Name: "İlçe başkanı " + string(p.Unit) + " (sentetik)", Role: sandik.RoleObserver, Person: p.Person})
	}
	return out
}
