package opportunity

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
)

// Changes is an edit to an opportunity; a nil field is left as it is. The
// code and the bookkeeping fields cannot be changed this way.
type Changes struct {
	Title               *project.Text
	Summary             *project.Text
	Description         *project.Text
	AuthoritativeLang   *string
	TranslationPending  *bool
	Sector              *string
	Location            *string
	Unit                *string
	Zone                *string
	LandAreaCentiHa     *int64
	IndicativeCapital   *money.Amount
	InvestmentForms     *[]string
	Incentives          *[]Incentive
	PlanningBasis       *[]string
	LandLegalStatus     *string
	SiteClearanceStatus *string
	Utilities           *Utilities
	Status              *string
	Contact             *Contact
	Attachments         *[]Attachment
	PublishedAt         *time.Time
	VerifiedAt          *time.Time
	// ProjectCode links the licensed project the opportunity became; the
	// empty string removes the link. The caller checks that it exists.
	ProjectCode *string
}

// Apply returns a copy of o with the changes made; o is not modified.
func (c Changes) Apply(o Opportunity) Opportunity {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	if c.Title != nil {
		o.Title = *c.Title
	}
	if c.Summary != nil {
		o.Summary = *c.Summary
	}
	if c.Description != nil {
		o.Description = *c.Description
	}
	set(&o.AuthoritativeLang, c.AuthoritativeLang)
	if c.TranslationPending != nil {
		o.TranslationPending = *c.TranslationPending
	}
	set(&o.Sector, c.Sector)
	set(&o.Location, c.Location)
	set(&o.Unit, c.Unit)
	set(&o.Zone, c.Zone)
	if c.LandAreaCentiHa != nil {
		o.LandAreaCentiHa = *c.LandAreaCentiHa
	}
	if c.IndicativeCapital != nil {
		o.IndicativeCapital = *c.IndicativeCapital
	}
	if c.InvestmentForms != nil {
		o.InvestmentForms = append([]string(nil), (*c.InvestmentForms)...)
	}
	if c.Incentives != nil {
		o.Incentives = append([]Incentive(nil), (*c.Incentives)...)
	}
	if c.PlanningBasis != nil {
		o.PlanningBasis = append([]string(nil), (*c.PlanningBasis)...)
	}
	set(&o.LandLegalStatus, c.LandLegalStatus)
	set(&o.SiteClearanceStatus, c.SiteClearanceStatus)
	if c.Utilities != nil {
		o.Utilities = *c.Utilities
	}
	set(&o.Status, c.Status)
	if c.Contact != nil {
		o.Contact = *c.Contact
	}
	if c.Attachments != nil {
		o.Attachments = append([]Attachment(nil), (*c.Attachments)...)
	}
	if c.PublishedAt != nil {
		o.PublishedAt = c.PublishedAt.UTC()
	}
	if c.VerifiedAt != nil {
		o.VerifiedAt = c.VerifiedAt.UTC()
	}
	if c.ProjectCode != nil {
		o.ProjectCode = strings.TrimSpace(*c.ProjectCode)
	}
	return o
}

func formatAmount(a money.Amount) string {
	if a.Currency == "" {
		return ""
	}
	exp := money.Exponent(a.Currency)
	s := strconv.FormatInt(a.Amount, 10)
	if exp > 0 {
		neg := strings.HasPrefix(s, "-")
		s = strings.TrimPrefix(s, "-")
		for len(s) <= exp {
			s = "0" + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
		if neg {
			s = "-" + s
		}
	}
	return s + " " + a.Currency
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func asJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	s := string(b)
	if s == "null" {
		return "[]"
	}
	return s
}

// Diff lists the fields that differ between a and b, in a fixed order.
// Field names match those Validate reports (title_vi, status, ...); lists
// and nested values are written as compact JSON.
func Diff(a, b *Opportunity) []record.FieldChange {
	var d record.Diff
	add := d.Add
	text := func(name string, x, y project.Text) {
		add(name+"_vi", x.VI, y.VI)
		add(name+"_en", x.EN, y.EN)
	}
	text("title", a.Title, b.Title)
	text("summary", a.Summary, b.Summary)
	text("description", a.Description, b.Description)
	add("authoritative_lang", a.AuthoritativeLang, b.AuthoritativeLang)
	add("translation_pending", strconv.FormatBool(a.TranslationPending), strconv.FormatBool(b.TranslationPending))
	add("sector", a.Sector, b.Sector)
	add("location", a.Location, b.Location)
	add("unit", a.Unit, b.Unit)
	add("zone", a.Zone, b.Zone)
	add("land_area", strconv.FormatInt(a.LandAreaCentiHa, 10), strconv.FormatInt(b.LandAreaCentiHa, 10))
	add("indicative_capital", formatAmount(a.IndicativeCapital), formatAmount(b.IndicativeCapital))
	add("investment_forms", asJSON(a.InvestmentForms), asJSON(b.InvestmentForms))
	add("incentives", asJSON(a.Incentives), asJSON(b.Incentives))
	add("planning_basis", asJSON(a.PlanningBasis), asJSON(b.PlanningBasis))
	add("land_legal_status", a.LandLegalStatus, b.LandLegalStatus)
	add("site_clearance_status", a.SiteClearanceStatus, b.SiteClearanceStatus)
	add("utilities", asJSON(a.Utilities), asJSON(b.Utilities))
	add("status", a.Status, b.Status)
	add("contact", asJSON(a.Contact), asJSON(b.Contact))
	add("attachments", asJSON(a.Attachments), asJSON(b.Attachments))
	add("project_code", a.ProjectCode, b.ProjectCode)
	add("published_at", formatTime(a.PublishedAt), formatTime(b.PublishedAt))
	add("verified_at", formatTime(a.VerifiedAt), formatTime(b.VerifiedAt))
	return d
}
