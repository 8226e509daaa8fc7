package opportunities

import (
	"context"
	"html/template"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/adminunit"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/country"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/provincemap"
	"github.com/khanhhoa/investportal/internal/search"
	"github.com/khanhhoa/investportal/internal/web"
)

// boardRoles may create and edit opportunities and answer enquiries.
var boardRoles = []account.Role{account.RoleBoard, account.RoleAdmin}

// RegisterPages registers the opportunity catalogue, its detail
// pages, enquiries, the board's opportunity editing and site-wide search.
func (s *Handlers) RegisterPages(g fiber.Router) {
	s.Handle(g, fiber.MethodGet, "/opportunities", web.Public, s.opportunityList)
	s.Handle(g, fiber.MethodGet, "/opportunities/:code", web.Public, s.opportunityDetail)
	s.Handle(g, fiber.MethodPost, "/opportunities/:code/enquiries", web.Public, s.enquirySubmit)
	s.Handle(g, fiber.MethodGet, "/opportunities/:code/enquiry-sent", web.Public, s.enquirySent)
	s.Handle(g, fiber.MethodGet, "/search", web.Public, s.siteSearch)
	s.registerBoardPages(g)
	s.Handle(g, fiber.MethodGet, "/board/enquiries", web.Roles(boardRoles...), s.boardEnquiries)
	s.Handle(g, fiber.MethodPost, "/board/enquiries/:id/answer", web.Roles(boardRoles...), s.boardAnswerEnquiry)
	s.Handle(g, fiber.MethodPost, "/board/enquiries/:id/reply", web.Roles(boardRoles...), s.boardReplyEnquiry)
}

// RegisterAPI registers the opportunity, enquiry and search API.
func (s *Handlers) RegisterAPI(api fiber.Router) {
	s.Handle(api, fiber.MethodGet, "/opportunities", web.Public, s.apiListOpportunities)
	s.Handle(api, fiber.MethodPost, "/opportunities", web.Roles(boardRoles...), s.apiCreateOpportunity)
	s.Handle(api, fiber.MethodGet, "/opportunities/:code", web.Public, s.apiGetOpportunity)
	s.Handle(api, fiber.MethodPatch, "/opportunities/:code", web.Roles(boardRoles...), s.apiPatchOpportunity)
	s.Handle(api, fiber.MethodGet, "/opportunities/:code/history", web.Roles(boardRoles...), s.apiOpportunityHistory)
	s.Handle(api, fiber.MethodPost, "/opportunities/:code/enquiries", web.Public, s.apiCreateEnquiry)
	s.Handle(api, fiber.MethodGet, "/enquiries", web.Roles(boardRoles...), s.apiListEnquiries)
	s.Handle(api, fiber.MethodPost, "/enquiries/:id/answer", web.Roles(boardRoles...), s.apiAnswerEnquiry)
	s.Handle(api, fiber.MethodGet, "/search", web.Public, s.apiSearch)
}

// Catalogue sort orders: relevance (the default with a query; newest
// without one) and the orders both the engine and the database support.
var sorts = []string{"relevance", opportunity.SortNewest, opportunity.SortCapitalDesc, opportunity.SortCapitalAsc, opportunity.SortUpdated}

// engineSort maps a catalogue sort to the engine's.
var engineSort = map[string]string{
	opportunity.SortNewest:      "published:desc",
	opportunity.SortCapitalDesc: "capital:desc",
	opportunity.SortCapitalAsc:  "capital:asc",
	opportunity.SortUpdated:     "updated:desc",
}

// facetKey is one facet of the catalogue: its URL parameter, its key in
// the engine, its label prefix in locales/ and its values in display order.
type facetKey struct {
	Param, Engine, Label string
	Values               []string
}

var facetKeys = []facetKey{
	{"sector", "sector", "sector", project.Sectors},
	{"province", "province", "province", place.Provinces},
	{"unit", "unit", "unit", unitSlugs()},
	{"location", "location", "location", place.Locations},
	{"form", "form", "opportunity.form", opportunity.InvestmentForms},
	{"band", "capital_band", "opportunity.band", opportunity.CapitalBands},
	{"status", "status", "opportunity.status", opportunity.Statuses},
}

// listQuery is the catalogue's state, all of it in the URL:
// ?q=&sector=&location=&form=&band=&status=&sort=&page=&per_page=. A facet
// parameter may repeat; its values are alternatives.
type listQuery struct {
	Q       string
	Sel     map[string][]string
	Sort    string
	Page    int
	PerPage int
}

// parseListQuery reads and checks the catalogue's parameters, naming each
// field that is wrong.
func parseListQuery(c *fiber.Ctx) (listQuery, error) {
	q := listQuery{Sel: map[string][]string{}}
	bad := apperr.Fields{}
	args := c.Context().QueryArgs()
	q.Q = strings.TrimSpace(string(args.Peek("q")))
	if utf8.RuneCountInString(q.Q) > opportunity.MaxQueryLen {
		bad.Add("q", "error.field.too_long")
		q.Q = ""
	}
	for _, k := range facetKeys {
		for _, raw := range args.PeekMulti(k.Param) {
			v := string(raw)
			if v == "" {
				continue
			}
			if !slices.Contains(k.Values, v) {
				bad.Add(k.Param, "error.field.invalid")
				continue
			}
			if !slices.Contains(q.Sel[k.Param], v) {
				q.Sel[k.Param] = append(q.Sel[k.Param], v)
			}
		}
	}
	q.Sort = string(args.Peek("sort"))
	if q.Sort != "" && !slices.Contains(sorts, q.Sort) {
		bad.Add("sort", "error.field.sort")
		q.Sort = ""
	}
	q.Page = web.PageParam(bad, "page", string(args.Peek("page")), 1, web.MaxPageParam)
	q.PerPage = web.PageParam(bad, "per_page", string(args.Peek("per_page")), opportunity.DefaultPerPage, opportunity.MaxPerPage)
	return q, bad.Err()
}

// effectiveSort is the order actually used: relevance needs a query.
func (q listQuery) effectiveSort() string {
	switch {
	case q.Sort == "" && q.Q != "":
		return "relevance"
	case q.Sort == "" || q.Sort == "relevance" && q.Q == "":
		return opportunity.SortNewest
	}
	return q.Sort
}

// values is the query as URL parameters.
func (q listQuery) values() url.Values {
	v := url.Values{}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	for _, k := range facetKeys {
		for _, s := range q.Sel[k.Param] {
			v.Add(k.Param, s)
		}
	}
	if q.Sort != "" {
		v.Set("sort", q.Sort)
	}
	if q.PerPage != opportunity.DefaultPerPage {
		v.Set("per_page", strconv.Itoa(q.PerPage))
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	return v
}

func encodeQuery(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// Toggle returns the query string with a facet value added or removed,
// back on page 1.
func (q listQuery) Toggle(param, value string) string {
	v := q.values()
	v.Del("page")
	cur := v[param]
	if slices.Contains(cur, value) {
		v[param] = slices.DeleteFunc(slices.Clone(cur), func(s string) bool { return s == value })
		if len(v[param]) == 0 {
			v.Del(param)
		}
	} else {
		v.Add(param, value)
	}
	return encodeQuery(v)
}

// PageURL returns the query string for page n.
func (q listQuery) PageURL(n int) string {
	v := q.values()
	v.Del("page")
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return encodeQuery(v)
}

// Selected reports whether a facet value is chosen.
func (q listQuery) Selected(param, value string) bool { return slices.Contains(q.Sel[param], value) }

// Hidden lists the parameters the search form carries along unchanged.
func (q listQuery) Hidden() [][2]string {
	var out [][2]string
	for _, k := range facetKeys {
		for _, s := range q.Sel[k.Param] {
			out = append(out, [2]string{k.Param, s})
		}
	}
	return out
}

// filter is the database filter of the query (the fallback search).
func (q listQuery) filter() opportunity.Filter {
	sort := q.effectiveSort()
	if sort == "relevance" {
		sort = opportunity.SortNewest
	}
	return opportunity.Filter{
		Sectors: q.Sel["sector"], Locations: q.Sel["location"], Units: q.Sel["unit"], Provinces: q.Sel["province"], Forms: q.Sel["form"],
		CapitalBands: q.Sel["band"], Statuses: q.Sel["status"],
		Text: q.Q, Sort: sort, Page: q.Page, PerPage: q.PerPage,
	}
}

// engineQuery is the search engine's query.
func (q listQuery) engineQuery(lang string) search.Query {
	eq := search.Query{Text: q.Q, Type: search.TypeOpportunity, Filters: map[string][]string{},
		Sort: engineSort[q.effectiveSort()], Page: q.Page, PerPage: q.PerPage, Lang: lang}
	for _, k := range facetKeys {
		eq.Facets = append(eq.Facets, k.Engine)
		if vs := q.Sel[k.Param]; len(vs) > 0 {
			eq.Filters[k.Engine] = vs
		}
	}
	return eq
}

// facetValue is one value of a facet with its count and the link that
// toggles it.
type facetValue struct {
	Code     string
	Count    int64
	Selected bool
	URL      string
	// Unit names a current unit (facet unit), whose name comes from the
	// administrative-unit data rather than from locales/.
	Unit *place.UnitOption
}

// unitSlugs lists the current units' slugs, and unitOptions their names.
func unitSlugs() []string { return adminunit.Std().UnitSlugs() }

func unitOptions() map[string]place.UnitOption {
	out := map[string]place.UnitOption{}
	for _, g := range place.UnitGroups() {
		for _, u := range g.Units {
			out[u.Slug] = u
		}
	}
	return out
}

var unitNames = unitOptions()

// facet is one facet of the catalogue.
type facet struct {
	Param, Label string
	Values       []facetValue
}

// card is one opportunity in a result list, with the parts of its text
// that matched the query.
type card struct {
	O          opportunity.Opportunity
	Highlights map[string]template.HTML
}

// listResults is one page of the catalogue. Degraded is true when the search
// engine did not answer and the database served a simpler search;
// Rebuilding when the search index was being filled from the database.
type listResults struct {
	Items      []card
	Total      int
	Page       int
	PerPage    int
	Pages      int
	Facets     []facet
	Counts     map[string]map[string]int
	Degraded   bool
	Rebuilding bool
}

// TotalN is Total for number formatting.
func (r *listResults) TotalN() int64 { return int64(r.Total) }

// searchOpportunities runs the catalogue query on the search engine, and on
// the database when the engine fails.
func (s *Handlers) searchOpportunities(ctx context.Context, q listQuery, lang string) (*listResults, error) {
	page, err := s.runEngine(ctx, q.engineQuery(lang), true)
	if err != nil {
		return nil, err
	}
	if page == nil {
		return s.resultsFromStore(ctx, q)
	}
	out := &listResults{Total: page.Total, Rebuilding: page.Rebuilding, Counts: map[string]map[string]int{}}
	for _, h := range page.Hits {
		o := page.Opps[h.Code]
		if o == nil {
			continue // in the index, gone from the database
		}
		out.Items = append(out.Items, card{O: *o, Highlights: highlights(h)})
	}
	for _, k := range facetKeys {
		out.Counts[k.Param] = page.Facets[k.Engine]
	}
	s.finishResults(out, q)
	return out, nil
}

func (s *Handlers) resultsFromStore(ctx context.Context, q listQuery) (*listResults, error) {
	f := q.filter()
	list, err := s.opportunities.List(ctx, f)
	if err != nil {
		return nil, err
	}
	fc, err := s.opportunities.Facets(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &listResults{Total: int(list.Total), Degraded: true, Counts: map[string]map[string]int{}}
	for _, o := range list.Items {
		out.Items = append(out.Items, card{O: o})
	}
	for param, m := range map[string]map[string]int64{"sector": fc.Sector, "location": fc.Location, "unit": fc.Unit, "province": fc.Province, "form": fc.Form, "band": fc.CapitalBand, "status": fc.Status} {
		out.Counts[param] = map[string]int{}
		for k, n := range m {
			out.Counts[param][k] = int(n)
		}
	}
	s.finishResults(out, q)
	return out, nil
}

// finishResults fills paging and the facet lists: every value with an
// opportunity, and every chosen value, in display order.
func (s *Handlers) finishResults(r *listResults, q listQuery) {
	r.Page, r.PerPage = q.Page, q.PerPage
	r.Pages = paging.Count(r.Total, q.PerPage)
	for _, k := range facetKeys {
		f := facet{Param: k.Param, Label: k.Label}
		for _, v := range k.Values {
			n, sel := r.Counts[k.Param][v], q.Selected(k.Param, v)
			if n == 0 && !sel {
				continue
			}
			fv := facetValue{Code: v, Count: int64(n), Selected: sel, URL: q.Toggle(k.Param, v)}
			if u, ok := unitNames[v]; ok && k.Param == "unit" {
				fv.Unit = &u
			}
			f.Values = append(f.Values, fv)
		}
		r.Facets = append(r.Facets, f)
	}
}

// highlights turns a hit's highlights, which the engine has escaped and
// marked, into HTML.
func highlights(h search.Hit) map[string]template.HTML {
	out := map[string]template.HTML{}
	for k, v := range h.Highlights {
		out[k] = template.HTML(v) // #nosec G203 -- escaped by the engine, only <mark> added
	}
	return out
}

// listData is the catalogue page's content.
type listData struct {
	Query   listQuery
	Result  *listResults
	Error   map[string]string
	Sorts   []string
	Sort    string
	PerPage []int
	// Map is the province map by area, linking to the catalogue filtered
	// by location; its figures are the projects' (the dashboard's).
	Map *provincemap.Map
}

func (s *Handlers) opportunityList(c *fiber.Ctx) error {
	p := s.NewPage(c, "oppweb.list.title")
	p.Nav = "opportunities"
	q, err := parseListQuery(c)
	measure, merr := provincemap.ParseMeasure(c.Query(provincemap.Param))
	switch {
	case err == nil:
		err = merr
	case merr != nil:
		maps.Copy(apperr.As(err).Fields, apperr.As(merr).Fields)
	}
	// The order chosen; "relevance" by default, which without a query
	// means newest first.
	sort := q.Sort
	if sort == "" {
		sort = "relevance"
	}
	d := listData{Query: q, Sorts: sorts, Sort: sort, PerPage: []int{20, 50, 100}}
	if err != nil {
		c.Status(fiber.StatusBadRequest)
		d.Error = apperr.As(err).Fields
		p.Data = d
		return s.Render(c, "opportunities/list", p)
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	d.Result, err = s.searchOpportunities(ctx, q, p.Lang)
	if err != nil {
		if e := apperr.As(err); e.Code == apperr.CodeInvalid {
			c.Status(fiber.StatusBadRequest)
			d.Error = e.Fields
			p.Data = d
			return s.Render(c, "opportunities/list", p)
		}
		return err
	}
	st, err := s.projects.Stats(ctx)
	if err != nil {
		return err
	}
	m := provincemap.FromStats(st, measure, p.L,
		func(code string) string { return p.URL("/opportunities") + "?location=" + url.QueryEscape(code) },
		func(x provincemap.Measure) string {
			v := q.values()
			v.Set(provincemap.Param, string(x))
			return p.URL("/opportunities") + encodeQuery(v) + "#provmap-h"
		})
	d.Map = &m
	p.Data = d
	return s.Render(c, "opportunities/list", p)
}

// detailData is the detail page's content, with the enquiry form.
type detailData struct {
	O          *opportunity.Opportunity
	CanEnquire bool
	Enquiry    enquiryForm
	Countries  []country.Entry
	Media      mediaView // pictures and brochures (board_media.go)
}

func (s *Handlers) opportunityDetail(c *fiber.Ctx) error {
	o, err := s.loadOpportunity(c)
	if err != nil {
		return err
	}
	return s.renderOpportunity(c, fiber.StatusOK, o, newEnquiryForm(web.Lang(c)))
}

func (s *Handlers) renderOpportunity(c *fiber.Ctx, status int, o *opportunity.Opportunity, f enquiryForm) error {
	p := s.NewPage(c, "oppweb.detail.title")
	p.Nav = "opportunities"
	if f.ErrorID != "" {
		p.AddError("#enquiry-form", "", f.ErrorID)
	}
	for _, fl := range [][2]string{{"name", "opportunity.enquiry.field.name"}, {"organisation", "opportunity.enquiry.field.organisation"},
		{"country", "opportunity.enquiry.field.country"}, {"email", "opportunity.enquiry.field.email"},
		{"message", "opportunity.enquiry.field.message"}, {"lang", "oppweb.enquiry.lang"}} {
		if id, ok := f.Errors[fl[0]]; ok {
			target := "#enq-" + fl[0]
			if fl[0] == "lang" {
				target = "#enq-lang-en"
			}
			p.AddError(target, fl[1], id)
		}
	}
	p.Data = detailData{O: o, CanEnquire: o.Status == opportunity.StatusOpen || o.Status == opportunity.StatusInNegotiation,
		Enquiry: f, Countries: s.countries(p.Lang), Media: s.mediaOf(c, o.Code)}
	c.Status(status)
	return s.Render(c, "opportunities/detail", p)
}

// countries lists every ISO 3166-1 country by its name in lang; the form
// adds Other.
func (s *Handlers) countries(lang string) []country.Entry { return country.List(lang) }
