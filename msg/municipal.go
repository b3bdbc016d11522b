package msg

// municipalMessages are the texts of the municipalities page: the kinds
// of municipality, where a term came from, what an election did to our
// party, and the table's and map's words. key → {Turkish, English}.
var municipalMessages = map[string][2]string{
	"nav.municipalities":   {"Belediyeler", "Municipalities"},
	"muni.title":           {"Belediyeler", "Municipalities"},
	"muni.party":           {"Partimiz: %s. Kazanılan, korunan, alınan ve kaybedilen belediyeler bir önceki dönemle karşılaştırılır.", "Our party: %s. Municipalities won, kept, gained and lost are compared with the term before."},
	"muni.party.none":      {"Partimiz henüz tanımlanmadı (sandik org party KOD); kazanılan ve kaybedilen sayılamıyor.", "Our party is not set yet (sandik org party CODE); nothing is counted as won or lost."},
	"muni.elections":       {"Seçim", "Election"},
	"muni.none":            {"Bu seçim için kayıtlı belediye yok.", "No municipality is recorded for this election."},
	"muni.summary.caption": {"Partimizin belediyeleri, %s", "Our party's municipalities, %s"},
	"muni.count":           {"Belediye", "Municipalities"},
	"muni.won":             {"Kazanılan", "Held"},
	"muni.kept":            {"Korunan", "Kept"},
	"muni.gained":          {"Alınan", "Gained"},
	"muni.lost":            {"Kaybedilen", "Lost"},
	"muni.before":          {"Önceki dönem", "Held before"},
	"muni.map":             {"İlçe belediyeleri haritası", "Map of the district municipalities"},
	"muni.map.label":       {"İlçe belediyeleri, kazanan partiye göre", "District municipalities by the party holding them"},
	"muni.map.table":       {"Haritadaki her ilçe aşağıdaki tabloda da yer alır.", "Every district on the map is also in the table below."},
	"muni.legend":          {"%s (%s belediye)", "%s (%s municipalities)"},
	"muni.legend.none":     {"Kayıt yok", "No record"},
	"muni.table":           {"Belediyeler ve başkanları", "Municipalities and their mayors"},
	"muni.name":            {"Belediye", "Municipality"},
	"muni.kind":            {"Tür", "Kind"},
	"muni.mayor":           {"Belediye başkanı", "Mayor"},
	"muni.partycol":        {"Parti", "Party"},
	"muni.margin":          {"Fark (oy)", "Margin (votes)"},
	"muni.points":          {"Fark (puan)", "Margin (points)"},
	"muni.previous":        {"Önceki dönem", "Term before"},
	"muni.outcome":         {"Sonuç", "Outcome"},
	"muni.source":          {"Kaynak", "Source"},
	"muni.version":         {"(%d. sürüm)", "(version %d)"},
	"muni.council":         {"Meclis üyeleri", "Council members"},
	"muni.independent":     {"Bağımsız", "Independent"},

	"muni.kind.buyuksehir": {"Büyükşehir", "Metropolitan"},
	"muni.kind.il":         {"İl", "Province"},
	"muni.kind.ilce":       {"İlçe", "District"},
	"muni.kind.belde":      {"Belde", "Town"},

	"muni.source.resmi_sonuc": {"Resmî sonuç", "Official results"},
	"muni.source.elle":        {"Elle girildi", "Entered by hand"},

	"muni.outcome.kazanildi":  {"Kazanıldı", "Won"},
	"muni.outcome.korundu":    {"Korundu", "Kept"},
	"muni.outcome.alindi":     {"Alındı", "Gained"},
	"muni.outcome.kaybedildi": {"Kaybedildi", "Lost"},
	"muni.outcome.diger":      {"—", "—"},
}
