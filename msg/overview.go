package msg

// overviewMessages are the texts of the overview, the map, the late-box lists and the arrivals chart: key → {Turkish, English}.
var overviewMessages = map[string][2]string{}
