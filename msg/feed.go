package msg

// feedMessages are the texts of the official feed's pages: roll-ups
// across constituencies, official versions and their diffs, alerts,
// recounts and box history. key → {Turkish, English}.
var feedMessages = map[string][2]string{
	"nav.rollups":           {"Toplamlar", "Roll-ups"},
	"rollup.title":          {"Seçim çevreleri toplamı", "Roll-up across constituencies"},
	"rollup.kind":           {"Yarış türü", "Race kind"},
	"rollup.none":           {"Bu seçimde yarış türüyle kodlanmış yarış yok (SEÇİM.TÜR.ÇEVRE).", "This election has no race coded with a kind (ELECTION.KIND.CONSTITUENCY)."},
	"rollup.notice":         {"Resmî olmayan toplam: %s yarış toplandı; %s/%s sandık doğrulandı, %s sandığın resmî sonucu var. Yalnız YSK sonuçları resmîdir.", "Unofficial: %s races added up; %s of %s boxes verified, %s with official figures. Only the YSK's results are official."},
	"rollup.hidden":         {"Görme yetkiniz olmayan %s yarış toplama katılmadı.", "%s races you may not read are left out."},
	"rollup.choice":         {"Parti", "Party"},
	"rollup.races":          {"Yarış", "Races"},
	"rollup.share":          {"Oran", "Share"},
	"rollup.children":       {"Alt bölgeler", "Areas below"},
	"rollup.leader":         {"Önde (resmî)", "Leading (official)"},
	"rollup.csv":            {"CSV olarak indir", "Download as CSV"},
	"rollup.link":           {"Tüm %s yarışlarının toplamı", "All %s races added up"},
	"rollup.boxes.off":      {"Resmî sandık", "Official boxes"},
	"rollup.col.area":       {"bölge kodu", "area code"},
	"rollup.col.name":       {"bölge", "area"},
	"rollup.col.races":      {"yarış", "races"},
	"rollup.col.hidden":     {"gizli yarış", "hidden races"},
	"rollup.col.boxes":      {"sandık", "boxes"},
	"rollup.col.verified":   {"doğrulanan sandık", "verified boxes"},
	"rollup.col.official":   {"resmî sandık", "official boxes"},
	"rollup.col.registered": {"kayıtlı seçmen", "registered voters"},
}
