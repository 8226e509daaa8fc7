package opportunities

import (
	"context"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/search"
	"github.com/khanhhoa/investportal/internal/web"
)

// siteQuery is a site-wide search: ?q=&type=&page=&per_page=.
type siteQuery struct {
	Q       string
	Type    string
	Page    int
	PerPage int
}

func parseSiteQuery(c *fiber.Ctx) (siteQuery, error) {
	q := siteQuery{Q: strings.TrimSpace(c.Query("q")), Type: c.Query("type"), Page: 1, PerPage: search.DefaultPerPage}
	bad := apperr.Fields{}
	if utf8.RuneCountInString(q.Q) > opportunity.MaxQueryLen {
		bad.Add("q", "error.field.too_long")
		q.Q = ""
	}
	if q.Type != "" && q.Type != search.TypeOpportunity && q.Type != search.TypeProject {
		bad.Add("type", "error.field.invalid")
		q.Type = ""
	}
	q.Page, q.PerPage = web.Paging(c, bad, q.PerPage, search.MaxPerPage)
	return q, bad.Err()
}

// URLWith returns the query string with key set (empty removes it); any
// change but the page goes back to page 1.
func (q siteQuery) URLWith(key, value string) string {
	v := url.Values{}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	if q.Type != "" {
		v.Set("type", q.Type)
	}
	if q.PerPage != search.DefaultPerPage {
		v.Set("per_page", strconv.Itoa(q.PerPage))
	}
	if value == "" {
		v.Del(key)
	} else {
		v.Set(key, value)
	}
	return encodeQuery(v)
}

// SiteHit is one result of the site-wide search.
type SiteHit struct {
	Type  string `json:"type" example:"opportunity"`
	Code  string `json:"code" example:"OPP-VP-005"`
	Title string `json:"title"`
	// URL is the page of the record in the request's language.
	URL string `json:"url" example:"/en/opportunities/OPP-VP-005"`
	// Summary is the record's summary in the request's language, or in
	// Vietnamese for want of an English one (then SummaryFallback).
	Summary         string `json:"summary,omitempty"`
	SummaryFallback bool   `json:"summary_fallback,omitempty"`
	// Highlights holds HTML snippets (title, summary, body) with each match
	// in <mark>; everything else is escaped. Each is taken from the text
	// in the request's language, or from the other language's where the
	// record has none in it: HighlightLang gives the language of each.
	Highlights    map[string]string `json:"highlights,omitempty"`
	HighlightLang map[string]string `json:"highlight_lang,omitempty"`
	// Fallback is true when the title is shown in Vietnamese for want of
	// an English one.
	Fallback bool `json:"fallback,omitempty"`
	// Sector and Location (the former district) are codes; Unit is the
	// current unit's slug, empty for a record not yet migrated.
	Sector   string `json:"sector"`
	Location string `json:"location"`
	Unit     string `json:"unit,omitempty"`
}

// SearchPage is one page of the site-wide search. Degraded is true when the
// search engine did not answer and a simpler database search served it:
// results may be incomplete. Rebuilding is true when the search index was
// being filled from the database: results may be incomplete too.
type SearchPage struct {
	Items      []SiteHit `json:"items"`
	Total      int       `json:"total"`
	Page       int       `json:"page"`
	PerPage    int       `json:"per_page"`
	Degraded   bool      `json:"degraded"`
	Rebuilding bool      `json:"rebuilding"`
}

// enginePage is one page of engine hits and, when asked for, the page's
// opportunities by code, read in one query.
type enginePage struct {
	search.Result
	Opps map[string]*opportunity.Opportunity
}

// runEngine is the one engine path of the catalogue and the site search:
// it runs q and, with withOpps, reads the page's opportunities in one
// query (the catalogue shows their capital and status); everything else a
// row shows comes with the hits. It returns nil and no error when there is
// no engine or the engine failed (logged): the caller then searches the
// database. An invalid q is an error.
func (s *Handlers) runEngine(ctx context.Context, q search.Query, withOpps bool) (*enginePage, error) {
	if s.search == nil {
		return nil, nil
	}
	res, err := s.search.Search(ctx, q)
	if err != nil {
		if apperr.As(err).Code == apperr.CodeInvalid {
			return nil, err
		}
		s.Log().Warn("search engine failed; searching the database instead", "err", err)
		return nil, nil
	}
	out := &enginePage{Result: res}
	if withOpps {
		var codes []string
		for _, h := range res.Hits {
			if h.Type == search.TypeOpportunity {
				codes = append(codes, h.Code)
			}
		}
		if out.Opps, err = s.opportunities.ByCodes(ctx, codes); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// siteSearchRun runs q on the engine, or on the database when the engine
// fails: opportunities first, then projects.
func (s *Handlers) siteSearchRun(ctx context.Context, q siteQuery, lang string) (*SearchPage, error) {
	page, err := s.runEngine(ctx, search.Query{Text: q.Q, Type: q.Type, Page: q.Page, PerPage: q.PerPage, Lang: lang}, false)
	if err != nil {
		return nil, err
	}
	if page == nil {
		return s.siteFromStore(ctx, q, lang)
	}
	out := &SearchPage{Items: make([]SiteHit, 0, len(page.Hits)), Total: page.Total, Page: q.Page, PerPage: q.PerPage,
		Rebuilding: page.Rebuilding}
	for _, h := range page.Hits {
		out.Items = append(out.Items, siteHit(h, lang))
	}
	return out, nil
}

// siteHit is a row of the site search, from the hit alone.
func siteHit(h search.Hit, lang string) SiteHit {
	path := "/projects/"
	if h.Type == search.TypeOpportunity {
		path = "/opportunities/"
	}
	out := SiteHit{Type: h.Type, Code: h.Code, Title: h.Title.Get(lang), Fallback: h.Title.Fallback(lang),
		URL: "/" + lang + path + h.Code, Highlights: h.Highlights, HighlightLang: h.HighlightLang,
		Sector: h.Facet("sector"), Location: h.Facet("location"), Unit: h.Facet("unit")}
	if h.Type == search.TypeOpportunity {
		// A project's indexed summary is its investor's name, not a text.
		out.Summary, out.SummaryFallback = h.Summary.In(lang)
	}
	return out
}

// Place shows the hit's place: the current unit, formerly its district.
func (h SiteHit) Place(l *i18n.Localizer) string { return place.Show(l, h.Location, h.Unit) }

func opportunityHit(o *opportunity.Opportunity, lang string) SiteHit {
	out := SiteHit{Type: search.TypeOpportunity, Code: o.Code, Title: o.Title.Get(lang), Fallback: o.Title.Fallback(lang),
		URL: "/" + lang + "/opportunities/" + o.Code, Sector: o.Sector, Location: o.Location, Unit: o.Unit}
	out.Summary, out.SummaryFallback = o.Summary.In(lang)
	return out
}

func projectHit(p *project.Project, lang string) SiteHit {
	return SiteHit{Type: search.TypeProject, Code: p.Code, Title: p.Name.Get(lang), Fallback: p.Name.Fallback(lang),
		URL: "/" + lang + "/projects/" + p.Code, Sector: p.Sector, Location: p.Location, Unit: p.Unit}
}

// siteFromStore searches the database: the opportunities that match, then
// the projects, paged as one list.
func (s *Handlers) siteFromStore(ctx context.Context, q siteQuery, lang string) (*SearchPage, error) {
	out := &SearchPage{Items: []SiteHit{}, Page: q.Page, PerPage: q.PerPage, Degraded: true}
	from := (q.Page - 1) * q.PerPage
	var nOpp int
	if q.Type != search.TypeProject {
		f := opportunity.Filter{Text: q.Q, Page: q.Page, PerPage: q.PerPage}
		list, err := s.opportunities.List(ctx, f)
		if err != nil {
			return nil, err
		}
		nOpp = int(list.Total)
		for i := range list.Items {
			out.Items = append(out.Items, opportunityHit(&list.Items[i], lang))
		}
	}
	out.Total = nOpp
	if q.Type == search.TypeOpportunity {
		return out, nil
	}
	// Projects fill the page after the opportunities: they start at offset
	// from-nOpp of their own list, which may straddle two of its pages.
	skip := max(from-nOpp, 0)
	need := q.PerPage - len(out.Items)
	var total int64
	for pg := skip/q.PerPage + 1; ; pg++ {
		f := project.Filter{Query: q.Q, Page: pg, PerPage: q.PerPage}
		if err := f.Validate(); err != nil {
			return nil, err
		}
		list, err := s.projects.List(ctx, f)
		if err != nil {
			return nil, err
		}
		total = list.Total
		start := 0
		if pg == skip/q.PerPage+1 {
			start = skip % q.PerPage
		}
		for i := start; i < len(list.Items) && need > 0; i++ {
			out.Items = append(out.Items, projectHit(&list.Items[i], lang))
			need--
		}
		if need == 0 || len(list.Items) < q.PerPage {
			break
		}
	}
	out.Total += int(total)
	return out, nil
}

// siteSearchData is the search page's content.
type siteSearchData struct {
	Query  siteQuery
	Result *SearchPage
	Pages  int
	Error  map[string]string
}

// Field renders a hit's title, summary or body for page p: its highlight
// when the search marked one, else its text (a body only as a highlight).
// Text in the other language than the page's, shown for want of a
// translation, is marked with its lang and a visible tag.
func (siteSearchData) Field(p *web.Page, h SiteHit, name string) template.HTML {
	var body template.HTML
	lang := p.Lang
	if hl, ok := h.Highlights[name]; ok {
		body = template.HTML(hl) // #nosec G203 -- escaped by the engine, only <mark> added
		if l := h.HighlightLang[name]; l != "" {
			lang = l
		}
	} else {
		text, fellBack := h.Title, h.Fallback
		switch name {
		case "summary":
			text, fellBack = h.Summary, h.SummaryFallback
		case "body":
			return ""
		}
		body = template.HTML(template.HTMLEscapeString(text))
		if fellBack {
			lang = "vi"
		}
	}
	if lang == p.Lang || body == "" {
		return body
	}
	return p.Fallback(body, lang)
}

// siteSearch is the page behind the search box of every page.
func (s *Handlers) siteSearch(c *fiber.Ctx) error {
	p := s.NewPage(c, "oppweb.search.title")
	q, err := parseSiteQuery(c)
	d := siteSearchData{Query: q}
	if err != nil {
		c.Status(fiber.StatusBadRequest)
		d.Error = apperr.As(err).Fields
		p.Data = d
		return s.Render(c, "search/results", p)
	}
	if q.Q == "" {
		p.Data = d
		return s.Render(c, "search/results", p)
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if d.Result, err = s.siteSearchRun(ctx, q, p.Lang); err != nil {
		return err
	}
	d.Pages = paging.Count(d.Result.Total, q.PerPage)
	p.Data = d
	key, keep := searchPageKey(c, p)
	if !keep {
		return s.Render(c, "search/results", p)
	}
	sum := fingerprint(d.Result, d.Pages)
	if body, ok := s.searchPages.get(key, sum); ok {
		// What Render sets for an anonymous visitor's page.
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set("Content-Language", p.Lang)
		return c.Send(body)
	}
	if err := s.Render(c, "search/results", p); err != nil {
		return err
	}
	if c.Response().StatusCode() == fiber.StatusOK {
		s.searchPages.put(key, sum, c.Response().Body())
	}
	return nil
}

// apiSearch searches opportunities and projects together.
//
//	@Summary		Search opportunities and projects
//	@Description	Full-text search over both kinds of record, best match first; diacritics and small typos do not matter. When the search engine is down the database answers and degraded is true; while the search index is being rebuilt rebuilding is true.
//	@Tags			search
//	@Produce		json
//	@Param			q			query		string	true	"text, such as wind power van phong"
//	@Param			type		query		string	false	"only this kind of record"	Enums(opportunity, project)
//	@Param			page		query		int		false	"page, from 1"
//	@Param			per_page	query		int		false	"items per page, at most 100"
//	@Success		200			{object}	SearchPage
//	@Failure		400			{object}	web.Problem
//	@Router			/search [get]
func (s *Handlers) apiSearch(c *fiber.Ctx) error {
	q, err := parseSiteQuery(c)
	if err != nil {
		return err
	}
	if q.Q == "" {
		return apperr.Fields{"q": "error.field.required"}.Err()
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	r, err := s.siteSearchRun(ctx, q, web.Lang(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(r)
}
