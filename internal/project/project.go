// Package project holds the province's licensed investment projects: their
// type and rules, the filters investors and staff use, their storage and the
// figures the dashboard shows.
package project

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/textcheck"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// Kind says whether a project is domestic (capital in VND) or
// foreign-invested (FDI, capital in USD).
type Kind string

// Project kinds.
const (
	Domestic Kind = "domestic"
	FDI      Kind = "fdi"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{Domestic, FDI}

// Currency is the currency a project of this kind records capital in.
func (k Kind) Currency() string {
	if k == FDI {
		return money.USD
	}
	return money.VND
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Domestic || k == FDI }

// Stage is where a project stands in its life.
type Stage string

// Project stages, in their usual order.
const (
	Proposed      Stage = "proposed"
	Approved      Stage = "approved"
	Licensed      Stage = "licensed"
	SiteClearance Stage = "site_clearance"
	Construction  Stage = "construction"
	Operating     Stage = "operating"
	Suspended     Stage = "suspended"
	Terminated    Stage = "terminated"
)

// Stages lists every stage in display order.
var Stages = []Stage{Proposed, Approved, Licensed, SiteClearance, Construction, Operating, Suspended, Terminated}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool {
	for _, v := range Stages {
		if v == s {
			return true
		}
	}
	return false
}

// Sectors are the sector codes used for projects and opportunities.
var Sectors = []string{
	"tourism", "real_estate", "energy", "industry", "logistics", "agriculture",
	"aquaculture", "healthcare", "education", "infrastructure", "trade", "technology",
}

// Zones are the economic and development zones a project may sit in.
var Zones = []string{"", "van_phong_ez", "bac_van_phong", "cam_lam_urban", "nha_trang_bay", "cam_ranh_bay", "industrial_park"}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// ValidSector reports whether s is a known sector code.
func ValidSector(s string) bool { return contains(Sectors, s) }

// ValidZone reports whether s is a known zone code (empty means none).
func ValidZone(s string) bool { return contains(Zones, s) }

// Text is content in both languages; English may be missing.
type Text = bilingual.Text

// Investor is who holds the investment licence.
type Investor struct {
	Name    string `json:"name" bson:"name"`
	Country string `json:"country" bson:"country"` // ISO 3166-1 alpha-2
}

// StageDate records when a project reached a stage.
type StageDate struct {
	Stage Stage     `json:"stage" bson:"stage"`
	Date  time.Time `json:"date" bson:"date"`
}

// Project is a licensed (or proposed) investment project.
type Project struct {
	// ID is the stored _id, by which writes address the project.
	ID       primitive.ObjectID `json:"-" bson:"_id,omitempty"`
	Code     string             `json:"code" bson:"code"`
	Name     Text               `json:"name" bson:"name"`
	Investor Investor           `json:"investor" bson:"investor"`
	Kind     Kind               `json:"kind" bson:"kind"`
	Sector   string             `json:"sector" bson:"sector"`
	// Location is the former district (before 1 July 2025).
	Location string `json:"location" bson:"location"`
	// Unit is the current commune-level unit's slug; empty only on records
	// not yet migrated.
	Unit string `json:"unit,omitempty" bson:"unit,omitempty"`
	Zone string `json:"zone,omitempty" bson:"zone,omitempty"`
	// LandAreaHa is the land area in hundredths of a hectare (no floats in
	// stored figures); 1250 means 12.50 ha.
	LandAreaCentiHa int64        `json:"landAreaCentiHa" bson:"landAreaCentiHa"`
	Registered      money.Amount `json:"registeredCapital" bson:"registered"`
	Disbursed       money.Amount `json:"disbursedCapital" bson:"disbursed"`
	// Disbursements are the dated payments the board recorded; Disbursed
	// is their sum plus what was disbursed before they were kept.
	Disbursements []Disbursement `json:"disbursements,omitempty" bson:"disbursements,omitempty"`
	// CapitalVND is registered capital in đồng at the reference rate, kept
	// so capital filters and sorts compare domestic and FDI projects alike.
	CapitalVND   int64       `json:"-" bson:"capitalVnd"`
	Stage        Stage       `json:"stage" bson:"stage"`
	StageHistory []StageDate `json:"stageDates" bson:"stageDates"`
	// LicensedYear is the year the project was licensed (0 if not yet);
	// stored for the dashboard's by-year figures.
	LicensedYear       int        `json:"licensedYear,omitempty" bson:"licensedYear,omitempty"`
	ExpectedCompletion *time.Time `json:"expectedCompletion,omitempty" bson:"expectedCompletion,omitempty"`
	Jobs               int        `json:"jobs" bson:"jobs"`
	Synthetic          bool       `json:"synthetic,omitempty" bson:"synthetic,omitempty"`
	CreatedAt          time.Time  `json:"createdAt" bson:"createdAt"`
	UpdatedAt          time.Time  `json:"updatedAt" bson:"updatedAt"`
	Version            int64      `json:"version" bson:"version"`
}

// StageDate returns when the project reached stage s, if it did.
func (p *Project) StageDate(s Stage) (time.Time, bool) {
	for _, sd := range p.StageHistory {
		if sd.Stage == s {
			return sd.Date, true
		}
	}
	return time.Time{}, false
}

// DisbursedShare is the disbursed share of registered capital in basis
// points (1/100 of a percent), computed in integers.
func (p *Project) DisbursedShare() int64 {
	if p.Registered.Amount <= 0 {
		return 0
	}
	return money.BasisPoints(p.Disbursed.Amount, p.Registered.Amount)
}

var (
	codePattern    = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{2,31}$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
)

// ValidCode reports whether s has the shape of a project code.
func ValidCode(s string) bool { return codePattern.MatchString(s) }

// MaxText is the longest name a project may have, in characters.
const MaxText = 300

// TextOK is textcheck.Clean, the one rule for typed text; opportunities
// and enquiries use it too, with the message id ControlCharsID.
func TextOK(s string, multiLine bool) bool { return textcheck.Clean(s, multiLine) }

// ControlCharsID is the field message of text refused by TextOK.
const ControlCharsID = "project.error.control_chars"

// AmountTooLargeID is the field message of an amount beyond money.Max.
const AmountTooLargeID = "project.error.amount_too_large"

// MaxLandAreaCentiHa bounds a project's land area (hundredths of a
// hectare): one million hectares is more than the whole province (about
// 855,500 ha since the 2025 merger), so anything larger is a typing error.
const MaxLandAreaCentiHa = 1_000_000 * 100

// Validate checks the project's fields, naming each one that is wrong, and
// derives the fields kept for queries.
func (p *Project) Validate() error {
	p.CapitalVND = money.VNDEquivalent(p.Registered)
	f := apperr.Fields{}
	if !ValidCode(p.Code) {
		f.Add("code", "error.field.code")
	}
	p.Name.VI = strings.TrimSpace(p.Name.VI)
	p.Name.EN = strings.TrimSpace(p.Name.EN)
	if p.Name.VI == "" {
		f.Add("name_vi", "error.field.required")
	} else if utf8.RuneCountInString(p.Name.VI) > MaxText {
		f.Add("name_vi", "error.field.too_long")
	} else if !TextOK(p.Name.VI, false) {
		f.Add("name_vi", ControlCharsID)
	}
	if utf8.RuneCountInString(p.Name.EN) > MaxText {
		f.Add("name_en", "error.field.too_long")
	} else if !TextOK(p.Name.EN, false) {
		f.Add("name_en", ControlCharsID)
	}
	if strings.TrimSpace(p.Investor.Name) == "" {
		f.Add("investor_name", "error.field.required")
	} else if !TextOK(p.Investor.Name, false) {
		f.Add("investor_name", ControlCharsID)
	}
	if !countryPattern.MatchString(p.Investor.Country) {
		f.Add("investor_country", "error.field.country")
	}
	if !p.Kind.Valid() {
		f.Add("kind", "error.field.kind")
	}
	if !ValidSector(p.Sector) {
		f.Add("sector", "error.field.sector")
	}
	if !place.ValidLocation(p.Location) {
		f.Add("location", "error.field.location")
	}
	place.CheckUnit(f, p.Unit, p.Location, false)
	if !ValidZone(p.Zone) {
		f.Add("zone", "error.field.zone")
	}
	if !p.Stage.Valid() {
		f.Add("stage", "error.field.stage")
	}
	if p.LandAreaCentiHa < 0 {
		f.Add("land_area", "error.field.not_negative")
	} else if p.LandAreaCentiHa > MaxLandAreaCentiHa {
		f.Add("land_area", "error.field.too_large")
	}
	if p.Jobs < 0 {
		f.Add("jobs", "error.field.not_negative")
	}
	if p.Kind.Valid() {
		capital := func(field string, a money.Amount) {
			switch {
			case a.Currency != p.Kind.Currency():
				f.Add(field, "error.field.currency")
			case a.Amount < 0:
				f.Add(field, "error.field.not_negative")
			case !money.InRange(a):
				f.Add(field, AmountTooLargeID)
			}
		}
		capital("registered_capital", p.Registered)
		capital("disbursed_capital", p.Disbursed)
	}
	return f.Err()
}

// Province is the former province of the project's former district.
func (p *Project) Province() string { return place.ProvinceOf(p.Location) }

// Place shows the project's place (see place.Show).
func (p Project) Place(l *i18n.Localizer) string { return place.Show(l, p.Location, p.Unit) }

// JobsCount is Jobs as int64, for number formatting.
func (p *Project) JobsCount() int64 { return int64(p.Jobs) }
