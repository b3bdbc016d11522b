package pages

import (
	"net/http"

	"github.com/sandik-dev/sandik/web/casefile"
)

// routes is the pages' whole route table. p.page needs a session (else
// the login page) and refuses cross-origin posts; coord, seesAll and
// managesCases limit a page by role; p.b.Write takes one of the bounded
// write slots the API shares. The statuses after a handler are the ones
// its metrics are resolved for at start.
func (p *Pages) routes() {
	page, write, handle := p.page, p.b.Write, p.b.Handle
	handle("GET /login", p.loginPage, http.StatusOK)
	handle("POST /login", p.login, http.StatusSeeOther, http.StatusUnauthorized)
	handle("POST /logout", p.logout, http.StatusSeeOther)
	handle("GET /lang/{lang}", p.setLang, http.StatusSeeOther)
	handle("GET /static/", p.static(), http.StatusOK)
	handle("GET /map/{map}", p.mapImage, http.StatusOK)
	handle("GET /{$}", page(p.home), http.StatusSeeOther)

	handle("GET /races/{race}/areas/{area}", page(coord(p.overview)), http.StatusOK)
	handle("GET /races/{race}/areas/{area}/live", page(coord(p.liveOverview)), http.StatusOK)
	handle("GET /races/{race}/areas/{area}/export.csv", page(coord(p.exportCSV)), http.StatusOK)
	handle("GET /races/{race}/areas/{area}/export.xlsx", page(coord(p.exportXLSX)), http.StatusOK)
	handle("GET /races/{race}/boxes/{box}", page(p.boxPage), http.StatusOK)
	handle("GET /races/{race}/boxes/{box}/live", page(p.liveBox), http.StatusOK)
	handle("POST /races/{race}/boxes/{box}/adjudicate", page(coord(p.adjudicate)), http.StatusSeeOther)
	handle("GET /races/{race}/conflicts", page(coord(p.conflicts)), http.StatusOK)
	handle("GET /races/{race}/conflicts/live", page(coord(p.liveConflicts)), http.StatusOK)

	handle("GET /races/{race}/areas/{area}/comparison", page(seesAll(p.comparisonPage)), http.StatusOK)
	handle("GET /races/{race}/areas/{area}/comparison.csv", page(seesAll(p.comparisonCSV)), http.StatusOK)
	handle("POST /races/{race}/areas/{area}/comparison/thresholds", page(coord(write(p.saveThresholds))),
		http.StatusSeeOther, http.StatusUnprocessableEntity, http.StatusConflict)
	handle("POST /races/{race}/areas/{area}/cases", page(managesCases(write(p.draftCases))), http.StatusSeeOther)

	handle("GET /itiraz", page(managesCases(p.casesPage)), http.StatusOK)
	handle("GET /itiraz.csv", page(managesCases(p.casesCSV)), http.StatusOK)
	handle("GET /itiraz/{id}", page(managesCases(p.casePage)), http.StatusOK)
	handle("POST /itiraz/{id}", page(managesCases(write(p.changeCase))), http.StatusSeeOther)
	handle("POST /itiraz/{id}/evidence", page(managesCases(write(p.addEvidence))), http.StatusSeeOther)
	handle("GET /itiraz/{id}/petition", page(managesCases(casefile.Petition(p.c, p.now))), http.StatusOK)
	handle("GET /evidence/{sha256}", page(managesCases(casefile.Evidence(p.c))), http.StatusOK)

	handle("GET /entry", page(p.entryPage), http.StatusOK)
	handle("GET /sw.js", p.serviceWorkerScript, http.StatusOK)
	handle("GET /entry/boxes", page(p.searchBoxes), http.StatusOK)
	handle("POST /entry", page(write(p.submitEntry)), http.StatusCreated, http.StatusOK, http.StatusUnprocessableEntity)
	handle("GET /anahtarlama", page(p.keyingPage), http.StatusOK)
	handle("GET /anahtarlama/durum", page(coord(p.keyingStatsPage)), http.StatusOK)
	handle("POST /races/{race}/boxes/{box}/zincir", page(write(p.addCustodyForm)), http.StatusSeeOther)

	handle("GET /belediyeler", page(p.municipalitiesPage), http.StatusOK)
	handle("GET /kisiler", page(p.peopleList), http.StatusOK)
	handle("GET /kisiler/{id}", page(p.personPage), http.StatusOK)
	handle("GET /kisiler/{id}/export.json", page(p.personExport), http.StatusOK)
	handle("POST /kisiler/{id}/sil", page(write(p.personErase)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("GET /birimler", page(p.unitsPage), http.StatusOK)
	handle("GET /birimler/{code}", page(p.unitPage), http.StatusOK)
	handle("GET /kapsama", page(coord(p.coveragePage)), http.StatusOK)
	handle("POST /kapsama/ata", page(coord(write(p.assignGap))), http.StatusSeeOther)
	handle("GET /sessiz", page(coord(p.silentPage)), http.StatusOK)
	handle("GET /kullanicilar", page(coord(p.usersPage)), http.StatusOK)
	handle("POST /kullanicilar", page(coord(write(p.createUserForm))), http.StatusCreated, http.StatusUnprocessableEntity, http.StatusForbidden)
	handle("POST /kullanicilar/{id}/sil", page(coord(write(p.removeUserForm))), http.StatusSeeOther)

	handle("GET /toplantilar", page(p.meetingsPage), http.StatusOK)
	handle("POST /toplantilar", page(write(p.createMeeting)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("GET /toplantilar/{id}", page(p.meetingPage), http.StatusOK)
	handle("POST /toplantilar/{id}/katilim", page(write(p.attend)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("POST /toplantilar/{id}/anket", page(write(p.createSurvey)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("POST /toplantilar/{id}/masalar", page(write(p.seat)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("POST /toplantilar/{id}/karar", page(write(p.addDecision)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("POST /toplantilar/{id}/kapat", page(write(p.closeMeeting)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("POST /toplantilar/{id}/sonraki", page(write(p.nextMeeting)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("GET /kararlar", page(p.decisionsPage), http.StatusOK)
	handle("POST /kararlar/{id}", page(write(p.setDecision)), http.StatusSeeOther)
	handle("POST /anket/{id}/soru/{q}", page(write(p.setQuestion)), http.StatusSeeOther)
	handle("GET /anket/{id}/ekran", page(p.projector), http.StatusOK)
	handle("GET /anket/{id}/sonuclar.csv", page(p.resultsCSV), http.StatusOK)
	handle("GET /anket/{id}/sonuclar.xlsx", page(p.resultsXLSX), http.StatusOK)
	handle("GET /anket/{id}/ekran/live", page(p.liveProjector), http.StatusOK)
	// The phone's pages need no account: the codes shown in the room.
	handle("GET /katil/{id}", p.joinPage, http.StatusOK)
	handle("POST /katil/{id}", p.checkIn, http.StatusSeeOther, http.StatusOK, http.StatusForbidden)
	handle("POST /katil/{id}/bulgu", p.addFinding, http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("POST /katil/{id}/anket/{survey}", p.joinSurvey, http.StatusSeeOther, http.StatusForbidden)
	handle("POST /katil/{id}/anket/{survey}/{q}", p.answerQuestion, http.StatusSeeOther, http.StatusConflict, http.StatusUnprocessableEntity)

	handle("GET /kongreler", page(p.congressesPage), http.StatusOK)
	handle("POST /kongreler", page(write(p.createCongress)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("GET /kongreler/{id}", page(p.congressPage), http.StatusOK)
	handle("POST /kongreler/{id}/{action}", page(write(p.congressAction)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("GET /kongreler/{id}/giris", page(p.deskPage), http.StatusOK)
	handle("POST /kongreler/{id}/giris", page(write(p.deskCheckIn)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("GET /kongreler/{id}/sayim", page(p.countPage), http.StatusOK)
	handle("GET /kongreler/{id}/sonuclar", page(p.resultsPage), http.StatusOK)
	handle("GET /kongreler/{id}/sonuclar/live", page(p.liveResults), http.StatusOK)
	handle("POST /kongreler/{id}/sonuclar/{contest}/onay", page(write(p.approveResult)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("GET /kongreler/{id}/yazdir", page(p.printPage), http.StatusOK)
	handle("GET /kongreler/{id}/disa/{file}", page(p.congressExport), http.StatusOK)

	handle("GET /makbuz", page(p.receiptPage), http.StatusOK)
	handle("POST /makbuz", page(p.receiptPage), http.StatusOK, http.StatusUnprocessableEntity)

	handle("GET /ziyaretler", page(p.visitsPage), http.StatusOK)
	handle("POST /ziyaretler", page(write(p.recordVisit)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("GET /ziyaretler/{id}", page(p.visitPage), http.StatusOK)
	handle("GET /ziyaretler/foto/{sha256}", page(p.visitPhoto), http.StatusOK)
	handle("GET /taahhutler", page(p.boardPage), http.StatusOK)
	handle("POST /taahhutler/{id}", page(write(p.setCommitment)), http.StatusSeeOther)
	handle("GET /turlar", page(p.toursPage), http.StatusOK)
	handle("POST /turlar", page(write(p.createTour)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("GET /turlar/{id}", page(p.tourPage), http.StatusOK)
	handle("POST /turlar/{id}/durak/{unit}", page(write(p.setStop)), http.StatusSeeOther)
	handle("GET /karne", page(p.scorecardsPage), http.StatusOK)
	handle("GET /karne.csv", page(p.scorecardsCSV), http.StatusOK)
	handle("GET /karne.xlsx", page(p.scorecardsXLSX), http.StatusOK)
	handle("GET /karne/{unit}", page(p.scorecardPage), http.StatusOK)
	handle("GET /kardes", page(p.sistersPage), http.StatusOK)
	handle("POST /kardes", page(write(p.createPair)), http.StatusSeeOther, http.StatusUnprocessableEntity)
	handle("GET /toplamlar", page(seesAll(p.rollupPage)), http.StatusOK)
	handle("GET /toplamlar.csv", page(seesAll(p.rollupCSV)), http.StatusOK)
	handle("GET /resmi", page(seesAll(p.feedPage)), http.StatusOK)
	handle("GET /resmi/live", page(seesAll(p.liveFeed)), http.StatusOK)
	handle("GET /races/{race}/boxes/{box}/resmi", page(seesAll(p.feedBoxPage)), http.StatusOK)
}
