package opendata

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// The open-data feed publishes licensed projects as an OC4IDS project
// package (Open Contracting for Infrastructure Data Standard, schema
// 0.9: https://standard.open-contracting.org/infrastructure/latest/en/reference/schema/)
// where its fields fit, and an "investment" object, documented on
// /{lang}/open-data, for what OC4IDS lacks: registered against disbursed
// capital, the investor's country of origin and the portal's own stage.

// OC4IDSVersion is the OC4IDS version the feed follows.
const OC4IDSVersion = "0.9"

// OpenDataLicense is the licence of the feed and exports.
const OpenDataLicense = "https://creativecommons.org/licenses/by/4.0/"

// oc4idsStatus maps each project stage to an OC4IDS projectStatus code
// (closed codelist: identification, preparation, implementation,
// completion, completed, cancelled). A suspended project is still being
// implemented as far as OC4IDS can say; investment.stage tells it apart.
var oc4idsStatus = map[project.Stage]string{
	project.Proposed:      "identification",
	project.Approved:      "preparation",
	project.Licensed:      "preparation",
	project.SiteClearance: "implementation",
	project.Construction:  "implementation",
	project.Operating:     "completed",
	project.Suspended:     "implementation",
	project.Terminated:    "cancelled",
}

// oc4idsSector maps the portal's sectors to OC4IDS projectSector codes
// where one fits; real estate and general infrastructure have none, and
// their sector list stays empty (investment.sector always holds the
// portal's code).
var oc4idsSector = map[string][]string{
	"tourism":     {"cultureSportsAndRecreation"},
	"energy":      {"energy"},
	"industry":    {"economy"},
	"logistics":   {"transport"},
	"agriculture": {"economy"},
	"aquaculture": {"economy"},
	"healthcare":  {"health"},
	"education":   {"education"},
	"trade":       {"economy"},
	"technology":  {"communications"},
}

// OpenProjectPackage is an OC4IDS project package: metadata and projects.
type OpenProjectPackage struct {
	URI               string          `json:"uri"`
	PublishedDate     time.Time       `json:"publishedDate"`
	Publisher         OpenPublisher   `json:"publisher"`
	License           string          `json:"license"`
	PublicationPolicy string          `json:"publicationPolicy"`
	Version           string          `json:"version"`
	Projects          []OpenProject   `json:"projects"`
	Links             *OpenLinks      `json:"links,omitempty"`
	Extension         OpenExtensionID `json:"x_extension"`
	Total             int64           `json:"x_total" example:"735"`
}

// OpenExtensionID names the documentation of the "investment" object.
type OpenExtensionID struct {
	Name          string `json:"name" example:"investment"`
	Documentation string `json:"documentation"`
}

// OpenPublisher is the package's publisher.
type OpenPublisher struct {
	Name string `json:"name"`
	URI  string `json:"uri,omitempty"`
}

// OpenLinks point to the neighbouring pages of the feed.
type OpenLinks struct {
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}

// OpenProject is one project in OC4IDS shape plus the investment extension.
type OpenProject struct {
	ID          string         `json:"id" example:"DA-0001"`
	Updated     time.Time      `json:"updated"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Status      string         `json:"status" example:"implementation"`
	Period      *OpenPeriod    `json:"period,omitempty"`
	Sector      []string       `json:"sector,omitempty"`
	Locations   []OpenLocation `json:"locations"`
	Budget      OpenBudget     `json:"budget"`
	Parties     []OpenParty    `json:"parties"`
	Investment  OpenInvestment `json:"investment"`
}

// OpenPeriod is an OC4IDS Period: from licensing to expected completion.
type OpenPeriod struct {
	StartDate *time.Time `json:"startDate,omitempty"`
	EndDate   *time.Time `json:"endDate,omitempty"`
}

// OpenValue is an OC4IDS Value: an amount in major units and its ISO 4217
// currency. The amount is written from whole minor units, never through a
// float.
type OpenValue struct {
	Amount   json.Number `json:"amount" swaggertype:"number" example:"1250000000"`
	Currency string      `json:"currency" example:"VND"`
}

// OpenBudget is the OC4IDS budget: the registered investment capital.
type OpenBudget struct {
	Amount OpenValue `json:"amount"`
}

// OpenAddress is an OC4IDS Address.
type OpenAddress struct {
	Locality    string `json:"locality,omitempty"`
	Region      string `json:"region,omitempty"`
	CountryName string `json:"countryName"`
}

// OpenLocation is an OC4IDS Location.
type OpenLocation struct {
	ID          string      `json:"id"`
	Description string      `json:"description"`
	Address     OpenAddress `json:"address"`
}

// OpenParty is an OC4IDS Organization with its partyRole codes.
type OpenParty struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	Roles   []string     `json:"roles"`
	Address *OpenAddress `json:"address,omitempty"`
}

// OpenInvestment is the portal's extension: what OC4IDS has no field for.
type OpenInvestment struct {
	// Kind is domestic or fdi.
	Kind              string    `json:"kind" example:"fdi"`
	Stage             string    `json:"stage" example:"construction"`
	Sector            string    `json:"sector" example:"tourism"`
	Location          string    `json:"location" example:"cam_ranh"`
	Zone              string    `json:"zone,omitempty"`
	RegisteredCapital OpenValue `json:"registeredCapital"`
	DisbursedCapital  OpenValue `json:"disbursedCapital"`
	// DisbursedShareBasisPoints is disbursed/registered in 1/100 %.
	DisbursedShareBasisPoints int64 `json:"disbursedShareBasisPoints" example:"4250"`
	// OriginCountry is the investor's ISO 3166-1 alpha-2 country (FDI origin).
	OriginCountry   string          `json:"originCountry" example:"JP"`
	LandAreaCentiHa int64           `json:"landAreaCentiHa"`
	Jobs            int             `json:"jobs"`
	StageDates      []OpenStageDate `json:"stageDates"`
}

// OpenStageDate is when a project reached a stage.
type OpenStageDate struct {
	Stage string    `json:"stage"`
	Date  time.Time `json:"date"`
}

// majorUnits writes minor units as a decimal number in major units.
func majorUnits(a money.Amount) json.Number {
	exp := money.Exponent(a.Currency)
	s := strconv.FormatInt(a.Amount, 10)
	if exp == 0 {
		return json.Number(s)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for len(s) <= exp {
		s = "0" + s
	}
	out := s[:len(s)-exp] + "." + s[len(s)-exp:]
	if neg {
		out = "-" + out
	}
	return json.Number(out)
}

func openValue(a money.Amount) OpenValue {
	return OpenValue{Amount: majorUnits(a), Currency: a.Currency}
}

// openProject maps a project to the feed, in l's language.
func openProject(p *project.Project, l *i18n.Localizer) OpenProject {
	region, country := l.T("export.open.region"), l.T("export.open.country")
	op := OpenProject{
		ID: p.Code, Updated: p.UpdatedAt.UTC(), Title: p.Name.Get(l.Lang),
		Description: l.T("export.open.description",
			"Kind", l.Label("project.kind", string(p.Kind)), "Sector", l.Label("sector", p.Sector),
			"Location", l.Label("location", p.Location), "Investor", p.Investor.Name, "Country", l.Country(p.Investor.Country)),
		Status: oc4idsStatus[p.Stage],
		Sector: oc4idsSector[p.Sector],
		Locations: []OpenLocation{{
			ID: p.Location, Description: l.Label("location", p.Location),
			Address: OpenAddress{Locality: l.Label("location", p.Location), Region: region, CountryName: country},
		}},
		Budget: OpenBudget{Amount: openValue(p.Registered)},
		Parties: []OpenParty{
			{ID: "investor-" + p.Code, Name: p.Investor.Name, Roles: []string{"funder"},
				Address: &OpenAddress{CountryName: l.Country(p.Investor.Country)}},
			{ID: "khanhhoa-ppc", Name: l.T("export.open.authority"), Roles: []string{"publicAuthority"},
				Address: &OpenAddress{Region: region, CountryName: country}},
		},
		Investment: OpenInvestment{
			Kind: string(p.Kind), Stage: string(p.Stage), Sector: p.Sector, Location: p.Location, Zone: p.Zone,
			RegisteredCapital: openValue(p.Registered), DisbursedCapital: openValue(p.Disbursed),
			DisbursedShareBasisPoints: p.DisbursedShare(), OriginCountry: p.Investor.Country,
			LandAreaCentiHa: p.LandAreaCentiHa, Jobs: p.Jobs, StageDates: []OpenStageDate{},
		},
	}
	for _, sd := range p.StageHistory {
		op.Investment.StageDates = append(op.Investment.StageDates, OpenStageDate{Stage: string(sd.Stage), Date: sd.Date.UTC()})
	}
	var period OpenPeriod
	if d, ok := p.StageDate(project.Licensed); ok {
		d = d.UTC()
		period.StartDate = &d
	}
	if p.ExpectedCompletion != nil {
		d := p.ExpectedCompletion.UTC()
		period.EndDate = &d
	}
	if period.StartDate != nil || period.EndDate != nil {
		op.Period = &period
	}
	return op
}

// apiOpenProjects is the open-data feed.
//
//	@Summary		Open data: projects as an OC4IDS project package
//	@Description	Licensed projects shaped after OC4IDS 0.9 (id, title, description, status as projectStatus codes, sector as projectSector codes, locations, budget, parties with partyRole codes, period) with an "investment" extension for registered and disbursed capital, the investor's country of origin and the portal's stage; see /en/open-data. Amounts are decimal numbers in major units. Filters and paging as GET /projects; links.next points to the next page. Licence: CC BY 4.0.
//	@Tags			open-data
//	@Produce		json
//	@Param			kind		query		string	false	"domestic or fdi"	Enums(domestic, fdi)
//	@Param			sector		query		string	false	"sector code"
//	@Param			location	query		string	false	"district or town code"
//	@Param			stage		query		string	false	"stage"
//	@Param			q			query		string	false	"text in code, name or investor"
//	@Param			page		query		int		false	"page, from 1"
//	@Param			per_page	query		int		false	"items per page, at most 100"
//	@Param			lang		query		string	false	"language of titles and labels"	Enums(vi, en)
//	@Success		200			{object}	OpenProjectPackage
//	@Failure		400			{object}	web.Problem
//	@Router			/open/projects [get]
func (s *Handlers) apiOpenProjects(c *fiber.Ctx) error {
	pq, res, err := web.ListProjects(c, s.projects)
	if err != nil {
		return err
	}
	l := s.I18n().For(web.Lang(c))
	pkg := OpenProjectPackage{
		URI:               s.BaseURL() + c.OriginalURL(),
		PublishedDate:     s.Now().UTC().Truncate(time.Second),
		Publisher:         OpenPublisher{Name: l.T("export.open.publisher"), URI: s.BaseURL() + "/" + l.Lang + "/"},
		License:           OpenDataLicense,
		PublicationPolicy: s.BaseURL() + "/" + l.Lang + "/open-data",
		Version:           OC4IDSVersion,
		Projects:          make([]OpenProject, 0, len(res.Items)),
		Extension:         OpenExtensionID{Name: "investment", Documentation: s.BaseURL() + "/" + l.Lang + "/open-data#extension"},
		Total:             res.Total,
	}
	for i := range res.Items {
		pkg.Projects = append(pkg.Projects, openProject(&res.Items[i], l))
	}
	link := func(page int) string {
		v := url.Values{}
		for k, val := range pq.Raw {
			if val != "" {
				v.Set(k, val)
			}
		}
		v.Set("lang", l.Lang)
		v.Set("page", strconv.Itoa(page))
		return s.BaseURL() + "/api/v1/open/projects?" + v.Encode()
	}
	var links OpenLinks
	if res.Page < res.Pages() {
		links.Next = link(res.Page + 1)
	}
	if res.Page > 1 {
		links.Prev = link(res.Page - 1)
	}
	if links != (OpenLinks{}) {
		pkg.Links = &links
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(pkg)
}

// openDataField is one row of the open-data page's field table.
type openDataField struct {
	Field, MessageID string
}

// openDataPageData is what the open-data page shows.
type openDataPageData struct {
	Version  string
	License  string
	Fields   []openDataField
	Ext      []openDataField
	Statuses []stageStatus
	Sectors  []sectorCodes
	Formats  []string
}

type stageStatus struct {
	Stage  project.Stage
	Status string
}

type sectorCodes struct {
	Sector string
	Codes  string
}

func (s *Handlers) openDataPage(c *fiber.Ctx) error {
	p := s.NewPage(c, "export.open.title")
	p.Nav = "open-data"
	d := openDataPageData{Version: OC4IDSVersion, License: OpenDataLicense, Formats: []string{"csv", "xlsx"}}
	for _, f := range []string{"id", "updated", "title", "description", "status", "sector", "locations", "budget", "parties", "period"} {
		d.Fields = append(d.Fields, openDataField{Field: f, MessageID: "export.open.field." + f})
	}
	for _, f := range []string{"kind", "stage", "sector", "location", "zone", "registeredCapital", "disbursedCapital", "disbursedShareBasisPoints", "originCountry", "landAreaCentiHa", "jobs", "stageDates"} {
		d.Ext = append(d.Ext, openDataField{Field: "investment." + f, MessageID: "export.open.ext." + f})
	}
	for _, st := range project.Stages {
		d.Statuses = append(d.Statuses, stageStatus{Stage: st, Status: oc4idsStatus[st]})
	}
	for _, sec := range project.Sectors {
		d.Sectors = append(d.Sectors, sectorCodes{Sector: sec, Codes: strings.Join(oc4idsSector[sec], ", ")})
	}
	p.Data = d
	return s.Render(c, "opendata/index", p)
}
