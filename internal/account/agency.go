package account

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/textcheck"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Text is an agency's name in both languages (see bilingual.Text).
type Text = bilingual.Text

// Agency is a provincial department or local authority that obstacles are
// assigned to and agency officers work for. ID is a short code that never
// changes once made.
type Agency struct {
	ID   string `json:"id" bson:"_id"`
	Name Text   `json:"name" bson:"name"`
	// Kind is department, board, central_branch or commune_committee
	// (see seed/admin/AGENCIES.md); empty on agencies made in the portal.
	Kind string `json:"kind,omitempty" bson:"kind,omitempty"`
	// ValidFrom and ValidTo are the first and last day (YYYY-MM-DD) the
	// agency existed under this name and remit; ValidTo is empty while it
	// is current. A former agency stays stored so that old obstacles still
	// name it.
	ValidFrom string `json:"validFrom,omitempty" bson:"validFrom,omitempty"`
	ValidTo   string `json:"validTo,omitempty" bson:"validTo,omitempty"`
	// Successors are the agencies that took over a former agency's tasks:
	// one for a merger or a rename, several for a split.
	Successors []Successor `json:"successors,omitempty" bson:"successors,omitempty"`
	// EndBasis is the legal basis of the agency's end (a decree or a
	// decision), shown on the obstacles passed to its successors.
	EndBasis  string    `json:"endBasis,omitempty" bson:"endBasis,omitempty"`
	CreatedAt time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt" bson:"updatedAt"`
	Version   int64     `json:"version" bson:"version"`
}

// MaxAgencyName is the longest agency name, in characters.
const MaxAgencyName = 200

var agencyCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// ValidAgencyID reports whether s can be an agency code: 2 to 40 lower-case
// letters, digits and underscores, starting with a letter.
func ValidAgencyID(s string) bool { return agencyCode.MatchString(s) }

// Validate checks the agency's fields, naming each one that is wrong.
func (a *Agency) Validate() error {
	f := apperr.Fields{}
	switch {
	case a.ID == "":
		f.Add("id", "error.field.required")
	case !ValidAgencyID(a.ID):
		f.Add("id", "account.error.agency_code")
	}
	switch {
	case a.Name.VI == "":
		f.Add("name.vi", "error.field.required")
	case utf8.RuneCountInString(a.Name.VI) > MaxAgencyName:
		f.Add("name.vi", "error.field.too_long")
	case !textcheck.Clean(a.Name.VI, false):
		f.Add("name.vi", ControlCharsID)
	}
	switch {
	case utf8.RuneCountInString(a.Name.EN) > MaxAgencyName:
		f.Add("name.en", "error.field.too_long")
	case !textcheck.Clean(a.Name.EN, false):
		f.Add("name.en", ControlCharsID)
	}
	if a.ValidFrom != "" && !ValidDay(a.ValidFrom) {
		f.Add("validFrom", "error.field.invalid")
	}
	if a.ValidTo != "" && (!ValidDay(a.ValidTo) || (a.ValidFrom != "" && a.ValidTo < a.ValidFrom)) {
		f.Add("validTo", "error.field.invalid")
	}
	for _, s := range a.Successors {
		if !ValidAgencyID(s.ID) || s.ID == a.ID || utf8.RuneCountInString(s.Part) > MaxAgencyName*2 || !textcheck.Clean(s.Part, false) {
			f.Add("successors", "error.field.invalid")
		}
	}
	return f.Err()
}

func (a *Agency) normalize() {
	a.ID = strings.TrimSpace(a.ID)
	a.Name.VI = strings.TrimSpace(a.Name.VI)
	a.Name.EN = strings.TrimSpace(a.Name.EN)
}

// PlanningAndInvestment is the code of the former Department of Planning
// and Investment, merged into the Department of Finance on 1 March 2025.
const PlanningAndInvestment = "planning_investment"

// Finance is the code of the Department of Finance, which since 1 March
// 2025 also registers investment; the demo agency officer works there.
const Finance = "finance"

// Labour is the code of the former Department of Labour, Invalids and
// Social Affairs (split on 1 March 2025; labour matters went to HomeAffairs).
const Labour = "labour"

// HomeAffairs is the code of the Department of Home Affairs, which handles
// labour obstacles (work permits, recruitment) since 1 March 2025.
const HomeAffairs = "home_affairs"

// StateBankKhanhHoa is the code of the State Bank's former Khánh Hòa
// branch, merged into the Region 10 branch on 1 March 2025.
const StateBankKhanhHoa = "sbv_khanh_hoa"

// StateBankRegion is the code of the State Bank's regional branch that
// supervises the banks of Khánh Hòa and handles credit obstacles.
const StateBankRegion = "sbv_region_10"

// CreateAgency validates and stores a new agency, made by the actor by; a
// taken code is an invalid error on field "id" (account.error.agency_taken).
func (s *Store) CreateAgency(ctx context.Context, a Agency, by Actor, now time.Time) (Agency, error) {
	now = utc(now)
	a.normalize()
	if err := a.Validate(); err != nil {
		return Agency{}, err
	}
	a.CreatedAt, a.UpdatedAt, a.Version = now, now, 1
	first := &Change{At: now, By: by, Action: "create", Fields: agencyDiff(Text{}, a.Name)}
	if err := s.agencies.Insert(ctx, a, first); err != nil {
		if mongodb.IsDuplicateKey(err) {
			f := apperr.Fields{}
			f.Add("id", "account.error.agency_taken")
			return Agency{}, f.Err()
		}
		return Agency{}, err
	}
	return a, nil
}

// GetAgency returns the agency with the code id.
func (s *Store) GetAgency(ctx context.Context, id string) (Agency, error) {
	var a Agency
	if err := s.agencies.Get(ctx, id, &a); err != nil {
		return Agency{}, err
	}
	return a, nil
}

// ListAgencies returns every agency, by code. The list is short (tens).
func (s *Store) ListAgencies(ctx context.Context) ([]Agency, error) {
	return findAll[Agency](ctx, s.agencies.Mongo(), bson.M{},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetProjection(s.agencies.NoHistory()))
}

// UpdateAgency renames an agency, recording the change and its actor by
// in the agency's history. version is the version the caller read; a
// stale one is a conflict (account.error.agency_changed).
func (s *Store) UpdateAgency(ctx context.Context, id string, version int64, name Text, by Actor, now time.Time) (Agency, error) {
	now = utc(now)
	a := Agency{ID: id, Name: name}
	a.normalize()
	if err := a.Validate(); err != nil {
		return Agency{}, err
	}
	cur, err := s.GetAgency(ctx, id)
	if err != nil {
		return Agency{}, err
	}
	if cur.Version != version {
		return Agency{}, s.agencies.Conflict()
	}
	err = s.agencies.Update(ctx, id, version, record.Write{
		Set:   bson.D{{Key: "name", Value: a.Name}, {Key: "updatedAt", Value: now}},
		Entry: &Change{At: now, By: by, Action: "update", Fields: agencyDiff(cur.Name, a.Name)},
	})
	if err != nil {
		return Agency{}, err
	}
	cur.Name, cur.UpdatedAt, cur.Version = a.Name, now, version+1
	return cur, nil
}

// agencyDiff lists the name fields that differ.
func agencyDiff(a, b Text) []FieldChange {
	var d record.Diff
	d.Add("name.vi", a.VI, b.VI)
	d.Add("name.en", a.EN, b.EN)
	return d
}

// AgencyHistory returns the changes made to an agency, oldest first; an
// agency stored before agencies had a history has none.
func (s *Store) AgencyHistory(ctx context.Context, id string) ([]Change, error) {
	return history(ctx, s.agencies, id)
}

// SeedAgencies stores the DefaultAgencies that are missing, by code, and
// reports how many it added. An agency already stored keeps its name, so a
// rename made in the portal survives; a database made before a default was
// added gets it on the next start.
func (s *Store) SeedAgencies(ctx context.Context, now time.Time) (int, error) {
	have, err := s.ListAgencies(ctx)
	if err != nil {
		return 0, err
	}
	known := make(map[string]bool, len(have))
	for _, a := range have {
		known[a.ID] = true
	}
	added := 0
	for _, a := range DefaultAgencies() {
		if known[a.ID] {
			continue
		}
		if _, err := s.CreateAgency(ctx, a, SystemActor, now); err != nil {
			// Another process seeding at the same moment made it first.
			if e := apperr.As(err); e.Code == apperr.CodeInvalid && e.Fields["id"] == "account.error.agency_taken" {
				continue
			}
			return added, err
		}
		added++
	}
	return added, nil
}
