package sandik

// FoldRune maps a letter of a Turkish name to the plain lower-case ASCII
// letter it is read as when names are compared: "İ", "I", "ı" and "i" are
// all "i", "Ş" is "s", "Â" is "a", and so on; other ASCII capitals are
// lower-cased and any other rune is returned as it is. The standard
// library lower-cases "I" to "i" and "İ" to "i̇" (two runes), which is why
// files that spell names in capitals need this to match.
func FoldRune(r rune) rune {
	switch r {
	case 'İ', 'I', 'ı', 'i', 'Î', 'î':
		return 'i'
	case 'Ç', 'ç':
		return 'c'
	case 'Ğ', 'ğ':
		return 'g'
	case 'Ö', 'ö':
		return 'o'
	case 'Ş', 'ş':
		return 's'
	case 'Ü', 'ü', 'Û', 'û':
		return 'u'
	case 'Â', 'â':
		return 'a'
	}
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}
