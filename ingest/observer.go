package ingest

import (
	"fmt"
	"slices"
	"time"

	"github.com/sandik-dev/sandik"
	"github.com/sandik-dev/sandik/resultfile"
)

// ObserverRace says which race of the centre an observer file's result key
// ("cm", "mv") is.
type ObserverRace struct {
	Key  string // the file's key without "_result"
	Code sandik.RaceCode
	Name string
	// Choices in ballot order; empty means one per ballot position seen in
	// the files, named by position (the files carry positions, not names).
	Choices []sandik.Choice
}

// ObserverOptions say where observer files belong.
type ObserverOptions struct {
	Election     sandik.ElectionCode
	ElectionName string // required when the election is new
	Date         time.Time
	Quorum       int
	// Province is the il the files are from; schools hang below it (the
	// files name schools, not districts).
	Province     sandik.AreaCode
	ProvinceName string // required when the province is new
	ProvinceYSK  string
	Races        []ObserverRace
	User         sandik.UserID // the network, e.g. "ovo": its figures count as one person's entry
}

// ObserverPlan is an observer import, decided: files of a province are a
// few megabytes, so the sheets are held whole.
type ObserverPlan struct {
	Registry *sandik.Registry
	Sheets   []sandik.ImportedSheet
	// Lines maps each sheet to its origin, for reports: file and index.
	Origins         []string
	Boxes, NewAreas int
	Flagged         []Flagged
	FlaggedRows     int
	// Photos are the results' image_url: references to the photos of the
	// sheets on the network's server, kept as the sheets' photos so
	// volunteers can type them like photos uploaded here.
	Photos []sandik.SheetPhoto
}

// PlanObserver decides the import of observer boxes (resultfile.ReadObserverFile
// of each file) into base. Any box with a problem, an unknown result key or
// a box repeated across the files rejects the whole import.
func PlanObserver(base *sandik.Registry, boxes []resultfile.ObserverBox, opts ObserverOptions) (*ObserverPlan, error) {
	var ps []sandik.Problem
	report := func(p sandik.Problem) {
		if len(ps) < MaxReported {
			ps = append(ps, p)
		}
	}
	if opts.Quorum == 0 {
		opts.Quorum = sandik.DefaultQuorum
	}
	if err := sandik.ValidateCode(string(opts.Election)); err != nil {
		report(sandik.Problem{Field: "election", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("election code %q %v", opts.Election, err)})
	}
	if err := sandik.ValidateCode(string(opts.Province)); err != nil {
		report(sandik.Problem{Field: "province", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("province code %q %v", opts.Province, err)})
	}
	if err := sandik.ValidateCode(string(opts.User)); err != nil {
		report(sandik.Problem{Field: "user", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("user %q %v", opts.User, err)})
	}
	if len(opts.Races) == 0 {
		report(sandik.Problem{Field: "races", Rule: sandik.RuleRequired, Message: "say which race each result key is"})
	}
	if len(ps) > 0 {
		return nil, sandik.Invalid("invalid import options", ps)
	}
	races := map[string]*ObserverRace{}
	width := map[string]int{}
	for i := range opts.Races {
		races[opts.Races[i].Key] = &opts.Races[i]
	}
	nrejected := 0
	for _, b := range boxes {
		if len(b.Problems) > 0 {
			nrejected++
			for _, p := range b.Problems {
				p.Field = b.File + " " + p.Field
				report(p)
			}
			continue
		}
		for _, r := range b.Results {
			if big := slices.Max(append([]int64{r.TotalVote}, r.Votes...)); big > sandik.MaxSheetNumber {
				nrejected++
				report(sandik.Problem{Field: fmt.Sprintf("%s [%d].%s_result", b.File, b.Index, r.Race), Rule: sandik.RuleTooLarge,
					Message: fmt.Sprintf("%d is larger than %d; check for a typing error", big, sandik.MaxSheetNumber)})
				continue
			}
			if races[r.Race] == nil {
				nrejected++
				report(sandik.Problem{Field: fmt.Sprintf("%s [%d].%s_result", b.File, b.Index, r.Race), Rule: sandik.RuleUnknownRace,
					Message: fmt.Sprintf("no race is given for result key %q", r.Race)})
				continue
			}
			width[r.Race] = max(width[r.Race], len(r.Votes))
		}
	}

	plan := &ObserverPlan{}
	var areas []sandik.Area
	var regs []sandik.Registration
	var elections []sandik.Election
	if el, ok := base.Election(opts.Election); ok {
		elections = append(elections, el)
	} else {
		if opts.ElectionName == "" {
			report(sandik.Problem{Field: "election_name", Rule: sandik.RuleRequired, Message: fmt.Sprintf("election %q is new: give its name", opts.Election)})
		}
		elections = append(elections, sandik.Election{Code: opts.Election, Name: opts.ElectionName, Date: opts.Date, Quorum: opts.Quorum})
	}
	prov, ok := base.Area(opts.Province)
	switch {
	case !ok && opts.ProvinceName == "":
		report(sandik.Problem{Field: "province_name", Rule: sandik.RuleRequired, Message: fmt.Sprintf("province %q is new: give its name", opts.Province)})
	case !ok:
		prov = sandik.Area{Code: opts.Province, Level: sandik.LevelIl, Name: opts.ProvinceName, YSKID: opts.ProvinceYSK}
		plan.NewAreas++
	case prov.Level != sandik.LevelIl:
		report(sandik.Problem{Field: "province", Rule: sandik.RuleInvalidValue, Message: fmt.Sprintf("area %q is a %s, not an il", opts.Province, prov.Level)})
	}
	areas = append(areas, prov)
	for a := prov.Parent; a != ""; {
		pa, _ := base.Area(a)
		areas = append(areas, pa)
		a = pa.Parent
	}
	var rcs []sandik.Race
	for _, r := range opts.Races {
		rc := sandik.Race{Code: r.Code, Election: opts.Election, Name: r.Name, Scope: opts.Province, Choices: r.Choices}
		if len(rc.Choices) == 0 {
			for i := 1; i <= width[r.Key]; i++ {
				rc.Choices = append(rc.Choices, sandik.Choice{Code: sandik.ChoiceCode(fmt.Sprint(i)), Name: fmt.Sprintf("%d. sıra", i)})
			}
		}
		if old, ok := base.Race(r.Code); ok && len(r.Choices) == 0 {
			rc.Choices = old.Choices // positions seen before stay
		}
		if w := width[r.Key]; w > len(rc.Choices) {
			report(sandik.Problem{Field: "races." + r.Key, Rule: sandik.RuleUnknownChoice,
				Message: fmt.Sprintf("the files have votes for ballot position %d but race %s has %d choices", w, r.Code, len(rc.Choices))})
		}
		races[r.Key] = &ObserverRace{Key: r.Key, Code: rc.Code, Choices: rc.Choices}
		rcs = append(rcs, rc)
	}
	seen := map[sandik.AreaCode]string{}
	for _, b := range boxes {
		if len(b.Problems) > 0 {
			continue
		}
		school := opts.Province + sandik.AreaCode(".okul-"+slug(b.SchoolID))
		box := school + "." + sandik.AreaCode(slug(b.BoxNo))
		where := fmt.Sprintf("%s [%d]", b.File, b.Index)
		if first, dup := seen[box]; dup {
			nrejected++
			report(sandik.Problem{Field: where + ".ballot_box_number", Rule: sandik.RuleDuplicate, Message: fmt.Sprintf("box %s of school %s is also at %s", b.BoxNo, b.SchoolID, first)})
			continue
		}
		seen[box] = where
		if _, ok := seen[school]; !ok {
			seen[school] = where
			if _, exists := base.Area(school); !exists {
				areas = append(areas, sandik.Area{Code: school, Parent: opts.Province, Level: sandik.LevelBuilding, Name: b.SchoolName})
				plan.NewAreas++
			} else {
				sa, _ := base.Area(school)
				areas = append(areas, sa)
			}
		}
		if ba, exists := base.Area(box); exists {
			areas = append(areas, ba)
		} else {
			areas = append(areas, sandik.Area{Code: box, Parent: school, Level: sandik.LevelSandik, Name: b.BoxNo})
			plan.NewAreas++
		}
		if _, ok := base.Registered(opts.Election, box); !ok {
			// The files carry no registered counts: 0 until a registry
			// import says otherwise.
			regs = append(regs, sandik.Registration{Election: opts.Election, Box: box})
		}
		plan.Boxes++
		for _, r := range b.Results {
			or := races[r.Race]
			if or == nil || len(r.Votes) > len(or.Choices) {
				continue
			}
			votes := make([]int64, len(or.Choices))
			copy(votes, r.Votes)
			in := sandik.ImportedSheet{Race: or.Code, Box: box, User: opts.User, Source: sandik.SourceImport, Partial: true,
				Sheet: sandik.Tutanak{ValidWithoutObjection: r.TotalVote, ValidTotal: r.TotalVote, Votes: votes}}
			if r.SubmissionID > 0 {
				in.ID = sandik.SubmissionID(fmt.Sprintf("%s%s-%s-%d", sandik.ImportIDPrefix, opts.User, r.Race, r.SubmissionID))
			}
			var sum int64
			for _, v := range votes {
				sum += v
			}
			if total := r.TotalVote; sum != total {
				plan.FlaggedRows++
				if len(plan.Flagged) < MaxReported {
					plan.Flagged = append(plan.Flagged, Flagged{Box: box, Rules: []string{sandik.RuleChoicesSum}, Problems: []sandik.Problem{{
						Field: where + "." + r.Race + "_result.votes", Rule: sandik.RuleChoicesSum, Want: &total, Got: &sum,
						Message: fmt.Sprintf("votes add up to %d but total_vote is %d", sum, r.TotalVote)}}})
				}
			}
			plan.Sheets = append(plan.Sheets, in)
			plan.Origins = append(plan.Origins, where)
			if r.ImageURL != "" {
				plan.Photos = append(plan.Photos, sandik.SheetPhoto{Race: or.Code, Box: box, By: opts.User, URL: r.ImageURL, Sum: sandik.RefSum(r.ImageURL)})
			}
		}
	}
	if nrejected > 0 || len(ps) > 0 {
		return nil, sandik.Invalid(fmt.Sprintf("%d boxes of the observer files cannot be imported; nothing was imported", nrejected), ps)
	}
	slices.SortStableFunc(areas, func(a, b sandik.Area) int { return int(a.Level) - int(b.Level) })
	reg, err := sandik.NewRegistry(areas, elections, rcs, regs)
	if err != nil {
		return nil, fmt.Errorf("build the registry of the observer files: %w", err)
	}
	plan.Registry = reg
	return plan, nil
}
