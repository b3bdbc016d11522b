package sandik

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// PersonID names a person.
type PersonID string

// Person is someone of the organisation. A person is not a user: a user
// may later be linked to one person. Under KVKK (Law 6698) each record
// carries the purpose its data is processed for and the day consent was
// recorded.
type Person struct {
	ID      PersonID `json:"id"`
	Name    string   `json:"name"`
	Phones  []string `json:"phones,omitempty"`
	Email   string   `json:"email,omitempty"`
	Home    UnitCode `json:"home"`
	Note    string   `json:"note,omitempty"`
	Purpose string   `json:"purpose"`
	Consent Date     `json:"consent"`
	// Erased is the day the person's data was erased (ErasePerson), and
	// EraseReason why; an erased record has no name, phones, e-mail or
	// note left. Only erasure sets them, and copies of an erased record
	// (an import of an export, a copy of the database) carry them.
	Erased      Date   `json:"erased,omitempty"`
	EraseReason string `json:"erase_reason,omitempty"`
}

// NormalPhone returns a phone number without the spaces, dashes, dots
// and brackets people write in it: a leading + and 7 to 15 digits.
func NormalPhone(s string) (string, error) {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", fmt.Errorf("%q holds %q; a phone number has digits, a leading + and spaces", s, r)
		}
	}
	digits := strings.TrimPrefix(b.String(), "+")
	if len(digits) < 7 || len(digits) > 15 {
		return "", fmt.Errorf("%q has %d digits, want 7 to 15", s, len(digits))
	}
	return b.String(), nil
}

// Validate checks p's own fields. Phones must be written as NormalPhone
// returns them, so that what is stored is what is compared.
func (p Person) Validate() error {
	var ps problems
	if err := ValidateCode(string(p.ID)); err != nil {
		ps.add("id", RuleInvalidValue, "%v", err)
	}
	if p.Erased != "" || p.EraseReason != "" {
		p.erasedProblems(&ps)
	} else {
		nameProblems(&ps, "name", p.Name, true)
	}
	if len(p.Phones) > MaxPhones {
		ps.add("phones", RuleTooLarge, "at most %d phone numbers (got %d)", MaxPhones, len(p.Phones))
	}
	for i, ph := range p.Phones {
		n, err := NormalPhone(ph)
		switch {
		case err != nil:
			ps.add(fmt.Sprintf("phones[%d]", i), RuleInvalidValue, "%v", err)
		case n != ph:
			ps.add(fmt.Sprintf("phones[%d]", i), RuleInvalidValue, "%q is to be written %q", ph, n)
		}
	}
	if p.Email != "" {
		a, err := mail.ParseAddress(p.Email)
		if err != nil || a.Address != p.Email || a.Name != "" || len(p.Email) > MaxEmailLen {
			ps.add("email", RuleInvalidValue, "%q is not a plain e-mail address of at most %d bytes", p.Email, MaxEmailLen)
		}
	}
	if err := ValidateCode(string(p.Home)); err != nil {
		ps.add("home", RuleInvalidValue, "home unit %v", err)
	}
	switch {
	case !utf8.ValidString(p.Note) || utf8.RuneCountInString(p.Note) > MaxOrgNote:
		ps.add("note", RuleTooLarge, "must be UTF-8 of at most %d characters", MaxOrgNote)
	case p.Note != strings.TrimSpace(p.Note):
		ps.add("note", RuleInvalidValue, "begins or ends with a space")
	case strings.ContainsFunc(p.Note, func(r rune) bool { return r < ' ' && r != '\n' || r == 0x7f }):
		ps.add("note", RuleInvalidValue, "holds a control character other than a line break")
	}
	nameProblems(&ps, "purpose", p.Purpose, true)
	if _, err := ParseDate(string(p.Consent)); err != nil {
		ps.add("consent", RuleInvalidValue, "the day consent was recorded: %v", err)
	}
	if len(ps) > 0 {
		return Invalid(fmt.Sprintf("invalid person %q", p.ID), ps)
	}
	return nil
}

// erasedProblems checks a record given as erased, as an export or a copy
// of the database holds it: nothing of the person's data, the day of the
// erasure and its reason.
func (p Person) erasedProblems(ps *problems) {
	if p.Name != "" || len(p.Phones) > 0 || p.Email != "" || p.Note != "" {
		ps.add("erased", RuleInvalidValue, "an erased person has no name, phones, e-mail or note")
	}
	if _, err := ParseDate(string(p.Erased)); err != nil {
		ps.add("erased", RuleInvalidValue, "the day of erasure: %v", err)
	}
	for _, pr := range ProblemsOf(CheckEraseReason(p.EraseReason)) {
		ps.add("erase_reason", pr.Rule, "%s", pr.Message)
	}
}
