package demo

import (
	"fmt"
	"time"

	"github.com/sandik-dev/sandik"
)

// A workshop (çalıştay) in the manner of İstanbul's of June 2020: the
// provincial board, every district chair and fourteen district mayors,
// invited by the positions they hold on the day; a survey for the
// phones. Names are marked synthetic.

// WorkshopMayors is how many district mayors the workshop invites.
const WorkshopMayors = 14

// WorkshopOrg is the mayors of the first WorkshopMayors districts of il
// 34 in the registry, each a person holding belediye_baskani in their
// district's unit from start; empty when the registry has no il 34. It
// goes with Organisation, whose district units (coded by their area)
// and chairs it joins.
func WorkshopOrg(reg *sandik.Registry, start sandik.Date) sandik.OrgChange {
	var ch sandik.OrgChange
	if _, ok := reg.Area("34"); !ok {
		return ch
	}
	for i, code := range reg.Children("34") {
		if i == WorkshopMayors {
			break
		}
		a, _ := reg.Area(code)
		id := sandik.PersonID(fmt.Sprintf("demo-bb-%d", i+1))
		ch.People = append(ch.People, sandik.Person{ID: id, Name: a.Name + " Belediye Başkanı (sentetik)",
			Home: sandik.UnitCode(code), Purpose: "örgüt üyeliği (sentetik demo)", Consent: start})
		ch.Positions = append(ch.Positions, sandik.Position{ID: sandik.PositionID(fmt.Sprintf("demo-g-bb-%d", i+1)), Kind: "belediye_baskani",
			Unit: sandik.UnitCode(code), Person: id, Start: start, Source: sandik.SourceElection})
	}
	return ch
}

// WorkshopID and WorkshopSurveyID name the demo's workshop and survey.
const (
	WorkshopID       sandik.MeetingID = "demo-calistay"
	WorkshopSurveyID sandik.SurveyID  = "demo-anket"
)

// Workshop is the workshop of day (10:00 to 17:00 in İstanbul).
func Workshop(day time.Time) sandik.Meeting {
	loc := sandik.Istanbul()
	y, mo, d := day.In(loc).Date()
	start := time.Date(y, mo, d, 10, 0, 0, 0, loc)
	return sandik.Meeting{ID: WorkshopID, Unit: "34", Title: "İstanbul İl Örgütü Çalıştayı (sentetik)", Kind: sandik.MeetingWorkshop,
		Start: start, End: start.Add(7 * time.Hour), Place: "İl Başkanlığı, Sarıyer",
		Agenda: []sandik.AgendaItem{
			{At: start, Title: "Açılış konuşmaları", Speaker: "İl Başkanı"},
			{At: start.Add(time.Hour), Title: "Yuvarlak masa çalışması: geçen yılın artıları ve eksileri"},
			{At: start.Add(4 * time.Hour), Title: "Dijital anket ve sonuçların değerlendirilmesi"},
			{At: start.Add(5 * time.Hour), Title: "Kardeş ilçe modeli"},
		},
		Invite: sandik.InviteRule{Kinds: []sandik.KindCode{"il_baskani", "ilce_baskani", "belediye_baskani"}, Under: "34"}}
}

// WorkshopSurvey is the workshop's survey.
func WorkshopSurvey() sandik.Survey {
	return sandik.Survey{ID: WorkshopSurveyID, Meeting: WorkshopID, Title: "Çalıştay anketi (sentetik)", Questions: []sandik.Question{
		{N: 1, Kind: sandik.QuestionSingle, Text: "Kardeş ilçe modeli uygulansın mı?", Options: []string{"Evet", "Hayır", "Kararsızım"}},
		{N: 2, Kind: sandik.QuestionScale, Text: "Örgütün geçen yılını 1–5 arası değerlendirin"},
		{N: 3, Kind: sandik.QuestionMultiple, Text: "Önümüzdeki yılın öncelikleri", Options: []string{"Üye kaydı", "Sandık görevlileri", "Gençlik", "Kadın örgütü"}},
		{N: 4, Kind: sandik.QuestionRanking, Text: "Kaynakları sıralayın", Options: []string{"Saha", "Eğitim", "İletişim"}},
		{N: 5, Kind: sandik.QuestionText, Text: "Tek kelimeyle geçen yıl"},
	}}
}

// WorkshopAnswer is the answer the i-th attendee gives to question n in
// the demo: a spread that leaves every district's group small (merged
// into "other") and the kinds' groups large enough to show.
func WorkshopAnswer(i, n int) sandik.Answer {
	switch n {
	case 1:
		return sandik.Answer{Choices: []int{[]int{0, 0, 1, 0, 2}[i%5]}}
	case 2:
		return sandik.Answer{Scale: 1 + (i*7)%5}
	}
	return sandik.Answer{}
}
