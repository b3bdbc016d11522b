package sandik

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AreaCode is the stable code of an area, unique across the whole tree.
// Codes are chosen by the registry (for example "34", "34.0135",
// "34.0135.144920.1001"); YSK ids are kept separately because not every
// area has one.
type AreaCode string

// AreaLevel is the depth of an area in the administrative tree.
type AreaLevel uint8

// The levels of the tree, from the root down. A sandık (ballot box) is
// always a leaf; building is optional between mahalle/köy and sandık.
const (
	LevelCountry  AreaLevel = iota + 1 // ülke
	LevelIl                            // il: province
	LevelIlce                          // ilçe: district
	LevelMahalle                       // mahalle/köy: neighbourhood or village
	LevelBuilding                      // okul/bina: polling building
	LevelSandik                        // sandık: ballot box
)

var levelNames = map[AreaLevel]string{
	LevelCountry:  "country",
	LevelIl:       "il",
	LevelIlce:     "ilce",
	LevelMahalle:  "mahalle",
	LevelBuilding: "building",
	LevelSandik:   "sandik",
}

func (l AreaLevel) String() string {
	if s, ok := levelNames[l]; ok {
		return s
	}
	return fmt.Sprintf("level(%d)", uint8(l))
}

// ParseAreaLevel accepts the names String returns.
func ParseAreaLevel(s string) (AreaLevel, error) {
	for l, name := range levelNames {
		if strings.EqualFold(s, name) {
			return l, nil
		}
	}
	return 0, fmt.Errorf("unknown area level %q (want one of country, il, ilce, mahalle, building, sandik)", s)
}

// MarshalText writes the level's name.
func (l AreaLevel) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a level's name.
func (l *AreaLevel) UnmarshalText(b []byte) error {
	v, err := ParseAreaLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Area is a node of the administrative tree: country → il → ilçe →
// mahalle/köy → building → sandık. Abroad voting is its own subtree.
type Area struct {
	Code   AreaCode  `json:"code"`
	Parent AreaCode  `json:"parent,omitempty"` // empty only for the root
	Level  AreaLevel `json:"level"`
	Name   string    `json:"name"`
	YSKID  string    `json:"ysk_id,omitempty"`
}

// ValidateCode reports whether c can be used as an area, race, election or
// choice code: 1–64 characters, letters, digits and . - _ only, so codes are
// safe in URLs and file names.
func ValidateCode(c string) error {
	if c == "" {
		return fmt.Errorf("is empty")
	}
	if utf8.RuneCountInString(c) > 64 {
		return fmt.Errorf("is longer than 64 characters")
	}
	for _, r := range c {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_') {
			return fmt.Errorf("contains %q; only letters, digits, '.', '-' and '_' are allowed", r)
		}
	}
	return nil
}
