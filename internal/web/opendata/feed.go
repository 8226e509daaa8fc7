package opendata

import (
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// The open-data feed publishes every project of the portal, whatever its
// stage, as an OC4IDS project package (Open Contracting for Infrastructure
// Data Standard, schema 0.9:
// https://standard.open-contracting.org/infrastructure/latest/en/reference/schema/)
// where its fields fit, and an "investment" object for what OC4IDS lacks:
// registered against disbursed capital, the investor's country of origin
// and the portal's own stage. OC4IDS has no extension mechanism of its own
// and points to OCDS's; the investment object is therefore declared as an
// OCDS-style extension (extension.json and JSON Schema patches, served by
// the feed and listed in each package's "extensions").

// OC4IDSVersion is the OC4IDS version the feed follows.
const OC4IDSVersion = "0.9"

// OpenDataLicense is the licence of the feed and exports.
const OpenDataLicense = "https://creativecommons.org/licenses/by/4.0/"

// Paths of the feed and of its extension, under /api/v1. The schema
// patches sit beside extension.json, as the OCDS extension convention
// resolves them relative to it.
const (
	feedPath           = "/open/projects"
	extensionPath      = "/open/extension.json"
	projectPatchPath   = "/open/project-schema.json"
	packagePatchPath   = "/open/project-package-schema.json"
	apiPrefix          = "/api/v1"
	extensionAnchor    = "#extension"
	noMatchMessageID   = "export.open.feed.none"
	pastEndMessageID   = "export.open.feed.past"
	stageListSeparator = ","
)

// oc4idsStatus maps each project stage to a code of the closed OC4IDS 0.9
// projectStatus codelist (identification, preparation, implementation,
// completion, maintenance, decommissioning, decommissioned, cancelled), by
// the codelist's definitions:
//   - proposed: identification, "the decision to develop a project";
//   - approved in principle and licensed: preparation, which "covers the
//     feasibility study, environmental and social impact assessment ...
//     and the resulting budget authorization" (the certificate is issued
//     before any works);
//   - site clearance and construction: implementation, the works ("also
//     called construction");
//   - operating: maintenance, "the day-to-day running of the assets. This
//     stage is also called operation" (completion is only the handover and
//     close-out before it);
//   - suspended: implementation, since OC4IDS has no code for a pause and
//     cancelled would say it is over; investment.stage tells it apart;
//   - terminated (licence revoked): cancelled, "cancelled before close-out
//     activities were completed, and is inactive".
//
// The open-data page shows the same table with these reasons
// (export.open.status.why.<stage>).
var oc4idsStatus = map[project.Stage]string{
	project.Proposed:      "identification",
	project.Approved:      "preparation",
	project.Licensed:      "preparation",
	project.SiteClearance: "implementation",
	project.Construction:  "implementation",
	project.Operating:     "maintenance",
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
// Extensions, Links and Total are declared by the portal's extension
// (project-package-schema.json patch); the OC4IDS package schema allows
// additional properties.
type OpenProjectPackage struct {
	URI               string        `json:"uri"`
	PublishedDate     time.Time     `json:"publishedDate"`
	Publisher         OpenPublisher `json:"publisher"`
	License           string        `json:"license"`
	PublicationPolicy string        `json:"publicationPolicy"`
	Version           string        `json:"version"`
	// Extensions lists the extension.json of each extension used.
	Extensions []string      `json:"extensions"`
	Projects   []OpenProject `json:"projects"`
	Links      *OpenLinks    `json:"links,omitempty"`
	// Total is how many projects match the filters, over every page.
	Total int64 `json:"x_total" example:"735"`
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
	// ID is the project identifier prefix, a hyphen and the portal code.
	ID      string    `json:"id" example:"oc4ids-khdemo-DA-0001"`
	Updated time.Time `json:"updated"`
	// Language is the language of the free-text fields (vi or en).
	Language    string         `json:"language" example:"vi"`
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
	Kind   string `json:"kind" example:"fdi"`
	Stage  string `json:"stage" example:"construction"`
	Sector string `json:"sector" example:"tourism"`
	// Location is the former district (before 1 July 2025), Unit the
	// current commune, ward or special zone, FormerProvince the former
	// province of the district.
	Location          string    `json:"location" example:"cam_ranh"`
	Unit              string    `json:"unit,omitempty" example:"bac_cam_ranh"`
	FormerProvince    string    `json:"formerProvince" example:"khanh_hoa"`
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

// openLocation is the project's location: its current unit (the former
// district, marked as former, for a record not yet migrated); the former
// district is in the investment object.
func openLocation(l *i18n.Localizer, location, unit, region, country string) OpenLocation {
	if unit == "" {
		former := place.Show(l, location, "")
		return OpenLocation{ID: location, Description: former, Address: OpenAddress{Locality: former, Region: region, CountryName: country}}
	}
	name := place.UnitName(l.Lang, unit)
	return OpenLocation{ID: unit, Description: name, Address: OpenAddress{Locality: name, Region: region, CountryName: country}}
}

// openProject maps a project to the feed, in l's language; its id is
// prefix-code.
func openProject(p *project.Project, l *i18n.Localizer, prefix string) OpenProject {
	region, country := l.T("export.open.region"), l.T("export.open.country")
	op := OpenProject{
		ID: prefix + "-" + p.Code, Updated: p.UpdatedAt.UTC(), Language: l.Lang, Title: p.Name.Get(l.Lang),
		Description: l.T("export.open.description",
			"Kind", l.Label("project.kind", string(p.Kind)), "Sector", l.Label("sector", p.Sector),
			"Location", l.Label("location", p.Location), "Investor", p.Investor.Name, "Country", l.Country(p.Investor.Country)),
		Status:    oc4idsStatus[p.Stage],
		Sector:    oc4idsSector[p.Sector],
		Locations: []OpenLocation{openLocation(l, p.Location, p.Unit, region, country)},
		Budget:    OpenBudget{Amount: openValue(p.Registered)},
		Parties: []OpenParty{
			{ID: "investor-" + p.Code, Name: p.Investor.Name, Roles: []string{"funder"},
				Address: &OpenAddress{CountryName: l.Country(p.Investor.Country)}},
			{ID: "khanhhoa-ppc", Name: l.T("export.open.authority"), Roles: []string{"publicAuthority"},
				Address: &OpenAddress{Region: region, CountryName: country}},
		},
		Investment: OpenInvestment{
			Kind: string(p.Kind), Stage: string(p.Stage), Sector: p.Sector, Location: p.Location, Unit: p.Unit,
			FormerProvince: p.Province(), Zone: p.Zone, RegisteredCapital: openValue(p.Registered), DisbursedCapital: openValue(p.Disbursed),
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

// registerFeed registers the feed and its extension's files.
func (s *Handlers) registerFeed(api fiber.Router) {
	s.Handle(api, fiber.MethodGet, feedPath, web.Public, s.apiOpenProjects)
	s.Handle(api, fiber.MethodGet, extensionPath, web.Public, s.apiExtension)
	s.Handle(api, fiber.MethodGet, projectPatchPath, web.Public, s.apiProjectPatch)
	s.Handle(api, fiber.MethodGet, packagePatchPath, web.Public, s.apiPackagePatch)
}

// parseStages reads the feed's stage filter: one stage code or several
// separated by commas; nil for none. An unknown code names the field.
func parseStages(raw string) ([]project.Stage, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var out []project.Stage
	for _, part := range strings.Split(raw, stageListSeparator) {
		st := project.Stage(strings.TrimSpace(part))
		if !st.Valid() {
			return nil, apperr.Fields{"stage": "error.field.stage"}.Err()
		}
		if !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	return out, nil
}

// listFeed reads the project list's query with the feed's stage list and
// returns the query and the page it asks for. One stage is the store's
// own filter; several are matched here over the whole filtered list (a
// few hundred projects from the in-memory read model) and paged alike.
func (s *Handlers) listFeed(c *fiber.Ctx) (web.ProjectQuery, []project.Stage, project.Page[project.Project], error) {
	var res project.Page[project.Project]
	stages, serr := parseStages(c.Query("stage"))
	pq, err := web.ParseProjectQuery(c)
	bad := apperr.Fields{}
	if err != nil {
		for k, v := range apperr.As(err).Fields {
			if k != "stage" { // the list's single-stage check: the feed's own is above
				bad.Add(k, v)
			}
		}
	}
	if serr != nil {
		bad.Add("stage", "error.field.stage")
	}
	if err := bad.Err(); err != nil {
		return pq, nil, res, err
	}
	f := pq.Filter
	f.Stage = ""
	if len(stages) == 1 {
		f.Stage = stages[0]
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if len(stages) <= 1 {
		res, err = s.projects.List(ctx, f)
		return pq, stages, res, err
	}
	all := f
	all.Page, all.PerPage = 1, math.MaxInt
	every, err := s.projects.List(ctx, all)
	if err != nil {
		return pq, stages, res, err
	}
	res = project.Page[project.Project]{Page: f.Page, PerPage: f.PerPage, Items: []project.Project{}}
	from := (f.Page - 1) * f.PerPage
	for i := range every.Items {
		if !slices.Contains(stages, every.Items[i].Stage) {
			continue
		}
		if n := int(res.Total); n >= from && n-from < f.PerPage {
			res.Items = append(res.Items, every.Items[i])
		}
		res.Total++
	}
	return pq, stages, res, nil
}

// apiOpenProjects is the open-data feed.
//
//	@Summary		Open data: projects as an OC4IDS project package
//	@Description	Every project of the portal, whatever its stage, as an OC4IDS 0.9 project package: id (the OC4IDS_PREFIX project identifier prefix, a hyphen and the portal code), language, title, description, status as projectStatus codes, sector as projectSector codes, locations, budget, parties with partyRole codes, period; an "investment" extension (declared in /open/extension.json, listed in the package's extensions) for registered and disbursed capital, the investor's country of origin and the portal's stage; see /en/open-data. Amounts are decimal numbers in major units. stage takes one code or several separated by commas. Filters and paging as GET /projects; links.next and links.prev point to the neighbouring pages. A page past the last one, or filters that match no project, answer 404 (an OC4IDS package holds at least one project). Licence: CC BY 4.0.
//	@Tags			open-data
//	@Produce		json
//	@Param			kind		query		string	false	"domestic or fdi"	Enums(domestic, fdi)
//	@Param			sector		query		string	false	"sector code"
//	@Param			location	query		string	false	"former district code (before 1 July 2025)"
//	@Param			unit		query		string	false	"current commune, ward or special zone (since 1 July 2025), such as bac_cam_ranh"
//	@Param			province	query		string	false	"former province: khanh_hoa or ninh_thuan"
//	@Param			stage		query		string	false	"stage code, or several separated by commas (licensed,construction)"
//	@Param			capital_min	query		int		false	"registered capital from, in billions of đồng"
//	@Param			capital_max	query		int		false	"registered capital up to, in billions of đồng"
//	@Param			q			query		string	false	"text in code, name or investor"
//	@Param			sort		query		string	false	"order"	Enums(code, name, capital_desc, capital_asc, licensed_desc, licensed_asc)
//	@Param			page		query		int		false	"page, from 1"
//	@Param			per_page	query		int		false	"items per page, at most 100"
//	@Param			lang		query		string	false	"language of titles and labels"	Enums(vi, en)
//	@Success		200			{object}	OpenProjectPackage
//	@Failure		400			{object}	web.Problem
//	@Failure		404			{object}	web.Problem
//	@Router			/open/projects [get]
func (s *Handlers) apiOpenProjects(c *fiber.Ctx) error {
	pq, stages, res, err := s.listFeed(c)
	if err != nil {
		return err
	}
	l := s.I18n().For(web.Lang(c))
	// The package schema asks for at least one project: an empty answer is
	// a problem, never an invalid package.
	if res.Total == 0 {
		return s.feedProblem(c, l, noMatchMessageID, nil, nil)
	}
	if res.Page > res.Pages() {
		return s.feedProblem(c, l, pastEndMessageID, map[string]any{"Page": res.Page, "Pages": res.Pages()},
			[]web.FieldProblem{{Field: "page", Code: "export.open.feed.past.field", Message: l.T("export.open.feed.past.field", "Pages", res.Pages())}})
	}
	pkg := OpenProjectPackage{
		URI:               s.BaseURL() + c.OriginalURL(),
		PublishedDate:     s.Now().UTC().Truncate(time.Second),
		Publisher:         OpenPublisher{Name: l.T("export.open.publisher"), URI: s.BaseURL() + "/" + l.Lang + "/"},
		License:           OpenDataLicense,
		PublicationPolicy: s.BaseURL() + "/" + l.Lang + "/open-data",
		Version:           OC4IDSVersion,
		Extensions:        []string{s.BaseURL() + apiPrefix + extensionPath},
		Projects:          make([]OpenProject, 0, len(res.Items)),
		Total:             res.Total,
	}
	for i := range res.Items {
		pkg.Projects = append(pkg.Projects, openProject(&res.Items[i], l, s.prefix))
	}
	link := func(page int) string {
		v := url.Values{}
		for k, val := range pq.Raw {
			if val != "" {
				v.Set(k, val)
			}
		}
		if len(stages) > 0 {
			v.Set("stage", joinStages(stages))
		}
		v.Set("lang", l.Lang)
		v.Set("page", strconv.Itoa(page))
		return s.BaseURL() + apiPrefix + feedPath + "?" + v.Encode()
	}
	// Both neighbours exist: pages past the last are refused above.
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

func joinStages(stages []project.Stage) string {
	parts := make([]string, len(stages))
	for i, st := range stages {
		parts[i] = string(st)
	}
	return strings.Join(parts, stageListSeparator)
}

// feedProblem answers 404 problem+json with the title and detail of
// messageID (its .title and .detail messages) in the reader's language.
func (s *Handlers) feedProblem(c *fiber.Ctx, l *i18n.Localizer, messageID string, data map[string]any, fields []web.FieldProblem) error {
	p := web.Problem{
		Type:     "about:blank",
		Title:    l.T(messageID + ".title"),
		Status:   fiber.StatusNotFound,
		Detail:   l.T(messageID+".detail", web.DataPairs(data)...),
		Instance: c.Path(),
		Code:     string(apperr.CodeNotFound),
		Errors:   fields,
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusNotFound)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.Send(body)
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
	Package  []openDataField
	Ext      []openDataField
	Statuses []stageStatus
	Sectors  []sectorCodes
	Formats  []string
	// Total is how many projects the feed holds, every stage together.
	Total int64
	// Prefix heads every id; Placeholder says it is the unregistered default.
	Prefix, ExampleID string
	Placeholder       bool
	// FeedURL, ExtensionURL: the feed in the page's language, extension.json.
	FeedURL, ExtensionURL string
}

// stageStatus is one row of the stage table: the code, why, and how many
// projects are at the stage now.
type stageStatus struct {
	Stage  project.Stage
	Status string
	Count  int64
}

type sectorCodes struct {
	Sector string
	Codes  string
}

func (s *Handlers) openDataPage(c *fiber.Ctx) error {
	p := s.NewPage(c, "export.open.title")
	p.Nav = "open-data"
	ctx, cancel := web.DBContext(c)
	defer cancel()
	stats, err := s.projects.Stats(ctx)
	if err != nil {
		return err
	}
	d := openDataPageData{Version: OC4IDSVersion, License: OpenDataLicense, Formats: []string{"csv", "xlsx"},
		Prefix: s.prefix, ExampleID: s.prefix + "-DA-0001", Placeholder: s.prefix == config.DefaultOC4IDSPrefix,
		FeedURL: apiPrefix + feedPath + "?lang=" + p.Lang, ExtensionURL: apiPrefix + extensionPath}
	for _, f := range []string{"id", "updated", "language", "title", "description", "status", "sector", "locations", "budget", "parties", "period"} {
		d.Fields = append(d.Fields, openDataField{Field: f, MessageID: "export.open.field." + f})
	}
	for _, f := range []string{"extensions", "links", "x_total"} {
		d.Package = append(d.Package, openDataField{Field: f, MessageID: "export.open.pkg." + f})
	}
	for _, f := range extFields {
		d.Ext = append(d.Ext, openDataField{Field: "investment." + f, MessageID: "export.open.ext." + f})
	}
	count := map[string]int64{}
	for _, g := range stats.ByStage {
		count[g.Key] = g.Count
	}
	for _, st := range project.Stages {
		d.Statuses = append(d.Statuses, stageStatus{Stage: st, Status: oc4idsStatus[st], Count: count[string(st)]})
		d.Total += count[string(st)]
	}
	for _, sec := range project.Sectors {
		d.Sectors = append(d.Sectors, sectorCodes{Sector: sec, Codes: strings.Join(oc4idsSector[sec], ", ")})
	}
	p.Data = d
	return s.Render(c, "opendata/index", p)
}
