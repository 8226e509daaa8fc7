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
	ID        string    `json:"id" bson:"_id"`
	Name      Text      `json:"name" bson:"name"`
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
	return f.Err()
}

func (a *Agency) normalize() {
	a.ID = strings.TrimSpace(a.ID)
	a.Name.VI = strings.TrimSpace(a.Name.VI)
	a.Name.EN = strings.TrimSpace(a.Name.EN)
}

// PlanningAndInvestment is the code of the Department of Planning and
// Investment, the agency of the demo agency officer.
const PlanningAndInvestment = "planning_investment"

// DefaultAgencies are the Khánh Hòa departments and authorities most
// obstacles go to, seeded on first start. They are the province's
// agencies before the 2025 merger of departments; administrators adjust
// the list in the portal.
func DefaultAgencies() []Agency {
	return []Agency{
		{ID: PlanningAndInvestment, Name: Text{VI: "Sở Kế hoạch và Đầu tư", EN: "Department of Planning and Investment"}},
		{ID: "finance", Name: Text{VI: "Sở Tài chính", EN: "Department of Finance"}},
		{ID: "natural_resources", Name: Text{VI: "Sở Tài nguyên và Môi trường", EN: "Department of Natural Resources and Environment"}},
		{ID: "construction", Name: Text{VI: "Sở Xây dựng", EN: "Department of Construction"}},
		{ID: "transport", Name: Text{VI: "Sở Giao thông vận tải", EN: "Department of Transport"}},
		{ID: "industry_trade", Name: Text{VI: "Sở Công Thương", EN: "Department of Industry and Trade"}},
		{ID: "agriculture", Name: Text{VI: "Sở Nông nghiệp và Phát triển nông thôn", EN: "Department of Agriculture and Rural Development"}},
		{ID: "tourism", Name: Text{VI: "Sở Du lịch", EN: "Department of Tourism"}},
		{ID: "van_phong_ez", Name: Text{VI: "Ban Quản lý Khu kinh tế Vân Phong", EN: "Van Phong Economic Zone Management Board"}},
		{ID: "tax", Name: Text{VI: "Cục Thuế tỉnh Khánh Hòa", EN: "Khanh Hoa Provincial Tax Department"}},
		{ID: "nha_trang", Name: Text{VI: "Ủy ban nhân dân thành phố Nha Trang", EN: "Nha Trang City People's Committee"}},
		{ID: "cam_ranh", Name: Text{VI: "Ủy ban nhân dân thành phố Cam Ranh", EN: "Cam Ranh City People's Committee"}},
		// Names as at end-2023. In 2025 the Department of Labour, Invalids
		// and Social Affairs was merged into the Department of Home Affairs
		// and the State Bank's provincial branches into regional ones
		// (issue 15 handles the restructuring).
		{ID: Labour, Name: Text{VI: "Sở Lao động - Thương binh và Xã hội", EN: "Department of Labour, Invalids and Social Affairs"}},
		{ID: StateBankKhanhHoa, Name: Text{VI: "Ngân hàng Nhà nước Việt Nam Chi nhánh tỉnh Khánh Hòa", EN: "State Bank of Vietnam, Khanh Hoa Branch"}},
	}
}

// Labour is the code of the Department of Labour, Invalids and Social
// Affairs, which handles labour obstacles (work permits, recruitment).
const Labour = "labour"

// StateBankKhanhHoa is the code of the State Bank of Vietnam's Khánh Hòa
// branch, which handles credit obstacles.
const StateBankKhanhHoa = "sbv_khanh_hoa"

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
