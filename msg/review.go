package msg

// reviewMessages are the texts of the conflict queue, the comparison and the observer's entry form: key → {Turkish, English}.
var reviewMessages = map[string][2]string{}
