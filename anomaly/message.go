package anomaly

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Message says in plain language what was found, with the figures from
// Params: in Turkish for lang "tr" (and any unknown language), in English
// for "en". Numbers are written as each language does: 1.234,5 and
// %12,5 in Turkish, 1,234.5 and 12.5% in English.
func (f Flag) Message(lang string) string {
	p := printer{en: strings.EqualFold(lang, "en"), params: f.Params}
	switch f.Kind {
	case KindIdentity:
		return p.identity(f)
	case KindTurnoutOver100:
		byLaw := ""
		if p.num("voted_by_law") > 0 {
			byLaw = p.pick(" (ve kanunen oy kullanan "+p.int("voted_by_law")+")", " (plus "+p.int("voted_by_law")+" by law)")
		}
		return p.pick(
			fmt.Sprintf("Katılım %s: kayıtlı %s seçmen%s varken %s kişi oy kullanmış; sınır %s.",
				p.pct(f.Value), p.int("registered"), byLaw, p.int("voted"), p.pct(f.Threshold)),
			fmt.Sprintf("Turnout is %s: %s voted where %s are registered%s; the limit is %s.",
				p.pct(f.Value), p.int("voted"), p.int("registered"), byLaw, p.pct(f.Threshold)))
	case KindTurnoutOutlier:
		return p.pick(
			fmt.Sprintf("Katılım %s; karşılaştırılan %s sandığın ortancası %s, işaretleme sınırı %s.",
				p.pct(f.Value), p.int("group_size"), p.pct(p.num("median")), p.pct(f.Threshold)),
			fmt.Sprintf("Turnout is %s while the median of the %s boxes it is compared with is %s; the bound is %s.",
				p.pct(f.Value), p.int("group_size"), p.pct(p.num("median")), p.pct(f.Threshold)))
	case KindInvalidOutlier:
		return p.pick(
			fmt.Sprintf("Geçersiz oy oranı %s (%s oydan %s geçersiz); karşılaştırılan %s sandığın ortancası %s, işaretleme sınırı %s.",
				p.pct(f.Value), p.int("voted"), p.int("invalid"), p.int("group_size"), p.pct(p.num("median")), p.pct(f.Threshold)),
			fmt.Sprintf("Invalid votes are %s of the votes cast (%s of %s); the median of the %s boxes compared is %s, the bound %s.",
				p.pct(f.Value), p.int("invalid"), p.int("voted"), p.int("group_size"), p.pct(p.num("median")), p.pct(f.Threshold)))
	case KindZeroChoice:
		return p.pick(
			fmt.Sprintf("%s bu sandıkta hiç oy almamış, oysa karşılaştırılan %s sandıkta oylarının ortanca payı %s (sınır %s).",
				p.str("choice"), p.int("group_size"), p.pct(f.Value), p.pct(f.Threshold)),
			fmt.Sprintf("%s got no votes here, while its median share in the %s boxes compared is %s (flagged from %s).",
				p.str("choice"), p.int("group_size"), p.pct(f.Value), p.pct(f.Threshold)))
	case KindTransposed:
		name := p.field(f.Field)
		return p.pick(
			fmt.Sprintf("%s bu girişte %s, diğer girişte %s: iki rakamın yeri karışmış olabilir.", name, p.int("this"), p.int("other")),
			fmt.Sprintf("%s is %s in this entry and %s in the other: two digits may have been swapped.", name, p.int("this"), p.int("other")))
	case KindTurnoutSwing:
		return p.pick(
			fmt.Sprintf("Katılım önceki seçimden bu yana %s puan değişmiş, mahallesininki %s puan (eşleşme: %s); fark %s puanı aşıyor.",
				p.signed(f.Value), p.signed(p.num("neighbourhood")), p.match(), p.fmt(f.Threshold, 0)),
			fmt.Sprintf("Turnout moved %s points since the previous election, its neighbourhood's %s (matched by %s): more than %s points apart.",
				p.signed(f.Value), p.signed(p.num("neighbourhood")), p.match(), p.fmt(f.Threshold, 0)))
	case KindShareSwing:
		return p.pick(
			fmt.Sprintf("%s payı önceki seçimden bu yana %s puan değişmiş, mahallesindeki %s puan (eşleşme: %s); fark %s puanı aşıyor.",
				p.str("choice"), p.signed(f.Value), p.signed(p.num("neighbourhood")), p.match(), p.fmt(f.Threshold, 0)),
			fmt.Sprintf("%s's share moved %s points since the previous election, in its neighbourhood %s (matched by %s): more than %s points apart.",
				p.str("choice"), p.signed(f.Value), p.signed(p.num("neighbourhood")), p.match(), p.fmt(f.Threshold, 0)))
	case KindRoundNumbers:
		return p.pick(
			fmt.Sprintf("10 ve üstü %s oy sayısından %s tanesi 0 ile bitiyor; bunun tesadüfen olma olasılığı yaklaşık 1/%s (sınır 1/%s).",
				p.int("counts"), p.int("round"), p.odds(f.Value), p.odds(f.Threshold)),
			fmt.Sprintf("%s of the %s counts of 10 or more end in 0; chance does that about once in %s (flagged from once in %s).",
				p.int("round"), p.int("counts"), p.odds(f.Value), p.odds(f.Threshold)))
	}
	return fmt.Sprintf("%s: %s", f.Kind, f.Field)
}

func (p printer) identity(f Flag) string {
	got, want := p.int("got"), p.int("want")
	diff := p.num("diff")
	more := p.pick(p.fmt(math.Abs(diff), 0)+" fazla", p.fmt(math.Abs(diff), 0)+" more")
	if diff < 0 {
		more = p.pick(p.fmt(-diff, 0)+" eksik", p.fmt(-diff, 0)+" fewer")
	}
	switch f.Field {
	case "valid_total":
		return p.pick(
			fmt.Sprintf("İtirazsız (%s) ve itirazlı (%s) geçerli oyların toplamı %s, ama geçerli oy toplamı %s yazılmış.", p.int("without"), p.int("upon"), got, want),
			fmt.Sprintf("Valid votes without objection (%s) and upon objection (%s) add up to %s, but the valid total is %s.", p.int("without"), p.int("upon"), got, want))
	case "votes":
		return p.pick(
			fmt.Sprintf("Seçeneklerin oyları toplamı %s, ama geçerli oy toplamı %s yazılmış (%s).", got, want, more),
			fmt.Sprintf("The votes of the choices add up to %s, but the valid total is %s (%s).", got, want, more))
	}
	return p.pick(
		fmt.Sprintf("Geçerli (%s) ve geçersiz (%s) oyların toplamı %s, ama oy kullanan seçmen sayısı %s yazılmış (%s).", p.int("valid"), p.int("invalid"), got, want, more),
		fmt.Sprintf("Valid (%s) and invalid (%s) votes add up to %s, but the number who voted is %s (%s).", p.int("valid"), p.int("invalid"), got, want, more))
}

// printer formats the figures of one message in one language.
type printer struct {
	en     bool
	params map[string]any
}

func (p printer) pick(tr, en string) string {
	if p.en {
		return en
	}
	return tr
}

// num reads a number parameter whatever its Go type (a flag read back
// from JSON has float64 where Detect put int64).
func (p printer) num(key string) float64 {
	switch v := p.params[key].(type) {
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case float64:
		return v
	}
	return 0
}

func (p printer) str(key string) string {
	if s, ok := p.params[key].(string); ok {
		return s
	}
	return fmt.Sprint(p.params[key])
}

func (p printer) int(key string) string { return p.fmt(p.num(key), 0) }

// signed writes points with one decimal and their sign: +12,5 or −3.0.
func (p printer) signed(v float64) string {
	if v < 0 {
		return "−" + p.fmt(-v, 1)
	}
	return "+" + p.fmt(v, 1)
}

// match names how a box was matched to the previous election.
func (p printer) match() string {
	switch p.str("match") {
	case "same_box":
		return p.pick("aynı sandık", "the same box")
	case "neighbourhood":
		return p.pick("mahallenin sandıkları", "its neighbourhood's boxes")
	}
	return p.str("match")
}

// pct writes a percentage with one decimal: %98,2 or 98.2%.
func (p printer) pct(v float64) string {
	if p.en {
		return p.fmt(v, 1) + "%"
	}
	return "%" + p.fmt(v, 1)
}

// odds writes 1/prob rounded to two significant digits: 0.00025 → 4.000.
func (p printer) odds(prob float64) string {
	if prob <= 0 {
		return "∞"
	}
	x := 1 / prob
	if x >= 100 {
		e := math.Pow(10, math.Floor(math.Log10(x))-1)
		x = math.Round(x/e) * e
	}
	return p.fmt(x, 0)
}

var fieldNames = map[string][2]string{
	"registered":              {"Kayıtlı seçmen", "Registered voters"},
	"voted_by_law":            {"Kanunen oy kullanan", "Voters by law"},
	"voted":                   {"Oy kullanan seçmen", "Voters who voted"},
	"valid_without_objection": {"İtirazsız geçerli oy", "Valid votes without objection"},
	"valid_upon_objection":    {"İtirazlı geçerli oy", "Valid votes upon objection"},
	"valid_total":             {"Geçerli oy toplamı", "The valid total"},
	"invalid_total":           {"Geçersiz oy", "Invalid votes"},
}

func (p printer) field(f string) string {
	if choice, ok := strings.CutPrefix(f, "votes."); ok {
		return p.pick(choice+" oyu", choice+"'s votes")
	}
	if n, ok := fieldNames[f]; ok {
		return p.pick(n[0], n[1])
	}
	return f
}

// fmt writes v with the given decimals and the language's separators.
func (p printer) fmt(v float64, decimals int) string {
	group, point := ".", ","
	if p.en {
		group, point = ",", "."
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}
