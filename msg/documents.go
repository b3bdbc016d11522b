package msg

// documentMessages are the texts of the legal documents and exports: petitions, case pages, CSV and XLSX headers and values, rule and anomaly names, API errors: key → {Turkish, English}.
var documentMessages = map[string][2]string{}
