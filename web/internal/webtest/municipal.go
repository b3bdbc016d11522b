package webtest

import (
	"github.com/sandik-dev/sandik"
)

// MunicipalFixture stores the fixture's municipalities (İstanbul's
// metropolitan one, Adalar and Beşiktaş) with a 2014 and a 2019 term
// each, entered by hand, and sets CHP as the organisation's party: CHP
// gained İstanbul, kept Adalar and lost Beşiktaş. Names are synthetic.
func (e *Env) MunicipalFixture() {
	e.T.Helper()
	ctx := e.T.Context()
	setup := sandik.User{ID: "setup", Role: sandik.RoleAdmin}
	ch := sandik.MunicipalChange{Municipalities: []sandik.Municipality{
		{Code: "34", Kind: sandik.MuniBuyuksehir, Name: "İstanbul Büyükşehir Belediyesi", Area: "34"},
		{Code: "34.01", Kind: sandik.MuniIlce, Name: "Adalar Belediyesi", Area: "34.01"},
		{Code: "34.02", Kind: sandik.MuniIlce, Name: "Beşiktaş Belediyesi", Area: "34.02"},
	}}
	for _, t := range []struct {
		m         sandik.MunicipalityCode
		p14, p19  sandik.PartyCode
		mayor     string
		margin    int64
		marginPts float64
	}{
		{"34", "AKP", "CHP", "Başkan İstanbul (sentetik)", 13729, 0.16},
		{"34.01", "CHP", "CHP", "Başkan Adalar (sentetik)", 1200, 12.5},
		{"34.02", "CHP", "AKP", "Başkan Beşiktaş (sentetik)", 40, 0.05},
	} {
		ch.Terms = append(ch.Terms,
			sandik.MunicipalTerm{Municipality: t.m, Election: "2014-YEREL", Day: "2014-03-30", Version: 1, Mayor: "Eski " + t.mayor, Party: t.p14,
				MarginVotes: 100, MarginPoints: 1, Source: sandik.TermByHand, Reason: "arşiv"},
			sandik.MunicipalTerm{Municipality: t.m, Election: Election, Day: "2019-03-31", Version: 1, Mayor: t.mayor, Party: t.p19,
				MarginVotes: t.margin, MarginPoints: t.marginPts, Source: sandik.TermByHand, Reason: "YSK ilanı"})
	}
	if err := e.Center.SaveMunicipalities(ctx, setup, ch); err != nil {
		e.T.Fatal(err)
	}
	if err := e.Center.SetOurParty(ctx, setup, "CHP", 0); err != nil {
		e.T.Fatal(err)
	}
}
