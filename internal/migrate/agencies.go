package migrate

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/project"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// StepAgencies is the name of the agencies step.
const StepAgencies = "agencies"

// Plan is one change of agency structure: the Former agencies end on the
// day before Effective and their tasks go to Successors (several, with
// their parts, for a split), of which New are created by the change.
type Plan struct {
	Former     []string
	Successors []account.Successor
	New        []account.Agency
	Effective  string // YYYY-MM-DD, the first day of the new structure
	LegalBasis string
}

// Restructurer changes the agency structure on the stores: the agencies
// step of `portal migrate` and the administrators' restructure page use
// it alike.
type Restructurer struct {
	Accounts  *account.Store
	Obstacles *obstacle.Store
	// By signs the agencies' history; Actor the obstacles' timelines.
	By    account.Actor
	Actor obstacle.Actor
	// UnitOf, when set, returns the current unit of a project by its
	// code: an obstacle of a split city committee goes to the committee
	// of its project's ward or commune.
	UnitOf func(ctx context.Context, projectCode string) (string, bool)
}

// MaxLegalBasis is the longest legal basis, in characters.
const MaxLegalBasis = 500

// Restructure applies p (or, with apply false, only says what it would
// do): new successors are created, the former agencies get their last
// day and successors, and, from the effective date on, the open
// obstacles they lead or coordinate pass to the successor (for a split,
// the one of the obstacle's category, else they are listed as uncertain
// and left for a person). Closed obstacles keep the former agency.
func (r Restructurer) Restructure(ctx context.Context, p Plan, apply bool, now time.Time) ([]Change, error) {
	list, err := r.Accounts.ListAgencies(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.check(list); err != nil {
		return nil, err
	}
	var out []Change
	validTo := account.DayBefore(p.Effective)
	for _, a := range p.New {
		a.ValidFrom = p.Effective
		ch, err := r.create(ctx, a, apply, now)
		if err != nil {
			return out, err
		}
		out = append(out, ch...)
		list = append(list, a)
	}
	for i, a := range list {
		if !slices.Contains(p.Former, a.ID) {
			continue
		}
		ch, err := r.retire(ctx, a, validTo, p.Successors, p.LegalBasis, apply, now)
		if err != nil {
			return out, err
		}
		out = append(out, ch...)
		list[i].ValidTo, list[i].Successors, list[i].EndBasis = validTo, p.Successors, p.LegalBasis
	}
	ch, err := r.reassign(ctx, list, p.Former, apply, now)
	return append(out, ch...), err
}

// check names the plan's wrong fields: former and successors must be
// stored agencies (or new ones, for successors), distinct, the date a
// date, the legal basis present.
func (p *Plan) check(list []account.Agency) error {
	known := map[string]bool{}
	for _, a := range list {
		known[a.ID] = true
	}
	f := apperr.Fields{}
	if len(p.Former) == 0 {
		f.Add("former", "error.field.required")
	}
	for _, id := range p.Former {
		if !known[id] {
			f.Add("former", "admin.error.agency_unknown")
		}
	}
	for _, a := range p.New {
		if err := a.Validate(); err != nil || known[a.ID] {
			f.Add("new_id", "admin.error.new_agency")
		}
		known[a.ID] = true
	}
	if len(p.Successors) == 0 {
		f.Add("successors", "error.field.required")
	}
	for _, s := range p.Successors {
		if !known[s.ID] {
			f.Add("successors", "admin.error.agency_unknown")
		} else if slices.Contains(p.Former, s.ID) {
			f.Add("successors", "admin.error.successor_is_former")
		}
	}
	if !account.ValidDay(p.Effective) {
		f.Add("effective", "error.field.invalid")
	}
	switch b := strings.TrimSpace(p.LegalBasis); {
	case b == "":
		f.Add("legal_basis", "error.field.required")
	case len([]rune(b)) > MaxLegalBasis:
		f.Add("legal_basis", "error.field.too_long")
	}
	return f.Err()
}

func (r Restructurer) create(ctx context.Context, a account.Agency, apply bool, now time.Time) ([]Change, error) {
	ch := []Change{{Step: StepAgencies, Collection: account.AgenciesCollection, ID: a.ID, Field: "created", To: a.Name.VI, Note: a.Name.EN}}
	if apply {
		if _, err := r.Accounts.CreateAgency(ctx, a, r.By, now); err != nil {
			return nil, err
		}
	}
	return ch, nil
}

func successorIDs(s []account.Successor) string {
	ids := make([]string, len(s))
	for i, x := range s {
		ids[i] = x.ID
	}
	return strings.Join(ids, ", ")
}

func (r Restructurer) retire(ctx context.Context, a account.Agency, validTo string, succ []account.Successor, basis string, apply bool, now time.Time) ([]Change, error) {
	if a.ValidTo == validTo && slices.Equal(a.Successors, succ) && a.EndBasis == basis {
		return nil, nil
	}
	out := []Change{{Step: StepAgencies, Collection: account.AgenciesCollection, ID: a.ID, Field: "validTo", From: a.ValidTo, To: validTo, Note: basis}}
	if from, to := successorIDs(a.Successors), successorIDs(succ); from != to {
		out = append(out, Change{Step: StepAgencies, Collection: account.AgenciesCollection, ID: a.ID, Field: "successors", From: from, To: to})
	}
	if apply {
		if _, err := r.Accounts.Retire(ctx, a.ID, validTo, succ, basis, r.By, now); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// reassign passes the open obstacles of the agencies ids that are former
// on the day of now to today's successor, list being the agencies as they
// are (or, in a dry run, would be) after the change.
func (r Restructurer) reassign(ctx context.Context, list []account.Agency, ids []string, apply bool, now time.Time) ([]Change, error) {
	var out []Change
	for _, a := range list {
		if !slices.Contains(ids, a.ID) || !a.Former(now) || len(a.Successors) == 0 {
			continue
		}
		targets := account.CurrentOf(list, a.ID, now)
		ch, err := r.moveOfficers(ctx, a, targets, apply, now)
		out = append(out, ch...)
		if err != nil {
			return out, err
		}
		obs, err := r.Obstacles.WithAgency(ctx, a.ID)
		if err != nil {
			return out, err
		}
		for _, o := range obs {
			field := "coordinatingAgencies"
			if o.LeadAgency == a.ID {
				field = "leadAgency"
			}
			c := Change{Step: StepAgencies, Collection: obstacle.CollObstacles, ID: o.TrackingCode, Field: field, From: a.ID, Note: a.EndBasis}
			to, ok := targets[0], len(targets) == 1
			if !ok {
				to, ok = account.ByCategory(targets, string(o.Category))
			}
			if !ok && o.ProjectCode != "" && r.UnitOf != nil {
				if u, found := r.UnitOf(ctx, o.ProjectCode); found && slices.Contains(targets, "ubnd_"+u) {
					to, ok = "ubnd_"+u, true
					c.Note = strings.TrimSpace(c.Note + " (the committee of project " + o.ProjectCode + "'s ward or commune)")
				}
			}
			if !ok {
				c.To, c.Uncertain = strings.Join(targets, " | "), true
				c.Note = "split: the category " + string(o.Category) + " does not decide the successor; choose one"
				out = append(out, c)
				continue
			}
			c.To = to
			out = append(out, c)
			if apply {
				if _, err := r.Obstacles.ReplaceAgency(ctx, o.ID, o.Version, a.ID, to, a.EndBasis, r.Actor, now); err != nil {
					return out, err
				}
			}
		}
	}
	return out, nil
}

// moveOfficers moves the officers of the former agency a to its one
// successor of today (targets); after a split each is listed for a person.
func (r Restructurer) moveOfficers(ctx context.Context, a account.Agency, targets []string, apply bool, now time.Time) ([]Change, error) {
	// All of them first: a moved officer leaves the filter's pages.
	var users []account.User
	for page := 1; ; page++ {
		res, err := r.Accounts.ListUsers(ctx, account.UserFilter{Role: account.RoleAgency, AgencyID: a.ID, Page: page, PerPage: 100})
		if err != nil {
			return nil, err
		}
		users = append(users, res.Users...)
		if int64(page*res.PerPage) >= res.Total {
			break
		}
	}
	var out []Change
	for _, u := range users {
		c := Change{Step: StepAgencies, Collection: account.UsersCollection, ID: u.Email, Field: "agencyId", From: a.ID, To: targets[0]}
		if len(targets) != 1 {
			c.To, c.Uncertain, c.Note = strings.Join(targets, " | "), true, "split: choose the officer's agency"
		}
		out = append(out, c)
		if apply && !c.Uncertain {
			if _, err := r.Accounts.UpdateUser(ctx, u.ID, u.Version, account.UserUpdate{AgencyID: &c.To}, r.By, now); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// AgenciesStep is the migration of the agencies to the structure of
// seed/admin (agencies_2025.csv, agency_changes.csv): today's agencies
// are created, the former ones of end-2023 get their last day and
// successors, and the open obstacles they hold pass to the successors
// (by Restructurer, as an administrator's restructure would). An agency
// an administrator already retired is left as it is.
func AgenciesStep() Step {
	return Step{Name: StepAgencies, Run: func(ctx context.Context, db *mongo.Database, apply bool, now time.Time) ([]Change, error) {
		r := Restructurer{
			Accounts:  account.NewStore(db, account.Options{}),
			Obstacles: obstacle.NewStore(db, holidays.MustEmbedded(), obstacle.Options{}),
			By:        account.CLIActor, Actor: obstacle.SystemActor,
			UnitOf: projectUnit(db),
		}
		return r.migrate(ctx, apply, now)
	}}
}

func (r Restructurer) migrate(ctx context.Context, apply bool, now time.Time) ([]Change, error) {
	stored, err := r.Accounts.ListAgencies(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]int{}
	for i, a := range stored {
		byID[a.ID] = i
	}
	basis := map[string][]string{}
	for _, c := range account.AgencyChanges() {
		for _, b := range citations(c.LegalBasis) {
			if !slices.Contains(basis[c.Old], b) {
				basis[c.Old] = append(basis[c.Old], b)
			}
		}
	}
	var out []Change
	list := stored
	var former []string
	for _, d := range account.DefaultAgencies() {
		if d.ValidTo != "" {
			d.EndBasis = strings.Join(basis[d.ID], "; ")
			former = append(former, d.ID)
		}
		i, ok := byID[d.ID]
		if !ok {
			ch, err := r.create(ctx, d, apply, now)
			if err != nil {
				return out, err
			}
			out = append(out, ch...)
			list = append(list, d)
			continue
		}
		if d.ValidTo == "" || stored[i].ValidTo != "" {
			continue
		}
		ch, err := r.retire(ctx, stored[i], d.ValidTo, d.Successors, d.EndBasis, apply, now)
		if err != nil {
			return out, err
		}
		out = append(out, ch...)
		list[i].ValidTo, list[i].Successors, list[i].EndBasis = d.ValidTo, d.Successors, d.EndBasis
	}
	// Agencies retired in the portal count too: their open obstacles pass
	// on once the date has come.
	for _, a := range list {
		if a.ValidTo != "" && !slices.Contains(former, a.ID) {
			former = append(former, a.ID)
		}
	}
	ch, err := r.reassign(ctx, list, former, apply, now)
	return append(out, ch...), err
}

var (
	parenthesis = regexp.MustCompile(`\s*\([^)]*\)`)
	documentNo  = regexp.MustCompile(`^(Nghị định|Nghị quyết|Quyết định|Thông tư) \S+/`)
)

// citations keeps, of a legal_basis of agency_changes.csv, the documents
// it cites by number ("Nghị định 45/2025/NĐ-CP"), without the researchers'
// remarks in parentheses or in English: those go on obstacles' timelines.
func citations(basis string) []string {
	var out []string
	for _, part := range strings.Split(basis, ";") {
		part = strings.TrimSpace(parenthesis.ReplaceAllString(part, ""))
		if documentNo.MatchString(part) {
			out = append(out, strings.ReplaceAll(part, " and ", " và "))
		}
	}
	return out
}

// projectUnit reads a project's current unit by its code (a few lookups,
// only for obstacles of a split city committee).
func projectUnit(db *mongo.Database) func(context.Context, string) (string, bool) {
	return func(ctx context.Context, code string) (string, bool) {
		var p struct {
			Unit string `bson:"unit"`
		}
		err := db.Collection(project.Collection).FindOne(ctx, bson.M{"code": code}, options.FindOne().SetProjection(bson.M{"unit": 1})).Decode(&p)
		return p.Unit, err == nil && p.Unit != ""
	}
}
