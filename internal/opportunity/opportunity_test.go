package opportunity

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
)

// sample returns a valid opportunity with the given code.
func sample(code string) Opportunity {
	return Opportunity{
		Code:              code,
		Title:             project.Text{VI: "Nhà máy điện gió Vân Phong", EN: "Van Phong wind farm"},
		Summary:           project.Text{VI: "Điện gió trên bờ tại Ninh Hòa.", EN: "Onshore wind in Ninh Hoa."},
		Description:       project.Text{VI: "Mô tả dài hơn về dự án.", EN: "A longer description of the project."},
		AuthoritativeLang: LangVI,
		Sector:            "energy",
		Location:          "ninh_hoa",
		Zone:              "van_phong_ez",
		LandAreaCentiHa:   12_500,
		IndicativeCapital: money.Amount{Amount: 4_500_000_000_000, Currency: money.VND},
		InvestmentForms:   []string{"domestic", "joint_venture"},
		Incentives: []Incentive{{
			Text:       project.Text{VI: "Miễn tiền thuê đất 11 năm.", EN: "Land rent waived for 11 years."},
			LegalBasis: "Nghị định 31/2021/NĐ-CP",
		}},
		PlanningBasis:       []string{"power_plan_8", "van_phong_zoning"},
		LandLegalStatus:     "state_land_fund",
		SiteClearanceStatus: "not_started",
		Utilities: Utilities{
			Power:    project.Text{VI: "Trạm 220 kV Ninh Hòa", EN: "Ninh Hoa 220 kV substation"},
			Road:     project.Text{VI: "Quốc lộ 1", EN: "National Highway 1"},
			KmToPort: 12, KmToAirport: 95,
		},
		Status:      StatusOpen,
		Contact:     Contact{Agency: "vpez", Name: "Phòng Đầu tư", Email: "dautu@vpez.khanhhoa.example", Phone: "+84 258 0000 101"},
		PublishedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		VerifiedAt:  time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC),
		Synthetic:   true,
	}
}

// by is a user acting under the id and e-mail address s.
func by(s string) record.Actor { return record.Actor{ID: s, Email: s} }

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.CodeInvalid {
		t.Fatalf("want an invalid apperr, got %v", err)
	}
	return e.Fields
}

func TestValidate(t *testing.T) {
	t.Parallel()
	if err := func() error { o := sample("OPP-VP-001"); return o.Validate() }(); err != nil {
		t.Fatalf("sample must be valid: %v", err)
	}
	cases := []struct {
		name  string
		edit  func(o *Opportunity)
		field string
		msg   string
	}{
		{"ErrCodeShape", func(o *Opportunity) { o.Code = "vp-1" }, "code", "opportunity.error.code"},
		{"ErrLang", func(o *Opportunity) { o.AuthoritativeLang = "fr" }, "authoritative_lang", "opportunity.error.lang"},
		{"ErrTitleVIRequired", func(o *Opportunity) { o.Title.VI = "  " }, "title_vi", "error.field.required"},
		{"ErrTitleENRequiredWhenAuthoritative", func(o *Opportunity) { o.AuthoritativeLang = LangEN; o.Title.EN = "" }, "title_en", "error.field.required"},
		{"ErrTitleTooLong", func(o *Opportunity) { o.Title.VI = strings.Repeat("á", MaxTitle+1) }, "title_vi", "error.field.too_long"},
		{"ErrSummaryVI", func(o *Opportunity) { o.Summary.VI = "" }, "summary_vi", "error.field.required"},
		{"ErrDescriptionTooLong", func(o *Opportunity) { o.Description.EN = strings.Repeat("x", MaxDescription+1) }, "description_en", "error.field.too_long"},
		{"ErrSector", func(o *Opportunity) { o.Sector = "mining" }, "sector", "opportunity.error.sector"},
		{"ErrLocation", func(o *Opportunity) { o.Location = "da_lat" }, "location", "opportunity.error.location"},
		{"ErrZone", func(o *Opportunity) { o.Zone = "moon" }, "zone", "opportunity.error.zone"},
		{"ErrLandNegative", func(o *Opportunity) { o.LandAreaCentiHa = -1 }, "land_area", "error.field.not_negative"},
		{"ErrCurrency", func(o *Opportunity) { o.IndicativeCapital.Currency = "EUR" }, "indicative_capital", "opportunity.error.currency"},
		{"ErrCapitalZero", func(o *Opportunity) { o.IndicativeCapital.Amount = 0 }, "indicative_capital", "opportunity.error.capital_positive"},
		{"ErrCapitalTooLarge", func(o *Opportunity) { o.IndicativeCapital.Amount = MaxCapitalMinor(money.VND) + 1 }, "indicative_capital", "opportunity.error.capital_too_large"},
		{"ErrFormsRequired", func(o *Opportunity) { o.InvestmentForms = nil }, "investment_forms", "error.field.required"},
		{"ErrFormUnknown", func(o *Opportunity) { o.InvestmentForms = []string{"ppp", "lease"} }, "investment_forms", "opportunity.error.form"},
		{"ErrFormRepeated", func(o *Opportunity) { o.InvestmentForms = []string{"ppp", "ppp"} }, "investment_forms", "opportunity.error.duplicate_value"},
		{"ErrIncentiveBasis", func(o *Opportunity) { o.Incentives[0].LegalBasis = "" }, "incentives.0.legal_basis", "error.field.required"},
		{"ErrIncentiveBasisENTooLong", func(o *Opportunity) { o.Incentives[0].LegalBasisEN = strings.Repeat("x", MaxLegalBasis+1) }, "incentives.0.legal_basis_en", "error.field.too_long"},
		{"ErrIncentiveText", func(o *Opportunity) { o.Incentives[0].Text.VI = "" }, "incentives.0.text_vi", "error.field.required"},
		{"ErrPlanning", func(o *Opportunity) { o.PlanningBasis = []string{"atlantis_plan"} }, "planning_basis", "opportunity.error.planning"},
		{"ErrLandStatus", func(o *Opportunity) { o.LandLegalStatus = "" }, "land_legal_status", "opportunity.error.land_status"},
		{"ErrClearance", func(o *Opportunity) { o.SiteClearanceStatus = "done" }, "site_clearance_status", "opportunity.error.clearance"},
		{"ErrKmToPort", func(o *Opportunity) { o.Utilities.KmToPort = -3 }, "utilities.km_to_port", "error.field.not_negative"},
		{"ErrKmToAirport", func(o *Opportunity) { o.Utilities.KmToAirport = -1 }, "utilities.km_to_airport", "error.field.not_negative"},
		{"ErrStatus", func(o *Opportunity) { o.Status = "draft" }, "status", "opportunity.error.status"},
		{"ErrAgency", func(o *Opportunity) { o.Contact.Agency = "police" }, "contact_agency", "opportunity.error.agency"},
		{"ErrContactName", func(o *Opportunity) { o.Contact.Name = "" }, "contact_name", "error.field.required"},
		{"ErrContactNameENTooLong", func(o *Opportunity) { o.Contact.NameEN = strings.Repeat("d", MaxShort+1) }, "contact_name_en", "error.field.too_long"},
		{"ErrContactEmail", func(o *Opportunity) { o.Contact.Email = "not an email" }, "contact_email", "error.field.email"},
		{"ErrContactPhone", func(o *Opportunity) { o.Contact.Phone = "call me" }, "contact_phone", "opportunity.error.phone"},
		{"ErrAttachmentFile", func(o *Opportunity) { o.Attachments = []Attachment{{Name: "map.pdf", Size: 10}} }, "attachments.0.file_id", "error.field.required"},
		{"ErrAttachmentSize", func(o *Opportunity) { o.Attachments = []Attachment{{FileID: "f1", Name: "a", Size: -1}} }, "attachments.0.size", "error.field.not_negative"},
		{"ErrProjectCode", func(o *Opportunity) { o.ProjectCode = "bad code" }, "project_code", "opportunity.error.project_code"},
		{"ErrPublishedAt", func(o *Opportunity) { o.PublishedAt = time.Time{} }, "published_at", "error.field.required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := sample("OPP-VP-001")
			c.edit(&o)
			got := fieldsOf(t, o.Validate())
			if got[c.field] != c.msg {
				t.Fatalf("field %s: got %q, want %q (all: %v)", c.field, got[c.field], c.msg, got)
			}
		})
	}
	t.Run("ENMayBeMissingWhenVIAuthoritative", func(t *testing.T) {
		o := sample("OPP-VP-001")
		o.Title.EN, o.Summary.EN, o.Description.EN = "", "", ""
		o.TranslationPending = true
		if err := o.Validate(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("TrimsText", func(t *testing.T) {
		o := sample("OPP-VP-001")
		o.Title.VI = "  Khu du lịch  "
		if err := o.Validate(); err != nil || o.Title.VI != "Khu du lịch" {
			t.Fatalf("got %q, %v", o.Title.VI, err)
		}
	})
}

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Điện gió Vân Phong – 2":                   "dien gio van phong 2",
		"Khu du lịch sinh thái Hòn Ông – Vạn Ninh": "khu du lich sinh thai hon ong van ninh",
		"ĐẦM MÔN, Ninh Hòa":                        "dam mon ninh hoa",
		"  Cam Ranh   bay ":                        "cam ranh bay",
		"Sầu riêng Khánh Sơn":                      "sau rieng khanh son",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCapitalBand(t *testing.T) {
	t.Parallel()
	b := int64(1_000_000_000)
	cases := []struct {
		a    money.Amount
		want string
	}{
		{money.Amount{Amount: 99*b + 999_999_999, Currency: money.VND}, BandUnder100B},
		{money.Amount{Amount: 100 * b, Currency: money.VND}, Band100BTo1000B},
		{money.Amount{Amount: 1000*b - 1, Currency: money.VND}, Band100BTo1000B},
		{money.Amount{Amount: 1000 * b, Currency: money.VND}, Band1000BTo10000},
		{money.Amount{Amount: 10000 * b, Currency: money.VND}, BandOver10000B},
		// 4 million USD × 25,000 = 100 billion VND.
		{money.Amount{Amount: 4_000_000_00, Currency: money.USD}, Band100BTo1000B},
		{money.Amount{Amount: 3_999_999_99, Currency: money.USD}, BandUnder100B},
		// 400 million USD = 10,000 billion VND.
		{money.Amount{Amount: 400_000_000_00, Currency: money.USD}, BandOver10000B},
	}
	for _, c := range cases {
		if got := CapitalBand(c.a); got != c.want {
			t.Errorf("CapitalBand(%v) = %s, want %s", c.a, got, c.want)
		}
	}
	if got := VNDEquivalent(money.Amount{Amount: 1_50, Currency: money.USD}); got != 37_500 {
		t.Errorf("1.50 USD = %d VND, want 37500", got)
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	a := sample("OPP-VP-001")
	b := a
	b.Status = StatusClosed
	b.InvestmentForms = []string{"ppp"}
	b.IndicativeCapital = money.Amount{Amount: 12_345, Currency: money.USD}
	got := Diff(&a, &b)
	want := []record.FieldChange{
		{Field: "indicative_capital", From: "4500000000000 VND", To: "123.45 USD"},
		{Field: "investment_forms", From: `["domestic","joint_venture"]`, To: `["ppp"]`},
		{Field: "status", From: "open", To: "closed"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: got %v, want %v", i, got[i], want[i])
		}
	}
}
