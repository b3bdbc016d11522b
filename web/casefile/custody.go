package casefile

import (
	"context"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/itiraz"
	"github.com/sandik-dev/sandik/msg"
)

// The chain of custody a case file lists beside its evidence: for each
// box of the case, every photo of its sheet — who brought it, its
// SHA-256 (or, for a photo kept on an observer network's server, its
// address), each time it was handed to a volunteer and how that ended,
// each decision on the box's figures — and who held the wet-signed
// copies. A board, or the other side's lawyer, can then follow a figure
// from the paper to the count. Both the petition and the case page show
// it, in the reader's language.

// Chain is one box's part of the chain, in words.
type Chain struct {
	Box    sandik.AreaCode
	Label  string
	Photos []ChainPhoto
	Paper  []string
}

// ChainPhoto is one photo: a heading line, then its keyings and the
// box's decisions, each a line.
type ChainPhoto struct {
	Head  string
	Lines []string
}

// Chains writes the chains of custody of case c's boxes (at most
// MaxPetitionBoxes of them) as u may read them.
func Chains(ctx context.Context, ctr *center.Center, u sandik.User, c *itiraz.Case, lang msg.Lang) ([]Chain, error) {
	boxes := c.Boxes[:min(len(c.Boxes), MaxPetitionBoxes)]
	bcs, err := ctr.EvidenceChains(ctx, u, c.Race, boxes)
	if err != nil {
		return nil, err
	}
	reg := ctr.Registry()
	loc := itiraz.Istanbul()
	at := func(t time.Time) string {
		t = t.In(loc)
		return msg.F(lang, "pet.at", Date(lang, t), t.Format("15:04"))
	}
	num := func(n int) string { return Number(lang, int64(n)) }
	var out []Chain
	for _, bc := range bcs {
		ch := Chain{Box: bc.Box, Label: string(bc.Box)}
		if a, ok := reg.Area(bc.Box); ok {
			ch.Label = itiraz.BoxLabel(a.Name, lang)
		}
		for _, pc := range bc.Photos {
			p := pc.Photo
			var cp ChainPhoto
			if p.URL != "" {
				cp.Head = msg.F(lang, "chain.photo_ref", p.URL, string(p.By), at(p.At), p.Sum)
			} else {
				cp.Head = msg.F(lang, "chain.photo", p.Sum, string(p.By), at(p.At), num(p.Bytes), num(p.Width), num(p.Height))
			}
			for _, l := range pc.Keyings {
				switch l.Outcome {
				case sandik.LeaseTyped:
					cp.Lines = append(cp.Lines, msg.F(lang, "chain.keying.typed", at(l.Leased), string(l.User), at(l.Done), string(l.Submission)))
				case sandik.LeaseReported:
					cp.Lines = append(cp.Lines, msg.F(lang, "chain.keying.reported", at(l.Leased), string(l.User), at(l.Done), msg.T(lang, "keying.reason."+string(l.Reason))))
				default:
					cp.Lines = append(cp.Lines, msg.F(lang, "chain.keying.open", at(l.Leased), string(l.User), at(l.Expires)))
				}
			}
			if len(pc.Keyings) == 0 {
				cp.Lines = append(cp.Lines, msg.T(lang, "chain.keying.none"))
			}
			for _, d := range pc.Decisions {
				cp.Lines = append(cp.Lines, msg.F(lang, "chain.decision", at(d.ReceivedAt), string(d.User), d.Reason, string(d.ID)))
			}
			ch.Photos = append(ch.Photos, cp)
		}
		for _, e := range bc.Paper {
			ch.Paper = append(ch.Paper, msg.F(lang, "chain.paper", at(e.At), e.Holder, msg.T(lang, "custody.place."+string(e.Place)), e.Copy, string(e.By)))
		}
		out = append(out, ch)
	}
	return out, nil
}
