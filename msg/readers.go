package msg

// readerMessages are the texts of the public snapshots of the totals:
// key → {Turkish, English}. A snapshot is one document for every reader,
// so it carries both.
var readerMessages = map[string][2]string{
	"snapshot.notice": {
		"Gayriresmî: sonuç tutanaklarının müşahit nüshalarından toplanmıştır; %d / %d sandık doğrulandı. Yalnızca doğrulanmış ve resmî rakamlar gösterilir. Resmî sonuçları yalnızca YSK açıklar.",
		"Unofficial: added up from observers' copies of the result sheets; %d of %d boxes verified. Only verified and official figures are shown. Only the YSK's results are official.",
	},
}
