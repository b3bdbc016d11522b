package msg

// rightsMessages are the texts of rights and of the units' pages: the
// roles as the organisation names them (also the values of yetkiler.csv,
// where "yok" gives nothing), its columns, and the chart's page.
// key → {Turkish, English}.
var rightsMessages = map[string][2]string{
	"rights.col.position": {"görev", "position"},
	"rights.col.role":     {"rol", "role"},

	"rights.role.":            {"yok", "none"},
	"rights.role.observer":    {"müşahit", "observer"},
	"rights.role.volunteer":   {"gönüllü", "volunteer"},
	"rights.role.lawyer":      {"avukat", "lawyer"},
	"rights.role.coordinator": {"koordinatör", "coordinator"},
	"rights.role.admin":       {"yönetici", "administrator"},

	"units.title":      {"Birimler", "Units"},
	"units.intro":      {"Görebildiğiniz birimler, üstten alta.", "The units you may see, from the top down."},
	"units.none":       {"Görebileceğiniz bir birim yok.", "There is no unit you may see."},
	"units.nav":        {"Birimler", "Units"},
	"unit.at.label":    {"Tarih", "Date"},
	"unit.at.show":     {"Göster", "Show"},
	"unit.seat":        {"Görev", "Position"},
	"unit.holders":     {"Görevli", "Holder"},
	"unit.since":       {"Başlangıç", "Since"},
	"unit.vacant":      {"BOŞ", "VACANT"},
	"unit.vacant.note": {"Bu görev bu tarihte boş.", "This position is vacant on this day."},
	"unit.no_holder":   {"Kimse yok", "Nobody"},
	"unit.children":    {"Alt birimler", "Units below"},
	"unit.parent":      {"Üst birim", "Unit above"},
	"unit.area":        {"Bölge", "Area"},
	"unit.kind":        {"Tür", "Kind"},
	"unit.vacancies":   {"%d boş görev", "Vacant positions: %d"},
	"unit.bad_date":    {"Tarih YYYY-AA-GG biçiminde olmalı.", "The date must be written YYYY-MM-DD."},
	"unit.removed":     {"silinmiş bir kişi", "a removed person"},
	"unit.gives":       {"Verdiği yetki", "Right it gives"},
	"unit.ends":        {"Bitiş", "Ends"},
	"unit.open":        {"süresiz", "open"},
}
