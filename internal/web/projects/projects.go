package projects

import (
	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// RegisterPages registers the project list, detail and dashboard pages.
func (s *Handlers) RegisterPages(g fiber.Router) {
	s.Handle(g, fiber.MethodGet, "/projects", web.Public, s.projectList)
	s.Handle(g, fiber.MethodGet, "/projects/:code", web.Public, s.projectDetail)
	s.Handle(g, fiber.MethodGet, "/dashboard", web.Public, s.dashboard)
}

// projectListData is the list page's content.
type projectListData struct {
	Query     web.ProjectQuery
	Result    project.Page[project.Project]
	Error     map[string]string
	Kinds     []project.Kind
	Stages    []project.Stage
	Sectors   []string
	Locations []string
	// UnitGroups are the current units by former district, Provinces the
	// former provinces (filters unit= and province=).
	UnitGroups []place.UnitGroup
	Provinces  []string
	Sorts      []string
	PerPages   []int
}

// projectList serves the list; an anonymous visitor's copy is rendered
// once per revision of the read model and query (see web.PageCache).
func (s *Handlers) projectList(c *fiber.Ctx) error {
	return s.Cached(c, s.listPages, func() (int64, error) {
		ctx, cancel := web.DBContext(c)
		defer cancel()
		return s.projects.Revision(ctx)
	}, func() error { return s.renderList(c) })
}

func (s *Handlers) renderList(c *fiber.Ctx) error {
	p := s.NewPage(c, "project.list.title")
	p.Nav = "projects"
	pq, err := web.ParseProjectQuery(c)
	d := projectListData{
		Query: pq, Kinds: project.Kinds, Stages: project.Stages, Sectors: project.Sectors,
		Locations: place.Locations, Sorts: project.Sorts, PerPages: []int{20, 50, 100},
		UnitGroups: place.UnitGroups(), Provinces: place.Provinces,
	}
	if err != nil {
		c.Status(fiber.StatusBadRequest)
		d.Error = apperr.As(err).Fields
		p.ErrorsFrom(d.Error, "#project-filters", "q", "project.field.q", "kind", "project.field.kind",
			"sector", "project.field.sector", "location", "project.field.former_district",
			"unit", "project.field.unit", "province", "project.field.province", "stage", "project.field.stage",
			"capital_min", "project.field.capital_min", "capital_max", "project.field.capital_max",
			"sort", "project.field.sort", "per_page", "project.field.per_page")
		p.Data = d
		return s.Render(c, "projects/list", p)
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	d.Result, err = s.projects.List(ctx, pq.Filter)
	if err != nil {
		return err
	}
	p.Data = d
	return s.Render(c, "projects/list", p)
}

func (s *Handlers) projectDetail(c *fiber.Ctx) error {
	code, err := web.ProjectCode(c)
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	pr, err := s.projects.Get(ctx, code)
	if err != nil {
		return err
	}
	p := s.NewPage(c, "project.detail.title")
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
	return s.Render(c, "projects/detail", p)
}
