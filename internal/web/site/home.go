package site

import (
	"context"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/media"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// Home counts.
const (
	featuredCount = 3
	newestCount   = 5
)

// home serves the front page: the key figures from the projects' read
// model (the same Stats the dashboard shows), featured opportunities, the
// newest projects and the way to report an obstacle.
type home struct {
	*web.Server
	projects      *project.Store
	opportunities *opportunity.Store
	media         *media.Store
}

// Featured is an opportunity on the home page with its first picture
// (Image is nil when it has none).
type Featured struct {
	O     opportunity.Opportunity
	Image *media.Item
}

// homeData is the home page's content.
type homeData struct {
	Domestic, FDI project.KindStat
	Scope         web.Scope // what the figures count
	Featured      []Featured
	Newest        []project.Project
}

// page serves /{lang}/.
func (h *home) page(c *fiber.Ctx) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	st, err := h.projects.Stats(ctx)
	if err != nil {
		return err
	}
	d := homeData{Domestic: st.Kind(project.Domestic), FDI: st.Kind(project.FDI), Scope: web.ScopeOf(st)}
	if d.Featured, err = h.featured(ctx); err != nil {
		return err
	}
	newest, err := h.projects.List(ctx, project.Filter{Sort: "licensed_desc", Page: 1, PerPage: newestCount})
	if err != nil {
		return err
	}
	d.Newest = newest.Items
	p := h.NewPage(c, "home.title")
	p.Nav = "home"
	p.Data = d
	return h.Render(c, "home", p)
}

// openStatuses are the statuses an investor can still take up.
var openStatuses = []string{opportunity.StatusOpen, opportunity.StatusInNegotiation}

// featured picks the opportunities the home page shows: those the board
// gave a picture, newest published first, then the newest others; only
// ones still open to investors.
func (h *home) featured(ctx context.Context) ([]Featured, error) {
	var out []Featured
	seen := map[string]bool{}
	if h.opportunities == nil {
		return nil, nil
	}
	if h.media != nil {
		owners, err := h.media.ImageOwners(ctx)
		if err != nil {
			return nil, err
		}
		images, err := h.media.FirstImages(ctx, owners)
		if err != nil {
			return nil, err
		}
		var withImage []opportunity.Opportunity
		for _, code := range owners {
			o, err := h.opportunities.Get(ctx, code)
			if err != nil {
				continue // removed or never stored: nothing to feature
			}
			if slices.Contains(openStatuses, o.Status) {
				withImage = append(withImage, *o)
			}
		}
		slices.SortFunc(withImage, func(a, b opportunity.Opportunity) int {
			if c := b.PublishedAt.Compare(a.PublishedAt); c != 0 {
				return c
			}
			return strings.Compare(a.Code, b.Code)
		})
		for _, o := range withImage[:min(len(withImage), featuredCount)] {
			im := images[o.Code]
			out = append(out, Featured{O: o, Image: &im})
			seen[o.Code] = true
		}
	}
	if len(out) < featuredCount {
		list, err := h.opportunities.List(ctx, opportunity.Filter{Statuses: openStatuses, Sort: opportunity.SortNewest, PerPage: featuredCount * 2})
		if err != nil {
			return nil, err
		}
		for _, o := range list.Items {
			if len(out) < featuredCount && !seen[o.Code] {
				out = append(out, Featured{O: o})
			}
		}
	}
	return out, nil
}
