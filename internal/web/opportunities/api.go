package opportunities

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// OpportunityPage is one page of the opportunity catalogue with its facet
// counts. Degraded is true when the search engine did not answer and a
// simpler database search served the request: results may be incomplete.
type OpportunityPage struct {
	Items   []opportunity.Opportunity `json:"items"`
	Total   int                       `json:"total" example:"51"`
	Page    int                       `json:"page" example:"1"`
	PerPage int                       `json:"per_page" example:"20"`
	// Facets maps a facet (sector, location, form, band, status) to the
	// number of matching opportunities per value.
	Facets   map[string]map[string]int `json:"facets"`
	Degraded bool                      `json:"degraded"`
	// Rebuilding is true when the search index was being filled from the
	// database: results may be incomplete.
	Rebuilding bool `json:"rebuilding"`
}

// apiListOpportunities searches the opportunity catalogue.
//
//	@Summary		Search investment opportunities
//	@Description	Full-text search (diacritics and small typos do not matter) with facet filters; a facet may repeat, its values are alternatives. Facet counts leave out the facet's own selection. When the search engine is down the database answers and degraded is true; while the search index is being rebuilt rebuilding is true.
//	@Tags			opportunities
//	@Produce		json
//	@Param			q			query		string		false	"text, such as wind power van phong"
//	@Param			sector		query		[]string	false	"sector codes"			collectionFormat(multi)
//	@Param			location	query		[]string	false	"former district codes (before 1 July 2025)"		collectionFormat(multi)
//	@Param			unit		query		[]string	false	"current commune, ward or special zone (since 1 July 2025), such as bac_cam_ranh" collectionFormat(multi)
//	@Param			province	query		[]string	false	"former province: khanh_hoa or ninh_thuan" collectionFormat(multi)
//	@Param			form		query		[]string	false	"investment forms"		collectionFormat(multi)
//	@Param			band		query		[]string	false	"capital bands"			collectionFormat(multi)
//	@Param			status		query		[]string	false	"statuses"				collectionFormat(multi)
//	@Param			sort		query		string		false	"order"					Enums(relevance, newest, capital_desc, capital_asc, updated)
//	@Param			page		query		int			false	"page, from 1"
//	@Param			per_page	query		int			false	"items per page, at most 100"
//	@Success		200			{object}	OpportunityPage
//	@Failure		400			{object}	web.Problem	"a parameter is invalid; errors name each one"
//	@Router			/opportunities [get]
func (s *Handlers) apiListOpportunities(c *fiber.Ctx) error {
	q, err := parseListQuery(c)
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	r, err := s.searchOpportunities(ctx, q, web.Lang(c))
	if err != nil {
		return err
	}
	out := OpportunityPage{Items: []opportunity.Opportunity{}, Total: r.Total, Page: r.Page, PerPage: r.PerPage,
		Facets: r.Counts, Degraded: r.Degraded, Rebuilding: r.Rebuilding}
	for _, it := range r.Items {
		out.Items = append(out.Items, it.O)
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(out)
}

// sendOpportunity answers with the opportunity and its ETag.
func sendOpportunity(c *fiber.Ctx, status int, o *opportunity.Opportunity) error {
	c.Set(fiber.HeaderETag, web.ETag(o.Code, o.Version))
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Status(status).JSON(o)
}

// apiGetOpportunity returns one opportunity.
//
//	@Summary	Get an opportunity by its code
//	@Tags		opportunities
//	@Produce	json
//	@Param		code	path		string	true	"opportunity code, such as OPP-VP-001"
//	@Success	200		{object}	opportunity.Opportunity
//	@Header		200		{string}	ETag	"the opportunity's version; send it back in If-Match to update"
//	@Success	304		"not modified (If-None-Match matched)"
//	@Failure	404		{object}	web.Problem
//	@Router		/opportunities/{code} [get]
func (s *Handlers) apiGetOpportunity(c *fiber.Ctx) error {
	o, err := s.loadOpportunity(c)
	if err != nil {
		return err
	}
	etag := web.ETag(o.Code, o.Version)
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, etag) {
		c.Set(fiber.HeaderETag, etag)
		return c.SendStatus(fiber.StatusNotModified)
	}
	return sendOpportunity(c, fiber.StatusOK, o)
}

// apiCreateOpportunity creates an opportunity.
//
//	@Summary		Create an opportunity
//	@Description	For investment promotion staff and administrators. The body is the opportunity as GET returns it; createdAt, updatedAt, version and projectCode are set by the portal.
//	@Tags			board
//	@Accept			json
//	@Produce		json
//	@Security		BearerToken
//	@Param			opportunity	body		opportunity.Opportunity	true	"the new opportunity"
//	@Success		201			{object}	opportunity.Opportunity
//	@Header			201			{string}	ETag		"the opportunity's version, for If-Match"
//	@Header			201			{string}	Location	"the opportunity's address"
//	@Failure		400			{object}	web.Problem	"a field is invalid; errors name each one"
//	@Failure		409			{object}	web.Problem	"the code is taken"
//	@Router			/opportunities [post]
func (s *Handlers) apiCreateOpportunity(c *fiber.Ctx) error {
	var o opportunity.Opportunity
	if err := web.DecodeJSON(c, &o); err != nil {
		return err
	}
	o.ProjectCode = ""
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if err := s.opportunities.Create(ctx, &o); err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/opportunities/"+o.Code)
	return sendOpportunity(c, fiber.StatusCreated, &o)
}

// OpportunityPatch is a partial update of an opportunity: absent fields are
// left as they are. ProjectCode links the opportunity to the licensed
// project it became (an empty string removes the link); the project must
// exist. Reason is kept in the history.
type OpportunityPatch struct {
	Title               *project.Text             `json:"title,omitempty"`
	Summary             *project.Text             `json:"summary,omitempty"`
	Description         *project.Text             `json:"description,omitempty"`
	AuthoritativeLang   *string                   `json:"authoritativeLang,omitempty"`
	TranslationPending  *bool                     `json:"translationPending,omitempty"`
	Sector              *string                   `json:"sector,omitempty"`
	Location            *string                   `json:"location,omitempty"`
	Unit                *string                   `json:"unit,omitempty"`
	Zone                *string                   `json:"zone,omitempty"`
	LandAreaCentiHa     *int64                    `json:"landAreaCentiHa,omitempty"`
	IndicativeCapital   *money.Amount             `json:"indicativeCapital,omitempty"`
	InvestmentForms     *[]string                 `json:"investmentForms,omitempty"`
	Incentives          *[]opportunity.Incentive  `json:"incentives,omitempty"`
	PlanningBasis       *[]string                 `json:"planningBasis,omitempty"`
	LandLegalStatus     *string                   `json:"landLegalStatus,omitempty"`
	SiteClearanceStatus *string                   `json:"siteClearanceStatus,omitempty"`
	Utilities           *opportunity.Utilities    `json:"utilities,omitempty"`
	Status              *string                   `json:"status,omitempty"`
	Contact             *opportunity.Contact      `json:"contact,omitempty"`
	Attachments         *[]opportunity.Attachment `json:"attachments,omitempty"`
	PublishedAt         *time.Time                `json:"publishedAt,omitempty"`
	VerifiedAt          *time.Time                `json:"verifiedAt,omitempty"`
	ProjectCode         *string                   `json:"projectCode,omitempty"`
	Reason              string                    `json:"reason,omitempty" example:"Capital revised after the site survey"`
}

func (p OpportunityPatch) changes() opportunity.Changes {
	return opportunity.Changes{ProjectCode: p.ProjectCode,
		Title: p.Title, Summary: p.Summary, Description: p.Description, AuthoritativeLang: p.AuthoritativeLang,
		TranslationPending: p.TranslationPending, Sector: p.Sector, Location: p.Location, Unit: p.Unit, Zone: p.Zone,
		LandAreaCentiHa: p.LandAreaCentiHa, IndicativeCapital: p.IndicativeCapital, InvestmentForms: p.InvestmentForms,
		Incentives: p.Incentives, PlanningBasis: p.PlanningBasis, LandLegalStatus: p.LandLegalStatus,
		SiteClearanceStatus: p.SiteClearanceStatus, Utilities: p.Utilities, Status: p.Status, Contact: p.Contact,
		Attachments: p.Attachments, PublishedAt: p.PublishedAt, VerifiedAt: p.VerifiedAt,
	}
}

// apiPatchOpportunity changes an opportunity.
//
//	@Summary		Change an opportunity
//	@Description	Send the ETag of the version you read in If-Match: without it the answer is 428, with a stale one 412 and nothing is written. Every change is kept in the history with its author and reason.
//	@Tags			board
//	@Accept			json
//	@Produce		json
//	@Security		BearerToken
//	@Param			code		path		string				true	"opportunity code"
//	@Param			If-Match	header		string				true	"ETag from GET, such as \"OPP-VP-001-v3\""
//	@Param			changes		body		OpportunityPatch	true	"fields to change"
//	@Success		200			{object}	opportunity.Opportunity
//	@Failure		400			{object}	web.Problem
//	@Failure		404			{object}	web.Problem
//	@Failure		412			{object}	web.Problem	"the opportunity changed since it was read"
//	@Failure		428			{object}	web.Problem	"If-Match is missing"
//	@Router			/opportunities/{code} [patch]
func (s *Handlers) apiPatchOpportunity(c *fiber.Ctx) error {
	var in OpportunityPatch
	code, version, err := web.VersionedWrite(c, opportunityCode, "oppweb.error.changed", &in)
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	// Everything is checked before anything is written: the project link
	// here, the rest in Update, which writes the changes, the link and the
	// history entry in one update or nothing at all.
	if in.ProjectCode != nil {
		if err := s.checkProjectCode(ctx, *in.ProjectCode); err != nil {
			return err
		}
	}
	o, err := s.opportunities.Update(ctx, code, version, in.changes(), web.ProjectActor(c), in.Reason)
	if err != nil {
		return web.Precondition(err)
	}
	return sendOpportunity(c, fiber.StatusOK, o)
}

// checkProjectCode checks that a project code to link names a stored
// project (projects are never deleted, so the check stays true); the
// empty code, which removes a link, passes.
func (s *Handlers) checkProjectCode(ctx context.Context, projectCode string) error {
	projectCode = strings.TrimSpace(projectCode)
	if projectCode == "" {
		return nil
	}
	if !project.ValidCode(projectCode) {
		return apperr.Fields{"project_code": "opportunity.error.project_code"}.Err()
	}
	if _, err := s.projects.Get(ctx, projectCode); err != nil {
		if apperr.As(err).Code == apperr.CodeNotFound {
			return apperr.Fields{"project_code": "oppweb.error.no_such_project"}.Err()
		}
		return err
	}
	return nil
}

// linkProject checks that the project exists and links the opportunity to
// it; an empty code removes the link.
func (s *Handlers) linkProject(c *fiber.Ctx, code, projectCode string) (*opportunity.Opportunity, error) {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if err := s.checkProjectCode(ctx, projectCode); err != nil {
		return nil, err
	}
	o, err := s.opportunities.LinkProject(ctx, code, projectCode, web.ProjectActor(c))
	if err != nil {
		return nil, err
	}
	return o, nil
}

// apiOpportunityHistory returns the recorded changes of an opportunity.
//
//	@Summary	History of an opportunity
//	@Tags		board
//	@Produce	json
//	@Security	BearerToken
//	@Param		code	path		string	true	"opportunity code"
//	@Success	200		{array}		record.Change
//	@Failure	404		{object}	web.Problem
//	@Router		/opportunities/{code}/history [get]
func (s *Handlers) apiOpportunityHistory(c *fiber.Ctx) error {
	code, err := opportunityCode(c)
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	h, err := s.opportunities.History(ctx, code)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(h)
}

// opportunityCode reads the :code parameter; a malformed one is not found.
func opportunityCode(c *fiber.Ctx) (string, error) {
	return web.CodeParam(c, opportunity.ValidCode, "opportunity.error.not_found")
}

// loadOpportunity reads the opportunity named by :code; a malformed code
// is not found.
func (s *Handlers) loadOpportunity(c *fiber.Ctx) (*opportunity.Opportunity, error) {
	code, err := opportunityCode(c)
	if err != nil {
		return nil, err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	return s.opportunities.Get(ctx, code)
}
