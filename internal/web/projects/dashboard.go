package projects

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/provincemap"
	"github.com/khanhhoa/investportal/internal/web"
)

// dashboardData is the dashboard's content.
type dashboardData struct {
	Domestic, FDI project.KindStat
	// Scope says what the figures count.
	Scope  web.Scope
	Charts []web.Chart
	// Map is the province map by area, from the same figures as Charts.
	Map provincemap.Map
	// Added counts projects of the former Ninh Thuan province, added since
	// the 2025 merger: the figures are then no longer the end-2023 ones of
	// the former Khanh Hoa alone, and the page says so.
	Added int64
}

// dashboard serves the figures' charts; an anonymous visitor's copy is
// rendered once per revision of the read model and language.
func (s *Handlers) dashboard(c *fiber.Ctx) error {
	return s.Cached(c, s.dashboards, func() (int64, error) {
		ctx, cancel := web.DBContext(c)
		defer cancel()
		return s.projects.Revision(ctx)
	}, func() error { return s.renderDashboard(c) })
}

func (s *Handlers) renderDashboard(c *fiber.Ctx) error {
	measure, err := provincemap.ParseMeasure(c.Query(provincemap.Param))
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	st, err := s.projects.Stats(ctx)
	if err != nil {
		return err
	}
	p := s.NewPage(c, "dashboard.title")
	p.Nav = "dashboard"
	l := p.L
	d := dashboardData{Domestic: st.Kind(project.Domestic), FDI: st.Kind(project.FDI)}
	d.Scope = web.ScopeOf(st)
	for _, g := range st.ByProvince {
		if g.Key != "khanh_hoa" {
			d.Added += g.Count
		}
	}
	groups := []struct {
		id, prefix string
		rows       []project.GroupStat
	}{
		{"stage", "project.stage", st.ByStage},
		{"sector", "sector", st.BySector},
		{"province", "province", st.ByProvince},
		{"unit", "", st.ByUnit},
		{"location", "location", st.ByLocation},
		{"year", "", st.ByYear},
	}
	rateNotes := web.RateNotes(l)
	for _, g := range groups {
		label := func(key string) string {
			if g.id == "unit" {
				return place.UnitName(l.Lang, key) // names from the unit data
			}
			if g.prefix == "" {
				return key
			}
			return l.Label(g.prefix, key)
		}
		count := web.Chart{TitleID: "dashboard.chart.count_by_" + g.id, Legend: []string{"dashboard.legend.domestic", "dashboard.legend.fdi"}}
		capital := web.Chart{TitleID: "dashboard.chart.capital_by_" + g.id, Legend: []string{"dashboard.legend.registered", "dashboard.legend.disbursed"}}
		for _, r := range g.rows {
			count.Rows = append(count.Rows, web.ChartRow{Label: label(r.Key), Values: []web.ChartValue{
				{Value: r.Domestic.Count, Text: l.Int(r.Domestic.Count)},
				{Value: r.FDI.Count, Text: l.Int(r.FDI.Count)},
			}})
			reg := web.CombinedVND(r.Domestic.Registered, r.FDI.Registered)
			dis := web.CombinedVND(r.Domestic.Disbursed, r.FDI.Disbursed)
			capital.Rows = append(capital.Rows, web.ChartRow{Label: label(r.Key), Values: []web.ChartValue{
				{Value: reg.Amount, Text: l.Money(reg)},
				{Value: dis.Amount, Text: l.Money(dis)},
			}})
		}
		count.Notes = scopeNotes(l, "count", g.id, d.Scope.Total, web.Shown(g.rows))
		capital.Notes = append(scopeNotes(l, "capital", g.id, d.Scope.Total, web.Shown(g.rows)), rateNotes...)
		count.Scale()
		capital.Scale()
		d.Charts = append(d.Charts, count, capital)
	}
	d.Map = provincemap.FromStats(st, measure, l,
		func(code string) string { return p.URL("/projects") + "?location=" + url.QueryEscape(code) },
		func(m provincemap.Measure) string {
			return p.URL("/dashboard") + "?" + provincemap.Param + "=" + string(m) + "#provmap-h"
		})
	p.Data = d
	return s.Render(c, "dashboard", p)
}

// scopeNotes say what a chart of group (stage, sector, location, year)
// counts: all total projects, or shown of them and why the others are
// left out (for the year chart: not yet licensed, so no licence year).
// what is "count" or "capital".
func scopeNotes(l *i18n.Localizer, what, group string, total, shown int64) []string {
	if shown >= total {
		return []string{l.T("dashboard.caption."+what+"_all", "N", l.Int(total), "Count", total)}
	}
	out := l.Int(total - shown)
	reason := "dashboard.caption.left_out"
	if group == "year" {
		reason = "dashboard.caption.left_out_year"
	}
	return []string{
		l.T("dashboard.caption."+what+"_part", "Shown", l.Int(shown), "Total", l.Int(total), "Count", total),
		l.T(reason, "N", out, "Count", total-shown),
	}
}
