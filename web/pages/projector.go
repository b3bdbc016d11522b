package pages

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/sandik-dev/sandik"
)

// The projector view of a survey (1920×1080, large type, high
// contrast): the join codes, then each question opened so far with how
// many have answered and, once revealed, its counts. It is kept live
// over server-sent events: a stream waits on the survey's bell, then
// waits the live interval more, so that every answer given meanwhile is
// in one event (never one event per vote), and the payload of a version
// is built once for every screen watching it.

type projectorQuestion struct {
	N                    int
	Text, State, Answers string
	Revealed, Open       bool
	TextKind             bool
	Options              []optionRow
	Texts                []string
}

type projectorView struct {
	base
	Survey    sandik.Survey
	Meeting   sandik.Meeting
	JoinURL   string
	QR        template.HTML // the join address to scan, for organisers
	Live      string
	Questions []projectorQuestion
	Organise  bool
	Sig       string
}

func (p *Pages) projector(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	s, m, err := p.c.SurveyFor(r.Context(), u, sandik.SurveyID(r.PathValue("id")), false)
	if err != nil {
		return err
	}
	l := p.langOf(r)
	v := projectorView{base: p.baseOf(r, u, "projector.title"), Survey: s, Meeting: m,
		JoinURL: "/katil/" + url.PathEscape(string(m.ID)), Live: "/anket/" + url.PathEscape(string(s.ID)) + "/ekran/live"}
	v.Title = s.Title
	v.Organise = p.c.MeetingAllow(r.Context(), u, m, true) == nil
	if !v.Organise {
		v.Survey.JoinCode, v.Meeting.Code = "", ""
	} else {
		v.JoinURL = absoluteURL(r, v.JoinURL)
		if v.QR, err = qrSVG(v.JoinURL, l.T("projector.qr")); err != nil {
			return err
		}
	}
	qs, live, err := p.projectorQuestions(r, l, s)
	if err != nil {
		return err
	}
	v.Questions, v.Sig = qs, live.Sig
	return p.render(w, http.StatusOK, "projector", v)
}

// projectorQuestions are the questions shown, and their live texts and
// meters: "q<n>.answers", "q<n>.state", "q<n>.c<i>", "q<n>.p<i>".
func (p *Pages) projectorQuestions(r *http.Request, l *lang, s sandik.Survey) ([]projectorQuestion, *livePayload, error) {
	live := &livePayload{K: map[string]string{}, M: map[string]float64{}}
	var out []projectorQuestion
	for _, q := range s.Questions {
		// What the page draws: a question opened or revealed since
		// redraws it (the projector reloads itself on a new signature).
		live.Sig += fmt.Sprintf("%d:%s:%t;", q.N, q.State, q.Revealed)
		if q.State == sandik.QuestionDraft {
			continue
		}
		res, err := p.c.Results(r.Context(), s, q.N)
		if err != nil {
			return nil, nil, err
		}
		pq := projectorQuestion{N: q.N, Text: q.Text, State: l.T("survey.state." + string(q.State)), Revealed: q.Revealed,
			Open: q.State == sandik.QuestionOpen, TextKind: q.Kind == sandik.QuestionText,
			Answers: l.F("survey.answers", l.Int(res.Answers))}
		key := "q" + strconv.Itoa(q.N)
		live.K[key+".answers"] = pq.Answers
		live.K[key+".state"] = pq.State
		if q.Kind != sandik.QuestionText {
			pq.Options = resultRows(l, q, res.Counts, res.Answers)
			for i := range pq.Options {
				// The counts stay on the server until the presenter reveals.
				if !q.Revealed {
					pq.Options[i].Count, pq.Options[i].Percent, pq.Options[i].Value = "–", "", 0
				}
				live.K[fmt.Sprintf("%s.c%d", key, i)] = pq.Options[i].Count
				live.K[fmt.Sprintf("%s.p%d", key, i)] = pq.Options[i].Percent
				live.M[fmt.Sprintf("%s.c%d", key, i)] = pq.Options[i].Value
			}
		} else if q.Revealed {
			pq.Texts = res.Texts
		}
		out = append(out, pq)
	}
	return out, live, nil
}

// projectorInterval is the shortest time between two events of a
// projector's stream: ten a second at most, whatever the number of
// answers, and one reading of the results for every screen.
const projectorInterval = 100 * time.Millisecond

// liveProjector streams a survey's counts.
func (p *Pages) liveProjector(w http.ResponseWriter, r *http.Request, u sandik.User) error {
	id := sandik.SurveyID(r.PathValue("id"))
	if _, _, err := p.c.SurveyFor(r.Context(), u, id, false); err != nil {
		return err
	}
	session, _ := p.sessions.key(r)
	release, err := p.b.OpenStream(u.ID, string(session[:]))
	if err != nil {
		return err
	}
	defer release()
	l := p.langOf(r)
	rc := startEventStream(w, r)
	interval := projectorInterval
	if p.cfg.LiveInterval > 0 {
		interval = min(interval, p.cfg.LiveInterval)
	}
	ping := time.NewTicker(p.keepAlive)
	defer ping.Stop()
	key := string(id) + "|" + l.Code
	send := func(version int64) bool {
		ver, body, err := p.surveys.get(key, version, func() (int64, []byte, error) {
			// The version is read before the data: the payload holds at
			// least every change up to it.
			_, ver := p.c.SurveyChanged(id)
			s, err := p.c.Meetings().Survey(r.Context(), id)
			if err != nil {
				return 0, nil, err
			}
			_, payload, err := p.projectorQuestions(r, l, s)
			if err != nil {
				return 0, nil, err
			}
			payload.Seq, payload.Time = ver, l.Clock(p.now())
			body, err := json.Marshal(payload)
			return ver, body, err
		})
		if err != nil {
			p.b.Log().Warn("live survey failed", "survey", id, "err", err)
			return false
		}
		if _, err := fmt.Fprintf(w, "id: %d\nevent: totals\ndata: %s\n\n", ver, body); err != nil {
			return false
		}
		rc.Flush()
		return true
	}
	changed, version := p.c.SurveyChanged(id)
	if !send(version) {
		return nil
	}
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-ping.C:
			if _, ok := p.sessions.user(r); !ok {
				return nil
			}
			if _, err := fmt.Fprintf(w, "event: ping\ndata: %d\n\n", time.Now().Unix()); err != nil {
				return nil
			}
			rc.Flush()
		case <-changed:
			// Coalesce: what arrives until the next tick of the interval
			// (on the clock, the same for every stream, so that they read
			// one version built once) goes in this event.
			wait := time.NewTimer(time.Until(time.Now().Truncate(interval).Add(interval)))
			select {
			case <-r.Context().Done():
				wait.Stop()
				return nil
			case <-wait.C:
			}
			changed, version = p.c.SurveyChanged(id)
			if !send(version) {
				return nil
			}
			ping.Reset(p.keepAlive)
		}
	}
}

// surveyCache keeps the latest payload built of each survey's live view
// (by survey and language): a stream asking for a version gets the
// latest one at or past it, built by one stream while the others wait,
// so a thousand screens cost one reading of the results per version.
type surveyCache struct {
	mu      sync.Mutex
	entries map[string]*surveyEntry
}

type surveyEntry struct {
	mu      sync.Mutex
	version int64
	body    []byte
}

func newSurveyCache() *surveyCache { return &surveyCache{entries: map[string]*surveyEntry{}} }

// get returns the payload of key at version want or later; build reads
// the current version and payload.
func (c *surveyCache) get(key string, want int64, build func() (int64, []byte, error)) (int64, []byte, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		if len(c.entries) >= maxLiveViews {
			clear(c.entries)
		}
		e = &surveyEntry{}
		c.entries[key] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.body != nil && e.version >= want {
		return e.version, e.body, nil
	}
	v, body, err := build()
	if err != nil {
		return 0, nil, err
	}
	e.version, e.body = v, body
	return v, body, nil
}
