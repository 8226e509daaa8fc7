package obstacles

import (
	"context"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/obstacle/obstaclestats"
	"github.com/khanhhoa/investportal/internal/web"
)

// obstacleStatsData is the obstacle dashboard's content: aggregates only,
// never a business, a tax code or a description.
type obstacleStatsData struct {
	// Staff adds what the task force follows: due soon, escalated and
	// capital by agency.
	Staff        bool
	Stats        obstaclestats.Figures
	Median       string
	CapitalTotal money.Amount
	Charts       []web.Chart
}

func (s *Handlers) obstacleStatsPage(c *fiber.Ctx) error { return s.obstacleStatsView(c, false) }

func (s *Handlers) obstacleStaffStatsPage(c *fiber.Ctx) error { return s.obstacleStatsView(c, true) }

func (s *Handlers) obstacleStatsView(c *fiber.Ctx, staff bool) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	st, err := s.stats.Figures(ctx, s.Now())
	if err != nil {
		return err
	}
	title := "obstweb.stats.title"
	if staff {
		title = "obstweb.stats.staff_title"
	}
	p := s.NewPage(c, title)
	p.Nav = "obstacles"
	if staff {
		p.Nav = "staff_obstacles"
	}
	p.Data = obstacleStatsData{
		Staff: staff, Stats: st, Median: formatHalves(p.L, st.MedianDaysToResolve),
		CapitalTotal: web.CombinedVND(st.CapitalTotal.VND, st.CapitalTotal.USD),
		Charts:       s.obstacleCharts(ctx, p.L, st, staff),
	}
	return s.Render(c, "obstacles/stats", p)
}

// formatHalves writes a median of whole days (a whole or half number).
func formatHalves(l *i18n.Localizer, v float64) string {
	halves := int64(v*2 + 0.5)
	out := l.Int(halves / 2)
	if halves%2 == 1 {
		sep := "."
		if l.Lang == "vi" {
			sep = ","
		}
		out += sep + "5"
	}
	return out
}

// monthLabel writes "2026-03" as 03/2026 (vi) or Mar 2026 (en).
func monthLabel(lang, month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	if lang == "en" {
		return t.Format("Jan 2006")
	}
	return t.Format("01/2006")
}

func countChart(l *i18n.Localizer, titleID string, rows []web.ChartRow) web.Chart {
	c := web.Chart{TitleID: titleID, Legend: []string{"obstweb.stats.legend.open"}, Rows: rows}
	c.Scale()
	return c
}

// withNote adds a note, already in the page's language, under c.
func withNote(c web.Chart, note string) web.Chart {
	c.Notes = append(c.Notes, note)
	return c
}

func countRow(l *i18n.Localizer, label string, n int64) web.ChartRow {
	return web.ChartRow{Label: label, Values: []web.ChartValue{{Value: n, Text: l.Int(n)}}}
}

func capitalChart(l *i18n.Localizer, titleID string, caps []obstaclestats.Capital, label func(string) string) web.Chart {
	c := web.Chart{TitleID: titleID, Legend: []string{"obstweb.stats.legend.capital"}, NoteID: "dashboard.note.rate"}
	for _, k := range caps {
		a := web.CombinedVND(k.VND, k.USD)
		c.Rows = append(c.Rows, web.ChartRow{Label: label(k.Key), Values: []web.ChartValue{{Value: a.Amount, Text: l.Money(a)}}})
	}
	c.Scale()
	return c
}

// obstacleCharts draws the dashboard's bars from the figures.
func (s *Handlers) obstacleCharts(ctx context.Context, l *i18n.Localizer, st obstaclestats.Figures, staff bool) []web.Chart {
	names := s.agencyNamesCached(ctx, l.Lang)
	agency := func(id string) string {
		if id == "" {
			return l.T("obstweb.stats.unassigned")
		}
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	var byStatus, byCategory, byAgency []web.ChartRow
	for _, x := range obstacle.Statuses {
		if x.Open() {
			byStatus = append(byStatus, countRow(l, l.Label("obstacle.status", string(x)), st.ByStatus[x]))
		}
	}
	for _, x := range obstacle.Categories {
		byCategory = append(byCategory, countRow(l, l.Label("obstacle.category", string(x)), st.OpenByCategory[x]))
	}
	agencies := web.SortedKeys(st.OpenByAgency)
	sort.SliceStable(agencies, func(i, j int) bool { return st.OpenByAgency[agencies[i]] > st.OpenByAgency[agencies[j]] })
	for _, id := range agencies {
		byAgency = append(byAgency, countRow(l, agency(id), st.OpenByAgency[id]))
	}
	trend := web.Chart{TitleID: "obstweb.stats.chart.trend", Legend: []string{"obstweb.stats.legend.filed", "obstweb.stats.legend.resolved"}}
	for _, m := range st.ByMonth {
		trend.Rows = append(trend.Rows, web.ChartRow{Label: monthLabel(l.Lang, m.Month), Values: []web.ChartValue{
			{Value: m.Filed, Text: l.Int(m.Filed)}, {Value: m.Resolved, Text: l.Int(m.Resolved)},
		}})
	}
	trend.Scale()
	if n := len(st.ByMonth); n > 0 {
		trend.Notes = []string{l.T("obstweb.stats.note.trend", "From", monthLabel(l.Lang, st.ByMonth[0].Month), "To", monthLabel(l.Lang, st.ByMonth[n-1].Month))}
	}
	// Every chart says what it counts and what it leaves out.
	var total int64
	for _, n := range st.ByStatus {
		total += n
	}
	openNote := l.T("obstweb.stats.note.open", "Open", l.Int(st.Open), "Closed", l.Int(total-st.Open), "Count", st.Open)
	byCat := capitalChart(l, "obstweb.stats.chart.capital_by_category", st.CapitalByCategory, func(k string) string { return l.Label("obstacle.category", k) })
	byCat.Notes = append([]string{l.T("obstweb.stats.note.capital_by_category", "Projects", l.Int(st.CapitalTotal.Projects), "Count", st.CapitalTotal.Projects)}, byCat.Notes...)
	charts := []web.Chart{
		withNote(countChart(l, "obstweb.stats.chart.by_status", byStatus), openNote),
		withNote(countChart(l, "obstweb.stats.chart.by_category", byCategory), openNote),
		withNote(countChart(l, "obstweb.stats.chart.by_agency", byAgency), openNote),
		trend,
		byCat,
	}
	if staff {
		byAg := capitalChart(l, "obstweb.stats.chart.capital_by_agency", st.CapitalByAgency, agency)
		byAg.Notes = append([]string{l.T("obstweb.stats.note.capital_by_agency", "Projects", l.Int(st.CapitalTotal.Projects), "Count", st.CapitalTotal.Projects)}, byAg.Notes...)
		charts = append(charts, byAg)
	}
	return charts
}

// agencyNamesMaxAge bounds how late the public figures show an agency's
// new name.
const agencyNamesMaxAge = time.Second

// agencyCache keeps the agency list for the public figures, so that they
// read the database at most once per agencyNamesMaxAge, not per request
// (an agency renamed shows there within that time).
type agencyCache struct {
	mu         sync.Mutex
	list       []account.Agency
	at         time.Time
	refreshing atomic.Bool
}

// agencyNamesCached is agencyNames from a list at most agencyNamesMaxAge
// old (give or take one read). One request refreshes it; the others
// meanwhile use the last list.
func (s *Handlers) agencyNamesCached(ctx context.Context, lang string) map[string]string {
	c := &s.agencies
	c.mu.Lock()
	list, stale := c.list, c.list == nil || time.Since(c.at) >= agencyNamesMaxAge
	c.mu.Unlock()
	if stale && (list == nil || c.refreshing.CompareAndSwap(false, true)) {
		fresh := s.agencyList(ctx)
		c.mu.Lock()
		c.list, c.at = fresh, time.Now()
		c.mu.Unlock()
		c.refreshing.Store(false)
		list = fresh
	}
	return s.displayNames(list, lang)
}
