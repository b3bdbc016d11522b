package msg

// orgMessages are the texts of the organisation: kinds of unit, how a
// term began, the chart's words, the problems a reader is told, and the
// columns of the organisation's CSV files (the Turkish text is the
// header written; a reader folds "Üst Birim" and "ust_birim" alike).
// key → {Turkish, English}.
var orgMessages = map[string][2]string{
	"org.unit":      {"Birim", "Unit"},
	"org.units":     {"Birimler", "Units"},
	"org.person":    {"Kişi", "Person"},
	"org.people":    {"Kişiler", "People"},
	"org.position":  {"Görev", "Position"},
	"org.positions": {"Görevler", "Positions"},
	"org.chart":     {"Görev dağılımı", "Chart"},
	"org.chart.at":  {"%s tarihindeki görev dağılımı", "Chart as of %s"},
	"org.vacant":    {"Boş", "Vacant"},
	"org.held_by":   {"%s (%s tarihinden beri)", "%s (since %s)"},
	"org.until":     {"%s tarihine kadar", "until %s"},

	"org.kind.genel_merkez": {"Genel Merkez", "Headquarters"},
	"org.kind.il":           {"İl", "Province"},
	"org.kind.ilce":         {"İlçe", "District"},
	"org.kind.belde":        {"Belde", "Town"},
	"org.kind.mahalle":      {"Mahalle", "Neighbourhood"},
	"org.kind.kadin_kolu":   {"Kadın Kolu", "Women's branch"},
	"org.kind.genclik_kolu": {"Gençlik Kolu", "Youth branch"},
	"org.kind.meclis_grubu": {"Meclis Grubu", "Council group"},

	"org.source.kongre": {"Kongre", "Congress"},
	"org.source.atama":  {"Atama", "Appointment"},
	"org.source.secim":  {"Seçim", "Election"},

	"org.rule.held":    {"Bu görev o tarihlerde başkasında: %s", "Someone else holds this position on those days: %s"},
	"org.rule.no_unit": {"Böyle bir birim yok: %s", "No such unit: %s"},
	"org.rule.area":    {"Birimin bölgesi seçmen kütüğünde yok: %s", "The unit's area is not in the registry: %s"},
	"org.kvkk.purpose": {"İşleme amacı", "Purpose of processing"},
	"org.kvkk.consent": {"Açık rıza tarihi", "Date consent was recorded"},
	"org.kvkk.hidden":  {"Telefon ve e-posta yalnızca kişinin bölgesindeki koordinatörlere ve yöneticilere gösterilir.", "Phones and e-mail are shown only to coordinators of the person's area and to administrators."},

	"org.col.code":       {"kod", "code"},
	"org.col.kind":       {"tür", "kind"},
	"org.col.name":       {"ad", "name"},
	"org.col.parent":     {"üst_birim", "parent"},
	"org.col.area":       {"bölge", "area"},
	"org.col.one_holder": {"tek_kişi", "one_holder"},
	"org.col.id":         {"kimlik", "id"},
	"org.col.full_name":  {"ad_soyad", "full_name"},
	"org.col.home":       {"birim", "unit"},
	"org.col.purpose":    {"amaç", "purpose"},
	"org.col.consent":    {"rıza_tarihi", "consent_date"},
	"org.col.phones":     {"telefonlar", "phones"},
	"org.col.email":      {"e_posta", "email"},
	"org.col.note":       {"not", "note"},
	"org.col.position":   {"görev", "position"},
	"org.col.unit":       {"birim", "unit"},
	"org.col.person":     {"kişi", "person"},
	"org.col.start":      {"başlangıç", "start"},
	"org.col.source":     {"kaynak", "source"},
	"org.col.end":        {"bitiş", "end"},
	"org.col.end_reason": {"bitiş_nedeni", "end_reason"},
	"org.yes":            {"evet", "yes"},
	"org.no":             {"hayır", "no"},
}
