package msg

// coverageMessages are the texts of observers at boxes: the coverage
// page, the silent boxes of the night and the columns of the
// assignments' CSV file. key → {Turkish, English}.
var coverageMessages = map[string][2]string{
	"cov.col.election": {"seçim", "election"},
	"cov.col.box":      {"sandık", "box"},
}
