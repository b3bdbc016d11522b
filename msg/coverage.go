package msg

// coverageMessages are the texts of observers at boxes: the coverage
// page, the silent boxes of the night and the columns of the
// assignments' CSV file. key → {Turkish, English}.
var coverageMessages = map[string][2]string{
	"cov.col.election": {"seçim", "election"},
	"cov.col.box":      {"sandık", "box"},

	"nav.coverage": {"Müşahit kapsaması", "Observer coverage"},
	"nav.silent":   {"Sessiz sandıklar", "Silent boxes"},

	"cov.title":         {"Müşahit kapsaması", "Observer coverage"},
	"cov.election":      {"Seçim", "Election"},
	"cov.show":          {"Göster", "Show"},
	"cov.counts":        {"Müşahitli sandıklar", "Boxes with observers"},
	"cov.boxes":         {"Sandık", "Boxes"},
	"cov.none":          {"Müşahitsiz", "None"},
	"cov.one":           {"1 müşahit", "1 observer"},
	"cov.many":          {"2 ve üzeri", "2 or more"},
	"cov.covered":       {"Kapsanan", "Covered"},
	"cov.map":           {"Kapsama haritası", "Coverage map"},
	"cov.map.label":     {"Müşahitli sandıkların payına göre harita", "Map by the share of boxes with an observer"},
	"cov.map.title":     {"%s / %s sandıkta müşahit var", "%s of %s boxes have an observer"},
	"cov.map.help":      {"Renk, müşahidi olan sandıkların payını gösterir; rakamlar yukarıdaki tabloda.", "The colour shows the share of boxes with an observer; the figures are in the table above."},
	"cov.gaps":          {"Müşahitsiz sandıklar", "Boxes without an observer"},
	"cov.gaps.none":     {"Bu bölgede müşahitsiz sandık yok.", "Every box in this area has an observer."},
	"cov.gaps.more":     {"%s sandık daha; görmek için bölgeyi daraltın.", "%s more boxes; narrow the area to see them."},
	"cov.place":         {"Yer", "Place"},
	"cov.box":           {"Sandık", "Box"},
	"cov.assign":        {"Müşahit ata", "Assign an observer"},
	"cov.assign.box":    {"Sandık", "Box"},
	"cov.assign.person": {"Kişi", "Person"},
	"cov.assign.note":   {"Açıklama (isteğe bağlı)", "Note (optional)"},
	"cov.people.more":   {"Yalnızca ilk %s kişi listelendi.", "Only the first %s people are listed."},
	"cov.people.none":   {"Bu bölgenin birimlerinde atanacak kişi yok.", "The units of this area have no one to assign."},
	"cov.done":          {"%s sandığına müşahit atandı.", "An observer was assigned to %s."},

	"silent.title":    {"Sessiz sandıklar", "Silent boxes"},
	"silent.rule":     {"Sandıkların kapanışı: saat %s. Müşahidi atanmış olup kapanıştan %s dakika sonra hiçbir yarış için tutanağı gelmemiş sandıklar listelenir.", "The polls closed at %s. Boxes with an observer assigned and no sheet of any race %s minutes after the close are listed."},
	"silent.early":    {"Henüz erken: liste saat %s itibarıyla gösterilir.", "Too early: the list begins at %s."},
	"silent.none":     {"Sessiz sandık yok.", "No box is silent."},
	"silent.observer": {"Müşahit", "Observer"},
	"silent.phone":    {"Telefon", "Phone"},
	"silent.nophone":  {"gösterilmiyor", "not shown"},
	"silent.withheld": {"Bir dakikada görebileceğiniz telefon sayısına ulaştınız; bir dakika sonra sayfayı yenileyin. Liste eksiksizdir.", "You have reached the phone numbers you may see in a minute; reload the page in a minute. The list is complete."},
	"silent.minutes":  {"Kapanıştan beri", "Since the close"},
	"silent.min":      {"%s dk", "%s min"},
}
