package projects_test

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestChartCaptionsSayWhatTheyCount: under every dashboard chart a note
// says how many projects it counts, and the one by year licensed how many
// it leaves out (the projects without a licence year), each number
// recomputed here from the projects themselves; charts that add VND and
// USD name the rate and the 2023 comparison; the home page and the
// dashboard say that their totals include the projects not yet licensed.
func TestChartCaptionsSayWhatTheyCount(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	all := sitetest.AllProjects(t, e.Projects, project.Filter{})
	total := int64(len(all))
	var noYear, proposed, approved int64
	missing := map[string]int64{}
	for _, p := range all {
		if p.LicensedYear == 0 {
			noYear++
			if p.Stage != project.Proposed && p.Stage != project.Approved {
				t.Errorf("%s at stage %s has no licence year: the caption's reason would be wrong", p.Code, p.Stage)
			}
		}
		switch p.Stage {
		case project.Proposed:
			proposed++
		case project.Approved:
			approved++
		}
		for dim, v := range map[string]string{"stage": string(p.Stage), "sector": p.Sector, "location": p.Location} {
			if v == "" {
				missing[dim]++
			}
		}
	}
	if noYear == 0 || noYear != proposed+approved {
		t.Fatalf("demo data: %d without a licence year, %d proposed, %d approved: the test needs some", noYear, proposed, approved)
	}
	for _, lang := range i18n.Languages {
		l := e.Bundle.For(lang)
		d := e.Get("/" + lang + "/dashboard").Doc(t)
		notesOf := func(title string) []string {
			var notes []string
			found := false
			d.Find("figure.chart").Each(func(_ int, f *goquery.Selection) {
				if strings.TrimSpace(f.Find("figcaption").Text()) != title {
					return
				}
				found = true
				f.Find("[data-testid=chart-note]").Each(func(_ int, n *goquery.Selection) {
					notes = append(notes, strings.TrimSpace(n.Text()))
				})
			})
			if !found {
				t.Errorf("%s: no chart %q", lang, title)
			}
			return notes
		}
		refDate, _ := time.Parse(time.DateOnly, money.ReferenceRateDate)
		d2023, _ := time.Parse(time.DateOnly, web.SBVRate2023Date)
		rate := l.T("dashboard.note.rate", "Rate", l.Int(money.ReferenceVNDPerUSD), "Date", l.Date(refDate))
		rate2023 := l.T("dashboard.note.rate_2023", "Rate", l.Int(web.SBVRate2023), "Date", l.Date(d2023),
			"Percent", l.Percent(money.BasisPoints(money.ReferenceVNDPerUSD-web.SBVRate2023, money.ReferenceVNDPerUSD)))
		for _, group := range []string{"stage", "sector", "location", "year"} {
			out := missing[group]
			if group == "year" {
				out = noYear
			}
			for _, what := range []string{"count", "capital"} {
				var want []string
				if out == 0 {
					want = []string{l.T("dashboard.caption."+what+"_all", "N", l.Int(total), "Count", total)}
				} else {
					reason := "dashboard.caption.left_out"
					if group == "year" {
						reason = "dashboard.caption.left_out_year"
					}
					want = []string{
						l.T("dashboard.caption."+what+"_part", "Shown", l.Int(total-out), "Total", l.Int(total), "Count", total),
						l.T(reason, "N", l.Int(out), "Count", out),
					}
				}
				if what == "capital" {
					want = append(want, rate, rate2023)
				}
				got := notesOf(l.T("dashboard.chart." + what + "_by_" + group))
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s %s by %s: notes\n%q\nwant\n%q", lang, what, group, got, want)
				}
			}
		}
		// The year chart's own words carry the number left out.
		if yr := strings.Join(notesOf(l.T("dashboard.chart.count_by_year")), " "); !strings.Contains(yr, l.Int(noYear)) {
			t.Errorf("%s: year chart notes %q lack %d", lang, yr, noYear)
		}
		scope := l.T("home.figures.scope", "Total", l.Int(total), "Proposed", l.Int(proposed), "Approved", l.Int(approved), "Count", total)
		for _, page := range []string{"/", "/dashboard"} {
			if got := sitetest.Text(e.Get("/"+lang+page).Doc(t), "[data-testid=figures-scope]"); got != scope {
				t.Errorf("%s%s: figures scope %q, want %q", lang, page, got, scope)
			}
		}
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("messages missing from locales/: %v", m)
	}
}
