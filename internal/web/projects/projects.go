package web

import (
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/project"
)

// billion is the unit of the capital filters: they are given in billions
// of đồng (tỷ đồng), FDI capital being converted at the reference rate.
const (
	billion = 1_000_000_000
	// maxCapitalBillions keeps capital filters far from int64 overflow.
	maxCapitalBillions = 1_000_000_000
)

// projectQuery is the list's query string as the user typed it, kept so
// the form shows it back, and the filter parsed from it.
type projectQuery struct {
	Raw    map[string]string
	Filter project.Filter
}

var projectQueryKeys = []string{"kind", "sector", "location", "stage", "capital_min", "capital_max", "q", "sort", "page", "per_page"}

// parseProjectQuery reads and checks the list filters, naming each field
// that is wrong.
func parseProjectQuery(c *fiber.Ctx) (projectQuery, error) {
	pq := projectQuery{Raw: map[string]string{}}
	bad := apperr.Fields{}
	for _, k := range projectQueryKeys {
		v := c.Query(k)
		if utf8.RuneCountInString(v) > project.MaxFilterLen {
			bad.Add(k, "error.field.too_long")
			v = ""
		}
		pq.Raw[k] = v
	}
	f := &pq.Filter
	f.Kind = project.Kind(pq.Raw["kind"])
	f.Sector = pq.Raw["sector"]
	f.Location = pq.Raw["location"]
	f.Stage = project.Stage(pq.Raw["stage"])
	f.Query = pq.Raw["q"]
	f.Sort = pq.Raw["sort"]
	capital := func(key string) *int64 {
		v := pq.Raw[key]
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil:
			bad.Add(key, "error.field.number")
			return nil
		case n < 0:
			bad.Add(key, "error.field.not_negative")
			return nil
		case n > maxCapitalBillions:
			bad.Add(key, "error.field.too_large")
			return nil
		}
		d := n * billion
		return &d
	}
	f.CapitalMin = capital("capital_min")
	f.CapitalMax = capital("capital_max")
	number := func(key string) int {
		v := pq.Raw[key]
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageParam {
			// The request guard refuses larger pages already; this keeps
			// the parser safe on its own (page × per_page cannot overflow).
			bad.Add(key, "error.field."+key)
			return 0
		}
		return n
	}
	f.Page = number("page")
	f.PerPage = number("per_page")
	if err := f.Validate(); err != nil {
		for k, v := range apperr.As(err).Fields {
			bad.Add(k, v)
		}
	}
	return pq, bad.Err()
}

// URLWith returns the list's query string with key set to value.
func (pq projectQuery) URLWith(kv ...string) string { return rawQuery(pq.Raw).URLWith(kv...) }

// rawQuery is a list page's query string as typed, one value per key.
type rawQuery map[string]string

// URLWith returns the query string with key set to value (empty removes
// it); changing anything but the page goes back to page 1, so a new filter
// never lands on a page that no longer exists.
func (r rawQuery) URLWith(kv ...string) string {
	v := url.Values{}
	for k, val := range r {
		if val != "" {
			v.Set(k, val)
		}
	}
	if len(kv) > 0 && kv[0] != "page" {
		v.Del("page")
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func (s *Server) registerProjectPages(g fiber.Router) {
	s.handle(g, fiber.MethodGet, "/projects", Public, s.projectList)
	s.handle(g, fiber.MethodGet, "/projects/:code", Public, s.projectDetail)
	s.handle(g, fiber.MethodGet, "/dashboard", Public, s.dashboard)
}

// projectListData is the list page's content.
type projectListData struct {
	Query     projectQuery
	Result    project.Page[project.Project]
	Error     map[string]string
	Kinds     []project.Kind
	Stages    []project.Stage
	Sectors   []string
	Locations []string
	Sorts     []string
	PerPages  []int
}

func (s *Server) projectList(c *fiber.Ctx) error {
	p := s.page(c, "project.list.title")
	p.Nav = "projects"
	pq, err := parseProjectQuery(c)
	d := projectListData{
		Query: pq, Kinds: project.Kinds, Stages: project.Stages, Sectors: project.Sectors,
		Locations: project.Locations, Sorts: project.Sorts, PerPages: []int{20, 50, 100},
	}
	if err != nil {
		c.Status(fiber.StatusBadRequest)
		d.Error = apperr.As(err).Fields
		p.Data = d
		return s.render(c, "projects/list", p)
	}
	ctx, cancel := dbctx(c)
	defer cancel()
	d.Result, err = s.projects.List(ctx, pq.Filter)
	if err != nil {
		return err
	}
	p.Data = d
	return s.render(c, "projects/list", p)
}

func (s *Server) projectDetail(c *fiber.Ctx) error {
	code := c.Params("code")
	if !project.ValidCode(code) {
		return apperr.NotFound("project.error.not_found")
	}
	ctx, cancel := dbctx(c)
	defer cancel()
	pr, err := s.projects.Get(ctx, code)
	if err != nil {
		return err
	}
	p := s.page(c, "project.detail.title")
	p.Nav = "projects"
	history, err := s.staffHistory(c, p.L, code)
	if err != nil {
		return err
	}
	d := projectDetailData{Project: pr, History: history}
	if s.opportunities != nil {
		if d.Opportunities, err = s.opportunities.ByProject(ctx, pr.Code); err != nil {
			return err
		}
	}
	p.Data = d
	return s.render(c, "projects/detail", p)
}
