package cli

import (
	"fmt"
	"sync"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/center"
	"github.com/sandik-dev/sandik/demo"
)

// CreateDemoUsers creates the night's users concurrently, so that the
// store can commit them in groups.
func CreateDemoUsers(e *Env, c *center.Center, reg *sandik.Registry, volunteers int, m map[string]string) (demo.Tokens, string, error) {
	users := demo.Users(reg, volunteers)
	tokens := make([]string, len(users))
	errs := make([]error, len(users))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < 64; w++ {
		wg.Go(func() {
			for i := range next {
				tokens[i], errs[i] = c.CreateUser(e.Ctx, users[i])
			}
		})
	}
	for i := range users {
		next <- i
	}
	close(next)
	wg.Wait()
	out := demo.Tokens{}
	observers := map[sandik.AreaCode]string{}
	for i, u := range users {
		if errs[i] != nil {
			return out, "", fmt.Errorf("create user %s: %w", u.ID, errs[i])
		}
		switch u.Role {
		case sandik.RoleObserver:
			observers[sandik.AreaCode(u.ID[len("obs-"):])] = tokens[i]
		case sandik.RoleVolunteer:
			out.Volunteers = append(out.Volunteers, tokens[i])
		case sandik.RoleCoordinator:
			out.Coordinator = tokens[i]
		}
	}
	out.Observer = func(box sandik.AreaCode) string { return observers[box] }
	fmt.Fprintf(e.Stdout, m["users"], len(observers), len(out.Volunteers))
	return out, out.Coordinator, nil
}

// PublishOfficial loads the night's SYNTHETIC official figures, with about
// one box in a hundred published differently from its signed sheet, and
// creates a lawyer to follow them up.
func PublishOfficial(e *Env, c *center.Center, reg *sandik.Registry, seed int64, url string, m map[string]string) error {
	off, changed := demo.Official(demo.TrueResults(reg, seed), reg, demo.RaceMayor, 0.01, seed)
	var batch []sandik.ImportedSheet
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := c.AppendImported(e.Ctx, batch)
		batch = batch[:0]
		return err
	}
	for _, box := range reg.RaceBoxes(demo.RaceMayor) {
		batch = append(batch, sandik.ImportedSheet{Race: demo.RaceMayor, Box: box, User: "ysk", Source: sandik.SourceOfficial, Sheet: off[box]})
		if len(batch) == center.MaxBatch {
			if err := flush(); err != nil {
				return fmt.Errorf("publish official figures: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("publish official figures: %w", err)
	}
	token, err := c.CreateUser(e.Ctx, sandik.User{ID: "avukat", Name: "Av. Demo", Role: sandik.RoleLawyer})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, m["official"], len(off), len(changed), url, demo.RaceMayor, token)
	return nil
}

// DemoMessages are what the demo night prints, by language.
var DemoMessages = map[string]map[string]string{
	"tr": {
		"built":     "Demo veritabanı kuruldu: %d alan, %d sandık, %d seçim türü.\n",
		"users":     "%d müşahit ve %d gönüllü kullanıcı oluşturuldu.\n",
		"observers": "%d sentetik müşahit %d sandığa atandı; kapsama: /kapsama, sessiz sandıklar: /sessiz.\n",
		"congress":  "SENTETİK kongre: %s, %d delege, giriş ve sayıma hazır: /kongreler/%s\n",
		"workshop":  "SENTETİK çalıştay: pozisyonuna göre %d kişi davetli, %d kişi geldi, %d anket cevabı: /toplantilar/%s ve /anket/%s/ekran\n",
		"photos":    "SENTETİK tutanak fotoğrafları: %d sandığın fotoğrafı gönüllülerin yazmasını bekliyor: /anahtarlama\n",
		"visits":    "SENTETİK ziyaretler: %d ziyaret, %d taahhüt (%d gecikmiş): /ziyaretler, /taahhutler, /turlar/%s, %d kardeş ilçe çifti: /kardes\n",
		"serving":   "Sandık çalışıyor: %s\nKoordinatör API anahtarı: %s\nÖrnek: curl -H \"Authorization: Bearer <anahtar>\" %s/api/v1/races/ibb/totals/34\nSeçim gecesi oynatılıyor…\n",
		"snapshots": "Herkese açık anlık görüntüler (hesapsız, önbelleğe uygun): curl %s/api/v1/snapshots/ibb/34\n",
		"totals":    "| İBB: %d/%d sandık geldi, %d doğrulandı, %d çelişkili; önde %s, fark %s (resmî değil)",
		"done":      "Gece %s içinde oynatıldı: %d tutanak kabul edildi, %d tekrar tanındı ve iki kez sayılmadı.\n%s\n",
		"conflicts": "Koordinatör kararı bekleyen çelişkili sandık: %d\n",
		"still":     "Sunucu çalışmaya devam ediyor (%s); durdurmak için Ctrl-C.\n",
		"official":  "SENTETİK resmî sonuçlar yayımlandı: %d sandık, %d sandıkta tutanaktan farklı.\nKarşılaştırma: %s/races/%s/areas/34/comparison\nAvukat API anahtarı (itirazlar): %s\n",
		"feed":      "SENTETİK resmî sonuç akışı: YSK %d sandığın rakamını düzeltti, %d uyarı: %s/resmi · sürümler: %s/races/%s/boxes/%s/resmi\n",
		"municipal": "SENTETİK belediyeler: İBB ve 39 ilçe belediyesi, 2019 ve 2024 dönemleri; partimiz %d ilçe belediyesinde. %s/belediyeler\n",
		"org":       "SENTETİK örgüt: %d birim, %d kişi, %d görev (/birimler).\n",
		"chair":     "İlçe başkanına bağlı kullanıcı %s (yetkisi görevinden gelir), API anahtarı: %s\n",
		"keyed":     "Gönüllüler kuyruktaki %d tutanak fotoğrafını yazdı; doğruluk ve hız: /anahtarlama/durum\n",
	},
	"en": {
		"built":     "Demo database built: %d areas, %d ballot boxes, %d races.\n",
		"users":     "Created %d observers and %d volunteers.\n",
		"observers": "%d synthetic observers assigned to %d boxes; coverage: /kapsama, silent boxes: /sessiz.\n",
		"congress":  "SYNTHETIC congress: %s, %d delegates, ready to check in and count: /kongreler/%s\n",
		"workshop":  "SYNTHETIC workshop: %d invited by position, %d checked in, %d survey answers: /toplantilar/%s and /anket/%s/ekran\n",
		"photos":    "SYNTHETIC sheet photos: the photos of %d boxes wait for volunteers to type them: /anahtarlama\n",
		"visits":    "SYNTHETIC visits: %d visits, %d commitments (%d overdue): /ziyaretler, /taahhutler, /turlar/%s, %d sister pairs: /kardes\n",
		"serving":   "Sandık is serving %s\nCoordinator API token: %s\nTry: curl -H \"Authorization: Bearer <token>\" %s/api/v1/races/ibb/totals/34\nReplaying the election night…\n",
		"snapshots": "Public snapshots (no account, cacheable): curl %s/api/v1/snapshots/ibb/34\n",
		"totals":    "| İBB: %d/%d boxes in, %d verified, %d in conflict; leading %s by %s (unofficial)",
		"done":      "Night replayed in %s: %d sheets accepted, %d repeats recognised and not counted twice.\n%s\n",
		"conflicts": "Boxes in conflict awaiting a coordinator: %d\n",
		"still":     "Still serving %s; Ctrl-C stops.\n",
		"official":  "SYNTHETIC official results published: %d boxes, %d differ from their sheets.\nComparison: %s/races/%s/areas/34/comparison\nLawyer API token (objections): %s\n",
		"feed":      "SYNTHETIC official feed: the YSK corrected %d boxes, %d alerts: %s/resmi · versions: %s/races/%s/boxes/%s/resmi\n",
		"municipal": "SYNTHETIC municipalities: İstanbul's metropolitan and 39 district municipalities, 2019 and 2024 terms; our party holds %d districts. %s/belediyeler\n",
		"org":       "SYNTHETIC organisation: %d units, %d people, %d positions (/birimler).\n",
		"chair":     "User %s linked to a district chair (their rights come from the position), API token: %s\n",
		"keyed":     "Volunteers typed %d sheet photos from the keying queue; accuracy and speed: /anahtarlama/durum\n",
	},
}

// SeedDemoOrganisation stores the demo's SYNTHETIC organisation
// (demo.Organisation) and creates the users linked to district chairs
// (demo.OrgUsers), returning their tokens by user id.
func SeedDemoOrganisation(e *Env, c *center.Center, reg *sandik.Registry, m map[string]string) (map[sandik.UserID]string, error) {
	ch := demo.Organisation(reg)
	if err := c.SaveOrg(e.Ctx, Operator(), ch); err != nil {
		return nil, fmt.Errorf("demo organisation: %w", err)
	}
	fmt.Fprintf(e.Stdout, m["org"], len(ch.Units), len(ch.People), len(ch.Positions))
	tokens := map[sandik.UserID]string{}
	for _, u := range demo.OrgUsers(ch) {
		token, err := c.CreateUserAs(e.Ctx, Operator(), u)
		if err != nil {
			return nil, fmt.Errorf("create user %s: %w", u.ID, err)
		}
		tokens[u.ID] = token
		fmt.Fprintf(e.Stdout, m["chair"], u.ID, token)
	}
	return tokens, nil
}
