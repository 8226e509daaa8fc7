// Package opportunity holds the investment opportunities the province offers
// to investors, the enquiries investors send about them, their rules and
// their storage. It knows nothing of HTTP; the search index is derived from
// it by an indexer that uses PendingIndex and MarkIndexed.
package opportunity

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/contact"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
)

// Languages an opportunity's text may be authoritative in.
const (
	LangVI = "vi"
	LangEN = "en"
)

// Statuses of an opportunity, in display order: open to proposals, in talks
// with a shortlisted investor, awarded to one, or closed without award.
const (
	StatusOpen          = "open"
	StatusInNegotiation = "in_negotiation"
	StatusAwarded       = "awarded"
	StatusClosed        = "closed"
)

// Statuses lists every status in display order.
var Statuses = []string{StatusOpen, StatusInNegotiation, StatusAwarded, StatusClosed}

// InvestmentForms lists the forms under which an opportunity may be taken
// up: public-private partnership, build-operate-transfer, build-transfer,
// wholly foreign-owned, joint venture, domestic investor, land-use-right
// auction and investor selection by bidding.
var InvestmentForms = []string{
	"ppp", "bot", "bt", "fdi_100", "joint_venture", "domestic", "land_auction", "bidding",
}

// PlanningBases lists the codes of the plans an opportunity may rest on.
// Each has a label opportunity.planning.<code> in locales/.
var PlanningBases = []string{
	"provincial_plan_2021_2030",
	"power_plan_8",
	"seaport_master_plan",
	"nha_trang_plan_2040",
	// The Cam Lâm general plan runs to 2045 (Decision 205/QĐ-TTg of 28
	// Feb 2024, as announced by VNEWS/baomoi.com on 2 Mar 2024); the code
	// keeps its first, wrong, years because stored opportunities carry it.
	"cam_lam_plan_2030_2050",
	"cam_ranh_plan_2040",
	"van_phong_zoning",
	"bac_van_phong_zoning",
	"ninh_hoa_plan_2040",
	"van_ninh_plan_2040",
	"dien_khanh_plan_2040",
	"khanh_son_plan_2035",
	"khanh_vinh_plan_2035",
	"industrial_park_plan",
}

// LandLegalStatuses lists where the land of an opportunity stands in law:
// land the State already holds in its land fund, land held by the provincial
// land development centre, land whose use must still be converted, a sea
// area to be allocated, or a mix of these.
var LandLegalStatuses = []string{
	"state_land_fund", "land_development_centre", "requires_conversion", "sea_area", "mixed",
}

// SiteClearanceStatuses lists how far site clearance (bồi thường, giải
// phóng mặt bằng) has gone.
var SiteClearanceStatuses = []string{
	"not_required", "not_started", "in_progress", "partially_completed", "completed",
}

// Agencies lists the codes of the provincial bodies that answer for an
// opportunity: the Investment, Trade and Tourism Promotion Centre and the
// Vân Phong Economic Zone Management Board.
var Agencies = []string{"ipc", "vpez"}

// Capital bands, by indicative capital in VND equivalent.
const (
	BandUnder100B    = "under_100b"
	Band100BTo1000B  = "100b_1000b"
	Band1000BTo10000 = "1000b_10000b"
	BandOver10000B   = "over_10000b"
)

// CapitalBands lists every capital band in ascending order.
var CapitalBands = []string{BandUnder100B, Band100BTo1000B, Band1000BTo10000, BandOver10000B}

// Limits on text lengths, in characters.
const (
	MaxTitle       = 300
	MaxSummary     = 1000
	MaxDescription = 10000
	MaxIncentive   = 1000
	MaxLegalBasis  = 300
	MaxShort       = 200
)

// Utilities describes the infrastructure that reaches a site.
type Utilities struct {
	Power project.Text `json:"power" bson:"power"`
	Water project.Text `json:"water" bson:"water"`
	Road  project.Text `json:"road" bson:"road"`
	// KmToPort is the road distance to the nearest seaport, in whole km.
	KmToPort int `json:"kmToPort" bson:"kmToPort"`
	// KmToAirport is the road distance to Cam Ranh International Airport,
	// in whole km.
	KmToAirport int `json:"kmToAirport" bson:"kmToAirport"`
}

// Incentive is one investment incentive and the legal text it rests on;
// Basis gives the citation in both languages. The English citation is a
// field of its own, not an object in legalBasis, so that records stored
// and API clients written before it keep working.
type Incentive struct {
	Text project.Text `json:"text" bson:"text"`
	// LegalBasis is the citation in Vietnamese; required.
	LegalBasis string `json:"legalBasis" bson:"legalBasis" example:"Nghị định 31/2021/NĐ-CP"`
	// LegalBasisEN is the citation's English title; empty where there is
	// none, and English pages then show LegalBasis marked as Vietnamese.
	LegalBasisEN string `json:"legalBasisEn,omitempty" bson:"legalBasisEn,omitempty" example:"Decree No. 31/2021/ND-CP"`
}

// Basis is the legal citation in both languages.
func (in Incentive) Basis() bilingual.Text {
	return bilingual.Text{VI: in.LegalBasis, EN: in.LegalBasisEN}
}

// Contact is who answers investors about an opportunity. Agency is one of
// Agencies; Unit gives the contact unit in both languages, each in a
// field of its own for the reason given at Incentive.
type Contact struct {
	Agency string `json:"agency" bson:"agency"`
	// Name is the contact unit (a desk) or person in Vietnamese; required.
	Name string `json:"name" bson:"name" example:"Phòng Xúc tiến đầu tư"`
	// NameEN is the contact unit's English name; empty where there is
	// none, and English pages then show Name marked as Vietnamese. A
	// change of contact replaces it: send it back with the rest.
	NameEN string `json:"nameEn,omitempty" bson:"nameEn,omitempty" example:"Investment Promotion Division"`
	Email  string `json:"email" bson:"email"`
	Phone  string `json:"phone" bson:"phone"`
}

// Unit is the contact unit in both languages.
func (c Contact) Unit() bilingual.Text { return bilingual.Text{VI: c.Name, EN: c.NameEN} }

// Attachment is a stored file (a site map, a planning extract) offered with
// an opportunity. Size is in bytes.
type Attachment struct {
	FileID string `json:"fileId" bson:"fileId"`
	Name   string `json:"name" bson:"name"`
	Size   int64  `json:"size" bson:"size"`
}

// Opportunity is a site or a project the province offers to investors.
type Opportunity struct {
	Code        string       `json:"code" bson:"code"`
	Title       project.Text `json:"title" bson:"title"`
	Summary     project.Text `json:"summary" bson:"summary"`
	Description project.Text `json:"description" bson:"description"`
	// AuthoritativeLang is the language the text was written and approved
	// in; the other language is a translation.
	AuthoritativeLang string `json:"authoritativeLang" bson:"authoritativeLang"`
	// TranslationPending says the text in the other language awaits review.
	TranslationPending bool   `json:"translationPending" bson:"translationPending"`
	Sector             string `json:"sector" bson:"sector"`
	// Location is the former district (before 1 July 2025); Unit the
	// current unit's slug, empty only on records not yet migrated.
	Location string `json:"location" bson:"location"`
	Unit     string `json:"unit,omitempty" bson:"unit,omitempty"`
	Zone     string `json:"zone,omitempty" bson:"zone,omitempty"`
	// LandAreaCentiHa is the land area in hundredths of a hectare.
	LandAreaCentiHa     int64        `json:"landAreaCentiHa" bson:"landAreaCentiHa"`
	IndicativeCapital   money.Amount `json:"indicativeCapital" bson:"indicativeCapital"`
	InvestmentForms     []string     `json:"investmentForms" bson:"investmentForms"`
	Incentives          []Incentive  `json:"incentives" bson:"incentives"`
	PlanningBasis       []string     `json:"planningBasis" bson:"planningBasis"`
	LandLegalStatus     string       `json:"landLegalStatus" bson:"landLegalStatus"`
	SiteClearanceStatus string       `json:"siteClearanceStatus" bson:"siteClearanceStatus"`
	Utilities           Utilities    `json:"utilities" bson:"utilities"`
	Status              string       `json:"status" bson:"status"`
	Contact             Contact      `json:"contact" bson:"contact"`
	Attachments         []Attachment `json:"attachments" bson:"attachments"`
	// ProjectCode is set when the opportunity became a licensed project.
	ProjectCode string    `json:"projectCode,omitempty" bson:"projectCode,omitempty"`
	PublishedAt time.Time `json:"publishedAt" bson:"publishedAt"`
	// VerifiedAt is when staff last checked the facts; zero if never.
	VerifiedAt time.Time `json:"verifiedAt" bson:"verifiedAt"`
	CreatedAt  time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt" bson:"updatedAt"`
	// Version grows by one with every write.
	Version int64 `json:"version" bson:"version"`
	// Synthetic marks demo content that describes no real offer.
	Synthetic bool `json:"synthetic,omitempty" bson:"synthetic,omitempty"`
}

// CapitalBand is the capital band of the opportunity's indicative capital.
func (o *Opportunity) CapitalBand() string { return CapitalBand(o.IndicativeCapital) }

var codePattern = regexp.MustCompile(`^OPP-[A-Z0-9]{2,8}-[0-9]{3,4}$`)

// ValidCode reports whether s has the shape of an opportunity code, such as
// OPP-VP-001.
func ValidCode(s string) bool { return codePattern.MatchString(s) }

var phonePattern = regexp.MustCompile(`^\+?[0-9 .()-]{6,24}$`)

// validEmail is the portal's one rule for public e-mail addresses, the
// same obstacle filings follow.
func validEmail(s string) bool { return contact.ValidEmail(s) }

// Kinds of text, for the control-character rule (project.TextOK).
const (
	singleLine = false
	multiLine  = true
)

// checkPlain names field when s holds control characters (line breaks
// only where multi is true).
func checkPlain(f apperr.Fields, name, s string, multi bool) {
	if !project.TextOK(s, multi) {
		f.Add(name, project.ControlCharsID)
	}
}

// checkField names field when s is empty but required, longer than max
// characters, or holds control characters (line breaks only where multi
// is true); the first of these wins.
func checkField(f apperr.Fields, name, s string, max int, required, multi bool) {
	switch {
	case s == "" && required:
		f.Add(name, "error.field.required")
	case utf8.RuneCountInString(s) > max:
		f.Add(name, "error.field.too_long")
	default:
		checkPlain(f, name, s, multi)
	}
}

// checkText validates one bilingual field: Vietnamese is always required,
// English when it is the authoritative language.
func checkText(f apperr.Fields, name string, t *project.Text, max int, enRequired, multi bool) {
	t.VI = strings.TrimSpace(t.VI)
	t.EN = strings.TrimSpace(t.EN)
	checkField(f, name+"_vi", t.VI, max, true, multi)
	checkField(f, name+"_en", t.EN, max, enRequired, multi)
}

// checkOptionalText validates a bilingual field that may be left empty; an
// English text still needs its Vietnamese one, which is the fallback.
func checkOptionalText(f apperr.Fields, name string, t *project.Text, max int) {
	t.VI = strings.TrimSpace(t.VI)
	t.EN = strings.TrimSpace(t.EN)
	if t.VI == "" && t.EN == "" {
		return
	}
	checkText(f, name, t, max, false, multiLine)
}

// checkCodes validates a list of codes: required when nonEmpty, each one
// known, none repeated.
func checkCodes(f apperr.Fields, name string, codes, known []string, nonEmpty bool, badID string) {
	if nonEmpty && len(codes) == 0 {
		f.Add(name, "error.field.required")
		return
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if !slices.Contains(known, c) {
			f.Add(name, badID)
			return
		}
		if seen[c] {
			f.Add(name, "opportunity.error.duplicate_value")
			return
		}
		seen[c] = true
	}
}

// Province is the former province of the opportunity's former district.
func (o *Opportunity) Province() string { return place.ProvinceOf(o.Location) }

// Validate checks the opportunity, trimming its text, and names each field
// that is wrong with the message id of what is wrong with it. Field names
// are snake_case; list items are named like incentives.0.legal_basis.
func (o *Opportunity) Validate() error {
	f := apperr.Fields{}
	if !ValidCode(o.Code) {
		f.Add("code", "opportunity.error.code")
	}
	if o.AuthoritativeLang != LangVI && o.AuthoritativeLang != LangEN {
		f.Add("authoritative_lang", "opportunity.error.lang")
	}
	enRequired := o.AuthoritativeLang == LangEN
	checkText(f, "title", &o.Title, MaxTitle, enRequired, singleLine)
	checkText(f, "summary", &o.Summary, MaxSummary, enRequired, multiLine)
	checkText(f, "description", &o.Description, MaxDescription, enRequired, multiLine)
	if !project.ValidSector(o.Sector) {
		f.Add("sector", "opportunity.error.sector")
	}
	if !place.ValidLocation(o.Location) {
		f.Add("location", "opportunity.error.location")
	}
	place.CheckUnit(f, o.Unit, o.Location, false)
	if !project.ValidZone(o.Zone) {
		f.Add("zone", "opportunity.error.zone")
	}
	if o.LandAreaCentiHa < 0 {
		f.Add("land_area", "error.field.not_negative")
	}
	switch {
	case !money.Valid(o.IndicativeCapital.Currency):
		f.Add("indicative_capital", "opportunity.error.currency")
	case o.IndicativeCapital.Amount <= 0:
		f.Add("indicative_capital", "opportunity.error.capital_positive")
	case !money.InRange(o.IndicativeCapital):
		f.Add("indicative_capital", "opportunity.error.capital_too_large")
	}
	checkCodes(f, "investment_forms", o.InvestmentForms, InvestmentForms, true, "opportunity.error.form")
	for i := range o.Incentives {
		in := &o.Incentives[i]
		p := "incentives." + strconv.Itoa(i)
		checkText(f, p+".text", &in.Text, MaxIncentive, false, multiLine)
		in.LegalBasis = strings.TrimSpace(in.LegalBasis)
		in.LegalBasisEN = strings.TrimSpace(in.LegalBasisEN)
		checkField(f, p+".legal_basis", in.LegalBasis, MaxLegalBasis, true, singleLine)
		checkField(f, p+".legal_basis_en", in.LegalBasisEN, MaxLegalBasis, false, singleLine)
	}
	checkCodes(f, "planning_basis", o.PlanningBasis, PlanningBases, false, "opportunity.error.planning")
	if !slices.Contains(LandLegalStatuses, o.LandLegalStatus) {
		f.Add("land_legal_status", "opportunity.error.land_status")
	}
	if !slices.Contains(SiteClearanceStatuses, o.SiteClearanceStatus) {
		f.Add("site_clearance_status", "opportunity.error.clearance")
	}
	checkOptionalText(f, "utilities.power", &o.Utilities.Power, MaxIncentive)
	checkOptionalText(f, "utilities.water", &o.Utilities.Water, MaxIncentive)
	checkOptionalText(f, "utilities.road", &o.Utilities.Road, MaxIncentive)
	if o.Utilities.KmToPort < 0 {
		f.Add("utilities.km_to_port", "error.field.not_negative")
	}
	if o.Utilities.KmToAirport < 0 {
		f.Add("utilities.km_to_airport", "error.field.not_negative")
	}
	if !slices.Contains(Statuses, o.Status) {
		f.Add("status", "opportunity.error.status")
	}
	c := &o.Contact
	c.Name, c.NameEN = strings.TrimSpace(c.Name), strings.TrimSpace(c.NameEN)
	c.Email, c.Phone = strings.TrimSpace(c.Email), strings.TrimSpace(c.Phone)
	if !slices.Contains(Agencies, c.Agency) {
		f.Add("contact_agency", "opportunity.error.agency")
	}
	checkField(f, "contact_name", c.Name, MaxShort, true, singleLine)
	checkField(f, "contact_name_en", c.NameEN, MaxShort, false, singleLine)
	if c.Email == "" {
		f.Add("contact_email", "error.field.required")
	} else if !validEmail(c.Email) {
		f.Add("contact_email", "error.field.email")
	}
	if c.Phone != "" && !phonePattern.MatchString(c.Phone) {
		f.Add("contact_phone", "opportunity.error.phone")
	}
	for i, a := range o.Attachments {
		p := "attachments." + strconv.Itoa(i)
		if strings.TrimSpace(a.FileID) == "" {
			f.Add(p+".file_id", "error.field.required")
		}
		if strings.TrimSpace(a.Name) == "" {
			f.Add(p+".name", "error.field.required")
		} else if utf8.RuneCountInString(a.Name) > MaxShort {
			f.Add(p+".name", "error.field.too_long")
		} else {
			checkPlain(f, p+".name", a.Name, singleLine)
		}
		checkPlain(f, p+".file_id", a.FileID, singleLine)
		if a.Size < 0 {
			f.Add(p+".size", "error.field.not_negative")
		}
	}
	if o.ProjectCode != "" && !project.ValidCode(o.ProjectCode) {
		f.Add("project_code", "opportunity.error.project_code")
	}
	if o.PublishedAt.IsZero() {
		f.Add("published_at", "error.field.required")
	}
	return f.Err()
}

// Place shows the opportunity's place: the current unit with the former
// district as history (place.Show).
func (o Opportunity) Place(l *i18n.Localizer) string { return place.Show(l, o.Location, o.Unit) }
