// Package resultfile reads the result files a coordination centre imports:
// the official per-ballot-box tables the Supreme Election Council (YSK)
// publishes, and the per-school JSON exports of an observer network. It
// only decodes and checks each record; mapping boxes to the registry and
// comparing figures is the caller's work. It imports no HTTP, SQL or store.
//
// # YSK tables
//
// NewReader reads a text table, NewXLSXReader the same columns from a
// sheet of a workbook. A workbook is refused, before anything is unpacked,
// when it is over MaxXLSXFileBytes packed or MaxXLSXBytes unpacked, or a
// worksheet in it over MaxXLSXSheetBytes or another part over
// MaxXLSXPartBytes: a national table comes as text, which has no size limit. The header has the columns YSK uses (any order,
// any case — Turkish letters included — any spacing):
//
//	IL_ID ILCE_ID MUHTARLIK_ID İl "Seçim Çevresi" "Mahalle / Köy" "Sandık No"
//	"Sandık Seçmen Listesinde Yazılı Seçmenlerin Sayısı" ["Kanunen Oy Kullanan Seçmen Sayısı"]
//	"Oy Kullanan Seçmen Sayısı"
//	"İtiraz Edilmeksizin Geçerli Sayılan Oy Pusulalarının Sayısı"
//	"İtiraz Üzerine Geçerli Sayılan veya Hesaba Katılan Oy Pusulalarının Sayısı"
//	"Geçerli Oy Pusulalarının Toplamı"
//	"Geçersiz Sayılan veya Hesaba Katılmayan Oy Pusulalarının Toplamı"
//	<one column per party or candidate>
//
// The id columns, "Mahalle / Köy" and "Kanunen Oy Kullanan" are optional;
// "İlçe" may stand for, or come beside, "Seçim Çevresi". A few shorter
// names seen in other years' files are accepted too (columnNames). Every
// column from the first unknown one after the sheet fields is a party; an
// unknown column among the sheet fields is an error naming it, since a
// misspelt field must not silently become a party.
//
// The header is the first row that has every required column, looked for
// among the first MaxHeaderLine lines (or sheet rows): the rows above it
// are titles people add to exported sheets ("2014 Mahalli İdareler
// Seçimi — Adana İl Genel Meclisi", a blank row) and are skipped. Line
// numbers stay those of the file, title rows counted. When no row
// qualifies, the error names the columns missing from the row that comes
// closest (the one naming the most sheet fields).
//
// Text tables are UTF-16 (Excel's "Unicode text", which YSK publishes) or
// UTF-8, with or without a byte order mark; cells are separated by tabs,
// semicolons or commas, whichever splits a line into a header (title
// lines may hold any punctuation); lines end in CRLF or LF; a cell may be
// quoted ("" inside for a quote, line breaks allowed). Rows whose cells
// are all empty are skipped.
//
// Figures must be plain non-negative whole numbers up to
// sandik.MaxSheetNumber: YSK files have no thousands separators, so
// "1.234" is a problem rather than a guess. An empty party cell is -1: the
// party was not on that box's ballot, which differs from 0 votes.
//
// A row that breaks a rule comes back with Problems, each naming the
// column header in Field and the line; the caller rejects such rows. Next
// returns an error only when the file cannot be read on: I/O, broken
// UTF-16 or UTF-8, or a line over MaxLineBytes. Those are EInvalid
// *sandik.Error values naming the line, except I/O errors.
//
// # Observer files
//
// ReadObserverFile reads one file of Oy ve Ötesi's export: an array of
// boxes {ballot_box_number, school_name, cm_result, mv_result}, each result
// null or {image_url, submission_id, total_vote, votes}, votes keyed by
// ballot position. Decoding is strict: an unknown or repeated key, a value
// of the wrong type or an impossible number is a problem of its box, named
// by its JSON path ("[3].cm_result.votes.7") with the line of the box.
package resultfile
