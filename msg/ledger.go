package msg

// ledgerMessages are the texts of the tamper-evident log's pages: the
// receipt check. key → {Turkish, English}.
var ledgerMessages = map[string][2]string{
	"receipt.title":     {"Makbuz doğrulama", "Check a receipt"},
	"receipt.save":      {"Makbuzu kaydet", "Save the receipt"},
	"receipt.help":      {"Tutanak gönderdiğinizde aldığınız makbuzu (ya da gönderimin yanıtını) buraya yapıştırın. Makbuz, tutanağınızın değiştirilemez kayıt defterine eklendiğini kanıtlar; burada defterin bugünkü imzalı durumunun hâlâ onu içerdiği denetlenir.", "Paste the receipt you got when you sent a sheet (or the answer to the send). The receipt proves your sheet was added to the tamper-evident log; here it is checked that the log's latest signed state still holds it."},
	"receipt.label":     {"Makbuz (JSON)", "Receipt (JSON)"},
	"receipt.check":     {"Doğrula", "Check"},
	"receipt.ok":        {"Makbuz doğrulandı: kaydınız defterde, değişmeden duruyor.", "The receipt checks out: your record is in the log, unchanged."},
	"receipt.ok.leaf":   {"Kayıt #%s, makbuzun imzalı %s kayıtlık defterinde.", "Record #%s is in the receipt's signed log of %s records."},
	"receipt.ok.latest": {"Defterin son imzalı durumu (%s kayıt, %s) bu defteri değiştirmeden sürdürüyor.", "The log's latest signed state (%s records, %s) extends that log without changing it."},
	"receipt.leafhash":  {"Kaydın özeti:", "Record hash:"},
	"receipt.key":       {"Doğrulama anahtarı:", "Verifier key:"},
	"receipt.empty":     {"Makbuz boş: gönderimde aldığınız makbuzu yapıştırın.", "The receipt is empty: paste the receipt you got when you sent."},
	"receipt.malformed": {"Bu bir makbuz değil: %v", "This is not a receipt: %v"},
	"receipt.bad":       {"Makbuz doğrulanamadı: %s", "The receipt does not check out: %s"},
	"receipt.offline":   {"Sunucuya güvenmeden denetlemek için: sandik log verify-receipt -verifier-key ANAHTAR makbuz.json", "To check without trusting this server: sandik log verify-receipt -verifier-key KEY receipt.json"},
}
