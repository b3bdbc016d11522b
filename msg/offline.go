package msg

// offlineMessages are the texts of the observer form's outbox: the sheets
// and photos kept on the phone until the centre acknowledges them
// (docs/offline.md).
var offlineMessages = map[string][2]string{
	"entry.photos":      {"Tutanağın fotoğrafları (isteğe bağlı)", "Photos of the sheet (optional)"},
	"entry.photos.help": {"JPEG veya PNG, her biri en çok 10 MB, en çok 5 fotoğraf. Bağlantı yoksa telefonda bekler.", "JPEG or PNG, up to 10 MB each, at most 5 photos. Without a connection they wait on this phone."},
	"form.offline":      {"Bağlantı yok. Tutanak bu telefonda saklandı; bağlantı gelince aynı kimlikle kendiliğinden gönderilecek. Tutanak iki kez sayılmaz.", "No connection. The sheet is kept on this phone and will be sent with the same id as soon as the connection returns. It will not be counted twice."},
	"form.photo.type":   {"Yalnız JPEG veya PNG fotoğraf gönderilebilir (HEIC olmaz; telefonun kamerasını \"en uyumlu\" biçime alın): %s", "Only JPEG or PNG photos can be sent (not HEIC; set the phone's camera to \"most compatible\"): %s"},
	"form.photo.size":   {"Bir fotoğraf en çok %s MB olabilir: %s", "A photo may be at most %s MB: %s"},
	"form.photo.many":   {"Bir tutanakla en çok %s fotoğraf gönderilebilir.", "At most %s photos can be sent with one sheet."},

	"outbox.title":          {"Bu telefondaki tutanaklar", "Sheets on this phone"},
	"outbox.help":           {"Gönderilemeyen tutanak ve fotoğraflar burada bekler; bağlantı gelince, sayfa yeniden açıldığında da, kendiliğinden gönderilir.", "Sheets and photos that could not be sent wait here; they are sent by themselves when the connection returns, also after the page is opened again."},
	"outbox.waiting":        {"%s · %s: gönderilmeyi bekliyor", "%s · %s: waiting to send"},
	"outbox.acked":          {"%s · %s: merkez aldı (kayıt #%s, %s)", "%s · %s: the centre acknowledged it (record #%s, %s)"},
	"outbox.replayed":       {"%s · %s: merkez zaten almıştı (kayıt #%s, %s); iki kez sayılmadı", "%s · %s: the centre already had it (record #%s, %s); not counted twice"},
	"outbox.refused":        {"%s · %s: merkez reddetti: %s", "%s · %s: the centre refused it: %s"},
	"outbox.photos.waiting": {"%s fotoğraf gönderilmeyi bekliyor", "%s photo(s) waiting to send"},
	"outbox.photos.sent":    {"%s fotoğraf merkeze ulaştı", "%s photo(s) reached the centre"},
	"outbox.photos.refused": {"%s fotoğraf reddedildi: %s", "%s photo(s) refused: %s"},
	"outbox.open":           {"Forma al ve düzelt", "Open in the form to correct"},
	"outbox.session":        {"Oturum sona erdi; bekleyenler yeniden giriş yapınca gönderilecek.", "Your session ended; what waits will be sent once you sign in again."},
	"outbox.clear":          {"Gönderilenleri bu telefondan sil", "Remove what was sent from this phone"},
}
