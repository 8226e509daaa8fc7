package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
)

// homeData is the home page's content.
type homeData struct {
	Domestic, FDI project.KindStat
}

func (s *Server) home(c *fiber.Ctx) error {
	ctx, cancel := dbctx(c)
	defer cancel()
	st, err := s.projects.Stats(ctx)
	if err != nil {
		return err
	}
	p := s.page(c, "home.title")
	p.Nav = "home"
	p.Data = homeData{Domestic: st.Kind(project.Domestic), FDI: st.Kind(project.FDI)}
	return s.render(c, "home", p)
}

// dashboardData is the dashboard's content.
type dashboardData struct {
	Domestic, FDI project.KindStat
	Charts        []Chart
}

func (s *Server) dashboard(c *fiber.Ctx) error {
	ctx, cancel := dbctx(c)
	defer cancel()
	st, err := s.projects.Stats(ctx)
	if err != nil {
		return err
	}
	p := s.page(c, "dashboard.title")
	p.Nav = "dashboard"
	l := p.L
	d := dashboardData{Domestic: st.Kind(project.Domestic), FDI: st.Kind(project.FDI)}
	groups := []struct {
		id, prefix string
		rows       []project.GroupStat
	}{
		{"stage", "project.stage", st.ByStage},
		{"sector", "sector", st.BySector},
		{"location", "location", st.ByLocation},
		{"year", "", st.ByYear},
	}
	for _, g := range groups {
		label := func(key string) string {
			if g.prefix == "" {
				return key
			}
			return l.Label(g.prefix, key)
		}
		count := Chart{TitleID: "dashboard.chart.count_by_" + g.id, Legend: []string{"dashboard.legend.domestic", "dashboard.legend.fdi"}}
		capital := Chart{TitleID: "dashboard.chart.capital_by_" + g.id, Legend: []string{"dashboard.legend.registered", "dashboard.legend.disbursed"}, NoteID: "dashboard.note.rate"}
		for _, r := range g.rows {
			count.Rows = append(count.Rows, ChartRow{Label: label(r.Key), Values: []ChartValue{
				{Value: r.Domestic.Count, Text: l.Int(r.Domestic.Count)},
				{Value: r.FDI.Count, Text: l.Int(r.FDI.Count)},
			}})
			reg := combinedVND(r.Domestic.Registered, r.FDI.Registered)
			dis := combinedVND(r.Domestic.Disbursed, r.FDI.Disbursed)
			capital.Rows = append(capital.Rows, ChartRow{Label: label(r.Key), Values: []ChartValue{
				{Value: reg.Amount, Text: l.Money(reg)},
				{Value: dis.Amount, Text: l.Money(dis)},
			}})
		}
		count.scale()
		capital.scale()
		d.Charts = append(d.Charts, count, capital)
	}
	p.Data = d
	return s.render(c, "dashboard", p)
}

// combinedVND adds domestic VND and FDI USD at the reference rate; the page
// names the rate and its date next to every such figure. The sum is held
// at the int64 limit rather than wrapped (see money.SaturatingAdd).
func combinedVND(vnd, usd money.Amount) money.Amount {
	return money.Amount{Amount: money.SaturatingAdd(vnd.Amount, money.VNDEquivalent(usd)), Currency: money.VND}
}
